"""Findings about the input itself: unparsable files and unused suppressions."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.model import Applicability, Document, Severity, Span
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.index import ALIYUN


class ParseError(Rule):
    code = "PS900"
    name = "parse-error"
    summary = "A file, or a part of one, that cannot be parsed."
    why = (
        "pipsrc cannot judge what it cannot read, and pip may refuse the file too (a pip.conf "
        "with a duplicate key or no section header is not loaded at all). The file is never "
        "edited while such a problem stands; the rest of the run goes on."
    )
    fix_safety = "None."
    good = (Example("pip.conf", f"[global]\nindex-url = {ALIYUN}\n"),)
    bad = (
        Example("pip.conf", f"[global]\nindex-url = {ALIYUN}\nindex-url = {ALIYUN}\n"),
        Example("docker-compose.yml", "services:\n  app:\n    image:\tpython\n"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for p in doc.problems:
            at = min(max(p.offset, 0), len(doc.text))
            yield Violation(
                Span(at, at),
                p.message,
                severity=None if p.blocks_fix else Severity.WARNING,
            )


class UnusedSuppression(Rule):
    """Reported by the engine once every other rule has run."""

    code = "PS901"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "An inline suppression that suppresses nothing."
    why = "Stale suppressions hide the next real finding on that line and mislead readers."
    fix_safety = "Safe: the suppression comment is removed."
    fix_applicability = Applicability.SAFE
    good = (
        Example(
            "requirements.txt",
            "# pipsrc: ignore[PS101] the CI image uses TUNA on purpose\n"
            "-i https://pypi.tuna.tsinghua.edu.cn/simple\nx\n",
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            f"# pipsrc: ignore[PS101] old exception\n-i {ALIYUN}\nx\n",
            fixed=f"-i {ALIYUN}\nx\n",
        ),
    )


RULES: tuple[type[Rule], ...] = (ParseError, UnusedSuppression)
