"""The JSON format: ``{"version": 1, "findings": [...], "files": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from collections import Counter
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
