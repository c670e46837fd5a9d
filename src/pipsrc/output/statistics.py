"""``check --statistics``: how many findings each rule produced, instead of the listing.

For a first run over a large repository, where hundreds of findings hide the three
kinds of problem there really are. Text is a table (count, code, fix mark, name) sorted
by count; ``--format json`` gives ``[{"code", "name", "count", "fixable"}]`` where
``fixable`` counts the findings ``pipsrc fix`` would fix with the same flags.
"""

from __future__ import annotations

import json
from collections import Counter

from pipsrc.engine.results import RunResult
from pipsrc.output import RenderOptions, applies
from pipsrc.output.text import _BOLD, paint, summary_line

FORMATS = ("text", "json")


def rows(result: RunResult, opts: RenderOptions) -> list[dict[str, str | int]]:
    findings = result.findings
    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if applies(f, opts.unsafe_fixes))
    names = {f.code: f.name for f in findings}
    order = sorted(counts, key=lambda c: (-counts[c], c))
    return [{"code": c, "name": names[c], "count": counts[c], "fixable": fixable[c]} for c in order]


def render(result: RunResult, fmt: str, opts: RenderOptions) -> str:
    table = rows(result, opts)
    if fmt == "json":
        return json.dumps(table, indent=2, ensure_ascii=False) + "\n"
    width = max((len(str(r["count"])) for r in table), default=1)
    lines = [
        f"{str(r['count']).rjust(width)}  {paint(str(r['code']), _BOLD, opts)}  "
        f"{'[*]' if r['fixable'] else '   '} {r['name']}"
        for r in table
    ]
    summary = summary_line(result, opts)
    if summary:
        lines.append(summary)
    return "\n".join(lines) + ("\n" if lines else "")
