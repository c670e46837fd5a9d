"""Just enough JSON for Jupyter notebooks: where each code cell's source strings are in the
file, and the decoded text of a JSON string mapped back to it.

The notebook is parsed with the standard library's :mod:`json` first (that is what says
whether it is valid, and what the cells are); this module then walks the same text by
position to find the string literals of each cell's ``source`` (a list of strings, or one
string), stepping over every other value with the C decoder (``raw_decode``), and decodes
a literal into its value with segments ``(logical, file, length)``: a plain character maps
to itself, an escape (``\\n``, ``\\"``, ``\\u00e9``, a
surrogate pair) to the place of its backslash, as one segment of its own. Nothing here
rewrites text: :func:`escape` is the JSON spelling of text inserted inside a literal.
"""

from __future__ import annotations

import json
import re

from pipsrc.records import record

_WS = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()
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
    """Reads a document :mod:`json` accepted, by position: the values it does not need
    (outputs, metadata) are stepped over by the C decoder, never tokenised here."""

    def __init__(self, text: str) -> None:
        self.text = text

    def ws(self, pos: int) -> int:
        m = _WS.match(self.text, pos)
        return pos if m is None else m.end()

    def end_of(self, pos: int) -> int:
        """The offset after the value starting at ``pos``."""
        return int(_DECODER.raw_decode(self.text, pos)[1])

    def members(self, pos: int) -> dict[str, tuple[int, int]]:
        """The ``key: (start, end)`` of the values of the object at ``pos``; the last of a
        repeated key wins, as :mod:`json` keeps it."""
        out: dict[str, tuple[int, int]] = {}
        pos = self.ws(pos + 1)
        while pos < len(self.text) and self.text[pos] == '"':
            key, pos = _DECODER.raw_decode(self.text, pos)
            start = self.ws(self.ws(pos) + 1)  # after the colon
            pos = self.end_of(start)
            out[str(key)] = (start, pos)
            pos = self.ws(pos)
            if self.text.startswith(",", pos):
                pos = self.ws(pos + 1)
        return out

    def items(self, pos: int) -> list[tuple[int, int]]:
        """The ``(start, end)`` of the values of the array at ``pos``."""
        out: list[tuple[int, int]] = []
        pos = self.ws(pos + 1)
        while pos < len(self.text) and self.text[pos] != "]":
            end = self.end_of(pos)
            out.append((pos, end))
            pos = self.ws(end)
            if self.text.startswith(",", pos):
                pos = self.ws(pos + 1)
        return out


def cells(text: str) -> list[Cell]:
    """The cells of the notebook ``text`` (which :func:`json.loads` accepts), in order."""
    w = _Walker(text)
    start = w.ws(0)
    if not text.startswith("{", start):
        return []
    at = w.members(start).get("cells")
    if at is None or not text.startswith("[", at[0]):
        return []
    out: list[Cell] = []
    for a, _b in w.items(at[0]):
        if text[a] != "{":
            continue
        fields = w.members(a)
        ctype = fields.get("cell_type")
        kind = json.loads(text[ctype[0] : ctype[1]]) if ctype is not None else ""
        src = fields.get("source")
        strings: list[tuple[int, int]] = []
        if src is not None and text[src[0]] == '"':
            strings.append(src)
        elif src is not None and text[src[0]] == "[":
            strings = [(x, y) for x, y in w.items(src[0]) if text[x] == '"']
        out.append(Cell(kind if isinstance(kind, str) else "", tuple(strings)))
    return out
