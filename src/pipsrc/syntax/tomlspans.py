"""Where each value of a TOML document is: key paths and exact offsets.

TOML libraries parse to values (tomllib) or to a formatting-preserving tree (tomlkit), but
neither says where a value is in the text, and pipsrc's fixes are span edits on the
original bytes. This scanner walks the TOML 1.0 grammar just far enough to locate every
scalar value (with its key path, the span of its token, and for a string the span of its
content) and the extent of each entry and array item (for removals). It never decides
what a file means on its own: :func:`locate` returns the located values only after tomlkit
has parsed the same text, and a located string whose decoded value tomlkit does not
confirm is dropped, so a scanner bug costs a finding, never a wrong edit.
"""

from __future__ import annotations

import re
from typing import Any, Union

from pipsrc.records import field, record

Path = tuple[Union[str, int], ...]  # a run-time alias: no `|` before Python 3.10

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\s#]")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


@record
class TomlValue:
    """One scalar of the document (a string, number, boolean or date), located."""

    path: Path  # ("tool", "uv", "index", 0, "url"): tables, keys, array positions
    start: int  # the token, quotes included
    end: int
    value: Any  # the decoded scalar (str for strings, the raw token otherwise)
    content: tuple[int, int] | None = None  # a string's characters, when they are its value
    string: bool = False
    entry: tuple[int, int] | None = None  # a ``key = value`` line to delete, newline included
    item: tuple[int, int] | None = None  # an array item with one of its commas


@record
class TomlDocument:
    """Every located scalar, and the header span of each table and array-of-tables entry."""

    values: list[TomlValue] = field(default_factory=list)
    tables: dict[Path, tuple[int, int]] = field(default_factory=dict)  # header line spans
    comments: list[tuple[int, int, bool]] = field(default_factory=list)  # (at "#", end, own line)

    def get(self, *path: str | int) -> TomlValue | None:
        for v in self.values:
            if v.path == path:
                return v
        return None

    def under(self, *prefix: str | int) -> list[TomlValue]:
        n = len(prefix)
        return [v for v in self.values if v.path[:n] == prefix]


