"""What a run produces: findings, applied changes, and one result per file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipsrc.model import Applicability, Document, Fix, Severity, Span
from pipsrc.policy import Policy
from pipsrc.records import field, record
from pipsrc.textio import Decoded, FileStamp

if TYPE_CHECKING:
    from pipsrc.discover import Skipped
    from pipsrc.engine.repository import RepositoryContext


@record
class Finding:
    code: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str  # redacted
    value: str  # redacted
    applicability: Applicability | None
    fix: Fix | None = field(default=None, repr=False, compare=False)
    span: Span = field(default=Span(0, 0), repr=False, compare=False)

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


@record
class Change:
    """One applied edit, for `--report` and the summary."""

    path: str
    code: str
    line: int  # in the original file
    before: str  # redacted
    after: str  # redacted
    new_line: int = 0  # in the fixed file
    setting: str = ""  # the SettingKind value of the setting it edits ("" when none)
    action: str = "replace"  # replace | remove | add

    @property
    def kind(self) -> tuple[str, str]:
        """What kind of change this is, for grouping in the report."""
        return self.action, self.setting


@record
class FileResult:
    path: str
    kind: str  # a kind of the registry (pipsrc.kinds)
    doc: Document | None = None
    original: str | None = None
    fixed: str | None = None  # new text when a fix changed the file
    findings: list[Finding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    error: str | None = None  # could not read / write (redacted)
    decoded: Decoded | None = field(default=None, repr=False)
    stamp: FileStamp | None = field(default=None, repr=False)
    # findings a suppression comment accepted, with its reason (for the report)
    suppressed: list[tuple[Finding, str]] = field(default_factory=list, repr=False)
    real: str = ""
    decode_error_line: int | None = None

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


@record
class RunResult:
    root: str
    policy: Policy
    files: list[FileResult]
    skipped: list[Skipped]
    mode: str = "check"  # check | fix | diff
    # the rest of the repository when files were named (context only)
    repository: RepositoryContext | None = field(default=None, repr=False)

    @property
    def findings(self) -> list[Finding]:
        out = [f for r in self.files for f in r.findings]
        return sorted(out, key=Finding.sort_key)

    @property
    def changed_files(self) -> list[FileResult]:
        return [r for r in self.files if r.changed]

    @property
    def stale_locks(self) -> list[tuple[str, str]]:
        """(lock path, the command that writes it again) for each lock beside a project file
        this fix changed: the lock still names the old index."""
        import os
        import posixpath

        from pipsrc.vocabulary import LOCKS_OF, RELOCK

        out = []
        for r in self.changed_files:
            base, name = posixpath.split(r.path)
            for lock in LOCKS_OF.get(name, ()):
                rel = posixpath.join(base, lock)
                if os.path.isfile(os.path.join(self.root, *rel.split("/"))):
                    out.append((rel, RELOCK[lock]))
        return out

    @property
    def errors(self) -> list[str]:
        return [f"{r.path}: {r.error}" for r in self.files if r.error]
