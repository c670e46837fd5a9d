"""The human format: ``path:line:col: CODE message``, then a summary line."""

from __future__ import annotations

from collections import Counter

from pipsrc.engine import RunResult
from pipsrc.model import Applicability
from pipsrc.output import RenderOptions, safe_path

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(result: RunResult, opts: RenderOptions) -> str:
    lines: list[str] = []
    findings = result.findings
    for f in findings:
        mark = " [*]" if f.applicability == Applicability.SAFE else ""
        if f.applicability == Applicability.UNSAFE:
            mark = " [unsafe fix]" if not opts.unsafe_fixes else " [*]"
        code = f.code
        loc = f"{safe_path(f.path)}:{f.line}:{f.column}:"
        if opts.color:
            loc = f"{_BOLD}{loc}{_RESET}"
            code = f"{_COLORS.get(f.severity.value, '')}{code}{_RESET}"
        msg = safe_path(f.message)
        lines.append(f"{loc} {code}{mark} {msg}")
    for s in result.skipped:
        lines.append(f"{safe_path(s.path)}: warning: {s.reason}")
    for err in result.errors:
        lines.append(f"{safe_path(err)}")
    if result.mode in ("fix", "diff"):
        changed = result.changed_files
        n_changes = sum(len(r.changes) for r in changed)
        verb = "Would fix" if result.mode == "diff" else "Fixed"
        if changed:
            lines.append(f"{verb} {_plural(n_changes, 'edit')} in {_plural(len(changed), 'file')}.")
        else:
            lines.append("Nothing to fix.")
    if findings:
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
        lines.append(f"Found {_plural(len(findings), 'finding')}: {parts}{extra}.")
    elif result.mode == "check" and not opts.quiet:
        lines.append(f"All checks passed ({_plural(len(result.files), 'file')} checked).")
    return "\n".join(lines) + ("\n" if lines else "")
