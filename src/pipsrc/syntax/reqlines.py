"""pip's requirements-file line pipeline, replayed with the offset of every character.

pip reads requirements files in ``pip/_internal/req/req_file.py``: ``join_lines`` glues
lines ending in ``\\`` (a comment line is never continued), ``COMMENT_RE`` strips
comments (``#`` at the start or after whitespace), ``break_args_options`` splits a line
at the first space-separated token starting with ``-``, and the options part is
``shlex.split`` before optparse reads it. Each step here does the same while keeping,
for every character, where in the file it came from; :mod:`pipsrc.kinds.requirements`
reads the options.
"""

from __future__ import annotations

import bisect

from pipsrc.records import record

_SHLEX_SPACE = " \t\r\n"


@record
class LogicalLine:
    """One logical line (physical lines joined by ``\\``) with its offset map.

    ``segs`` holds ``(logical_start, physical_start)`` pairs: logical character
    ``k`` of a segment comes from physical offset ``phys + (k - log)``. A
    segment boundary is where pip glued two physical lines together, so a value
    crossing one is not a contiguous literal in the file.
    """

    text: str
    segs: list[tuple[int, int]]
    start: int  # physical start of the first line
    end: int  # physical end of the last line, before its line ending
    end_nl: int  # physical end including the line ending
    nl: str  # the last line's ending ("" at end of file)

    def phys(self, k: int) -> int:
        i = bisect.bisect_right(self.segs, (k, 1 << 62)) - 1
        log, ph = self.segs[i]
        return ph + (k - log)

    def same_seg(self, a: int, b: int) -> bool:
        """Whether logical offsets ``a`` and ``b`` (inclusive) lie in one segment."""
        keys = [s[0] for s in self.segs]
        return bisect.bisect_right(keys, a) == bisect.bisect_right(keys, b)


@record
class ShlexToken:
    """One word of ``shlex.split`` (quotes and escapes removed), located character by character."""

    value: str
    offs: list[int]  # logical offset of each value character
    start: int  # logical start of the token as written (quotes included)
    end: int
    quoted: bool = False


def _is_comment_line(line: str) -> bool:
    """pip's ``COMMENT_RE.match(line)``: optional leading whitespace, then ``#``."""
    return line.lstrip().startswith("#")


def _physical_lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end before line ending, end after line ending) per ``\\n``-line."""
    out: list[tuple[int, int, int]] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl == -1:
            out.append((pos, n, n))
            break
        end = nl - 1 if nl > pos and text[nl - 1] == "\r" else nl
        out.append((pos, end, nl + 1))
        pos = nl + 1
    return out


def logical_lines(text: str) -> list[LogicalLine]:
    """Replay pip's ``join_lines``: glue ``\\``-terminated lines, stripping backslashes."""
    out: list[LogicalLine] = []
    pending: list[tuple[int, int, int]] = []  # physical lines waiting to be joined
    for start, end, end_nl in _physical_lines(text):
        line = text[start:end]
        if not line.endswith("\\") or _is_comment_line(line):
            if pending:
                out.append(_join([*pending, (start, end, end_nl)], text, last_is_comment=True))
                pending = []
            else:
                out.append(_join([(start, end, end_nl)], text, last_is_comment=False))
        else:
            pending.append((start, end, end_nl))
    if pending:
        out.append(_join(pending, text, last_is_comment=False, trailing=True))
    return out


def _join(
    lines: list[tuple[int, int, int]],
    text: str,
    *,
    last_is_comment: bool,
    trailing: bool = False,
) -> LogicalLine:
    parts: list[str] = []
    segs: list[tuple[int, int]] = []
    length = 0
    for i, (start, end, _) in enumerate(lines):
        line = text[start:end]
        final = i == len(lines) - 1 and not trailing
        if final:
            piece, lead = line, 0
            if last_is_comment and _is_comment_line(line):
                # pip prefixes a comment line with a space so it is stripped later
                segs.append((length, start))
                parts.append(" ")
                length += 1
                segs.append((length, start))
                parts.append(line)
                length += len(line)
                continue
        else:
            lead = len(line) - len(line.lstrip("\\"))
            piece = line.strip("\\")
        segs.append((length, start + lead))
        parts.append(piece)
        length += len(piece)
    last = lines[-1]
    nl = text[last[1] : last[2]]
    return LogicalLine("".join(parts), segs, lines[0][0], last[1], last[2], nl)


def comment_start(line: str) -> int:
    """Start of pip's ``COMMENT_RE`` match (including the whitespace before ``#``), or -1."""
    pos = line.find("#")
    while pos != -1:
        if pos == 0 or line[pos - 1].isspace():
            ws = pos
            while ws > 0 and line[ws - 1].isspace():
                ws -= 1
            return ws
        pos = line.find("#", pos + 1)
    return -1


def shlex_split(s: str, base: int) -> tuple[list[ShlexToken], str | None]:
    """POSIX ``shlex.split`` (whitespace_split, no comments) keeping offsets.

    Returns the tokens and an error message when shlex would raise.
    """
    toks: list[ShlexToken] = []
    i, n = 0, len(s)
    while i < n:
        while i < n and s[i] in _SHLEX_SPACE:
            i += 1
        if i >= n:
            break
        start = i
        chars: list[str] = []
        offs: list[int] = []
        quoted = False
        while i < n and s[i] not in _SHLEX_SPACE:
            c = s[i]
            if c == "\\":
                if i + 1 >= n:
                    return toks, "No escaped character"
                chars.append(s[i + 1])
                offs.append(base + i + 1)
                i += 2
            elif c in "'\"":
                quoted = True
                close = i + 1
                while True:
                    if close >= n:
                        return toks, "No closing quotation"
                    ch = s[close]
                    if ch == c:
                        break
                    if c == '"' and ch == "\\" and close + 1 < n and s[close + 1] in '"\\':
                        chars.append(s[close + 1])
                        offs.append(base + close + 1)
                        close += 2
                        continue
                    chars.append(ch)
                    offs.append(base + close)
                    close += 1
                i = close + 1
            else:
                chars.append(c)
                offs.append(base + i)
                i += 1
        toks.append(ShlexToken("".join(chars), offs, base + start, base + i, quoted))
    return toks, None


def options_start(line: str) -> int:
    """pip's ``break_args_options``: offset of the first space-token starting with ``-``."""
    pos = 0
    n = len(line)
    while pos <= n:
        if line.startswith("-", pos):
            return pos
        nxt = line.find(" ", pos)
        if nxt == -1:
            return -1
        pos = nxt + 1
    return -1
