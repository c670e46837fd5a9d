"""Inline suppressions: ``# pipsrc: ignore[PS101] reason`` and ``ignore-file``.

A line suppression applies to findings on its own line (trailing comment) or on
the line after it (a comment alone on its line). Codes may be rule names. A
suppression that suppresses nothing is reported as PS901.
"""

from __future__ import annotations

import re

from pipsrc.model import Comment, Span
from pipsrc.records import field, record
from pipsrc.textio import LineIndex

_DIRECTIVE = re.compile(r"pipsrc:\s*(ignore-file|ignore)(?:\[([^\]]*)\])?")


@record
class Suppression:
    span: Span  # the comment
    line: int  # the line it covers
    file_wide: bool
    codes: frozenset[str] | None  # None: every code
    used: set[str] = field(default_factory=set)
    reason: str = ""  # the text after the directive: why the finding is accepted


def parse_suppressions(
    comments: list[Comment], lines: LineIndex, resolve: dict[str, str]
) -> list[Suppression]:
    out = []
    for c in comments:
        m = _DIRECTIVE.search(c.text)
        if m is None:
            continue
        codes: frozenset[str] | None = None
        if m.group(2) is not None:
            names = [x.strip() for x in m.group(2).split(",") if x.strip()]
            codes = frozenset(resolve.get(n.lower(), n.upper()) for n in names)
        line = lines.line_col(c.span.start)[0]
        covered = line + 1 if c.own_line else line
        reason = c.text[m.end() :].strip()
        out.append(Suppression(c.span, covered, m.group(1) == "ignore-file", codes, reason=reason))
    return out


def suppressed(sups: list[Suppression], code: str, line: int) -> Suppression | None:
    """The suppression that covers ``code`` on ``line`` (every covering one is marked used)."""
    hit = None
    for s in sups:
        if (s.file_wide or s.line == line) and (s.codes is None or code in s.codes):
            s.used.add(code)
            hit = hit or s
    return hit
