"""URL parsing, comparison, rewriting and redaction (SPEC §7, §9; config-surface §C).

Two rules shape everything here:

* **Work on substrings, never re-assemble.** ``urlunsplit(urlsplit(u))`` is not an
  identity (it lower-cases ``HTTPS://``, drops an empty ``?`` or ``#``), so a fix built
  from it would change bytes the user did not ask to change. Parsing here only
  *measures* the original string; rewrites and redaction splice substrings.
* **One redaction choke point.** :func:`redact` is applied to every string that leaves
  pipsrc. It is stricter than pip's own redaction (reliability §3.2): the userinfo is
  everything between ``://`` and the *last* ``@`` before whitespace or a quote, so a
  password containing ``/``, ``#`` or ``?`` cannot slip through; sensitive query and
  fragment keys and anaconda ``/t/<token>/`` paths are masked too. Every scanner is
  linear-time (``str.find``/``rfind`` and regexes without nested quantifiers), because
  it runs on untrusted repository content.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from urllib.parse import unquote

from pipsrc.records import record

__all__ = [
    "DEFAULT_PORTS",
    "MASK",
    "Url",
    "bare_trusted_host",
    "credentials_in",
    "host_port",
    "identity",
    "matches_glob",
    "parse_url",
    "redact",
    "redact_url",
    "rewrite_like",
    "same_index",
    "trusted_host_matches",
]

MASK = "****"
"""What a secret is replaced with (also SARIF's ``redactionTokens``)."""

DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443}

_URL_SCHEMES = frozenset({"http", "https", "file"})
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# A URL in free text ends at whitespace or a quote (reliability §3.3).
_STOP = re.compile(r"[\s'\"`]")
# The standard end of an authority.
_AUTH_END = re.compile(r"[/?#]")
# key=value pairs in a query or fragment. The key is bounded, so each attempt is O(1).
_QPAIR = re.compile(r"[?&#;]([^=&#;?/\s]{1,64})=([^&#;\s]*)")

_SENSITIVE_KEYS = frozenset(
    {
        "token",
        "private_token",
        "job_token",
        "apikey",
        "api_key",
        "api-key",
        "password",
        "passwd",
        "pwd",
        "secret",
        "client_secret",
        "auth",
        "access_token",
        "sig",
        "signature",
    }
)

# Placeholder units: a value made only of these is not a secret (reliability §3.1).
_SHELL_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+=?])([^}]*))?\}")
_PLACEHOLDER_UNITS = (
    re.compile(r"\$\{\{[^}\n]{0,300}\}\}"),  # GitHub Actions ${{ secrets.X }}
    re.compile(r"\{\{[^}\n]{0,300}\}\}"),  # Jinja / Helm {{ x }}
    re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*"),  # $VAR
    re.compile(r"\$\([^)\n]{0,300}\)"),  # $(cmd) / make $(VAR)
    re.compile(r"%[A-Za-z_][A-Za-z0-9_]*%"),  # %VAR% (Windows)
    re.compile(r"\{env:[^}\n]{0,300}\}"),  # tox {env:VAR:default}
    re.compile(r"\*+"),  # already masked: ****
    re.compile(r"<[^<>\s]{0,100}>"),  # <password>
    re.compile(r"[xX]{3,}"),  # xxx
)
_DEFAULT_OPS = frozenset({":-", "-", ":=", "=", ":+", "+"})

_LITERAL = 0
_PLACEHOLDER = 1
_LITERAL_DEFAULT = 2


# --------------------------------------------------------------------------------------
# Scanning


@record(frozen=True)
class _Token:
    """Offsets of one ``scheme://...`` occurrence inside a larger string."""

    start: int  # scheme start
    auth: int  # just after "://"
    at: int  # the "@" that ends the userinfo, or -1
    host_end: int  # end of host[:port]
    end: int  # end of the URL token
    scheme: str  # lower-cased

    @property
    def host_start(self) -> int:
        return self.at + 1 if self.at >= 0 else self.auth


def _token_end(text: str, pos: int, limit: int) -> int:
    """End of the URL token starting at ``pos``: the first whitespace or quote.

    A ``${{ ... }}`` / ``{{ ... }}`` expression is skipped as a unit (its spaces do not
    end the URL), but only within 300 characters on one line, so the scan stays linear.
    """
    while True:
        m = _STOP.search(text, pos, limit)
        if m is None:
            return limit
        e = m.start()
        o = text.rfind("{{", pos, e)
        if o != -1 and text.find("}}", o, e) == -1:
            c = text.find("}}", e, min(limit, e + 300))
            if c != -1 and text.find("\n", e, c) == -1:
                pos = c + 2
                continue
        return e


def _is_vcs(scheme: str) -> bool:
    return "+" in scheme or scheme in ("git", "ssh", "hg", "svn", "bzr")


