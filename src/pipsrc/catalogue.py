"""The mirror catalogue (SPEC §7): what pipsrc knows about public indexes.

The data lives in :mod:`pipsrc.mirrors` and :mod:`pipsrc.vendors` so that adding a mirror is
a data change reviewed on its own, not a code change. It is parsed once per process (lazily: a run
that never compares URLs never reads it) into immutable :class:`Mirror` records and two
lookup tables, so :meth:`Catalogue.match` costs one URL parse and one dict lookup (plus
a few glob tests for a host that has vendor patterns) instead of a regex scan over every
catalogue entry for every setting in a monorepo.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from pipsrc.compat import TomlError, loads_toml
from pipsrc.records import record
from pipsrc.urls import Url, parse_url

__all__ = [
    "FORMS",
    "Catalogue",
    "CatalogueError",
    "Match",
    "Mirror",
    "UnknownMirror",
    "catalogue",
]

Kind = Literal["mirror", "vendor"]
Form = Literal["canonical", "alias", "legacy", "intranet", "http", "vendor"]
FORMS: tuple[Form, ...] = ("canonical", "alias", "legacy", "intranet", "http", "vendor")


class CatalogueError(ValueError):
    """The catalogue data is inconsistent (a packaging bug, caught by the tests)."""


class UnknownMirror(ValueError):
    """A mirror id that is not in the catalogue; the message suggests close ids."""

    def __init__(self, mirror_id: str, suggestions: Sequence[str], known: Sequence[str]) -> None:
        self.mirror_id = mirror_id
        self.suggestions = tuple(suggestions)
        if suggestions:
            hint = "did you mean " + ", ".join(f'"{s}"' for s in suggestions) + "?"
        else:
            hint = "known ids: " + ", ".join(known)
        super().__init__(f'unknown mirror "{mirror_id}": {hint} (`pipsrc mirrors` lists them all)')


@record(frozen=True)
class Mirror:
    """One catalogue entry: a PyPI mirror or a vendor (exception) index."""

    id: str
    name_en: str
    name_zh: str
    url: str
    aliases: tuple[str, ...] = ()
    legacy: tuple[str, ...] = ()
    intranet: tuple[str, ...] = ()
    https: bool = True
    conda: str | None = None
    conda_channels: tuple[str, ...] = ()  # community channels under <conda>/cloud/
    conda_status: str = "reported"  # verified | reported | redirect (see pipsrc.mirrors)
    kind: Kind = "mirror"
    reason_en: str | None = None
    reason_zh: str | None = None
    patterns: tuple[str, ...] = ()
    file_hosts: tuple[str, ...] = ()
    note_en: str | None = None
    note_zh: str | None = None
    status: str = "ok"  # "ok" | "unreliable": an unreliable mirror is never a fix's target
    proxy_name: str | None = None  # a vendor's mirror index on a devpi proxy (root/<name>-...)

    @property
    def is_vendor(self) -> bool:
        return self.kind == "vendor"

    @property
    def reliable(self) -> bool:
        return self.status == "ok"

    def name(self, lang: str = "en") -> str:
        """Display name in ``lang`` ("en" or "zh")."""
        return self.name_zh if lang == "zh" else self.name_en

    def reason(self, lang: str = "en") -> str | None:
        """Why a vendor index is kept (None for plain mirrors)."""
        return self.reason_zh if lang == "zh" else self.reason_en

    def note(self, lang: str = "en") -> str | None:
        return self.note_zh if lang == "zh" else self.note_en


@record(frozen=True)
class Match:
    """How a URL relates to a catalogue entry.

    ``form`` is one of :data:`FORMS`. ``insecure`` is True when the URL uses plain http
    although the address it matched is served over https (PS201's concern), which is
    also what the ``"http"`` form says for the canonical address.
    """

    mirror: Mirror
    form: Form
    insecure: bool = False


def _form_key(url: Url) -> str:
    """The scheme-less identity used for catalogue lookups (slash-insensitive)."""
    return url.host_port + url.path.rstrip("/")


@functools.cache
def _path_glob(tail: str) -> re.Pattern[str]:
    """The regex of a vendor path glob, compiled when a URL on its host is first matched."""
    if not tail.endswith("/*"):
        tail = tail.rstrip("/")
    return re.compile(".*".join(re.escape(p) for p in tail.split("*")), re.DOTALL)


class Catalogue:
    """The loaded catalogue with its lookup tables. Obtain it with :func:`catalogue`."""

    def __init__(self, mirrors: Iterable[Mirror]) -> None:
        self._mirrors = tuple(mirrors)
        self._by_id: dict[str, Mirror] = {}
        # scheme-less identity -> (mirror, form, scheme the address was listed with)
        self._forms: dict[str, tuple[Mirror, Form, str]] = {}
        # host[:port] -> vendor path globs on that host
        self._vendor: dict[str, list[tuple[Mirror, str]]] = {}  # path globs, compiled lazily
        self._memo: dict[str, Match | None] = {}
        for m in self._mirrors:
            if m.id in self._by_id:
                raise CatalogueError(f"duplicate mirror id {m.id!r}")
            self._by_id[m.id] = m
            self._add(m, m.url, "canonical")
            other_forms: tuple[tuple[Form, tuple[str, ...]], ...] = (
                ("alias", m.aliases),
                ("legacy", m.legacy),
                ("intranet", m.intranet),
            )
            for form, urls in other_forms:
                for u in urls:
                    self._add(m, u, form)
            for pattern in m.patterns:
                self._add_pattern(m, pattern)

    def _add(self, mirror: Mirror, url: str, form: Form) -> None:
        parsed = parse_url(url)
        if parsed is None or parsed.scheme not in ("http", "https"):
            raise CatalogueError(f"{mirror.id}: {form} URL {url!r} is not an http(s) URL")
        key = _form_key(parsed)
        if key in self._forms:
            other, other_form, _ = self._forms[key]
            raise CatalogueError(
                f"{mirror.id}: {form} URL {url!r} is already the {other_form} URL of {other.id}"
            )
        self._forms[key] = (mirror, form, parsed.scheme)

    def _add_pattern(self, mirror: Mirror, pattern: str) -> None:
        head, sep, rest = pattern.partition("://")
        if not sep or head.lower() not in ("http", "https"):
            raise CatalogueError(f"{mirror.id}: pattern {pattern!r} needs an http(s) scheme")
        slash = rest.find("/")
        hostport = rest if slash == -1 else rest[:slash]
        if "*" in hostport:
            raise CatalogueError(f"{mirror.id}: pattern {pattern!r}: no glob in the host")
        parsed = parse_url(f"{head}://{hostport}/")
        if parsed is None:
            raise CatalogueError(f"{mirror.id}: pattern {pattern!r} has a bad host")
        tail = "" if slash == -1 else rest[slash:]
        self._vendor.setdefault(parsed.host_port, []).append((mirror, tail))

    # ---------------------------------------------------------------- construction

    @classmethod
    def from_toml(cls, text: str) -> Catalogue:
        """Build a catalogue from ``[[mirror]]`` tables in TOML text (validated): a
        catalogue of one's own, and the tests of the validation."""
        try:
            data = loads_toml(text)
        except TomlError as e:
            raise CatalogueError(f"catalogue: {e}") from e
        entries = data.get("mirror")
        if not isinstance(entries, list):
            raise CatalogueError("catalogue: no [[mirror]] tables")
        return cls(_mirror_from(entry, i) for i, entry in enumerate(entries))

    # ---------------------------------------------------------------- queries

    @property
    def mirrors(self) -> tuple[Mirror, ...]:
        """Every entry, in file order (the order ``pipsrc mirrors`` lists them)."""
        return self._mirrors

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self._mirrors)

    def get(self, mirror_id: str) -> Mirror | None:
        """The entry with this id (case-insensitive), or None."""
        return self._by_id.get(mirror_id.strip().lower())

    def reliable_mirrors(self) -> list[Mirror]:
        """The PyPI mirrors a fix may target (not vendor indexes, not unreliable ones)."""
        return [m for m in self._mirrors if not m.is_vendor and m.reliable]

    def instead_of(self, mirror: Mirror) -> str:
        """Why an unreliable mirror is not a target, and which mirrors to pick instead."""
        others = ", ".join(m.id for m in self.reliable_mirrors()[1:4])  # after PyPI itself
        return (
            f"the catalogue marks {mirror.name_en} as unreliable "
            f"({mirror.note_en or 'often unavailable'}); choose another mirror, such as {others}"
        )

    def suggestions(self, query: str, n: int = 3) -> list[str]:
        """Ids close to ``query``: spelling (difflib) or a part of a display name."""
        q = query.strip().lower()
        import difflib  # only for a mistyped id

        out = difflib.get_close_matches(q, list(self._by_id), n=n, cutoff=0.6)
        if q:
            for m in self._mirrors:
                names = (m.name_en.lower(), m.name_zh.lower())
                if m.id not in out and any(q in name for name in names):
                    out.append(m.id)
        return out[:n]

    def resolve(self, id_or_url: str) -> str:
        """A catalogue id -> its canonical URL; a URL -> itself (verbatim).

        Raises :class:`UnknownMirror` for an unknown id, naming close ids, because a
        typo in ``--mirror`` must fail loudly rather than rewrite a repository to it.
        """
        value = id_or_url.strip()
        if "://" in value:
            return id_or_url
        mirror = self.get(value)
        if mirror is None:
            raise UnknownMirror(value, self.suggestions(value), self.ids)
        return mirror.url

    def match(self, url: str) -> Match | None:
        """Which catalogue entry ``url`` points at, and in which form; None if none.

        Exact addresses (canonical, alias, legacy, intranet) are compared by identity
        (scheme case, default port, trailing slash ignored); vendor families by glob on
        the path, so ``https://download.pytorch.org/whl/${CUDA_VERSION}`` matches.
        """
        if url in self._memo:
            return self._memo[url]
        result = self._match(url)
        if len(self._memo) > 4096:
            self._memo.clear()
        self._memo[url] = result
        return result

    def _match(self, url: str) -> Match | None:
        parsed = parse_url(url)
        if parsed is None or parsed.scheme not in ("http", "https"):
            return None
        http = parsed.scheme == "http"
        hit = self._forms.get(_form_key(parsed))
        if hit is not None:
            mirror, form, listed_scheme = hit
            insecure = http and (listed_scheme == "https" or (form != "intranet" and mirror.https))
            if form == "canonical" and insecure:
                return Match(mirror, "http", insecure=True)
            return Match(mirror, form, insecure=insecure)
        candidates = self._vendor.get(parsed.host_port)
        if candidates:
            path = parsed.path.rstrip("/")
            for mirror, glob in candidates:
                if _path_glob(glob).fullmatch(path) is not None:
                    return Match(mirror, "vendor", insecure=http and mirror.https)
        return None

    def exception_for(self, url: str) -> Mirror | None:
        """The vendor entry whose index family ``url`` belongs to (a built-in exception)."""
        m = self.match(url)
        return m.mirror if m is not None and m.mirror.is_vendor else None


