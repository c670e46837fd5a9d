"""One ``path:line:col: CODE message`` line per finding: for editors, grep and quickfix lists.

The grouped ``text`` format is easier to read; this one is easier for tools that jump to
a location (vim's quickfix, emacs compilation mode, VS Code problem matchers).
"""

from __future__ import annotations

from pipsrc.engine.results import RunResult
from pipsrc.output import RenderOptions, safe_path, shown_paths
from pipsrc.output.text import _BOLD, _COLORS, mark, paint, trailer


def render(result: RunResult, opts: RenderOptions) -> str:
    if opts.quiet >= 2:
        return ""
    show = shown_paths(result)
    lines = []
    for f in result.findings:
        loc = paint(f"{safe_path(show(f.path))}:{f.line}:{f.column}:", _BOLD, opts)
        code = paint(f.code, _COLORS[f.severity.value], opts)
        lines.append(f"{loc} {code}{mark(f, opts)} {safe_path(f.message)}")
    lines += trailer(result, opts)
    return "\n".join(lines) + ("\n" if lines else "")
