"""The policy (SPEC §3): which index a repository should use, and what is allowed.

Found in ``--policy FILE``, else ``pipsrc.toml`` / ``.pipsrc.toml`` /
``[tool.pipsrc]`` in ``pyproject.toml``, searched from the target upward to the
repository root. Every mistake in it is reported as ``file:line: what is wrong``
(exit 2), because a policy that is silently half-read is worse than none.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipsrc.catalogue import UnknownMirror, catalogue
from pipsrc.compat import TomlError, loads_toml
from pipsrc.proxypolicy import ProxyPolicy, read_proxy
from pipsrc.records import record, replace
from pipsrc.urls import matches_glob, parse_url, same_index, same_mirror

POLICY_FILES = ("pipsrc.toml", ".pipsrc.toml", "pyproject.toml")
TRUSTED_HOST_MODES = ("auto", "always", "never")
# `check` exits 1 when a finding is at least this severe; info findings never fail by default
FAIL_ON = ("error", "warning", "info")


class BadIndex(ValueError):
    """A value that cannot be the policy index (the message says why)."""


class PolicyError(Exception):
    """An invalid policy: carries ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@record(frozen=True)
class Exception_:
    url: str  # a URL or a URL glob
    reason: str

    def matches(self, value: str) -> bool:
        return _url_glob_match(self.url, value)


@record(frozen=True)
class CondaPolicy:
    """``[tool.pipsrc.conda]``: the conda mirror channels should come from, and the channels
    allowed as they are written (the rules of PS6xx; pip's settings never read it)."""

    mirror: str | None = None  # base URL laid out like the public mirrors (pkgs/, cloud/)
    mirror_id: str | None = None  # catalogue id when the mirror came from the catalogue
    verified: bool = True  # the catalogue's conda URLs come from the provider's help page
    # community channels the mirror carries under cloud/ (None: any, for a mirror by URL)
    carried: tuple[str, ...] | None = None
    allowed: tuple[str, ...] = ()  # channel names or URL globs kept as written

    def with_mirror(self, value: str) -> CondaPolicy:
        """The conda mirror for this run: a catalogue id with conda URLs, or a base URL.

        Raises :class:`BadIndex` for an id without a conda mirror (the message lists those
        with one) or a value that is neither an id nor an http(s) URL.
        """
        value = value.strip()
        if "://" in value:
            parsed = parse_url(value)
            if parsed is None or parsed.scheme not in ("http", "https"):
                raise BadIndex(f"{value!r} is not an http(s) URL of a conda mirror")
            return replace(self, mirror=value.rstrip("/"), mirror_id=None, verified=True,
                           carried=None)  # fmt: skip
        mirror = catalogue().get(value)
        usable = [m.id for m in catalogue().mirrors if m.conda and m.conda_status != "redirect"]
        if mirror is None or not mirror.conda or mirror.conda_status == "redirect":
            what = "unknown mirror" if mirror is None else "no conda mirror of its own for"
            raise BadIndex(f"{what} {value!r}: conda mirrors are {', '.join(usable)}")
        return replace(self, mirror=mirror.conda, mirror_id=mirror.id,
                       verified=mirror.conda_status == "verified",
                       carried=mirror.conda_channels)  # fmt: skip

    def allows(self, channel: str) -> bool:
        """A channel the policy keeps as written (a name, a URL, or a URL glob)."""
        return any(
            a == channel or (("://" in a) and _url_glob_match(a, channel)) for a in self.allowed
        )

    def carries(self, channel: str, pkgs: bool) -> bool:
        """Whether the mirror serves ``channel`` (defaults' channels are on every mirror)."""
        return pkgs or self.carried is None or channel in self.carried


