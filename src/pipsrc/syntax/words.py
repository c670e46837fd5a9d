"""Tokens, offset maps and variable resolution shared by the shell and Dockerfile parsers.

Both parsers see *logical* text that is not the file text: a Dockerfile ``RUN``
is several physical lines joined without their continuation characters, a
``printf`` body has its escapes decoded. :class:`SegMap` maps every logical
offset back to the file, and a span is only editable when the logical range is
contiguous in the file (otherwise an edit would have to straddle a ``\\`` line
break or a skipped comment line).

A word is a list of :class:`Piece` s (literal text or a variable reference) so
that ``--index-url=$URL`` or ``-i"https://x"`` can be cut at the option name and
the value located exactly, without knowing which grammar produced the word.
"""

from __future__ import annotations

import bisect
import re

from pipsrc.model import Span
from pipsrc.records import field, record
from pipsrc.syntax import variables as quoting


class SegMap:
    """Logical offset -> file offset, as sorted contiguous segments.

    Segments are ``(logical_start, file_start, length)``; offsets between
    segments never occur because logical text is exactly the concatenation of
    the segments (no per-character table, so mapping costs a bisect).
    """

    __slots__ = ("_file", "_len", "_log", "length")

    def __init__(self, segments: list[tuple[int, int, int]]) -> None:
        self._log = [s[0] for s in segments]
        self._file = [s[1] for s in segments]
        self._len = [s[2] for s in segments]
        self.length = segments[-1][0] + segments[-1][2] if segments else 0

    @classmethod
    def shifted(cls, base: int, length: int) -> SegMap:
        """The map of a logical text that is a contiguous slice of the file at ``base``."""
        return cls([(0, base, length)])

    @classmethod
    def from_file_ranges(cls, ranges: list[tuple[int, int]]) -> SegMap:
        """Logical text made by concatenating the file ranges ``[(start, end), ...]``."""
        segs: list[tuple[int, int, int]] = []
        pos = 0
        for start, end in ranges:
            if end > start:
                segs.append((pos, start, end - start))
                pos += end - start
        return cls(segs)

    def slice(self, start: int, end: int) -> SegMap:
        """The map of the logical text's characters ``[start, end)``, as a text of its own
        (the program in a quoted word)."""
        segs = []
        for log, file, n in zip(self._log, self._file, self._len):
            a, b = max(log, start), min(log + n, end)
            if b > a:
                segs.append((a - start, file + (a - log), b - a))
        return SegMap(segs)

    def file_ranges(self) -> list[tuple[int, int]]:
        """The file ranges the logical text is made of, in order."""
        return [(f, f + n) for f, n in zip(self._file, self._len)]

    def _seg(self, offset: int) -> int:
        return max(bisect.bisect_right(self._log, offset) - 1, 0)

    def orig(self, offset: int) -> int:
        """File offset of the logical character at ``offset`` (or of the end)."""
        if not self._log:
            return 0
        i = self._seg(offset)
        rel = offset - self._log[i]
        if rel >= self._len[i] and offset >= self.length:
            return self._file[-1] + self._len[-1]
        return self._file[i] + rel

    def span(self, start: int, end: int) -> tuple[Span, bool]:
        """File span covering the logical range, and whether it is contiguous in the file."""
        if end <= start:
            at = self.orig(start)
            return Span(at, at), True
        a = self.orig(start)
        b = self.orig(end - 1) + 1
        if b < a:
            return Span(a, a), False
        return Span(a, b), self._seg(start) == self._seg(end - 1)


@record(frozen=True)
class Piece:
    """A run of one word: literal text, a variable reference or something dynamic.

    ``start``/``end`` are logical offsets of the piece's source. For a literal,
    ``value`` is the text after quote removal and ``exact`` says whether the
    source is the value character for character (no escapes). A variable piece
    has ``var`` set; ``default`` is the logical range of ``${V:-default}``'s text.
    A piece with neither value nor var is dynamic (``$(...)``, ``$1``...).
    """

    start: int
    end: int
    value: str | None = None
    exact: bool = True
    var: str | None = None
    op: str | None = None
    default: tuple[int, int] | None = None
    array: bool = False  # ${ARR[@]}


