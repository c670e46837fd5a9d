"""`pipsrc fix` then `pipsrc check` with the same options: what the `pipsrc-fix` + `pipsrc`
hook pair does on every commit.

The bar (issue "Fixes that never break a build"): `check` exits 0 after `fix`, unless a
finding that no fix can settle remains, and then the output names it and says why; a second
`fix` changes nothing. Over every fixture repository (fixtures/*/before, with the options its
scenario runs with, safe fixes and `--unsafe-fixes`), and over the issue's small cases.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cliutil import invoke
from tests.test_fixtures import FIXTURES, SCENARIOS
from tests.trees import write_tree

MODES = {"safe": (), "unsafe": ("--unsafe-fixes",)}
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"


def _repo(tmp_path: Path, files: dict[str, str] | Path) -> Path:
    dest = tmp_path / "repo"
    if isinstance(files, Path):
        shutil.copytree(files, dest)
    else:
        write_tree(dest, files)
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    return dest


def fix_then_check(
    repo: Path, options: tuple[str, ...], mode: str = "safe"
) -> list[dict[str, object]]:
    """Run fix, check and fix again; return what check reported (and assert the bar)."""
    fixed = invoke(["fix", "--no-color", *MODES[mode], *options, str(repo)])
    assert fixed.exit_code in (0, 1), fixed.output
    assert "internal error" not in fixed.output, fixed.output
    checked = invoke(["check", "--no-color", *options, str(repo)])
    as_json = invoke(["check", "--format", "json", *options, str(repo)])
    findings: list[dict[str, object]] = json.loads(as_json.stdout)["findings"]
    failing = [f for f in findings if f["severity"] != "info"]
    if checked.exit_code != 0:
        assert failing, checked.output
        for f in failing:
            # unfixable: no fix this `fix` would apply is left for it (nor one the fix made)
            if mode == "unsafe" or f["applicability"] == "safe":
                assert not f["fixable"], f"`check` after `fix` still offers a fix: {f}"
            # ...and the output names it, with why
            shown = checked.output.replace("\n  ", " ").replace(" [unsafe fix]", "")
            assert f"{f['code']} {f['message']}" in shown
    again = invoke(["fix", "--no-color", *MODES[mode], *options, str(repo)])
    assert again.exit_code == 0 and "Nothing to fix" in again.output, again.output
    return findings


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_fixture_checks_clean_after_fix(name: str, mode: str, tmp_path: Path) -> None:
    repo = _repo(tmp_path, FIXTURES / name / "before")
    findings = fix_then_check(repo, tuple(SCENARIOS[name]), mode)
    # what is left needs a human (or --unsafe-fixes), and the fixture's EXPECTED.md says so
    left = sorted(str(f["code"]) for f in findings if f["severity"] != "info")
    assert left == LEFT.get((name, mode), LEFT.get((name, "*"), [])), findings


# findings each fixture keeps after `fix`, by mode ("*": both)
LEFT = {
    # an intranet extra index nobody may replace, and two locks that need relocking; with
    # safe fixes only, also what the locked uv project and Pipfile hold (their fixes are
    # unsafe: the locks record those indexes)
    ("projects", "unsafe"): ["PS102", "PS108", "PS108"],
    ("projects", "safe"): ["PS101", "PS101", "PS102", "PS103", "PS108", "PS108", "PS201"],
    # nvidia is not on the conda mirror, `defaults` in a RUN and torch's index as an extra
    # index need a human; the `defaults` of the .condarc and environment.yml have unsafe fixes
    ("conda", "safe"): ["PS106", "PS601", "PS602", "PS602", "PS602"],
    ("conda", "unsafe"): ["PS106", "PS601", "PS602"],
    # `uv pip install` in a Makefile recipe: no configuration syntax is inserted into CI and
    # build files (PS104 has no fix there); uv ignores the workflow's pip config (PS403; the
    # workflow's own PS104 is a note: its job runs on a GitHub-hosted runner)
    ("ci", "*"): ["PS104", "PS403"],
    # the Markdown page's three mirrors: pages are reported, never fixed (--include-docs)
    ("notebooks", "*"): ["PS101", "PS101", "PS101"],
    # the vendors' mirror indexes on the proxy stay extra indexes (fixtures/proxy/EXPECTED.md)
    ("proxy", "*"): ["PS106", "PS106"],
    # tox 3's `corp` index server is an intranet index nobody may replace (the poetry.toml
    # upload repository is an info finding)
    ("tox", "*"): ["PS102"],
    # an index written with an escape in a Python string (reported, never edited), an install
    # in a Python script (PS104 inserts nothing there) and torch's index as an extra index
    ("python", "*"): ["PS101", "PS104", "PS106"],
}


def test_every_fixture_has_a_scenario() -> None:
    assert {p.parent.name for p in FIXTURES.glob("*/before")} == set(SCENARIOS)


# the cases: a trusted-host that served an old http index must not survive as PS204
CASES: dict[str, dict[str, str]] = {
    "requirements, douban over http": {
        "requirements.txt": "-i http://pypi.douban.com/simple/\n"
        "--trusted-host pypi.douban.com\nrequests\n",
    },
    "pip config set in a RUN chain": {
        "Dockerfile": "FROM python:3.12-slim\n"
        "RUN pip config set global.index-url http://pypi.douban.com/simple/ && \\\n"
        "    pip config set global.trusted-host pypi.douban.com && \\\n"
        "    pip install requests\n",
    },
    "ENV pair": {
        "Dockerfile": "FROM python:3.12-slim\n"
        "ENV PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple \\\n"
        "    PIP_TRUSTED_HOST=pypi.tuna.tsinghua.edu.cn\nRUN pip install requests\n",
    },
    "pip.conf": {
        "pip.conf": "[global]\nindex-url = https://mirrors.cloud.tencent.com/pypi/simple\n"
        "trusted-host = mirrors.cloud.tencent.com\ntimeout = 60\n",
    },
    "compose build args": {
        "docker-compose.yml": "services:\n  api:\n    build:\n      context: .\n      args:\n"
        "        PIP_INDEX_URL: https://pypi.tuna.tsinghua.edu.cn/simple\n"
        "        PIP_TRUSTED_HOST: pypi.tuna.tsinghua.edu.cn\n",
    },
    "the policy mirror over http, in a script": {
        "build.sh": "#!/bin/sh\n"
        "pip install -i http://mirrors.aliyun.com/pypi/simple/ --trusted-host mirrors.aliyun.com"
        " requests\n",
    },
}


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("case", sorted(CASES))
def test_no_trusted_host_is_left_behind(case: str, mode: str, tmp_path: Path) -> None:
    repo = _repo(tmp_path, CASES[case])
    findings = fix_then_check(repo, ("--mirror", "aliyun"), mode)
    assert not [f for f in findings if f["code"] in ("PS203", "PS204")]
    text = "".join(p.read_text() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert "trusted" not in text.lower().replace('trusted-host = "', "")


def test_an_unfixable_finding_is_named_with_why(tmp_path: Path) -> None:
    """An intranet devpi is left as it is; `check` says which finding remains and why."""
    repo = _repo(
        tmp_path,
        {
            "requirements.txt": "--index-url http://10.8.0.12:3141/root/dev/+simple/\n"
            "--trusted-host 10.8.0.12:3141\ncorp-utils==1.4\n"
        },
    )
    findings = fix_then_check(repo, ("--mirror", "aliyun"))
    (f,) = [f for f in findings if f["code"] == "PS101"]
    assert "left as it is" in str(f["message"]) and "10.8.0.12" in str(f["message"])
