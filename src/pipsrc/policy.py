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
from pathlib import Path
from typing import Any

from pipsrc.catalogue import UnknownMirror, catalogue
from pipsrc.records import record, replace
from pipsrc.urls import identity, matches_glob, parse_url, same_index

POLICY_FILES = ("pipsrc.toml", ".pipsrc.toml", "pyproject.toml")
TRUSTED_HOST_MODES = ("auto", "always", "never")
# `check` exits 1 when a finding is at least this severe; info findings never fail by default
FAIL_ON = ("error", "warning", "info")


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
class Policy:
    index: str | None = None  # resolved URL of the policy index (None: consistency mode)
    index_id: str | None = None  # catalogue id when the index came from the catalogue
    proxy: bool = False  # the index is an internal proxy (--proxy)
    extra_indexes: tuple[str, ...] = ()
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
    fail_on: str | None = None  # None: not set here (the default, "warning", applies)
    source: str | None = None  # the file it was read from
    root: str | None = None  # the directory of that file

    def with_index(self, value: str, *, proxy: bool = False) -> Policy:
        """Override the index for this run (``--mirror`` / ``--proxy``)."""
        url = catalogue().resolve(value)
        index_id = value if catalogue().get(value) else None
        if index_id is None:
            match = catalogue().match(url)
            if match is not None and match.form == "canonical":
                index_id = match.mirror.id
        allow_http = self.allow_http
        parsed = parse_url(url)
        if parsed is None:
            raise UnknownMirror(value, (), catalogue().ids)
        if proxy and parsed.scheme == "http" and parsed.host not in allow_http:
            allow_http = (*allow_http, parsed.host)
        return replace(self, index=url, index_id=index_id, proxy=proxy, allow_http=allow_http)

    def is_policy_index(self, value: str) -> bool:
        return self.index is not None and identity(value) == identity(self.index)

    def allowed_extra(self, value: str) -> bool:
        return any(_url_glob_match(p, value) for p in self.extra_indexes)

    def exception_for(self, value: str, lang: str = "en") -> tuple[str, str] | None:
        """(name, reason) when ``value`` is an allowed exception index: the policy's own
        entry as written, else the catalogue's vendor entry in ``lang`` ("en" or "zh")."""
        for exc in self.exceptions:
            if exc.matches(value):
                return exc.url, exc.reason
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


def _url_glob_match(pattern: str, value: str) -> bool:
    return matches_glob(value, pattern) if "*" in pattern else same_index(pattern, value)


def _path_glob_match(glob: str, path: str) -> bool:
    if fnmatch.fnmatchcase(path, glob):
        return True
    if glob.endswith("/**") and (path + "/").startswith(glob[:-2]):
        return True
    return "/" not in glob and fnmatch.fnmatchcase(os.path.basename(path), glob)


# --- loading -----------------------------------------------------------------

_KEYS = {
    "index",
    "extra-indexes",
    "trusted-host",
    "allow-http",
    "require-index",
    "known-exceptions",
    "exceptions",
    "configured-images",
    "exclude",
    "select",
    "ignore",
    "per-file-ignores",
    "report",
    "fail-on",
}


def find_policy(start: Path, stop: Path | None = None) -> Path | None:
    """The nearest policy file from ``start`` upward (to ``stop`` or the git root)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    while True:
        for name in POLICY_FILES:
            candidate = here / name
            if candidate.is_file() and _has_policy(candidate):
                return candidate
        if (here / ".git").exists() or (stop is not None and here == stop.resolve()):
            return None
        if here.parent == here:
            return None
        here = here.parent


def _has_policy(path: Path) -> bool:
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
    import tomllib  # here: a run without a policy file imports no TOML parser

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _lineno_from_message(str(exc))
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
    pat = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.MULTILINE)
    m = pat.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _build(table: dict[str, Any], text: str, path: str, root: str) -> Policy:
    def err(key: str, message: str) -> PolicyError:
        return PolicyError(path, _line_of_key(text, key), message)

    for key in table:
        if key not in _KEYS:
            close = [
                k for k in _KEYS if k.replace("-", "") == key.replace("-", "").replace("_", "")
            ]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise err(key, f"unknown policy key {key!r}{hint}")

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise err(key, f"{key} must be a list of strings")
        return tuple(value)

    def boolean(key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise err(key, f"{key} must be true or false")
        return value

    policy = Policy(source=path, root=root)
    if "index" in table:
        value = table["index"]
        if not isinstance(value, str) or not value:
            raise err("index", "index must be a catalogue id or a URL")
        try:
            policy = policy.with_index(value)
        except UnknownMirror as exc:
            raise err("index", str(exc)) from None
    extra = []
    for value in strings("extra-indexes"):
        try:
            extra.append(value if "*" in value else catalogue().resolve(value))
        except UnknownMirror as exc:
            raise err("extra-indexes", str(exc)) from None
    mode = table.get("trusted-host", "auto")
    if mode not in TRUSTED_HOST_MODES:
        raise err("trusted-host", f"trusted-host must be one of {', '.join(TRUSTED_HOST_MODES)}")
    exceptions = []
    raw_exc = table.get("exceptions", [])
    if not isinstance(raw_exc, list):
        raise err("exceptions", "exceptions must be a list of {url, reason} tables")
    for item in raw_exc:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise err("exceptions", "each exception needs a url (and a reason)")
        unknown = set(item) - {"url", "reason"}
        if unknown:
            raise err("exceptions", f"unknown exception field {sorted(unknown)[0]!r}")
        exceptions.append(Exception_(item["url"], str(item.get("reason", ""))))
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise err("per-file-ignores", "per-file-ignores must be a table of glob = [codes]")
    per_file: list[tuple[str, tuple[str, ...]]] = []
    for glob, codes in pfi.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise err("per-file-ignores", f"per-file-ignores[{glob!r}] must be a list of codes")
        per_file.append((glob, tuple(codes)))
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise err("fail-on", f"fail-on must be one of {', '.join(FAIL_ON)}")
    report = table.get("report", {})
    lang = report.get("lang", "en") if isinstance(report, dict) else None
    if lang not in ("en", "zh"):
        raise err("lang", "report.lang must be 'en' or 'zh'")
    from pipsrc.rules import resolve_codes

    select, ignore = strings("select"), strings("ignore")
    for key, codes in (("select", select), ("ignore", ignore)):
        try:
            resolve_codes(codes)
        except KeyError as exc:
            raise err(key, str(exc.args[0])) from None
    for _glob, codes in per_file:
        try:
            resolve_codes(codes)
        except KeyError as exc:
            raise err("per-file-ignores", str(exc.args[0])) from None
    return replace(
        policy,
        extra_indexes=tuple(extra),
        trusted_host=mode,
        allow_http=(*policy.allow_http, *strings("allow-http")),
        require_index=boolean("require-index", True),
        known_exceptions=boolean("known-exceptions", True),
        exceptions=tuple(exceptions),
        configured_images=strings("configured-images"),
        exclude=strings("exclude"),
        select=select,
        ignore=ignore,
        per_file_ignores=tuple(per_file),
        report_lang=str(lang),
        fail_on=fail_on,
    )