@record
class Tok:
    """One command word (logical offsets, ``start``/``end`` including quotes)."""

    start: int
    end: int
    pieces: list[Piece] = field(default_factory=list)

    @property
    def value(self) -> str | None:
        """The static value, or None when any piece is not a literal."""
        out = []
        for p in self.pieces:
            if p.value is None:
                return None
            out.append(p.value)
        return "".join(out)

    def tail(self, k: int) -> list[Piece]:
        """Pieces after dropping the first ``k`` value characters (literal pieces only)."""
        out: list[Piece] = []
        for p in self.pieces:
            if k <= 0:
                out.append(p)
                continue
            if p.value is None:
                return []
            if len(p.value) <= k:
                k -= len(p.value)
                continue
            if p.exact:
                out.append(Piece(p.start + k, p.end, p.value[k:], True))
            else:
                out.append(Piece(p.start, p.end, p.value[k:], False))
            k = 0
        return out


def literal_prefix(w: Tok) -> str:
    """The literal characters a word starts with, up to its first variable.

    An option is recognised by them even when its value is not static
    (``--index-url=$URL``, ``-i"$IDX"``, ``--build-arg NAME=$V``).
    """
    out = []
    for p in w.pieces:
        if p.value is None:
            break
        out.append(p.value)
    return "".join(out)


def value_at(words: list[Tok], j: int) -> str | None:
    """The static value of ``words[j]``; None past the end and for a word with a variable."""
    return words[j].value if j < len(words) else None


def skip_options(words: list[Tok], i: int, with_value: tuple[str, ...] | frozenset[str]) -> int:
    """Index after the options starting at ``i`` (those in ``with_value`` take one)."""
    while (f := value_at(words, i)) is not None and f.startswith("-"):
        i += 2 if f in with_value else 1
    return i


@record
class VarDef:
    """What a variable holds at a point: value plus where its literal is written."""

    value: str | None
    span: Span | None = None  # file span of the literal (None: dynamic or no literal)
    exact: bool = False  # text[span] == value
    exported: bool = False  # visible to pip (ENV, ARG inside a stage, export)
    array: list[Tok] | None = None  # ARR=(...) words (logical offsets of its own text)


@record
class Resolved:
    """A value located in the file: ``raw == text[span]``."""

    value: str | None
    raw: str
    span: Span
    exact: bool  # raw is the value, written contiguously: it can be edited in place
    use_span: Span | None = None


def literal_pieces(raw: str, start: int, exact: bool = True) -> list[Piece]:
    """Pieces of unquoted text that may contain ``$VAR``/``${VAR:-d}`` references."""
    if "$" not in raw:
        return [Piece(start, start + len(raw), raw, exact)]
    pieces: list[Piece] = []
    pos = 0
    for name, a, b, default in quoting.variable_refs(raw):
        if a > pos:
            pieces.append(Piece(start + pos, start + a, raw[pos:a], exact))
        pieces.append(var_piece(raw[a:b], start + a, name, default))
        pos = b
    if pos < len(raw):
        pieces.append(Piece(start + pos, start + len(raw), raw[pos:], exact))
    return pieces


_EXPANSION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+=?])(.*))?\}\Z", re.S)


def var_piece(src: str, start: int, name: str | None = None, default: str | None = None) -> Piece:
    """A piece for ``$X`` / ``${X}`` / ``${X:-d}`` source text starting at ``start``."""
    end = start + len(src)
    m = _EXPANSION.match(src)
    if m:
        op, arg = m.group(2), m.group(3)
        rng = None
        if op in (":-", "-") and arg is not None:
            rng = (end - 1 - len(arg), end - 1)
        return Piece(start, end, None, False, m.group(1), op, rng)
    if src.startswith("$") and re.fullmatch(r"\$[A-Za-z_][A-Za-z0-9_]*", src):
        return Piece(start, end, None, False, src[1:])
    if name is not None:
        return Piece(start, end, None, False, name)
    return Piece(start, end)


