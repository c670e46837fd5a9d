"""Python string literals: their value, and where each character of it is in the file.

A literal's value is read from its source text (prefix, quotes, escapes), not evaluated,
so that every run of the value is located: :class:`Chunk` s of text written as it is
(``exact``), of decoded escapes (not exact: an edit there would not mean what it says),
and the replacement fields of an f-string (no value). The parser of Python files
(:mod:`pipsrc.kinds.python`) takes the token texts and offsets from libcst; this module
knows only the lexical rules, so it never imports libcst.
"""

from __future__ import annotations

import re

from pipsrc.records import record

_QUOTES = ('"""', "'''", '"', "'")
_SIMPLE = {"\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n",
           "r": "\r", "t": "\t", "v": "\v"}  # fmt: skip
_ESC = re.compile(
    r"\\(?:\r\n|[0-7]{1,3}|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{[^}\n]*\}|[\s\S])"
)
_BRACES = re.compile(r"\{\{|\}\}")


@record
class Chunk:
    """A run of a literal's value written at file offsets ``start..end``.

    ``value`` is None for an f-string replacement field (``name`` set when the field is a
    bare name, ``{MIRROR}``); ``exact`` says the file text there *is* the value.
    """

    start: int
    end: int
    value: str | None
    exact: bool = True
    name: str | None = None


def split_token(token: str) -> tuple[str, str] | None:
    """The prefix and quote of a string token's text (``rb'...'`` -> ``("rb", "'")``)."""
    i = 0
    while i < len(token) and token[i] in "rRbBuUfFtT":
        i += 1
    prefix = token[:i]
    for q in _QUOTES:
        if token.startswith(q, i) and token.endswith(q) and len(token) >= i + 2 * len(q):
            return prefix, q
    return None


def body_chunks(
    body: str, base: int, raw: bool, binary: bool = False, braces: bool = False
) -> list[Chunk]:
    """The chunks of a literal body written at file offset ``base``: escapes decoded unless
    ``raw``; ``braces``: an f-string's text, where ``{{`` and ``}}`` are one brace."""
    out: list[Chunk] = []
    pos = 0
    marks: list[tuple[int, int, str]] = []
    if not raw and "\\" in body:
        marks += [(m.start(), m.end(), _escape(m.group(0), binary)) for m in _ESC.finditer(body)]
    if braces and ("{{" in body or "}}" in body):
        inside = [(a, b) for a, b, _v in marks]
        for m in _BRACES.finditer(body):
            if not any(a <= m.start() < b for a, b in inside):
                marks.append((m.start(), m.end(), m.group(0)[0]))
        marks.sort()
    for a, b, value in marks:
        if a > pos:
            _put(out, base + pos, base + a, body[pos:a], True)
        _put(out, base + a, base + b, value, value == body[a:b])
        pos = b
    if pos < len(body):
        _put(out, base + pos, base + len(body), body[pos:], True)
    return out


def _put(out: list[Chunk], start: int, end: int, value: str, exact: bool) -> None:
    """Append a chunk, merging it with the previous exact one it continues."""
    if not value and exact:
        return
    last = out[-1] if out else None
    if exact and last is not None and last.exact and last.value is not None and last.end == start:
        last.end, last.value = end, last.value + value
        return
    out.append(Chunk(start, end, value, exact))


def _escape(src: str, binary: bool) -> str:
    """The value of one backslash escape (an unknown one is kept, backslash and all)."""
    c = src[1]
    if c in "\r\n":
        return ""  # a backslash at the end of a line joins the lines
    if c in _SIMPLE:
        return _SIMPLE[c]
    if c in "01234567":
        return chr(int(src[1:], 8))
    if c in "xuU" and len(src) == 2:
        return src  # a truncated escape (``\x-``): Python refuses it; the text is kept
    if c == "x":
        return chr(int(src[2:], 16))
    if binary or c not in "uUN":
        return src
    if c == "N":
        import unicodedata

        try:
            return unicodedata.lookup(src[3:-1])
        except KeyError:
            return src
    return chr(min(int(src[2:], 16), 0x10FFFF))


def literal_chunks(token: str, base: int) -> list[Chunk] | None:
    """The chunks of a whole (non-f) string token written at ``base``; None if it is not
    one (a t-string, whose value is no string)."""
    parts = split_token(token)
    if parts is None:
        return None
    prefix, quote = parts
    low = prefix.lower()
    if "t" in low or "f" in low:
        return None
    start = len(prefix) + len(quote)
    body = token[start : len(token) - len(quote)]
    return body_chunks(body, base + start, "r" in low, "b" in low)


def value_of(chunks: list[Chunk]) -> str | None:
    """The value the chunks make, None when a replacement field is among them."""
    out = []
    for c in chunks:
        if c.value is None:
            return None
        out.append(c.value)
    return "".join(out)


def shell_text(chunks: list[Chunk]) -> tuple[str, list[tuple[int, int, int]], list[int]]:
    """The text a shell runs, its segments ``(logical, file, length)``, and the logical
    offsets of decoded (inexact) characters. A replacement field becomes an unset shell
    variable of the field's length (``{x}`` -> ``$__``), so nothing reads a value there."""
    out: list[str] = []
    segs: list[tuple[int, int, int]] = []
    inexact: list[int] = []
    n = 0
    for c in chunks:
        text = c.value
        if text is None:
            text = "$" + "_" * max(c.end - c.start - 1, 1)
        if not text:
            continue
        if not c.exact or c.value is None:
            inexact.extend(range(n, n + len(text)))
            # a decoded escape maps all its characters to the escape's start
            for k in range(len(text)):
                segs.append((n + k, min(c.start + k, c.end - 1), 1))
        else:
            segs.append((n, c.start, len(text)))
        out.append(text)
        n += len(text)
    return "".join(out), segs, inexact
