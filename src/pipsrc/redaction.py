"""Finding and masking the secrets in URLs (SPEC §9; reliability §3).

**One redaction choke point.** :func:`redact` is applied to every string that leaves
pipsrc. It is stricter than pip's own redaction (reliability §3.2): the userinfo is
everything between ``://`` and the *last* ``@`` before whitespace or a quote (see
:mod:`pipsrc.urltext`), so a password containing ``/``, ``#`` or ``?`` cannot
slip through; sensitive query and fragment keys and anaconda ``/t/<token>/`` paths are
masked too. Placeholders (``${PIP_PASSWORD}``, ``$TOKEN``, ``${{ secrets.X }}``) are
not secrets and are left alone. Every scanner is linear-time, because it runs on
untrusted repository content.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from urllib.parse import unquote

from pipsrc.records import record
from pipsrc.urltext import AUTH_END, UrlToken, url_tokens

__all__ = ["MASK", "Secret", "credentials_in", "find_secrets", "redact", "redact_url"]

MASK = "****"
"""What a secret is replaced with (also SARIF's ``redactionTokens``)."""

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
# Placeholders


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


# --------------------------------------------------------------------------------------
# Secrets


@record(frozen=True)
class Secret:
    """The characters ``[start, end)`` of a text that are a secret, and what kind it is."""

    start: int
    end: int
    description: str


def _userinfo_secret(text: str, tok: UrlToken) -> Secret | None:
    """The secret in a URL's userinfo (the text between ``://`` and its ``@``), if any."""
    if tok.at < 0:
        return None
    a, b = tok.auth, tok.at
    ui = text[a:b]
    if not ui:
        return None
    colon = _top_level_colon(ui)
    if colon == -1:
        return _user_only_secret(ui, a, b, tok.scheme)
    return _user_password_secret(ui, a, b, colon)


def _user_only_secret(ui: str, a: int, b: int, scheme: str) -> Secret | None:
    """Userinfo without a ``:``: registries take a token as the user name, so the whole
    userinfo is the secret, except for an ssh user (there the secret is a key)."""
    if scheme.endswith("ssh"):
        return None  # git+ssh://git@host: a user name, the secret is a key
    kind = _classify(ui)
    if kind == _PLACEHOLDER:
        return None
    if kind == _LITERAL_DEFAULT:
        return Secret(a, b, "credentials in the default value of a variable")
    return Secret(a, b, "a token as the user name")


def _user_password_secret(ui: str, a: int, b: int, colon: int) -> Secret | None:
    """``user:password``: only the password is masked, since the user name helps triage
    and is not secret; but a "user" that cannot be one, or an empty password, hides a
    token in what would be shown."""
    user, password = ui[:colon], ui[colon + 1 :]
    if any(c in user for c in "@/?#"):
        # Not a user name: the "user" is itself a stretch of URL (``tok@h/x:y@z``), so
        # showing it could show a token. Mask the whole userinfo.
        if _classify(user) == _PLACEHOLDER and _classify(password) == _PLACEHOLDER:
            return None
        return Secret(a, b, "credentials in the user info")
    if not password:
        if _classify(user) == _PLACEHOLDER:
            return None
        return Secret(a, a + colon, "a token as the user name (empty password)")
    kind = _classify(password)
    if kind == _PLACEHOLDER:
        return None
    shown = user if len(user) <= 64 else user[:61] + "..."
    if kind == _LITERAL_DEFAULT:
        return Secret(
            a + colon + 1, b, f'user "{shown}" with a password in the default of a variable'
        )
    return Secret(a + colon + 1, b, f'user "{shown}" with a password')


def _path_secret(text: str, tok: UrlToken) -> Secret | None:
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
    m = AUTH_END.search(text, seg_start, tok.end)
    seg_end = m.start() if m else tok.end
    seg = text[seg_start:seg_end]
    if host == "dl.cloudsmith.io" and seg in ("public", "basic"):
        return None
    if _classify(seg) != _LITERAL:
        return None
    return Secret(seg_start, seg_end, label)


def _query_secrets(text: str, tok: UrlToken) -> Iterator[Secret]:
    for m in _QPAIR.finditer(text, tok.host_end, tok.end):
        key = unquote(m.group(1)).lower()
        if key not in _SENSITIVE_KEYS and not key.startswith("x-amz-"):
            continue
        value = m.group(2)
        if _classify(value) != _LITERAL:
            continue
        where = "fragment" if text[m.start()] == "#" else "query"
        yield Secret(m.start(2), m.end(2), f"a token in the {where} ({m.group(1)})")


def find_secrets(text: str, tok: UrlToken) -> Iterator[Secret]:
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


# --------------------------------------------------------------------------------------
# Masking


def redact(text: str) -> str:
    """:func:`redact_text`, remembered for short strings: a large tree's findings repeat
    the same few URLs thousands of times, while whole outputs are redacted once each."""
    return _redact_short(text) if len(text) < 2048 else redact_text(text)


@functools.lru_cache(maxsize=4096)
def _redact_short(text: str) -> str:
    return redact_text(text)


def redact_text(text: str) -> str:
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
    for tok in url_tokens(text):
        for sec in find_secrets(text, tok):
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


@functools.lru_cache(maxsize=4096)
def credentials_in(value: str) -> str | None:
    """Describe the credentials found in ``value`` (already redacted), or None.

    Placeholders are not credentials, except a literal default inside one
    (``${CRED:-user:pw}``). Several findings are joined with ``"; "``.
    """
    if "://" not in value:
        return None
    found = [sec.description for tok in url_tokens(value) for sec in find_secrets(value, tok)]
    if not found:
        return None
    return redact("; ".join(dict.fromkeys(found)))
