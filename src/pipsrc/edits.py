"""Applying fixes: span edits spliced into the original text.

This is ruff's ``apply_fixes`` discipline: fixes are sorted by their first
edit, a fix that overlaps one already accepted is deferred to the next pass of
the fix loop (never merged), and the output is rebuilt from slices of the
original text between the edits, so every character outside an accepted edit
is copied verbatim by construction.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipsrc.compat import pairwise
from pipsrc.model import Edit, Fix
from pipsrc.records import record


@record(frozen=True)
class Applied:
    text: str
    applied: tuple[Fix, ...]
    deferred: tuple[Fix, ...]


def _key(fix: Fix) -> tuple[tuple[tuple[int, int, str], ...], str, str]:
    """A total order: position first, then content, so input order never matters."""
    edits = tuple(sorted((e.start, e.end, e.replacement) for e in fix.edits))
    return edits, fix.title, fix.applicability.value


def _clash(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two edits clash when their ranges overlap, or when one inserts at a
    point the other touches (the same point, or either end of a replaced
    range): whether the insertion belongs before or after the other change is
    then a guess (a line appended right where a removal ends can land inside
    the wrong option), so the second one waits for the next pass.
    """
    if a[0] == a[1]:
        return b[0] <= a[0] <= b[1]
    if b[0] == b[1]:
        return a[0] <= b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]


def _conflicts(edits: list[Edit], taken: list[tuple[int, int]]) -> bool:
    return any(_clash((e.start, e.end), t) for e in edits for t in taken)


def apply_fixes(text: str, fixes: Iterable[Fix]) -> Applied:
    """Apply every non-overlapping fix; return the new text and what was deferred."""
    ordered = sorted(set(fixes), key=_key)
    taken: list[tuple[int, int]] = []
    accepted: list[Fix] = []
    deferred: list[Fix] = []
    for fix in ordered:
        edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
        bad = any(e.start < 0 or e.end > len(text) or e.end < e.start for e in edits)
        if bad or _conflicts(edits, taken) or _self_overlap(edits):
            deferred.append(fix)
            continue
        accepted.append(fix)
        taken.extend((e.start, e.end) for e in edits)
    all_edits = sorted((e for f in accepted for e in f.edits), key=lambda e: (e.start, e.end))
    out: list[str] = []
    pos = 0
    for e in all_edits:
        out.append(text[pos : e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return Applied("".join(out), tuple(accepted), tuple(deferred))


def _self_overlap(edits: list[Edit]) -> bool:
    return any(_clash((a.start, a.end), (b.start, b.end)) for a, b in pairwise(edits))


@record(frozen=True)
class PositionMap:
    """Maps offsets between the text before and after one pass of edits.

    The audit report names each change by its line in the original file and in
    the fixed one; with several passes (a PS104 insertion after a rewrite), an
    edit's offsets are in the text of its own pass, so they are carried
    backward and forward through the other passes' edits.
    """

    # (old_start, old_end, new_start, new_end) for each edit, in order
    spans: tuple[tuple[int, int, int, int], ...]

    @classmethod
    def of(cls, edits: Iterable[Edit]) -> PositionMap:
        out = []
        delta = 0
        for e in sorted(edits, key=lambda e: (e.start, e.end)):
            new_start = e.start + delta
            new_end = new_start + len(e.replacement)
            out.append((e.start, e.end, new_start, new_end))
            delta += len(e.replacement) - (e.end - e.start)
        return cls(tuple(out))

    def forward(self, pos: int) -> int:
        """Where ``pos`` of the old text is in the new text (inside an edit: its start)."""
        return _carry(pos, ((a, b, c, d) for a, b, c, d in self.spans))

    def backward_end(self, pos: int) -> int:
        """``backward`` for the end of a range: text removed right at ``pos`` stays out."""
        for from_start, _from_end, to_start, to_end in self.spans:
            if to_start == to_end == pos:
                return from_start
        return self.backward(pos)

    def swallows(self, start: int, end: int) -> bool:
        """Whether an edit of this pass replaces or removes all of ``[start, end)`` (a
        non-empty range of the old text): what was written there earlier is gone."""
        return start < end and any(a <= start and end <= b for a, b, _c, _d in self.spans)

    def backward(self, pos: int) -> int:
        """Where ``pos`` of the new text was in the old text (inside an edit: its start)."""
        return _carry(pos, ((c, d, a, b) for a, b, c, d in self.spans))


def _carry(pos: int, spans: Iterable[tuple[int, int, int, int]]) -> int:
    """Map ``pos`` from one side of a list of (from_start, from_end, to_start, to_end) edits
    to the other: shifted by the edits wholly before it, or to the start of the one it is in."""
    shift = 0
    for from_start, from_end, to_start, to_end in spans:
        if from_start <= pos < from_end:
            return to_start
        if from_end > pos:
            break
        shift = to_end - from_end
    return pos + shift