class Resolver:
    """Resolves pieces against variables, mapping logical offsets to file spans."""

    def __init__(self, text: str, segmap: SegMap, env: dict[str, VarDef], logical: str) -> None:
        self.text = text
        self.segmap = segmap
        self.env = env
        self.logical = logical

    def fspan(self, start: int, end: int) -> tuple[Span, bool]:
        return self.segmap.span(start, end)

    def _expand_env(self) -> dict[str, str | None]:
        return {k: v.value for k, v in self.env.items() if v.array is None}

    def resolve(self, pieces: list[Piece], at: int) -> Resolved:
        """Locate the value made of ``pieces`` (``at``: logical offset if empty)."""
        if not pieces:
            span, _ = self.fspan(at, at)
            return Resolved("", "", span, True)
        start, end = pieces[0].start, pieces[-1].end
        span, contiguous = self.fspan(start, end)
        raw = self.text[span.start : span.end]
        if all(p.value is not None for p in pieces):
            value = "".join(p.value or "" for p in pieces)
            exact = contiguous and raw == value and all(p.exact for p in pieces)
            return Resolved(value, raw, span, exact)
        if len(pieces) == 1 and pieces[0].var is not None and not pieces[0].array:
            return self._resolve_var(pieces[0], span, raw)
        if any(p.value is None and (p.var is None or p.array) for p in pieces):
            return Resolved(None, raw, span, False)  # $(...), $1, arrays: not static
        expanded = quoting.expand(self.logical[start:end], self._expand_env())
        return Resolved(expanded, raw, span, False)

    def _resolve_var(self, p: Piece, use: Span, use_raw: str) -> Resolved:
        d = self.env.get(p.var or "")
        if p.op in (":-", "-") and p.default is not None and (d is None or not d.value):
            dspan, contiguous = self.fspan(*p.default)
            draw = self.text[dspan.start : dspan.end]
            dsrc = self.logical[p.default[0] : p.default[1]]
            if "$" in dsrc:
                return Resolved(quoting.expand(dsrc, self._expand_env()), draw, dspan, False, use)
            return Resolved(dsrc, draw, dspan, contiguous and draw == dsrc, use)
        if p.op in (":+", "+", "=", ":=", "?", ":?"):
            src = self.logical[p.start : p.end]
            return Resolved(quoting.expand(src, self._expand_env()), use_raw, use, False)
        if d is None or d.value is None or d.array is not None:
            return Resolved(None, use_raw, use, False)
        if d.span is not None:
            raw = self.text[d.span.start : d.span.end]
            return Resolved(d.value, raw, d.span, d.exact and raw == d.value, use)
        return Resolved(d.value, use_raw, use, False)


_WS_ITEM = re.compile(r"\S+")
_NAMED = re.compile(r"[A-Za-z0-9_.-]+=(?=\S)")


def split_word(w: Tok, parts: list[str]) -> list[Tok]:
    """The words a word's value splits into (an unquoted ``$VAR``, a ``--pip-args`` value),
    each located at the whole word and never edited there (not exact)."""
    return [Tok(w.start, w.end, [Piece(w.start, w.end, part, False)]) for part in parts]


def split_items(res: Resolved, named: bool = False) -> list[tuple[str, Span, bool, Span | None]]:
    """Split a whitespace-separated list value: (item, span, exact, item_removal).

    ``named`` drops a uv ``name=`` prefix so the span covers only the URL.
    The removal of an item takes one adjacent space with it, so the list stays
    well formed; it is None for the only item (the caller removes the whole entry).
    """
    value = res.value or ""
    items = [(m.group(0), m.start(), m.end()) for m in _WS_ITEM.finditer(value)]
    out: list[tuple[str, Span, bool, Span | None]] = []
    for n, (item, a, b) in enumerate(items):
        if named:
            m = _NAMED.match(item)
            if m and "/" not in m.group(0) and ":" not in m.group(0):
                a += m.end()
                item = item[m.end() :]
        if not res.exact:
            out.append((item, res.span, False, None))
            continue
        base = res.span.start
        span = Span(base + a, base + b)
        removal = None
        if len(items) > 1:
            ia, ib = items[n][1], items[n][2]
            if n + 1 < len(items):
                removal = Span(base + ia, base + items[n + 1][1])
            else:
                removal = Span(base + items[n - 1][2], base + ib)
        out.append((item, span, True, removal))
    return out