class TomlError(ValueError):
    """The text is not TOML; ``offset`` is where the scanner or tomlkit stopped."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def locate(text: str) -> TomlDocument:
    """The located values of ``text`` (raises :class:`TomlError` when it is not TOML)."""
    parsed = _parse(text)
    doc = _Scanner(text).run()
    doc.values = [v for v in doc.values if _confirmed(parsed, v)]
    return doc


def _parse(text: str) -> Any:
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        return tomlkit.parse(text).unwrap()
    except ParseError as exc:
        offset = _offset_of(text, exc.line, exc.col)
        raise TomlError(f"not valid TOML: {exc}", offset) from None


def _offset_of(text: str, line: int, col: int) -> int:
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    row = min(max(line, 1), len(starts)) - 1
    return min(starts[row] + max(col - 1, 0), len(text))


def _confirmed(parsed: Any, v: TomlValue) -> bool:
    node = parsed
    for part in v.path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    return not v.string or node == v.value


class _Scanner:
    """A single pass over the text; positions only, values cross-checked by :func:`locate`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.doc = TomlDocument()
        self.table: Path = ()
        self.aot: dict[Path, int] = {}  # array-of-tables path -> index of its last entry

    def run(self) -> TomlDocument:
        n = len(self.text)
        while True:
            self._skip_blank(newlines=True)
            if self.pos >= n:
                return self.doc
            line_start = self.pos
            if self.text.startswith("[[", self.pos):
                self._header(line_start, array=True)
            elif self.text[self.pos] == "[":
                self._header(line_start, array=False)
            else:
                self._entry(self.table, line_start, top=True)

    # -- lexing helpers ------------------------------------------------------------------

    def _skip_blank(self, newlines: bool) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            ch = text[self.pos]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.pos += 1
            elif ch == "#":
                end = text.find("\n", self.pos)
                stop = n if end == -1 else end
                own = not text[text.rfind("\n", 0, self.pos) + 1 : self.pos].strip()
                if not self.doc.comments or self.doc.comments[-1][0] != self.pos:
                    self.doc.comments.append((self.pos, stop, own))
                self.pos = n if end == -1 else (end + 1 if newlines else end)
            else:
                return

    def _fail(self, what: str) -> TomlError:
        return TomlError(f"not valid TOML: {what}", self.pos)

    def _key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            ch = self.text[self.pos : self.pos + 1]
            if ch in ('"', "'"):
                start = self.pos
                end = self._string_end(ch)
                parts.append(_decode(self.text[start:end]))
                self.pos = end
            else:
                m = _BARE_KEY.match(self.text, self.pos)
                if m is None:
                    raise self._fail("a key expected")
                parts.append(m.group())
                self.pos = m.end()
            self._skip_blank(newlines=False)
            if self.text.startswith(".", self.pos):
                self.pos += 1
                continue
            return parts

    def _line_end(self) -> int:
        """After the rest of the line (a comment, the line ending)."""
        self._skip_blank(newlines=False)
        if self.text.startswith("\r\n", self.pos):
            return self.pos + 2
        if self.text.startswith("\n", self.pos):
            return self.pos + 1
        return self.pos

    # -- structure -------------------------------------------------------------------------

    def _header(self, line_start: int, array: bool) -> None:
        self.pos += 2 if array else 1
        key = self._resolve(tuple(self._key()))
        close = "]]" if array else "]"
        if not self.text.startswith(close, self.pos):
            raise self._fail(f"'{close}' expected")
        self.pos += len(close)
        if array:
            index = self.aot.get(key, -1) + 1
            self.aot[key] = index
            key = (*key, index)
        self.table = key
        self.doc.tables[key] = (line_start, self._line_end())
        self.pos = self.doc.tables[key][1]

    def _resolve(self, key: Path) -> Path:
        """A header's path with the current entry of each array of tables it goes through."""
        out: list[str | int] = []
        for part in key:
            out.append(part)
            index = self.aot.get(tuple(out))
            if index is not None and len(out) < len(key):
                out.append(index)
        return tuple(out)

    def _entry(self, table: Path, line_start: int, top: bool) -> None:
        path = (*table, *self._key())
        if not self.text.startswith("=", self.pos):
            raise self._fail("'=' expected after a key")
        self.pos += 1
        self._skip_blank(newlines=False)
        first = len(self.doc.values)
        self._value(path)
        if top:
            end = self._line_end()
            if first == len(self.doc.values) - 1:
                self.doc.values[first].entry = (line_start, end)
            self.pos = end

    def _value(self, path: Path) -> None:
        text = self.text
        ch = text[self.pos : self.pos + 1]
        start = self.pos
        if ch in ('"', "'"):
            end = self._string_end(ch)
            raw = text[start:end]
            self.pos = end
            q = 3 if raw[:3] in ('"""', "'''") else 1
            content = (start + q, end - q)
            plain = q == 1 and (ch == "'" or "\\" not in raw)
            located = content if plain else None
            self.doc.values.append(TomlValue(path, start, end, _decode(raw), located, string=True))
        elif ch == "[":
            self._array(path)
        elif ch == "{":
            self._inline_table(path)
        else:
            m = _SCALAR_END.search(text, self.pos)
            end = m.start() if m else len(text)
            if end == start:
                raise self._fail("a value expected")
            self.pos = end
            self.doc.values.append(TomlValue(path, start, end, text[start:end]))

    def _array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self._skip_blank(newlines=True)
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return
            item_start = self.pos
            first = len(self.doc.values)
            self._value((*path, index))
            item_end = self.pos
            self._skip_blank(newlines=True)
            if self.text.startswith(",", self.pos):
                self.pos += 1
                with_comma = (item_start, self.pos)
            else:
                with_comma = self._comma_before(item_start, item_end)
            if first == len(self.doc.values) - 1:
                self.doc.values[first].item = _whole_line(self.text, *with_comma)
            index += 1

    def _comma_before(self, start: int, end: int) -> tuple[int, int]:
        """The last item of an array: removed with the comma before it (if any)."""
        before = self.text.rfind(",", 0, start)
        between = self.text[before + 1 : start] if before != -1 else "x"
        if before != -1 and not between.strip():
            return (before, end)
        return (start, end)

    def _inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self._skip_blank(newlines=False)
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return
            self._entry(path, self.pos, top=False)
            self._skip_blank(newlines=False)
            if self.text.startswith(",", self.pos):
                self.pos += 1

    def _string_end(self, quote: str) -> int:
        text, pos = self.text, self.pos
        triple = quote * 3
        if text.startswith(triple, pos):
            end = pos + 3
            while True:
                end = text.find(triple, end)
                if end == -1:
                    raise self._fail("unterminated string")
                if quote == '"' and _escaped(text, end):
                    end += 1
                    continue
                while text.startswith(quote, end + 3):  # up to two quotes end the content
                    end += 1
                return end + 3
        end = pos + 1
        while True:
            nxt = text.find(quote, end)
            newline = text.find("\n", end)
            if nxt == -1 or (newline != -1 and newline < nxt):
                raise self._fail("unterminated string")
            if quote == '"' and _escaped(text, nxt):
                end = nxt + 1
                continue
            return nxt + 1


def _whole_line(text: str, start: int, end: int) -> tuple[int, int]:
    """An array item alone on its line goes with its line (and the comment that ends it)."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return (start, end)
    rest_end = text.find("\n", end)
    rest = text[end : len(text) if rest_end == -1 else rest_end]
    if rest.strip() and not rest.lstrip().startswith("#"):
        return (start, end)
    return (line_start, len(text) if rest_end == -1 else rest_end + 1)


def _escaped(text: str, at: int) -> bool:
    n = 0
    while at - n - 1 >= 0 and text[at - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _decode(raw: str) -> str:
    """A string token's value (escapes of basic strings; literal strings as they are)."""
    q = 3 if raw[:3] in ('"""', "'''") else 1
    body = raw[q:-q]
    if q == 3 and body.startswith(("\r\n", "\n")):
        body = body[2:] if body.startswith("\r\n") else body[1:]
    if raw[0] == "'":
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in ("u", "U"):
            width = 4 if nxt == "u" else 8
            out.append(chr(int(body[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        else:  # a line-ending backslash in a multi-line string: trims the whitespace after it
            j = i + 1
            while j < len(body) and body[j] in " \t\r\n":
                j += 1
            i = j
    return "".join(out)
