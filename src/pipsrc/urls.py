"""URL parsing, normalising, comparison and rewriting (SPEC §7; config-surface §C).

**Work on substrings, never re-assemble.** ``urlunsplit(urlsplit(u))`` is not an
identity (it lower-cases ``HTTPS://``, drops an empty ``?`` or ``#``), so a fix built
from it would change bytes the user did not ask to change. Parsing here only
*measures* the original string; rewrites splice substrings. Where a URL's userinfo ends
is read by :mod:`pipsrc.urltext`, the same rule :mod:`pipsrc.redaction` masks
secrets by, so a URL is never measured one way and redacted another.
"""

from __future__ import annotations

import functools
import re

from pipsrc.records import record
from pipsrc.redaction import find_secrets
from pipsrc.urltext import SCHEME_RE, STOP, UrlToken, split_authority

__all__ = [
    "DEFAULT_PORTS",
    "Url",
    "bare_trusted_host",
    "host_port",
    "identity",
    "matches_glob",
    "parse_url",
    "rewrite_like",
    "same_index",
    "trusted_host_matches",
]

DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443}

_URL_SCHEMES = frozenset({"http", "https", "file"})


# --------------------------------------------------------------------------------------
# Parsing


@record(frozen=True)
class Url:
    """A measured URL: normalised parts plus offsets into the original string.

    ``port`` is None when it is the scheme's default; ``explicit_port`` is the port as
    written (pip compares trusted-host ports against that, not the effective port).
    ``query`` and ``fragment`` exclude their ``?``/``#``. ``has_credentials`` is True
    only for a literal credential (userinfo, query token, ``/t/<token>/``), not for a
    placeholder such as ``${PIP_PASSWORD}``.
    """

    scheme: str
    host: str
    port: int | None
    path: str
    query: str
    fragment: str
    userinfo_span: tuple[int, int] | None
    has_credentials: bool
    explicit_port: int | None = None

    @property
    def host_port(self) -> str:
        """``host`` or ``host:port`` when the port is not the default one."""
        return self.host if self.port is None else f"{self.host}:{self.port}"


def _norm_host(host: str) -> str | None:
    """Lower-case, IDNA-encode and drop a trailing dot; variables stay verbatim."""
    if "$" in host or "{" in host or "%" in host:
        return host
    if host.startswith("["):
        return host.lower()
    host = host.rstrip(".")
    if host.isascii():
        return host.lower()
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def _split_host_port(hostport: str) -> tuple[str, int | None] | None:
    """Split ``host[:port]`` (IPv6 in brackets); None when the port is not a port."""
    if hostport.startswith("["):
        close = hostport.find("]")
        if close == -1:
            return None
        host, rest = hostport[: close + 1], hostport[close + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:] if rest else ""
    else:
        host, _, port_text = hostport.partition(":")
        if ":" in port_text:
            return None
    if not port_text:
        port = None
    elif port_text.isdigit() and port_text.isascii() and len(port_text) <= 5:
        port = int(port_text)
        if port > 65535:
            return None
    elif "$" in port_text:
        return hostport, None  # a variable port: keep the text, compare verbatim
    else:
        return None
    norm = _norm_host(host)
    if norm is None:
        return None
    return norm, port


@functools.lru_cache(maxsize=8192)
def parse_url(value: str) -> Url | None:
    """Measure an absolute http(s)/file URL; None for anything else.

    Memoised (a :class:`Url` is immutable): the rules ask about the same few URLs of a
    monorepo thousands of times.

    Bare hosts, paths, ``$VAR``-only values, URLs with other schemes and values with
    inner whitespace (``https://h/simple # comment``) are not URLs pip would fetch
    as written. Surrounding whitespace is allowed; offsets refer to ``value``.
    """
    lead = len(value) - len(value.lstrip())
    s = value.strip()
    if not s or STOP.search(s):
        return None
    m = SCHEME_RE.match(s)
    if m is None:
        return None
    scheme = s[: m.end() - 3].lower()
    if scheme not in _URL_SCHEMES:
        return None
    auth = m.end()
    at, host_end = split_authority(s, auth, len(s), scheme)
    hp = _split_host_port(s[(at + 1 if at >= 0 else auth) : host_end])
    if hp is None:
        return None
    host, explicit = hp
    if not host and scheme != "file":
        return None
    port = None if explicit == DEFAULT_PORTS.get(scheme) else explicit
    rest = s[host_end:]
    rest, hash_, fragment = rest.partition("#")
    path, _, query = rest.partition("?")
    tok = UrlToken(0, auth, at, host_end, len(s), scheme)
    has_credentials = next(find_secrets(s, tok), None) is not None
    return Url(
        scheme=scheme,
        host=host,
        port=port,
        path=path,
        query=query,
        fragment=fragment if hash_ else "",
        userinfo_span=(lead + auth, lead + at) if at >= 0 else None,
        has_credentials=has_credentials,
        explicit_port=explicit,
    )


# --------------------------------------------------------------------------------------
# Comparison


def _key(url: Url, *, index: bool) -> str:
    path = url.path.rstrip("/") if index else url.path
    return f"{url.scheme}://{url.host_port}{path}"


