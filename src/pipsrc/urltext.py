"""Where URLs are in free text: the token a URL occupies and where its userinfo ends.

Both :mod:`pipsrc.urls` (measuring one URL value) and :mod:`pipsrc.redaction` (masking
every URL in a message) read a URL's extent the same way, so the two can never disagree
about which characters are userinfo. Every scanner here is linear-time
(``str.find``/``rfind`` and regexes without nested quantifiers), because it runs on
untrusted repository content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipsrc.records import record

__all__ = ["AUTH_END", "SCHEME_RE", "STOP", "UrlToken", "split_authority", "url_tokens"]

_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# A URL in free text ends at whitespace or a quote (reliability §3.3).
STOP = re.compile(r"[\s'\"`]")
# The standard end of an authority.
AUTH_END = re.compile(r"[/?#]")


@record(frozen=True)
class UrlToken:
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
        m = STOP.search(text, pos, limit)
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


def split_authority(text: str, auth: int, end: int, scheme: str) -> tuple[int, int]:
    """Return ``(at, host_end)`` for the authority starting at ``auth``.

    The userinfo ends at the *last* ``@`` of the token, so ``user:pa/ss@host`` is read
    the way a human (and a server) reads it, not the way ``urlsplit`` does. VCS URLs
    (``git+https://host/repo.git@v1``) put a revision after an ``@`` in the path, so
    they use :func:`_vcs_at`.
    """
    m = AUTH_END.search(text, auth, end)
    std_end = m.start() if m else end
    at = _vcs_at(text, auth, end) if _is_vcs(scheme) else text.rfind("@", auth, end)
    if at == -1:
        return -1, std_end
    m = AUTH_END.search(text, at + 1, end)
    return at, (m.start() if m else end)


def url_tokens(text: str) -> Iterator[UrlToken]:
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
        at, host_end = split_authority(text, auth, end, scheme)
        yield UrlToken(s, auth, at, host_end, end, scheme)
        pos = max(end, auth)