def _strs(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogueError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _opt_str(entry: Mapping[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise CatalogueError(f"{where}: {key} must be a non-empty string")
    return value


_FIELDS = frozenset(
    {
        "id",
        "name_en",
        "name_zh",
        "url",
        "aliases",
        "legacy",
        "intranet",
        "https",
        "conda",
        "conda_channels",
        "conda_status",
        "kind",
        "reason_en",
        "reason_zh",
        "patterns",
        "file_hosts",
        "note_en",
        "note_zh",
        "status",
        "proxy_name",
    }
)


def _mirror_from(entry: object, index: int) -> Mirror:
    if not isinstance(entry, dict):
        raise CatalogueError(f"catalogue: entry {index} is not a table")
    where = f"catalogue: entry {index} ({entry.get('id', '?')})"
    unknown = set(entry) - _FIELDS
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}")
    required = {}
    for key in ("id", "name_en", "name_zh", "url"):
        value = _opt_str(entry, key, where)
        if value is None:
            raise CatalogueError(f"{where}: {key} is required")
        required[key] = value
    kind = entry.get("kind", "mirror")
    if kind not in ("mirror", "vendor"):
        raise CatalogueError(f"{where}: kind must be mirror or vendor")
    https = entry.get("https", True)
    if not isinstance(https, bool):
        raise CatalogueError(f"{where}: https must be a boolean")
    reason_en = _opt_str(entry, "reason_en", where)
    reason_zh = _opt_str(entry, "reason_zh", where)
    if kind == "vendor" and (reason_en is None or reason_zh is None):
        raise CatalogueError(f"{where}: a vendor entry needs reason_en and reason_zh")
    status = entry.get("status", "ok")
    if status not in ("ok", "unreliable"):
        raise CatalogueError(f"{where}: status must be ok or unreliable")
    conda_status = entry.get("conda_status", "reported")
    if conda_status not in ("verified", "reported", "redirect"):
        raise CatalogueError(f"{where}: conda_status must be verified, reported or redirect")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", required["id"]):
        raise CatalogueError(f"{where}: id must be lower-case letters, digits and '-'")
    return Mirror(
        id=required["id"],
        name_en=required["name_en"],
        name_zh=required["name_zh"],
        url=required["url"],
        aliases=_strs(entry, "aliases", where),
        legacy=_strs(entry, "legacy", where),
        intranet=_strs(entry, "intranet", where),
        https=https,
        conda=_opt_str(entry, "conda", where),
        conda_channels=_strs(entry, "conda_channels", where),
        conda_status=conda_status,
        kind=kind,
        reason_en=reason_en,
        reason_zh=reason_zh,
        patterns=_strs(entry, "patterns", where),
        file_hosts=_strs(entry, "file_hosts", where),
        note_en=_opt_str(entry, "note_en", where),
        note_zh=_opt_str(entry, "note_zh", where),
        status=status,
        proxy_name=_opt_str(entry, "proxy_name", where),
    )


@functools.cache
def catalogue() -> Catalogue:
    """The packaged catalogue (:mod:`pipsrc.mirrors`), validated and indexed on first use
    and shared for the process; a run that never compares URLs never loads it."""
    from pipsrc.mirrors import MIRRORS
    from pipsrc.vendors import VENDORS

    return Catalogue(_mirror_from(entry, i) for i, entry in enumerate([*MIRRORS, *VENDORS]))