def _vcs_at(text: str, auth: int, end: int) -> int:
    """The userinfo ``@`` of a VCS URL, whose path may end in ``@<revision>``.

    pip splits the revision off with ``rsplit("@", 1)`` on the path, so a final ``@``
    that follows a path and is not itself followed by a ``/`` (before any ``#``) is a
    revision; the userinfo then ends at the last ``@`` before it, read as strictly as
    for any URL. Anything else falls back to the strict rule, which can only
    over-redact (``repo.git@feature/x`` is shown as ``****@feature/x``).

    The path that makes the final ``@`` a revision must lie after the userinfo: a ``/``
    inside the userinfo would vanish under the mask, and redacting the output again
    would then read the URL differently (redaction must be idempotent).
    """
    last = text.rfind("@", auth, end)
    if last == -1:
        return -1
    hash_ = text.find("#", last, end)
    rev_end = end if hash_ == -1 else hash_
    if text.find("/", last, rev_end) != -1:
        return last
    prev = text.rfind("@", auth, last)
    if text.find("/", auth if prev == -1 else prev + 1, last) != -1:
        return prev
    return last


def _split_authority(text: str, auth: int, end: int, scheme: str) -> tuple[int, int]:
    """Return ``(at, host_end)`` for the authority starting at ``auth``.

    The userinfo ends at the *last* ``@`` of the token, so ``user:pa/ss@host`` is read
    the way a human (and a server) reads it, not the way ``urlsplit`` does. VCS URLs
    (``git+https://host/repo.git@v1``) put a revision after an ``@`` in the path, so
    they use :func:`_vcs_at`.
    """
    m = _AUTH_END.search(text, auth, end)
    std_end = m.start() if m else end
    at = _vcs_at(text, auth, end) if _is_vcs(scheme) else text.rfind("@", auth, end)
    if at == -1:
        return -1, std_end
    m = _AUTH_END.search(text, at + 1, end)
    return at, (m.start() if m else end)


def _tokens(text: str) -> Iterator[_Token]:
    """Every ``scheme://`` token in ``text``, left to right, non-overlapping."""
    pos = 0
    n = len(text)
    while True:
        sep = text.find("://", pos)
        if sep == -1:
            return
        s = sep
        while s > pos and text[s - 1] in _SCHEME_CHARS:
            s -= 1
        scheme = text[s:sep].lower()
        auth = sep + 3
        end = _token_end(text, auth, n)
        at, host_end = _split_authority(text, auth, end, scheme)
        yield _Token(s, auth, at, host_end, end, scheme)
        pos = max(end, auth)


# --------------------------------------------------------------------------------------
# Placeholders and secrets


def _classify(value: str, depth: int = 0) -> int:
    """Is ``value`` a literal, only placeholders, or placeholders with a literal default?

    ``${PIP_PASSWORD}`` is not a secret, but ``${PW:-hunter2}`` carries one in its
    default. Percent-encoded placeholders (pip writes ``%24%7BPIP_USER%7D``) count too.
    """
    if not value:
        return _PLACEHOLDER
    pos = 0
    n = len(value)
    result = _PLACEHOLDER
    while pos < n:
        m = _SHELL_VAR.match(value, pos)
        if m is not None:
            op, arg = m.group(2), m.group(3)
            if op in _DEFAULT_OPS and arg and (depth > 0 or _classify(arg, 1) != _PLACEHOLDER):
                result = _LITERAL_DEFAULT
            pos = m.end()
            continue
        for unit in _PLACEHOLDER_UNITS:
            m = unit.match(value, pos)
            if m is not None:
                pos = m.end()
                break
        else:
            if depth == 0 and "%" in value:
                decoded = unquote(value)
                if decoded != value:
                    return _classify(decoded, 1)
            return _LITERAL
    return result


def _top_level_colon(s: str) -> int:
    """Index of the first ``:`` that is not inside ``${...}`` or ``{{...}}``, or -1."""
    first = s.find(":")
    if first == -1:
        return -1
    if "{" not in s[:first]:
        return first
    depth = 0
    for i, ch in enumerate(s):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == ":" and depth == 0:
            return i
    return -1


@record(frozen=True)
class _Secret:
    start: int
    end: int
    description: str


def _userinfo_secret(text: str, tok: _Token) -> _Secret | None:
    if tok.at < 0:
        return None
    a, b = tok.auth, tok.at
    ui = text[a:b]
    if not ui:
        return None
    colon = _top_level_colon(ui)
    if colon == -1:
        if tok.scheme.endswith("ssh"):
            return None  # git+ssh://git@host: a user name, the secret is a key
        kind = _classify(ui)
        if kind == _PLACEHOLDER:
            return None
        if kind == _LITERAL_DEFAULT:
            return _Secret(a, b, "credentials in the default value of a variable")
        return _Secret(a, b, "a token as the user name")
    user, password = ui[:colon], ui[colon + 1 :]
    if any(c in user for c in "@/?#"):
        # Not a user name: the "user" is itself a stretch of URL (``tok@h/x:y@z``), so
        # showing it could show a token. Mask the whole userinfo.
        if _classify(user) == _PLACEHOLDER and _classify(password) == _PLACEHOLDER:
            return None
        return _Secret(a, b, "credentials in the user info")
    if not password:
        if _classify(user) == _PLACEHOLDER:
            return None
        return _Secret(a, a + colon, "a token as the user name (empty password)")
    kind = _classify(password)
    if kind == _PLACEHOLDER:
        return None
    shown = user if len(user) <= 64 else user[:61] + "..."
    if kind == _LITERAL_DEFAULT:
        return _Secret(
            a + colon + 1, b, f'user "{shown}" with a password in the default of a variable'
        )
    return _Secret(a + colon + 1, b, f'user "{shown}" with a password')


