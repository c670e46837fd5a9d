"""The two runs: :func:`check` (read, parse, lint) and :func:`fix` (the same, then the fix
loop, then the writes). Both return a :class:`~pipsrc.engine.results.RunResult`."""

from __future__ import annotations

from pipsrc.engine.linting import lint
from pipsrc.engine.reading import Progress, collect
from pipsrc.engine.repository import make_context, repository_context
from pipsrc.engine.results import FileResult, Finding, RunResult
from pipsrc.engine.selection import Selection
from pipsrc.policy import Policy


def check(
    paths: list[str],
    policy: Policy,
    selection: Selection | None = None,
    *,
    cli_index: bool = False,
    exclude: tuple[str, ...] = (),
    progress: Progress | None = None,
    docs: bool = False,
) -> RunResult:
    """Lint the files under ``paths`` against ``policy``."""
    excludes = (*policy.exclude, *exclude)
    root, files, skipped = collect(paths, excludes, progress, docs or policy.include_docs)
    repository = repository_context(paths, root, files, excludes)
    ctx = make_context(files, policy, cli_index, repository)
    enabled = (selection or Selection()).enabled(policy)
    for i, r in enumerate(files, 1):
        if r.doc is not None:
            r.suppressed = []
            r.findings = with_line_hint(r, lint(r.doc, ctx, enabled, r.suppressed))
        if progress is not None:
            progress("checking", i, len(files))
    return RunResult(root, policy, files, skipped, repository=repository)


def fix(
    paths: list[str],
    policy: Policy,
    selection: Selection | None = None,
    *,
    unsafe: bool = False,
    write: bool = True,
    cli_index: bool = False,
    exclude: tuple[str, ...] = (),
    progress: Progress | None = None,
    docs: bool = False,
) -> RunResult:
    """Fix the files under ``paths``; write them unless ``write`` is False (``--diff``).

    Nothing is written until every file has been fixed: the fix loop only computes new
    texts (:mod:`pipsrc.engine.fixing`), and :mod:`pipsrc.engine.writing` puts them in
    place at the end.
    """
    from pipsrc.engine.fixing import fix_all

    excludes = (*policy.exclude, *exclude)
    root, files, skipped = collect(paths, excludes, progress, docs or policy.include_docs)
    repository = repository_context(paths, root, files, excludes)
    ctx = make_context(files, policy, cli_index, repository)
    enabled = (selection or Selection()).enabled(policy)
    fixes = fix_all(files, ctx, enabled, unsafe, progress)
    for r in files:
        ff = fixes.get(r.path)
        if ff is None:
            continue
        r.findings = with_line_hint(r, ff.findings)
        r.suppressed, r.error = ff.suppressed, ff.error or r.error
        if ff.changed:
            r.doc, r.fixed, r.changes = ff.doc, ff.doc.text, ff.changes()
    if write:
        from pipsrc.engine.writing import write_all

        write_all([r for r in files if r.changed])
    return RunResult(root, policy, files, skipped, mode="fix" if write else "diff",
                     repository=repository)  # fmt: skip


def with_line_hint(r: FileResult, findings: list[Finding]) -> list[Finding]:
    """PS900 of an undecodable file on the line where decoding failed."""
    hint = r.decode_error_line
    if hint is not None:
        for f in findings:
            if f.code == "PS900":
                f.line = f.end_line = hint
    return findings
