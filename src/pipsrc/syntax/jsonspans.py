"""Just enough JSON for Jupyter notebooks: where each code cell's source strings are in the
file, and the decoded text of a JSON string mapped back to it.

The notebook is parsed with the standard library's :mod:`json` first (that is what says
whether it is valid, and what the cells are); this module then walks the same text as a
stream of tokens to find the string literals of each cell's ``source`` (a list of strings,
or one string), and decodes a literal into its value with segments ``(logical, file,
length)``: a plain character maps to itself, an escape (``\\n``, ``\\"``, ``\\u00e9``, a
surrogate pair) to the place of its backslash, as one segment of its own. Nothing here
rewrites text: :func:`escape` is the JSON spelling of text inserted inside a literal.
"""

from __future__ import annotations

import json
import re

from pipsrc.records import record

# a string literal, a structural character, or a bare word (number, true, false, null);
# whitespace between them is skipped
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.S)
_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.", re.S
)


@record(frozen=True)
class Cell:
    """One cell of a notebook: its type and the spans of its source's string literals
    (quotes included), in order."""

    cell_type: str
    strings: tuple[tuple[int, int], ...]


def decode(text: str, start: int, end: int) -> tuple[str, list[tuple[int, int, int]]]:
    """The value of the string literal ``text[start:end]`` (quotes included) and its
    segments ``(logical, file, length)``."""
    a, b = start + 1, end - 1
    if "\\" not in text[a:b]:
        return text[a:b], ([(0, a, b - a)] if b > a else [])
    out: list[str] = []
    segs: list[tuple[int, int, int]] = []
    n = 0
    pos = a
    for m in _ESCAPE.finditer(text, a, b):
        if m.start() > pos:
            out.append(text[pos : m.start()])
            segs.append((n, pos, m.start() - pos))
            n += m.start() - pos
        ch = json.loads(f'"{m.group(0)}"')
        out.append(ch)
        segs.append((n, m.start(), len(ch)))
        n += len(ch)
        pos = m.end()
    if pos < b:
        out.append(text[pos:b])
        segs.append((n, pos, b - pos))
    return "".join(out), segs


def escape(value: str) -> str:
    """``value`` as the content of a JSON string literal (what Jupyter writes: non-ASCII
    kept as it is, quotes, backslashes and control characters escaped)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


class _Walker:
    """Reads the token stream of a document :mod:`json` accepted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]

    def tok(self, i: int) -> str:
        a, b = self.toks[i]
        return self.text[a:b]

    def skip(self, i: int) -> int:
        """The index after the value starting at token ``i``."""
        first = self.tok(i)
        if first not in ("{", "["):
            return i + 1
        depth = 0
        while i < len(self.toks):
            t = self.text[self.toks[i][0]]
            if t in "{[":
                depth += 1
            elif t in "}]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return i

    def members(self, i: int) -> list[tuple[str, int]]:
        """The (key, value token index) of the object starting at token ``i``; the last of
        a repeated key wins, as :mod:`json` keeps it."""
        out: dict[str, int] = {}
        i += 1
        while i < len(self.toks) and self.tok(i) != "}":
            a, b = self.toks[i]
            key = json.loads(self.text[a:b])
            out[key] = i + 2
            i = self.skip(i + 2)
            if self.tok(i) == ",":
                i += 1
        return list(out.items())

    def items(self, i: int) -> list[int]:
        """The token indexes of the values of the array starting at token ``i``."""
        out: list[int] = []
        i += 1
        while i < len(self.toks) and self.tok(i) != "]":
            out.append(i)
            i = self.skip(i)
            if self.tok(i) == ",":
                i += 1
        return out


def cells(text: str) -> list[Cell]:
    """The cells of the notebook ``text`` (which :func:`json.loads` accepts), in order."""
    w = _Walker(text)
    if not w.toks or w.tok(0) != "{":
        return []
    top = dict(w.members(0))
    at = top.get("cells")
    if at is None or w.tok(at) != "[":
        return []
    out: list[Cell] = []
    for item in w.items(at):
        if w.tok(item) != "{":
            continue
        fields = dict(w.members(item))
        ctype = fields.get("cell_type")
        kind = json.loads(w.tok(ctype)) if ctype is not None else ""
        src = fields.get("source")
        strings: list[tuple[int, int]] = []
        if src is not None and w.tok(src).startswith('"'):
            strings.append(w.toks[src])
        elif src is not None and w.tok(src) == "[":
            strings = [w.toks[k] for k in w.items(src) if w.tok(k).startswith('"')]
        out.append(Cell(kind if isinstance(kind, str) else "", tuple(strings)))
    return out
