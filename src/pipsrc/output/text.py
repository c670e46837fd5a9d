"""The human format: findings grouped under a header line per file, then a summary.

Grouping (as eslint's "stylish" and ruff's "grouped" do) keeps long repository paths
out of every line, so a run over a monorepo reads file by file. Severity is spelled out
because ``--fail-on`` makes it matter. ``concise`` (one ``path:line:col:`` line per
finding, for editors and grep) shares the fix marks and the summary.
"""

from __future__ import annotations

from collections import Counter

from pipsrc.engine.results import Finding, RunResult
from pipsrc.model import Applicability
from pipsrc.output import RenderOptions, safe_path, shown_paths

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(n: int, word: str) -> str:
    if word == "info":
        return f"{n} info"  # a mass noun: "2 info", as ruff and hadolint print it
    return f"{n} {word}{'' if n == 1 else 's'}"


def paint(text: str, style: str, opts: RenderOptions) -> str:
    return f"{style}{text}{_RESET}" if opts.color and style else text


def mark(f: Finding, opts: RenderOptions) -> str:
    """`` [*]`` when ``pipsrc fix`` applies the fix, `` [unsafe fix]`` when it needs the flag."""
    if f.applicability == Applicability.SAFE:
        return " [*]"
    if f.applicability == Applicability.UNSAFE:
        return " [*]" if opts.unsafe_fixes else " [unsafe fix]"
    return ""


def render(result: RunResult, opts: RenderOptions) -> str:
    if opts.quiet >= 2:
        return ""
    show = shown_paths(result)
    lines: list[str] = []
    by_path: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_path.setdefault(f.path, []).append(f)
    for path, group in by_path.items():
        if lines:
            lines.append("")
        lines.append(paint(safe_path(show(path)), _BOLD, opts))
        # line numbers right-aligned, columns left-aligned: the colons line up
        lw = max(len(str(f.line)) for f in group)
        cw = max(len(str(f.column)) for f in group)
        for f in group:
            pos = f"{f.line:>{lw}}:{f.column:<{cw}}"
            sev = f.severity.value
            lines.append(
                f"  {paint(pos, _DIM, opts)}  {paint(sev.ljust(7), _COLORS[sev], opts)}  "
                f"{paint(f.code, _BOLD, opts)}{mark(f, opts)} {safe_path(f.message)}"
            )
    if opts.show_fixes and result.mode == "fix":
        for block in applied(result, show):
            lines += ["", block] if lines else [block]
    tail = trailer(result, opts)
    if lines and tail:
        lines.append("")
    lines += tail
    return "\n".join(lines) + ("\n" if lines else "")


def applied(result: RunResult, show: object) -> list[str]:
    """``--show-fixes``: every change the fix made, per file."""
    assert callable(show)
    out = []
    for r in result.changed_files:
        lines = [f"Fixed in {safe_path(show(r.path))}:"]
        for c in r.changes:
            what = (
                f"{c.before!r} -> {c.after!r}"
                if c.before and c.after
                else (f"removed {c.before!r}" if c.before else f"added {c.after!r}")
            )
            lines.append(f"  {c.line}: {c.code} {safe_path(what)}")
        out.append("\n".join(lines))
    return out


def trailer(result: RunResult, opts: RenderOptions) -> list[str]:
    """Skipped files, errors, what a fix did, and the summary line (errors only with -q)."""
    show = shown_paths(result)
    lines = [f"{safe_path(show(s.path))}: warning: {s.reason}" for s in result.skipped]
    lines += [f"{safe_path(show(r.path))}: {r.error}" for r in result.files if r.error]
    if opts.quiet:
        return lines
    if result.mode in ("fix", "diff"):
        changed = result.changed_files
        n_changes = sum(len(r.changes) for r in changed)
        verb = "Would fix" if result.mode == "diff" else "Fixed"
        if changed:
            lines.append(f"{verb} {_plural(n_changes, 'edit')} in {_plural(len(changed), 'file')}.")
        else:
            lines.append("Nothing to fix.")
        state = "would be" if result.mode == "diff" else "is now"
        for lock, command in result.stale_locks:
            lines.append(f"{safe_path(show(lock))} {state} stale: run `{command}` to lock again.")
    summary = summary_line(result, opts)
    if summary:
        lines.append(summary)
    return lines


def summary_line(result: RunResult, opts: RenderOptions) -> str:
    findings = result.findings
    if not findings:
        if result.mode == "check":
            return f"All checks passed ({_plural(len(result.files), 'file')} checked)."
        return ""
    by_sev = Counter(f.severity.value for f in findings)
    parts = ", ".join(_plural(n, s) for s, n in sorted(by_sev.items()))
    safe = sum(1 for f in findings if f.applicability == Applicability.SAFE)
    unsafe = sum(1 for f in findings if f.applicability == Applicability.UNSAFE)
    tail = []
    if safe:
        tail.append(f"{safe} fixable with `pipsrc fix`")
    if unsafe and not opts.unsafe_fixes:
        tail.append(f"{unsafe} more with `--unsafe-fixes`")
    extra = f" ({'; '.join(tail)})" if tail else ""
    files = len({f.path for f in findings})
    return f"Found {_plural(len(findings), 'finding')} in {_plural(files, 'file')}: {parts}{extra}."
