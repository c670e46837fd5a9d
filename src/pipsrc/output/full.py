"""The ``full`` format, the default on a terminal (as ruff's): each finding with its source
line, a caret under the value it is about, and its fix as a small diff.

Reading the line in place answers most questions a bare ``path:line:col`` leaves open
(which of three URLs on the line, is it a comment), and the diff shows exactly what
``pipsrc fix`` would write before anyone runs it. After ``pipsrc fix --show-fixes`` the
changes made are listed too. Every line goes through the redaction of
:func:`pipsrc.output.render`, source lines included.
"""

from __future__ import annotations

from pipsrc.engine.results import Finding, RunResult
from pipsrc.model import Applicability, Fix
from pipsrc.output import RenderOptions, safe_path, shown_paths
from pipsrc.output.text import _BOLD, _COLORS, _DIM, applied, mark, paint, trailer
from pipsrc.textio import LineIndex

_ADD, _DEL = "\033[32m", "\033[31m"


def render(result: RunResult, opts: RenderOptions) -> str:
    if opts.quiet >= 2:
        return ""
    show = shown_paths(result)
    texts = {r.path: r.doc.text for r in result.files if r.doc is not None}
    indexes: dict[str, LineIndex] = {}
    blocks: list[str] = []
    for f in result.findings:
        text = texts.get(f.path, "")
        if f.path not in indexes:
            indexes[f.path] = LineIndex(text)
        blocks.append("\n".join(_finding(f, show(f.path), text, indexes[f.path], opts)))
    if opts.show_fixes and result.mode == "fix":
        blocks += applied(result, show)
    tail = trailer(result, opts)
    if blocks and tail:
        blocks.append("\n".join(tail))
    elif tail:
        blocks = ["\n".join(tail)]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _finding(f: Finding, path: str, text: str, index: LineIndex, opts: RenderOptions) -> list[str]:
    head = paint(f"{safe_path(path)}:{f.line}:{f.column}:", _BOLD, opts)
    code = paint(f.code, _COLORS[f.severity.value], opts)
    lines = [f"{head} {code}{mark(f, opts)} {safe_path(f.message)}"]
    if not text or not 1 <= f.line <= len(index.starts):
        return lines
    region = _region(f.fix, text, index) if f.fix and f.applicability else None
    last_line = f.line if region is None else region[0] + max(len(region[1]), len(region[2])) - 1
    width = len(str(max(f.line, last_line)))
    source = _visible(index.line_text(f.line))
    bar = paint(" " * width + " |", _DIM, opts)
    last = f.end_column if f.end_line == f.line else len(source) + 1
    caret = " " * (f.column - 1) + "^" * max(1, last - f.column)
    lines += [bar, f"{paint(f'{f.line:>{width}} |', _DIM, opts)} {source}"]
    lines.append(f"{bar} {paint(caret, _COLORS[f.severity.value], opts)}")
    if region is not None and f.fix is not None:
        label = "Safe fix" if f.fix.applicability == Applicability.SAFE else "Unsafe fix"
        lines.append(paint(f"{' ' * width} = {label}: {f.fix.title}", _DIM, opts))
        first, before, after = region
        for sign, style, block in (("-", _DEL, before), ("+", _ADD, after)):
            for n, line in enumerate(block, first):
                lines.append(paint(f"{n:>{width}} {sign} {_visible(line)}", style, opts))
    return lines


def _region(fix: Fix, text: str, index: LineIndex) -> tuple[int, list[str], list[str]]:
    """The lines a fix touches: their first line number, and their text before and after."""
    edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
    start = text.rfind("\n", 0, edits[0].start) + 1
    end = text.find("\n", max(e.end for e in edits))
    end = len(text) if end == -1 else end
    region, pos = [], start
    for e in edits:
        region += [text[pos : e.start], e.replacement]
        pos = e.end
    region.append(text[pos:end])
    before = text[start:end].splitlines() or [""]
    after = "".join(region).splitlines() or [""]
    return index.line_col(start)[0], before, after


def _visible(line: str) -> str:
    """A source line as one terminal line: tabs as one space (the caret stays aligned),
    other control characters escaped."""
    line = line.rstrip("\r\n").replace("\t", " ")
    return line if line.isprintable() else safe_path(line)