# A run of blanks, possibly across line continuations, that separates two words; in a
# Dockerfile, comment lines inside a continuation are skipped (BuildKit drops them).
_GAP = r"(?:[ \t]|[\\`]\r?\n(?:[ \t]*#[^\n]*\n)*)"
_TRAIL = re.compile(_GAP + "+")
_LEAD = re.compile(_GAP + "+\\Z")
_COMMENT_LINE = re.compile(r"\n[ \t]*#")


def word_removal(text: str, start: int, end: int) -> Span:
    """Span deleting ``text[start:end]`` (flag and value) plus one adjacent blank run.

    The following run is taken when more words follow on the command, so a flag
    on its own continuation line disappears with its ``\\``; otherwise the
    preceding run, so ``pip install x -i URL`` becomes ``pip install x``. A following run
    that reaches a comment line (or crosses one: a Dockerfile continuation) is never taken
    (the comment would join the command's line); and a last word after a comment line takes
    the continuation before the comment with it, so the instruction ends where it did
    (the comment, which was about it, goes too) instead of swallowing the next one.
    """
    m = _TRAIL.match(text, end)
    if (
        m
        and m.end() < len(text)
        and text[m.end()] not in "\r\n;&|)#"
        and not _COMMENT_LINE.search(m.group(0))
    ):
        return Span(start, m.end())
    lo = max(0, start - 400)
    back = _LEAD.search(text[lo:start])
    if back:
        return Span(lo + back.start(), end)
    if m and not _COMMENT_LINE.search(m.group(0)) and text[m.end() : m.end() + 1] != "#":
        return Span(start, m.end())
    return Span(start, end)


_CONT = r"(?:\\\r?\n(?:[ \t]*#[^\n]*\n)*[ \t]*)"  # a continuation, comment lines after it
_AND_AFTER = re.compile(rf"[ \t]*{_CONT}*(?:&&|;)[ \t]*({_CONT}*)")
_AND_BEFORE = re.compile(rf"[ \t]*{_CONT}*(?:&&|;)[ \t]*{_CONT}*\Z")


_LIST_START = re.compile(r"(?<!\\)\n|\b(?:then|do|else)\b|[({]")
_OP_AFTER = re.compile(rf"[ \t]*{_CONT}*(\|\||\|)")
_OP_BEFORE = re.compile(rf"(&&|\|\||\|)[ \t]*{_CONT}*\Z")


def command_removal(text: str, start: int, end: int, line_start: int) -> Span | None:
    """Span deleting a whole command with its ``&&``/``;`` connector, or None.

    A command alone on its line goes with the line; a command that is the only
    thing after ``RUN`` or in a ``$(...)`` cannot be removed cleanly (None). Comment lines
    inside a Dockerfile continuation are crossed: one above the next command stays with
    it; one between the previous connector and a removed last command goes with that.
    """
    if not _and_joined(text, start, end):
        return None
    m = _AND_AFTER.match(text, end)
    lo = max(0, start - 400)
    back = _AND_BEFORE.search(text[lo:start])
    if m and back and "&&" in back.group(0) and "&&" not in m.group(0):
        return Span(lo + back.start(), end)  # `C && X; D`: the `&&` goes, the `;` stays
    if m and m.end() < len(text) and text[m.end()] not in "\r\n":
        if not _COMMENT_LINE.search(m.group(1)):
            return Span(start, m.end())
        # the next command keeps the comment line above it: the connector before this
        # command goes instead, or only this command's own connector, not the continuation
        return Span(lo + back.start(), end) if back else Span(start, m.start(1))
    if back:
        return Span(lo + back.start(), end)
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end + 1
    if text[line_start:start].strip() == "" and text[end:line_end].strip() == "":
        return Span(line_start, line_end)
    return None


