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

from pipsrc.model import Comment, ParseProblem, Span
from pipsrc.records import field, record

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
    start = 1 if text.startswith("\ufeff") else 0
    lines = _lines(text, start)
    comments: list[Comment] = []
    problems: list[ParseProblem] = []
    escape = "\\"
    i = 0
    seen: set[str] = set()
    while i < len(lines):
        a, b, _ = lines[i]
        m = _DIRECTIVE.match(text, a, b)
        if not m or m.group(1).lower() not in _KNOWN_DIRECTIVES or m.group(1).lower() in seen:
            break
        key = m.group(1).lower()
        seen.add(key)
        if key == "escape" and m.group(2) in ("\\", "`"):
            escape = m.group(2)
        comments.append(Comment(Span(a, b), text[a + 1 : b], True))
        i += 1
    cont = re.compile(re.escape(escape) + r"[ \t]*\Z")
    instrs: list[Instr] = []
    n = len(lines)
    while i < n:
        a, b, _ = lines[i]
        line = text[a:b]
        stripped = line.lstrip(" \t")
        if not stripped:
            i += 1
            continue
        lead = a + len(line) - len(stripped)
        if stripped.startswith("#"):
            comments.append(Comment(Span(lead, b), text[lead + 1 : b], True))
            i += 1
            continue
        first = i
        ranges: list[tuple[int, int]] = []
        m = cont.search(text, lead, b)
        ranges.append((lead, m.start() if m else b))
        text_end = b
        while m is not None and i + 1 < n:
            i += 1
            ca, cb, _ = lines[i]
            cline = text[ca:cb]
            cs = cline.lstrip(" \t")
            if cs.startswith("#"):
                clead = ca + len(cline) - len(cs)
                comments.append(Comment(Span(clead, cb), text[clead + 1 : cb], True))
                continue
            if not cs:
                continue
            m = cont.search(text, ca, cb)
            ranges.append((ca, m.start() if m else cb))
            text_end = cb
        end = lines[i][2]
        instr = Instr(lines[first][0], end, ranges, text_end, first + 1, i + 1)
        logical = instr.logical(text)
        kw = logical.split(None, 1)[0].upper() if logical.strip() else ""
        if kw == "ONBUILD":
            parts = logical.split(None, 2)
            kw = parts[1].upper() if len(parts) > 1 else ""
        if kw in HEREDOC_INSTRUCTIONS and "<<" in logical:
            for hm in _HEREDOC.finditer(logical):
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
                    problems.append(
                        ParseProblem(instr.line_start, f"unterminated heredoc <<{word}", True)
                    )
                    body_end = len(text)
                    i = n - 1
                    instr.end = len(text)
                else:
                    body_end = lines[j][0]
                    i = j
                    instr.end = lines[j][2]
                instr.last_line = i + 1
                instr.heredocs.append(
                    Heredoc(word, strip_tabs, bool(hm.group(3)), body_start, body_end,
                            (hm.start(), hm.end()))
                )  # fmt: skip
        instrs.append(instr)
        i += 1
    return Scan(instrs, comments, escape, problems)
