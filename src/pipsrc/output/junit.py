"""JUnit XML: one ``<testsuite>`` per file, a failing ``<testcase>`` per finding.

CI systems that only understand test reports (GitLab's ``artifacts:reports:junit``,
Jenkins, Azure Pipelines) then list each finding as a failed test named after its
rule and position. A clean file is one passing test case, so the totals show how
much was checked; a file that could not be read is an ``<error>``. Built with
:mod:`xml.etree.ElementTree`, which escapes attribute and text content; characters XML
cannot carry at all (control characters) are replaced first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipsrc.engine.results import RunResult
from pipsrc.output import RenderOptions, repo_paths, safe_path

# XML 1.0 forbids these even escaped
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def render(result: RunResult, opts: RenderOptions) -> str:
    """JUnit XML with repository-relative paths, as CI systems resolve them."""
    path_of = repo_paths(result)
    root = ET.Element("testsuites", name="pipsrc")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    by_path: dict[str, list[ET.Element]] = {}
    errors = {r.path: r.error for r in result.files if r.error}
    for f in result.findings:
        case = ET.Element(
            "testcase",
            name=_x(f"{f.code} {f.name} at {f.line}:{f.column}"),
            classname=_x(path_of(f.path)),
            file=_x(path_of(f.path)),
            line=str(f.line),
        )
        failure = ET.SubElement(case, "failure", message=_x(f.message), type=f.code)
        where = f"{safe_path(path_of(f.path))}:{f.line}:{f.column}"
        failure.text = _x(f"{where}: {f.code} [{f.severity.value}] {f.message}")
        by_path.setdefault(f.path, []).append(case)
    for r in result.files:
        cases = by_path.get(r.path, [])
        suite = ET.SubElement(root, "testsuite", name=_x(path_of(r.path)))
        if r.path in errors:
            case = ET.SubElement(suite, "testcase", name="read", classname=_x(path_of(r.path)))
            ET.SubElement(case, "error", message=_x(errors[r.path]), type="error")
        elif not cases:
            ET.SubElement(suite, "testcase", name="no findings", classname=_x(path_of(r.path)))
        suite.extend(cases)
        n_fail = len(cases)
        n_err = 1 if r.path in errors else 0
        n_tests = len(suite)
        suite.set("tests", str(n_tests))
        suite.set("failures", str(n_fail))
        suite.set("errors", str(n_err))
        suite.set("skipped", "0")
        totals["tests"] += n_tests
        totals["failures"] += n_fail
        totals["errors"] += n_err
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