def identity(value: str, *, index: bool = True) -> str | None:
    """The comparison key of a URL (config-surface §C.1, §C.2), or None.

    Scheme and host lower-cased, IDNA, trailing dot and default port dropped; userinfo,
    query and fragment ignored. For index URLs (the default) a trailing slash is
    ignored: PEP 503 clients treat ``/simple`` and ``/simple/`` alike. devpi's
    ``/+simple/`` stays distinct. Pass ``index=False`` for find-links pages, where a
    slash is significant.
    """
    url = parse_url(value)
    return None if url is None else _key(url, index=index)


def same_mirror(a: str, b: str) -> bool:
    """Whether two index URLs name the same index, http and https alike: the same mirror,
    one of them over a downgraded transport (config-surface §C.3)."""
    ka, kb = identity(a), identity(b)
    return ka is not None and kb is not None and ka.split("://", 1)[1] == kb.split("://", 1)[1]


def same_index(a: str, b: str) -> bool:
    """Whether two index URLs name the same index (never by comparing credentials)."""
    ia = identity(a)
    return ia is not None and ia == identity(b)


def _bare_host_port(entry: str) -> tuple[str, int | None] | None:
    e = entry.strip()
    if not e or STOP.search(e) or "/" in e or "@" in e or "://" in e:
        return None
    hp = _split_host_port(e)
    if hp is None or not hp[0]:
        return None
    return hp


def host_port(value: str) -> str | None:
    """``host`` or ``host:port`` for a URL (default port dropped) or a bare host entry."""
    if "://" in value:
        url = parse_url(value)
        return None if url is None else url.host_port
    hp = _bare_host_port(value)
    if hp is None:
        return None
    host, port = hp
    return host if port is None else f"{host}:{port}"


def trusted_host_matches(entry: str, url: str) -> bool:
    """Whether a ``trusted-host`` entry covers ``url`` the way pip decides it (§C.10).

    A host without a port matches every port; ``host:8080`` matches only an URL that
    says ``:8080``. pip compares the *written* port (``urlparse(...).port``), so
    ``host:80`` does not match ``http://host/``. An entry with a scheme or a path is
    malformed: pip reads ``https://mirrors.aliyun.com`` as the host ``https``.
    """
    hp = _bare_host_port(entry)
    u = parse_url(url)
    if hp is None or u is None:
        return False
    host, port = hp
    if host != u.host:
        return False
    return port is None or port == u.explicit_port


def bare_trusted_host(entry: str) -> str | None:
    """The ``host[:port]`` a malformed trusted-host entry meant, or None.

    ``https://mirrors.aliyun.com/pypi/simple`` -> ``mirrors.aliyun.com`` (PS205's fix).
    Returns None for an entry that is already bare, or that names no host.
    """
    e = entry.strip()
    if not e or STOP.search(e):
        return None
    m = SCHEME_RE.match(e)
    if m is not None:
        scheme = e[: m.end() - 3].lower()
        at, host_end = split_authority(e, m.end(), len(e), scheme)
        hp = _split_host_port(e[(at + 1 if at >= 0 else m.end()) : host_end])
        if hp is None or not hp[0]:
            return None
        host, port = hp
        if port == DEFAULT_PORTS.get(scheme):
            port = None
    elif "/" in e:
        bare = _bare_host_port(e.split("/", 1)[0])
        if bare is None:
            return None
        host, port = bare
    else:
        return None
    return host if port is None else f"{host}:{port}"


def matches_glob(url: str, pattern: str) -> bool:
    """Whether ``url`` matches a policy URL glob (``https://download.pytorch.org/whl/*``).

    ``*`` matches any run of characters, ``/`` included, so a variable variant
    (``/whl/${CUDA}``) matches. Both sides are normalised like :func:`identity`.
    """
    u = parse_url(url)
    if u is None:
        return False
    return _glob_regex(pattern).fullmatch(_key(u, index=True)) is not None


@functools.lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    p = pattern.strip()
    m = SCHEME_RE.match(p)
    if m is not None:
        rest = p[m.end() :]
        slash = rest.find("/")
        head = rest if slash == -1 else rest[:slash]
        tail = "" if slash == -1 else rest[slash:]
        scheme = p[: m.end() - 3].lower()
        host, _, port = head.lower().rstrip(".").partition(":")
        if port and port == str(DEFAULT_PORTS.get(scheme)):
            port = ""
        if not tail.endswith("/*"):
            tail = tail.rstrip("/")
        p = f"{scheme}://{host}{':' + port if port else ''}{tail}"
    return re.compile(".*".join(re.escape(piece) for piece in p.split("*")), re.DOTALL)


# --------------------------------------------------------------------------------------
# Rewriting


def _slash_neutral(url: str) -> bool:
    """A URL whose trailing slash must not be touched: a page, or one with a query."""
    u = parse_url(url)
    if u is None:
        return True
    last = u.path.rsplit("/", 1)[-1].lower()
    return bool(u.query or u.fragment) or last.endswith((".html", ".htm", ".json", ".txt"))


def rewrite_like(old: str, new: str) -> str:
    """The text that replaces ``old`` to point it at ``new``, in ``old``'s slash style.

    Only the trailing slash is taken from ``old``; nothing else (in particular never its
    userinfo: credentials are not copied). Pages such as ``torch_stable.html`` and URLs
    with a query are returned untouched, since a slash changes what they name.
    """
    if _slash_neutral(new):
        return new
    old_slash = old.rstrip().endswith("/")
    if old_slash and not new.endswith("/"):
        return new + "/"
    if not old_slash and new.endswith("/"):
        stripped = new.rstrip("/")
        if not stripped.endswith(":") and not stripped.endswith("://"):
            return stripped
    return new