@record(frozen=True)
class Policy:
    index: str | None = None  # resolved URL of the policy index (None: consistency mode)
    index_id: str | None = None  # catalogue id when the index came from the catalogue
    proxy: bool = False  # the index is an internal proxy (--proxy)
    extra_indexes: tuple[str, ...] = ()
    # indexes the later attempts of an install fallback chain go to, in order (PS101, PS109)
    fallback_indexes: tuple[str, ...] = ()
    trusted_host: str = "auto"
    allow_http: tuple[str, ...] = ()
    require_index: bool = True
    known_exceptions: bool = True
    exceptions: tuple[Exception_, ...] = ()
    configured_images: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    report_lang: str = "en"
    conda: CondaPolicy = CondaPolicy()
    proxy_policy: ProxyPolicy = ProxyPolicy()  # [proxy]: the proxy's upstream, vendor routing
    fail_on: str | None = None  # None: not set here (the default, "warning", applies)
    include_docs: bool = False  # read Markdown pages' code blocks (--include-docs)
    source: str | None = None  # the file it was read from
    root: str | None = None  # the directory of that file
    # (key, line) of each key in that file, so later checks can name the line (rule codes)
    lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, key: str) -> int:
        """The line of ``key`` in the policy file (1 when unknown)."""
        return next((line for k, line in self.lines if k == key), 1)

    def with_index(self, value: str, *, proxy: bool = False) -> Policy:
        """Override the index for this run (``--mirror`` / ``--proxy``).

        Raises :class:`~pipsrc.catalogue.UnknownMirror` for an unknown id and
        :class:`BadIndex` for a value that cannot be a primary index: not an http(s) URL,
        or a vendor index that serves only its vendor's packages.
        """
        if proxy and "://" not in value:
            raise BadIndex(f"{value!r} is not a URL: a proxy is given by the URL of its index")
        url = catalogue().resolve(value)
        parsed = parse_url(url)
        if parsed is None or parsed.scheme not in ("http", "https"):
            raise BadIndex(f"{value!r} is not an http(s) URL of a package index")
        match = catalogue().match(url)
        if match is not None and match.mirror.is_vendor and not proxy:
            m = match.mirror
            raise BadIndex(
                f"{value!r} is the {m.name_en} index, which serves only {m.name_en}'s own "
                "packages: choose a PyPI mirror as the index (`pipsrc mirrors`); the "
                f"{m.name_en} index stays allowed as an exception"
            )
        if match is not None and not match.mirror.reliable:
            raise BadIndex(f"{value!r}: {catalogue().instead_of(match.mirror)}")
        index_id = value if catalogue().get(value) else None
        if index_id is None and match is not None and match.form == "canonical":
            index_id = match.mirror.id
        allow_http = self.allow_http
        if proxy and parsed.scheme == "http" and parsed.host not in allow_http:
            allow_http = (*allow_http, parsed.host)
        # the proxy clients go through is the one given; a mirror given instead replaces it
        proxy_policy = replace(self.proxy_policy, url=url if proxy else None)
        return replace(self, index=url, index_id=index_id, proxy=proxy, allow_http=allow_http,
                       proxy_policy=proxy_policy)  # fmt: skip

    def is_policy_index(self, value: str) -> bool:
        """The policy index, over https or http: the same mirror (an http one is PS201's)."""
        return self.index is not None and same_mirror(value, self.index)

    def allowed_extra(self, value: str) -> bool:
        return any(_url_glob_match(p, value) for p in self.extra_indexes)

    def exception_for(self, value: str, lang: str = "en") -> tuple[str, str] | None:
        """(name, reason) when ``value`` is an allowed exception index: the policy's own
        entry as written, else the catalogue's vendor entry in ``lang`` ("en" or "zh")."""
        for exc in self.exceptions:
            if exc.matches(value):
                return exc.url, exc.reason
        own = self.proxy_policy.own_index(value) if self.proxy_policy.url else None
        if own is not None:
            return own, _OWN_INDEX[lang == "zh"]
        if self.known_exceptions:
            mirror = catalogue().exception_for(value)
            if mirror is not None:
                return mirror.name(lang), mirror.reason(lang) or ""
        return None

    def http_allowed(self, host: str) -> bool:
        return host in self.allow_http

    def image_configured(self, image: str | None) -> bool:
        if not image:
            return False
        return any(fnmatch.fnmatchcase(image, g) for g in self.configured_images)

    def ignored_for(self, path: str) -> set[str]:
        codes: set[str] = set()
        for glob, cs in self.per_file_ignores:
            if _path_glob_match(glob, path):
                codes.update(cs)
        return codes


