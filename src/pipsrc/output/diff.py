"""`fix --diff`: a unified diff of every file the fix would change, redacted."""

from __future__ import annotations

from pipsrc.engine.results import RunResult
from pipsrc.output import shown_paths
from pipsrc.redaction import redact


def render_diff(result: RunResult) -> str:
    import difflib  # imported here: the CLI imports this module for every check run

    show = shown_paths(result)
    out: list[str] = []
    for r in result.changed_files:
        a = (r.original or "").splitlines(keepends=True)
        b = (r.fixed or "").splitlines(keepends=True)
        path = show(r.path)
        for line in difflib.unified_diff(a, b, f"a/{path}", f"b/{path}"):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    # context lines are redacted too: a credential next to a fixed line must not leak
    return redact("".join(out))
