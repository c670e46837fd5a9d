"""A Dockerfile line scanner that mirrors BuildKit's instruction boundaries.

Why our own scanner: dockerfile-parse splits on empty continuation lines and
does not know heredocs; the ``dockerfile`` package (BuildKit's Go parser) gets
boundaries right but returns joined text without offsets. This scanner
returns, per instruction, the file ranges that make up its logical line (the
continuation escape and its line break removed, comment and blank lines inside
a continuation skipped), plus its heredoc bodies, so every logical offset maps
back to the file. It is differentially tested against ``dockerfile``.
"""

from __future__ import annotations

import re
from typing import Any

from pipsrc.model import Comment, ParseProblem, Span
from pipsrc.records import field, record
from pipsrc.syntax.words import Piece, literal_pieces

_DIRECTIVE = re.compile(r"#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*\Z")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC = re.compile(r"(?<!\S)(\d*)<<(-?)([\"']?)([^\s\"'<>|&;]+)\3(?=\s|\Z)")
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


@record
class Heredoc:
    word: str
    strip_tabs: bool
    quoted: bool
    body_start: int  # file offsets: the body lines, without the terminator line
    body_end: int
    marker: tuple[int, int]  # logical range of the ``<<WORD`` marker


@record
class Instr:
    """One instruction: file ranges of its logical line, heredocs, extent."""

    line_start: int  # start of its first physical line
    end: int  # after its last line ending (heredoc terminators included)
    ranges: list[tuple[int, int]]  # file ranges concatenated into the logical line
    text_end: int  # file offset where the logical line's last physical line content ends
    first_line: int  # 1-based
    last_line: int
    heredocs: list[Heredoc] = field(default_factory=list)

    def logical(self, text: str) -> str:
        return "".join(text[a:b] for a, b in self.ranges)


@record
class Scan:
    instrs: list[Instr]
    comments: list[Comment]
    escape: str
    problems: list[ParseProblem]


def _lines(text: str, start: int) -> list[tuple[int, int, int]]:
    """(start, content_end, next_start) per physical line; content excludes ``\\r\\n``."""
    out = []
    pos = start
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        nxt = n if nl == -1 else nl + 1
        end = n if nl == -1 else nl
        if end > pos and text[end - 1] == "\r":
            end -= 1
        out.append((pos, end, nxt))
        pos = nxt
    return out


def scan(text: str) -> Scan:
    """Split Dockerfile text into instructions the way BuildKit does."""
    return _Scanner(text).run()


def _keyword(logical: str) -> str:
    """The instruction's keyword, upper-case; for ``ONBUILD X`` the wrapped one."""
    kw = logical.split(None, 1)[0].upper() if logical.strip() else ""
    if kw == "ONBUILD":
        parts = logical.split(None, 2)
        kw = parts[1].upper() if len(parts) > 1 else ""
    return kw