# why another index of the policy's devpi proxy is allowed (en, zh)
_OWN_INDEX = ("an index of the internal proxy", "内部代理上的索引")


def _url_glob_match(pattern: str, value: str) -> bool:
    return matches_glob(value, pattern) if "*" in pattern else same_index(pattern, value)


def _path_glob_match(glob: str, path: str) -> bool:
    if fnmatch.fnmatchcase(path, glob):
        return True
    if glob.endswith("/**") and (path + "/").startswith(glob[:-2]):
        return True
    return "/" not in glob and fnmatch.fnmatchcase(os.path.basename(path), glob)


# --- loading -----------------------------------------------------------------


def find_policy(start: Path, stop: Path | None = None) -> Path | None:
    """The nearest policy file from ``start`` upward (to ``stop`` or the git root)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    while True:
        for name in POLICY_FILES:
            candidate = here / name
            if candidate.is_file() and has_policy(candidate):
                return candidate
        if (here / ".git").exists() or (stop is not None and here == stop.resolve()):
            return None
        if here.parent == here:
            return None
        here = here.parent


def has_policy(path: Path) -> bool:
    """Whether ``path`` holds a pipsrc policy (a pyproject.toml only with [tool.pipsrc])."""
    if path.name != "pyproject.toml":
        return True
    try:
        return b"[tool.pipsrc" in path.read_bytes()
    except OSError:
        return False


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file; raise :class:`PolicyError` on any mistake."""
    shown = str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise PolicyError(shown, 1, f"cannot read policy: {exc.strerror}") from None
    text = raw_bytes.decode("utf-8", errors="replace")
    try:  # a run without a policy file imports no TOML parser
        data = loads_toml(text)
    except TomlError as exc:
        line = exc.lineno or _lineno_from_message(str(exc))
        raise PolicyError(shown, line, f"invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("pipsrc")
        if table is None:
            return Policy(source=shown, root=str(path.parent))
    else:
        table = data.get("tool", {}).get("pipsrc", data)
    return _build(table, text, shown, str(path.parent))


def _lineno_from_message(msg: str) -> int:
    m = re.search(r"line (\d+)", msg)
    return int(m.group(1)) if m else 1


def _line_of_key(text: str, key: str) -> int:
    """The line where ``key`` is set: ``key = ...`` or a ``[key]`` table of its own."""
    k = re.escape(key)
    pat = re.compile(rf"^[ \t]*(?:{k}[ \t]*=|\[(?:tool\.pipsrc\.)?{k}\])", re.MULTILINE)
    m = pat.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _line_of_subkey(text: str, table: str, key: str) -> int:
    """The line of ``key`` in the ``table`` table: ``[conda]`` then ``mirror = ...`` below
    it, or ``conda = { mirror = ... }`` on one line; the table's own line when not found."""
    start = _line_of_key(text, table)
    pat = re.compile(rf"(?:^|[\s{{,.]){re.escape(key)}[ \t]*=")
    lines = text.splitlines()
    for n in range(start - 1, len(lines)):
        if n >= start and lines[n].lstrip().startswith("["):
            break  # the next table
        if pat.search(lines[n]):
            return n + 1
    return start


# --- the schema ----------------------------------------------------------------------
#
# Each key of the policy table is read by one function: it gets the TOML value and a
# ``fail(message)`` that raises a PolicyError on the key's line, and returns the value of
# the Policy field named in the table. Rule codes (select, ignore, per-file-ignores) are
# checked against the rules by pipsrc.engine.selection, which knows the rules; the
# policy records each key's line so that check can name it too.

Fail = Callable[[str], PolicyError]


def _strings(key: str) -> Callable[[Any, Fail], tuple[str, ...]]:
    def read(value: Any, fail: Fail) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"{key} must be a list of strings")
        return tuple(value)

    return read


