"""GitLab Code Quality: a JSON array of Code Climate issues (``artifacts:reports:codequality``).

Each issue has the fields GitLab documents as required: ``description``,
``check_name``, ``fingerprint``, ``severity`` (``info``, ``minor``, ``major``,
``critical`` or ``blocker``) and ``location.path`` with ``location.lines.begin``; plus
Code Climate's ``type``/``engine_name``/``categories``. Fingerprints come from
:func:`pipsrc.output.fingerprints` (no line numbers), so GitLab's merge-request widget
shows a moved line as unchanged rather than as one issue fixed and one introduced.
"""

from __future__ import annotations

import json
from typing import Any

from pipsrc.engine.results import RunResult
from pipsrc.model import Severity
from pipsrc.output import RenderOptions, fingerprints, repo_paths

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
_CATEGORIES = {
    "pipsrc.rules.transport": ["Security"],
    "pipsrc.rules.security": ["Security"],
    "pipsrc.rules.meta": ["Style"],
}


def render(result: RunResult, opts: RenderOptions) -> str:
    from pipsrc.rules import BY_CODE

    path_of = repo_paths(result)
    prints = fingerprints(result, path_of)
    issues: list[dict[str, Any]] = []
    for f in result.findings:
        issues.append(
            {
                "type": "issue",
                "engine_name": "pipsrc",
                "check_name": f.code,
                "description": f"{f.code} {f.message}",
                "categories": _CATEGORIES.get(BY_CODE[f.code].__module__, ["Bug Risk"]),
                "severity": SEVERITIES[f.severity],
                "fingerprint": prints[id(f)],
                "location": {
                    "path": path_of(f.path),
                    "lines": {"begin": f.line, "end": f.end_line},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