class _Scanner:
    """One pass over the physical lines of a Dockerfile; ``i`` is the line being read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _lines(text, 1 if text.startswith("\ufeff") else 0)
        self.comments: list[Comment] = []
        self.problems: list[ParseProblem] = []
        self.escape = "\\"
        self.i = 0

    def run(self) -> Scan:
        self._directives()
        text, lines = self.text, self.lines
        cont = re.compile(re.escape(self.escape) + r"[ \t]*\Z")
        instrs: list[Instr] = []
        n = len(lines)
        while self.i < n:
            a, b, _ = lines[self.i]
            line = text[a:b]
            stripped = line.lstrip(" \t")
            if not stripped:
                self.i += 1
                continue
            lead = a + len(line) - len(stripped)
            if stripped.startswith("#"):
                self.comments.append(Comment(Span(lead, b), text[lead + 1 : b], True))
                self.i += 1
                continue
            instr = self._instruction(lead, cont)
            logical = instr.logical(text)
            if "<<" in logical and _keyword(logical) in HEREDOC_INSTRUCTIONS:
                for hm in _HEREDOC.finditer(logical):
                    self._heredoc(instr, hm)
            instrs.append(instr)
            self.i += 1
        return Scan(instrs, self.comments, self.escape, self.problems)

    def _directives(self) -> None:
        """Parser directives (``# escape=`` ...): only before anything else, each once."""
        text, lines = self.text, self.lines
        seen: set[str] = set()
        while self.i < len(lines):
            a, b, _ = lines[self.i]
            m = _DIRECTIVE.match(text, a, b)
            if not m or m.group(1).lower() not in _KNOWN_DIRECTIVES or m.group(1).lower() in seen:
                break
            key = m.group(1).lower()
            seen.add(key)
            if key == "escape" and m.group(2) in ("\\", "`"):
                self.escape = m.group(2)
            self.comments.append(Comment(Span(a, b), text[a + 1 : b], True))
            self.i += 1

    def _instruction(self, lead: int, cont: re.Pattern[str]) -> Instr:
        """The instruction starting at ``lead`` on line ``i``, its continuation lines joined.

        Comment and empty lines inside a continuation are skipped, as BuildKit does (a
        comment is still recorded); ``i`` is left on the instruction's last line.
        """
        text, lines = self.text, self.lines
        n = len(lines)
        first = self.i
        b = lines[first][1]
        ranges: list[tuple[int, int]] = []
        m = cont.search(text, lead, b)
        ranges.append((lead, m.start() if m else b))
        text_end = b
        while m is not None and self.i + 1 < n:
            self.i += 1
            ca, cb, _ = lines[self.i]
            cline = text[ca:cb]
            cs = cline.lstrip(" \t")
            if cs.startswith("#"):
                clead = ca + len(cline) - len(cs)
                self.comments.append(Comment(Span(clead, cb), text[clead + 1 : cb], True))
                continue
            if not cs:
                continue
            m = cont.search(text, ca, cb)
            ranges.append((ca, m.start() if m else cb))
            text_end = cb
        end = lines[self.i][2]
        return Instr(lines[first][0], end, ranges, text_end, first + 1, self.i + 1)

    def _heredoc(self, instr: Instr, hm: re.Match[str]) -> None:
        """A ``<<WORD`` of ``instr``: its body is the lines after line ``i`` up to the
        terminator, which the instruction then extends to (``i`` moves onto it)."""
        text, lines = self.text, self.lines
        n = len(lines)
        i = self.i
        word = hm.group(4)
        strip_tabs = hm.group(2) == "-"
        body_start = lines[i + 1][0] if i + 1 < n else len(text)
        j = i + 1
        while j < n:
            la, lb, _ = lines[j]
            cand = text[la:lb]
            if (cand.lstrip("\t") if strip_tabs else cand) == word:
                break
            j += 1
        if j >= n:
            self.problems.append(
                ParseProblem(instr.line_start, f"unterminated heredoc <<{word}", True)
            )
            body_end = len(text)
            self.i = n - 1
            instr.end = len(text)
        else:
            body_end = lines[j][0]
            self.i = j
            instr.end = lines[j][2]
        instr.last_line = self.i + 1
        instr.heredocs.append(
            Heredoc(word, strip_tabs, bool(hm.group(3)), body_start, body_end,
                    (hm.start(), hm.end()))
        )  # fmt: skip


# --------------------------------------------------------------------------------------
# Reading what the scanner delimited (shared by the instructions of the Dockerfile parser)


def json_loads(text: str) -> Any:
    """``json.loads``, importing json only for the few files with exec-form instructions."""
    import json

    return json.loads(text)


def value_pieces(raw: str, start: int, expand: bool = True) -> list[Piece]:
    """Pieces of a Dockerfile value (quotes removed; ``'...'`` is not expanded)."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        inner = raw[1:-1]
        exact = "\\" not in inner and "`" not in inner
        if raw[0] == "'" or not expand:
            return [Piece(start + 1, start + len(raw) - 1, inner, exact)]
        return literal_pieces(inner, start + 1, exact)
    exact = not any(q in raw for q in "\"'\\`")
    if not expand:
        return [Piece(start, start + len(raw), raw, exact)]
    return literal_pieces(raw, start, exact)


def body_ranges(text: str, a: int, b: int, strip_tabs: bool) -> list[tuple[int, int]]:
    """The file ranges of a heredoc body: the whole body, or (``<<-``) each of its lines
    without its leading tabs."""
    if not strip_tabs:
        return [(a, b)]
    out = []
    pos = a
    while pos < b:
        eol = text.find("\n", pos, b)
        eol = b if eol == -1 else eol + 1
        s = pos
        while s < eol and text[s] == "\t":
            s += 1
        out.append((s, eol))
        pos = eol
    return out