def _boolean(key: str) -> Callable[[Any, Fail], bool]:
    def read(value: Any, fail: Fail) -> bool:
        if not isinstance(value, bool):
            raise fail(f"{key} must be true or false")
        return value

    return read


def _choice(key: str, choices: tuple[str, ...]) -> Callable[[Any, Fail], str]:
    def read(value: Any, fail: Fail) -> str:
        if value not in choices:
            raise fail(f"{key} must be one of {', '.join(choices)}")
        return str(value)

    return read


def _extra_indexes(value: Any, fail: Fail) -> tuple[str, ...]:
    out = []
    for item in _strings("extra-indexes")(value, fail):
        try:
            out.append(item if "*" in item else catalogue().resolve(item))
        except UnknownMirror as exc:
            raise fail(str(exc)) from None
    return tuple(out)


def _fallback_indexes(value: Any, fail: Fail) -> tuple[str, ...]:
    out = []
    for item in _strings("fallback-indexes")(value, fail):
        try:
            url = catalogue().resolve(item)
        except UnknownMirror as exc:
            raise fail(str(exc)) from None
        if parse_url(url) is None:
            raise fail(f"fallback-indexes: {item!r} is not a catalogue id or an http(s) URL")
        out.append(url)
    return tuple(out)


def _exceptions(value: Any, fail: Fail) -> tuple[Exception_, ...]:
    if not isinstance(value, list):
        raise fail("exceptions must be a list of {url, reason} tables")
    out = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise fail("each exception needs a url (and a reason)")
        unknown = set(item) - {"url", "reason"}
        if unknown:
            raise fail(f"unknown exception field {sorted(unknown)[0]!r}")
        out.append(Exception_(item["url"], str(item.get("reason", ""))))
    return tuple(out)


def _per_file_ignores(value: Any, fail: Fail) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise fail("per-file-ignores must be a table of glob = [codes]")
    out = []
    for glob, codes in value.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise fail(f"per-file-ignores[{glob!r}] must be a list of codes")
        out.append((glob, tuple(codes)))
    return tuple(out)


def _conda(value: Any, fail: Fail) -> CondaPolicy:
    """``[conda]``: ``mirror`` (id or base URL) and ``allowed-channels``."""
    if not isinstance(value, dict):
        raise fail("conda must be a table: [tool.pipsrc.conda]")
    unknown = sorted(set(value) - {"mirror", "allowed-channels"})
    if unknown:
        raise fail(f"unknown conda key {unknown[0]!r} (known: mirror, allowed-channels)")
    conda = CondaPolicy()
    if "mirror" in value:
        if not isinstance(value["mirror"], str) or not value["mirror"]:
            raise fail("conda.mirror must be a catalogue id or a URL")
        try:
            conda = conda.with_mirror(value["mirror"])
        except BadIndex as exc:
            raise fail(f"conda.mirror: {exc}") from None
    if "allowed-channels" in value:
        conda = replace(
            conda, allowed=_strings("conda.allowed-channels")(value["allowed-channels"], fail)
        )
    return conda


def _report_lang(value: Any, fail: Fail) -> str:
    lang = value.get("lang", "en") if isinstance(value, dict) else None
    if lang not in ("en", "zh"):
        raise fail("report.lang must be 'en' or 'zh'")
    return str(lang)


@record(frozen=True)
class Key:
    """One key of the policy table: the Policy field it sets, and how it is read."""

    name: str
    field: str
    read: Callable[[Any, Fail], Any]