def _and_joined(text: str, start: int, end: int) -> bool:
    """Whether the command at ``start:end`` leaves its and-or list meaning the same when it
    goes (it is assumed to succeed): joined by ``&&`` or list boundaries, or ``P && X ||
    Q`` (which becomes ``P || Q``). ``P || X`` (its failure tolerated: ``set -e``), ``X ||
    Q``, ``P || X && Q`` (Q runs whatever P did) and pipes are not."""
    before = _OP_BEFORE.search(text[max(0, start - 400) : start])
    op_before = before.group(1) if before else ""
    after = _OP_AFTER.match(text, end)
    op_after = after.group(1) if after else ""
    if op_before in ("||", "|") or op_after == "|":
        return False
    if op_after == "" and op_before == "&&" and "||" in _list_before(text, start):
        return False  # `A && B || C && X` would become `A && B || C` (SC2015)
    return op_after != "||" or op_before == "&&"


def _list_before(text: str, start: int) -> str:
    """The text of the and-or list before ``start`` (back to a line end that is not a
    continuation, a ``;`` or a compound's opening word), roughly."""
    head = text[max(0, start - 400) : start]
    cut = max(head.rfind(";"), *(m.end() for m in _LIST_START.finditer(head)), 0)
    return head[cut:]


def orig_end(segmap: SegMap, offset: int) -> int:
    """File offset just after the logical character before ``offset`` (insertion points)."""
    return segmap.orig(offset - 1) + 1 if offset > 0 else segmap.orig(0)


@record
class Content:
    """Text assembled from chunks of logical text (echo/printf arguments, heredoc lines).

    ``cmap`` maps content offsets to logical offsets; ``inexact`` lists content
    ranges whose characters are not written literally at their mapped place
    (decoded escapes), so settings overlapping them are not editable.
    """

    text: str
    cmap: SegMap
    inexact: list[tuple[int, int]]

    def exact(self, start: int, end: int) -> bool:
        _, contiguous = self.cmap.span(start, end)
        return contiguous and not any(a < end and start < b for a, b in self.inexact)


_ESC = re.compile(r"\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|.)", re.S)
_ESC_CHARS = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b", "f": "\f",
              "v": "\v", '"': '"', "'": "'"}  # fmt: skip


def build_content(chunks: list[tuple[str, int, bool]], decode: bool) -> Content:
    """Assemble ``(text, logical_start, exact)`` chunks; ``decode`` interprets ``\\n``..."""
    parts: list[str] = []
    segs: list[tuple[int, int, int]] = []
    inexact: list[tuple[int, int]] = []
    pos = 0

    def put(s: str, at: int, ok: bool) -> None:
        nonlocal pos
        if not s:
            return
        parts.append(s)
        if segs and segs[-1][1] + segs[-1][2] == at:  # follows the last chunk in the source
            segs[-1] = (segs[-1][0], segs[-1][1], segs[-1][2] + len(s))
        else:
            segs.append((pos, at, len(s)))
        if not ok:
            inexact.append((pos, pos + len(s)))
        pos += len(s)

    for text, at, ok in chunks:
        if not decode or "\\" not in text:
            put(text, at, ok)
            continue
        last = 0
        for m in _ESC.finditer(text):
            put(text[last : m.start()], at + last, ok)
            esc = m.group(0)[1:]
            if esc[0] in "01234567":
                ch = chr(int(esc, 8) & 0xFF)
            elif esc[0] == "x" and len(esc) > 1:
                ch = chr(int(esc[1:], 16))
            else:
                ch = _ESC_CHARS.get(esc, "\\" + esc)
            put(ch, at + m.start(), False)
            last = m.end()
        put(text[last:], at + last, ok)
    return Content("".join(parts), SegMap(segs), inexact)