def _path_secret(text: str, tok: _Token) -> _Secret | None:
    """Tokens carried in the path: anaconda.org ``/t/<token>/``, Cloudsmith ``/<token>/``."""
    hs = tok.host_start
    if tok.host_end - hs > 255:
        return None
    host = text[hs : tok.host_end].lower().rsplit(":", 1)[0].rstrip(".")
    p = tok.host_end
    if host.endswith(("anaconda.org", "anaconda.com", "anaconda.cloud")):
        if not text.startswith("/t/", p, tok.end):
            return None
        seg_start = p + 3
        label = "a token in the path (/t/...)"
    elif host == "dl.cloudsmith.io":
        if not text.startswith("/", p, tok.end):
            return None
        seg_start = p + 1
        label = "a token in the path"
    else:
        return None
    m = _AUTH_END.search(text, seg_start, tok.end)
    seg_end = m.start() if m else tok.end
    seg = text[seg_start:seg_end]
    if host == "dl.cloudsmith.io" and seg in ("public", "basic"):
        return None
    if _classify(seg) != _LITERAL:
        return None
    return _Secret(seg_start, seg_end, label)


def _query_secrets(text: str, tok: _Token) -> Iterator[_Secret]:
    for m in _QPAIR.finditer(text, tok.host_end, tok.end):
        key = unquote(m.group(1)).lower()
        if key not in _SENSITIVE_KEYS and not key.startswith("x-amz-"):
            continue
        value = m.group(2)
        if _classify(value) != _LITERAL:
            continue
        where = "fragment" if text[m.start()] == "#" else "query"
        yield _Secret(m.start(2), m.end(2), f"a token in the {where} ({m.group(1)})")


def _secrets(text: str, tok: _Token) -> Iterator[_Secret]:
    """The secrets of one token, in increasing, non-overlapping order."""
    ui = _userinfo_secret(text, tok)
    if ui is not None:
        yield ui
    ps = _path_secret(text, tok)
    if ps is not None:
        yield ps
    floor = max(ui.end if ui else 0, ps.end if ps else 0)
    for qs in _query_secrets(text, tok):
        if qs.start >= floor:
            yield qs


def redact(text: str) -> str:
    """Mask every credential in every URL in ``text`` (the single redaction choke point).

    Keeps the user name when there is a password (``user:****@host``) because it helps
    triage and is not secret; replaces token-only userinfo (``****@host``), sensitive
    query/fragment values and anaconda ``/t/<token>/`` segments. Placeholders
    (``${PIP_PASSWORD}``, ``$TOKEN``, ``${{ secrets.X }}``) are left alone: they are
    not secrets and mangling them would make messages useless. Idempotent, linear-time.
    """
    if "://" not in text:
        return text
    out: list[str] = []
    last = 0
    for tok in _tokens(text):
        for sec in _secrets(text, tok):
            out.append(text[last : sec.start])
            out.append(MASK)
            last = sec.end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def redact_url(value: str) -> str:
    """:func:`redact` for a single URL value (same rules; named for call-site clarity)."""
    return redact(value)


def credentials_in(value: str) -> str | None:
    """Describe the credentials found in ``value`` (already redacted), or None.

    Placeholders are not credentials, except a literal default inside one
    (``${CRED:-user:pw}``). Several findings are joined with ``"; "``.
    """
    if "://" not in value:
        return None
    found = [sec.description for tok in _tokens(value) for sec in _secrets(value, tok)]
    if not found:
        return None
    return redact("; ".join(dict.fromkeys(found)))


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
    if not s or _STOP.search(s):
        return None
    m = _SCHEME_RE.match(s)
    if m is None:
        return None
    scheme = s[: m.end() - 3].lower()
    if scheme not in _URL_SCHEMES:
        return None
    auth = m.end()
    at, host_end = _split_authority(s, auth, len(s), scheme)
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
    tok = _Token(0, auth, at, host_end, len(s), scheme)
    has_credentials = next(_secrets(s, tok), None) is not None
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


def same_index(a: str, b: str) -> bool:
    """Whether two index URLs name the same index (never by comparing credentials)."""
    ia = identity(a)
    return ia is not None and ia == identity(b)


def _bare_host_port(entry: str) -> tuple[str, int | None] | None:
    e = entry.strip()
    if not e or _STOP.search(e) or "/" in e or "@" in e or "://" in e:
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
    if not e or _STOP.search(e):
        return None
    m = _SCHEME_RE.match(e)
    if m is not None:
        scheme = e[: m.end() - 3].lower()
        at, host_end = _split_authority(e, m.end(), len(e), scheme)
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
    m = _SCHEME_RE.match(p)
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