SCHEMA: tuple[Key, ...] = (
    Key("extra-indexes", "extra_indexes", _extra_indexes),
    Key("fallback-indexes", "fallback_indexes", _fallback_indexes),
    Key("trusted-host", "trusted_host", _choice("trusted-host", TRUSTED_HOST_MODES)),
    Key("allow-http", "allow_http", _strings("allow-http")),
    Key("require-index", "require_index", _boolean("require-index")),
    Key("known-exceptions", "known_exceptions", _boolean("known-exceptions")),
    Key("exceptions", "exceptions", _exceptions),
    Key("configured-images", "configured_images", _strings("configured-images")),
    Key("exclude", "exclude", _strings("exclude")),
    Key("select", "select", _strings("select")),
    Key("ignore", "ignore", _strings("ignore")),
    Key("per-file-ignores", "per_file_ignores", _per_file_ignores),
    Key("report", "report_lang", _report_lang),
    Key("conda", "conda", _conda),
    Key("proxy", "proxy_policy", read_proxy),
    Key("fail-on", "fail_on", _choice("fail-on", FAIL_ON)),
    Key("include-docs", "include_docs", _boolean("include-docs")),
)
# read first and apart: --mirror/--proxy resolve the same way (Policy.with_index)
KEYS = frozenset({"index", *(k.name for k in SCHEMA)})


def _build(table: dict[str, Any], text: str, path: str, root: str) -> Policy:
    """The Policy of a ``[tool.pipsrc]`` table, every key checked against :data:`SCHEMA`."""

    def failing(key: str) -> Fail:
        def fail(message: str) -> PolicyError:
            k = re.escape(key)  # conda.mirror: ..., or proxy key 'x' ...
            sub = re.match(rf"{k}\.([\w-]+)", message) or re.search(rf"{k} key '([^']+)'", message)
            name = "lang" if key == "report" else key
            line = _line_of_subkey(text, name, sub.group(1)) if sub else _line_of_key(text, name)
            return PolicyError(path, line, message)

        return fail

    for key in table:
        if key not in KEYS:
            close = [k for k in KEYS if k.replace("-", "") == key.replace("-", "").replace("_", "")]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise failing(key)(f"unknown policy key {key!r}{hint}")
    lines = tuple((k, _line_of_key(text, k)) for k in table)
    policy = Policy(source=path, root=root, lines=lines)
    if "index" in table:
        policy = _with_index(policy, table["index"], failing("index"))
    values = {k.field: k.read(table[k.name], failing(k.name)) for k in SCHEMA if k.name in table}
    if "allow_http" in values:  # a proxy index's host is allowed already
        values["allow_http"] = (*policy.allow_http, *values["allow_http"])
    policy = replace(policy, **values)
    return _with_proxy(policy, failing("proxy")) if "proxy" in table else policy


def _with_proxy(policy: Policy, fail: Fail) -> Policy:
    """``[proxy] url`` is the index clients use (as ``--proxy URL``); the ``index`` the file
    names, when there is one, is what the proxy follows unless ``upstream`` says otherwise."""
    proxy = policy.proxy_policy
    url = proxy.url
    if url is None:
        return policy
    if proxy.upstream is None and policy.index is not None:
        proxy = replace(proxy, upstream=policy.index, upstream_id=policy.index_id)
    try:
        with_url = replace(policy, proxy_policy=proxy).with_index(url, proxy=True)
    except (UnknownMirror, BadIndex) as exc:
        raise fail(f"proxy.url: {exc}") from None
    return with_url


def _with_index(policy: Policy, value: Any, fail: Fail) -> Policy:
    if not isinstance(value, str) or not value:
        raise fail("index must be a catalogue id or a URL")
    try:
        return policy.with_index(value)
    except (UnknownMirror, BadIndex) as exc:
        raise fail(str(exc)) from None
