"""SARIF 2.1.0, as GitHub code scanning reads it (``upload-sarif``).

Choices that matter to a consumer:

- Every rule is described in ``tool.driver.rules`` (help text, a link to its page, its
  default level) and each result points at it by ``ruleId`` and ``ruleIndex``.
- Locations are relative to the repository root with ``uriBaseId`` ``%SRCROOT%``; the
  run declares ``columnKind: unicodeCodePoints`` because pipsrc counts columns in
  characters (1-based) while SARIF's default is UTF-16 code units. ``endColumn`` is
  exclusive in SARIF, as pipsrc's end column already is.
- ``partialFingerprints`` does not depend on line numbers (see
  :func:`pipsrc.output.fingerprints`), so an alert survives edits above it.
- A finding with a fix carries it as ``fixes`` (replacements of regions of the file).
- Files that could not be read or were skipped are ``toolExecutionNotifications``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipsrc import __version__
from pipsrc.engine.results import Finding, RunResult
from pipsrc.model import Applicability, Edit, Severity
from pipsrc.output import (
    HOME_URL,
    RULES_URL,
    RenderOptions,
    fingerprints,
    repo_base,
)
from pipsrc.redaction import redact
from pipsrc.textio import LineIndex

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
BASE = "%SRCROOT%"
_TAGS = {
    "pipsrc.rules.index": ["index"],
    "pipsrc.rules.extra": ["index"],
    "pipsrc.rules.pypi": ["index"],
    "pipsrc.rules.transport": ["security", "transport"],
    "pipsrc.rules.trusted": ["security", "transport"],
    "pipsrc.rules.security": ["security"],
    "pipsrc.rules.ineffective": ["correctness"],
    "pipsrc.rules.meta": ["meta"],
}


def _uri(path: str) -> str:
    """A relative URI reference for a posix path (percent-encoding what a URI cannot hold)."""
    from urllib.parse import quote

    return quote(path, safe="/")


def _rules() -> list[dict[str, Any]]:
    from pipsrc.docs import rule_markdown
    from pipsrc.rules import ALL_RULES

    out = []
    for r in ALL_RULES:
        help_text = f"{r.summary}\n\nWhy: {r.why}\n\nFix safety: {r.fix_safety}"
        out.append(
            {
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary[:1024]},
                "fullDescription": {"text": f"{r.summary} {r.why}"[:1024]},
                "help": {"text": help_text, "markdown": rule_markdown(r)},
                "helpUri": RULES_URL.format(code=r.code),
                "defaultConfiguration": {"level": LEVELS[r.severity]},
                "properties": {"tags": _TAGS.get(r.__module__, [])},
            }
        )
    return out


def _region(index: LineIndex, start: int, end: int) -> dict[str, int]:
    line, col = index.line_col(start)
    end_line, end_col = index.line_col(end)
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}


def _fix(f: Finding, index: LineIndex, uri: str) -> dict[str, Any] | None:
    """The fix as SARIF replacements; None when it would insert a credential.

    Redacting the inserted text would turn the fix into one that writes ``****``,
    so such a fix (a policy proxy URL carrying a password) is left out instead.
    """
    assert f.fix is not None
    edits: list[Edit] = sorted(f.fix.edits, key=lambda e: (e.start, e.end))
    if any(redact(e.replacement) != e.replacement for e in edits):
        return None
    fix: dict[str, Any] = {
        "description": {"text": f.fix.title},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": uri, "uriBaseId": BASE},
                "replacements": [
                    {
                        "deletedRegion": _region(index, e.start, e.end),
                        "insertedContent": {"text": e.replacement},
                    }
                    for e in edits
                ],
            }
        ],
    }
    if f.fix.applicability != Applicability.SAFE:
        fix["properties"] = {"applicability": f.fix.applicability.value}
    return fix


def render(result: RunResult, opts: RenderOptions) -> str:
    from pipsrc.rules import ALL_RULES

    rule_index = {r.code: i for i, r in enumerate(ALL_RULES)}
    base, prefix = repo_base(result)

    def path_of(p: str) -> str:
        return prefix + p

    prints = fingerprints(result, path_of)
    texts = {r.path: r.doc.text for r in result.files if r.doc is not None}
    indexes: dict[str, LineIndex] = {}
    results = [
        _result(f, rule_index[f.code], prints[id(f)], _uri(path_of(f.path)), texts, indexes)
        for f in result.findings
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "pipsrc",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": HOME_URL,
                "rules": _rules(),
            }
        },
        "invocations": [
            {
                "executionSuccessful": not any(r.error for r in result.files),
                "toolExecutionNotifications": _notes(result, path_of),
            }
        ],
        "originalUriBaseIds": {BASE: {"uri": Path(base).as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _result(
    f: Finding,
    rule_index: int,
    fingerprint: str,
    uri: str,
    texts: dict[str, str],
    indexes: dict[str, LineIndex],
) -> dict[str, Any]:
    """One finding as a SARIF result, with its fix when one can be shown.

    ``indexes`` caches a line index per file across the findings of a run: only files
    with a fix to show need one.
    """
    res: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": BASE},
                    "region": {
                        "startLine": f.line,
                        "startColumn": f.column,
                        "endLine": f.end_line,
                        "endColumn": f.end_column,
                    },
                }
            }
        ],
        "partialFingerprints": {
            "primaryLocationLineHash": fingerprint,
            "pipsrc/v1": fingerprint,
        },
        "properties": {"name": f.name, "value": f.value},
    }
    if f.fix is not None and f.applicability != Applicability.DISPLAY and f.path in texts:
        index = indexes.get(f.path) or indexes.setdefault(f.path, LineIndex(texts[f.path]))
        fix = _fix(f, index, uri)
        if fix is not None:
            res["fixes"] = [fix]
    return res


def _notes(result: RunResult, path_of: Callable[[str], str]) -> list[dict[str, Any]]:
    """Files that could not be read (errors) or were skipped (warnings), as notifications."""
    notes: list[dict[str, Any]] = []
    for r in result.files:
        if r.error:
            notes.append(_note("error", r.error, path_of(r.path)))
    for s in result.skipped:
        notes.append(_note("warning", s.reason, path_of(s.path)))
    return notes


def _note(level: str, message: str, path: str) -> dict[str, Any]:
    return {
        "level": level,
        "message": {"text": f"{path}: {message}"},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": _uri(path), "uriBaseId": BASE}}}
        ],
    }
