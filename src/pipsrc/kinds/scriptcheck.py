"""Whether an edit to a script embedded in another file keeps its meaning there.

A shell script written inside a YAML scalar or a Groovy string is the *decoded* text of
that literal, located in the file through a :class:`~pipsrc.syntax.words.SegMap`. Each
edit a fix could make to a setting found in it (its value replaced, its command removed,
a trusted-host inserted beside it) is made to a copy of the literal, which the host
syntax's decoder reads again: the edit stays available only when the new script is the
old one with the same edit made to it. Edits outside the literal (a value defined in an
env block) are not this literal's to judge.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from pipsrc.compat import zip_strict
from pipsrc.model import Setting, Span
from pipsrc.syntax.words import SegMap

SAMPLE_URL = "https://pypi.example/simple/"
SAMPLE_HOST = "pypi.example:8080"


class EditChecker:
    """Tries the edits of settings found in the literal ``text[start:end]`` whose decoded
    text is ``logical`` (mapped by ``segmap``); ``decode`` reads an edited literal (None:
    nothing can be checked, so nothing inside is editable)."""

    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        logical: str,
        segmap: SegMap,
        decode: Callable[[str], str | None] | None,
    ) -> None:
        self.text, self.start, self.end, self.logical = text, start, end, logical
        self.decode = decode
        self.segs = sorted(zip_strict(segmap._file, segmap._log, segmap._len))
        self.files = [f for f, _, _ in self.segs]

    def check(self, s: Setting) -> None:
        """Take from ``s`` the edits inside the literal that would not keep their meaning."""
        if s.editable and self._mine(s.span):
            s.editable = self._same(s.span, SAMPLE_URL)
        if s.removal is not None and self._mine(s.removal) and not self._same(s.removal, ""):
            s.removal = None
        sib = s.sibling
        if sib is not None:
            at = Span(sib.offset, sib.offset)
            if self._mine(at) and not self._same(at, sib.render(SAMPLE_HOST)):
                s.sibling = None

    def _mine(self, span: Span) -> bool:
        return self.start <= span.end and span.start <= self.end

    def _same(self, span: Span, new: str) -> bool:
        """Whether the edit made in the file gives the script with the same edit made."""
        if self.decode is None or span.start < self.start or span.end > self.end:
            return False
        a, b = self._logical(span.start), self._logical(span.end)
        expected = self.logical[:a] + new + self.logical[b:]
        body = self.text[self.start : self.end]
        got = self.decode(body[: span.start - self.start] + new + body[span.end - self.start :])
        return got is not None and got.rstrip("\n") == expected.rstrip("\n")

    def _logical(self, f: int) -> int:
        """The logical offset of file offset ``f`` (the next mapped character's, between)."""
        i = bisect.bisect_right(self.files, f) - 1
        if i >= 0:
            file, log, n = self.segs[i]
            if f < file + n:
                return log + (f - file)
        nxt = i + 1
        if nxt < len(self.segs):
            return self.segs[nxt][1]
        return len(self.logical)
