"""One document's findings: every enabled rule, suppressions applied, strings redacted.

Rules yield :class:`~pipsrc.rules.Violation` records with spans; here they become
:class:`~pipsrc.engine.results.Finding` records with lines and columns, and every
string a finding carries goes through :func:`pipsrc.redaction.redact` (the one redaction
choke point for findings).
"""

from __future__ import annotations

import posixpath

from pipsrc import kinds
from pipsrc.context import Context
from pipsrc.engine.results import Finding
from pipsrc.model import Applicability, Document, Edit, Fix, Span
from pipsrc.records import replace
from pipsrc.redaction import redact
from pipsrc.rules import ALIASES, ALL_RULES, BY_CODE, Rule, Violation, resolve_codes
from pipsrc.suppress import Suppression, parse_suppressions, suppressed
from pipsrc.textio import LineIndex
from pipsrc.vocabulary import LOCKS_OF, RELOCK

_RULE_INSTANCES: dict[str, Rule] = {}


def rules(enabled: set[str]) -> list[Rule]:
    """The enabled rules, in registry order (one instance each per process)."""
    out = []
    for cls in ALL_RULES:
        if cls.code in enabled:
            if cls.code not in _RULE_INSTANCES:
                _RULE_INSTANCES[cls.code] = cls()
            out.append(_RULE_INSTANCES[cls.code])
    return out


def lintable(doc: Document) -> bool:
    """Whether any rule could find anything in ``doc``: rules read only these."""
    return bool(doc.settings or doc.sites or doc.comments or doc.problems or doc.build_args)


def lint(
    doc: Document,
    ctx: Context,
    enabled: set[str],
    suppressed_out: list[tuple[Finding, str]] | None = None,
) -> list[Finding]:
    """All findings for one parsed document, suppressions applied, strings redacted.

    Suppressed findings are dropped, or, when ``suppressed_out`` is given, put
    there with the suppression's reason (the report lists them as accepted).
    """
    if not lintable(doc):
        return []  # every rule reads only these: the common case of a monorepo costs nothing
    if doc.build_args:
        linked = ctx.linked_settings(doc)
        if linked:  # read with the settings of the Dockerfiles they feed (rules see both)
            doc = replace(doc, settings=[*doc.settings, *linked])
    lines = LineIndex(doc.text)
    sups = parse_suppressions(doc.comments, lines, ALIASES)
    ignored = (
        resolve_codes(ctx.policy.ignored_for(doc.path)) if ctx.policy.per_file_ignores else set()
    )
    out: list[Finding] = []
    seen: set[tuple[str, int, int]] = set()
    relock = locked_by(doc, ctx)
    for rule in rules(enabled):
        if rule.code in ignored:
            continue
        for v in rule.check(doc, ctx):
            key = (rule.code, v.span.start, v.span.end)
            if key in seen:
                continue
            seen.add(key)
            finding = _finding(rule, v, doc, lines, relock)
            sup = suppressed(sups, rule.code, finding.line)
            if sup is None:
                out.append(finding)
            elif suppressed_out is not None:
                suppressed_out.append((finding, redact(sup.reason)))
    if "PS901" in enabled and "PS901" not in ignored:
        out.extend(_unused(doc, sups, enabled, lines))
    return out


def _finding(
    rule: Rule, v: Violation, doc: Document, lines: LineIndex, relock: tuple[str, str] | None
) -> Finding:
    """The finding of one violation; a file that failed to parse gets no fix, and a safe
    fix of a project file whose lock records what it changes is unsafe (``relock``)."""
    line, col = lines.line_col(v.span.start)
    end_line, end_col = lines.line_col(v.span.end)
    fix = v.fix if doc.fixable else None
    message = v.message
    if _never_fixed(doc):
        fix = None
        if rule.fix_applicability is not None:
            message += f" ({kinds.NOT_FIXED})"
    if fix is not None:
        fix = kinds.adapt_fix(doc.kind, doc.text, fix)
    if fix is not None and relock is not None and fix.applicability is Applicability.SAFE:
        fix = Fix(fix.edits, Applicability.UNSAFE, fix.title)
        message += f" ({RELOCK_NOTE.format(lock=relock[0], command=relock[1])})"
    return Finding(
        rule.code, rule.name, v.severity or rule.severity, doc.path, line, col, end_line,
        end_col, redact(message), redact(v.value), fix.applicability if fix else None, fix,
        v.span,
    )  # fmt: skip


# the lock beside a project file records its indexes (uv checks them with `--locked`; Poetry,
# PDM and Pipenv hash the sources): a fix there means locking again before the build works
RELOCK_NOTE = (
    "an unsafe fix: {lock} records this file's indexes, so `--locked` installs fail until "
    "`{command}` is run again"
)


def locked_by(doc: Document, ctx: Context) -> tuple[str, str] | None:
    """(lock, the command that writes it) for a project file with a lock beside it."""
    if doc.kind != "project":
        return None
    base, name = posixpath.split(doc.path)
    for lock in LOCKS_OF.get(name, ()):
        if ctx.document(posixpath.join(base, lock), "lockfile") is not None:
            return lock, RELOCK[lock]
    return None


def _never_fixed(doc: Document) -> bool:
    """A page of an opt-in kind (Markdown): reported, never edited."""
    return doc.kind in kinds.tables().by_kind and kinds.spec(doc.kind).opt_in


def _unused(
    doc: Document, sups: list[Suppression], enabled: set[str], lines: LineIndex
) -> list[Finding]:
    """PS901 for each suppression that suppressed nothing (unless a deselected rule might
    have used it)."""
    rule = BY_CODE["PS901"]
    out = []
    for s in sups:
        if s.used or (s.codes is not None and not s.codes <= enabled):
            continue
        line, col = lines.line_col(s.span.start)
        removal = kinds.comment_removal(doc.kind, doc.text, s.span)
        if removal is None:
            removal = comment_removal(doc.text, s.span)
        fix: Fix | None = Fix((Edit.delete(removal),), Applicability.SAFE, "Remove it")
        end_line, end_col = lines.line_col(s.span.end)
        message = "suppression comment suppresses nothing"
        if _never_fixed(doc):
            fix, message = None, f"{message} ({kinds.NOT_FIXED})"
        finding = Finding(
            rule.code, rule.name, rule.severity, doc.path, line, col, end_line, end_col,
            message, "", None if fix is None else fix.applicability, fix, s.span,
        )  # fmt: skip
        out.append(finding)
    return out


def comment_removal(text: str, span: Span) -> Span:
    """The comment alone on its line: the whole line; after code: from the preceding blanks."""
    line_start = text.rfind("\n", 0, span.start) + 1
    if text[line_start : span.start].strip() == "":
        nl = text.find("\n", span.end)
        return Span(line_start, len(text) if nl == -1 else nl + 1)
    start = span.start
    while start > line_start and text[start - 1] in " \t":
        start -= 1
    end = span.end
    while end < len(text) and text[end] not in "\r\n":
        end += 1
    return Span(start, end)
