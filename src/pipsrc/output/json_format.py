"""The JSON format: ``{"version": 1, "findings": [...], "files": [...], "sites": [...],
"summary": {...}}``.

``sites`` answers, for every install command, which indexes it really uses: ``indexes`` in
the order its installer reads them (pip: the index, then the extras; uv: the extras, then
the default index; ``null`` for a value pipsrc cannot resolve), where the primary one comes
from (``source``), and ``chain``: every setting that took part, with its file, line, how
it is written and what it did (``index``, ``extra``, ``no-index``, ``replaced``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from pipsrc.engine.results import RunResult
from pipsrc.output import RenderOptions, shown_paths


def render(result: RunResult, opts: RenderOptions) -> str:
    findings = result.findings
    show = shown_paths(result)
    doc: dict[str, Any] = {
        "version": 1,
        "findings": [
            {
                "code": f.code,
                "name": f.name,
                "severity": f.severity.value,
                "path": show(f.path),
                "line": f.line,
                "column": f.column,
                "end_line": f.end_line,
                "end_column": f.end_column,
                "message": f.message,
                "value": f.value,
                "fixable": f.fixable,
                "applicability": f.applicability.value if f.applicability else None,
            }
            for f in findings
        ],
        "files": [
            {
                "path": show(r.path),
                "kind": str(r.kind),
                "settings": len(r.doc.settings) if r.doc else 0,
                "install_sites": len(r.doc.sites) if r.doc else 0,
                "findings": len(r.findings),
                "changed": r.changed,
                "error": r.error,
                "changes": [
                    {"code": c.code, "line": c.line, "before": c.before, "after": c.after}
                    for c in r.changes
                ],
            }
            for r in result.files
        ],
        "skipped": [{"path": show(s.path), "reason": s.reason} for s in result.skipped],
        "sites": site_entries(result, show),
        "summary": {
            "files": len(result.files),
            "findings": len(findings),
            "by_code": dict(sorted(Counter(f.code for f in findings).items())),
            "by_severity": dict(sorted(Counter(f.severity.value for f in findings).items())),
            "fixable": sum(1 for f in findings if f.fixable),
            "changed_files": len(result.changed_files),
            "index": result.policy.index,
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def site_entries(result: RunResult, show: Callable[[str], str] | None = None) -> list[Any]:
    """One entry per install command: the indexes it uses and the settings behind them."""
    from pipsrc.engine.repository import make_context
    from pipsrc.redaction import redact
    from pipsrc.resolution import effective_index
    from pipsrc.textio import LineIndex

    show = show or (lambda p: p)
    ctx = make_context(result.files, result.policy, False, result.repository)
    texts = {r.path: r.doc.text for r in result.files if r.doc is not None}
    lines = {path: LineIndex(text) for path, text in texts.items()}
    out = []
    for r in result.files:
        if r.doc is None:
            continue
        for site in r.doc.sites:
            eff = effective_index(r.doc, site, ctx)
            chain = []
            for used in eff.chain:
                index = lines.get(used.path) or LineIndex(texts.get(used.path, ""))
                chain.append({
                    "path": show(used.path),
                    "line": index.line_col(used.setting.span.start)[0],
                    "method": used.setting.method.value,
                    "key": used.setting.key,
                    "value": redact(used.setting.value or used.setting.raw),
                    "role": used.role,
                })  # fmt: skip
            out.append({
                "path": show(r.path),
                "line": lines[r.path].line_col(site.span.start)[0],
                "command": site.command,
                "tool": site.tool.value,
                "effective": {
                    "indexes": [redact(i) if i is not None else None for i in eff.indexes],
                    "source": eff.source,
                    "detail": redact(eff.detail),
                    "chain": chain,
                },
            })  # fmt: skip
    return out
