"""``pipsrc why PATH:LINE``: it answers for every install command of every fixture tree, and
its answer is the resolution model's, the one the differential harness (tests/oracle)
compares with real pip and uv; hand-checked answers; setting lines; errors; redaction."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipsrc.cli import main
from pipsrc.engine.run import check
from pipsrc.output.json_format import site_entries
from pipsrc.policy import Policy
from pipsrc.why import WhyError, explain, parse_target
from tests.test_fixtures import FIXTURES, SCENARIOS, repo
from tests.trees import write_tree

__all__ = ["repo"]  # the fixture, re-used from test_fixtures

SECRET = "SENTINEL0123456789abcdef"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"


@pytest.fixture
def inside(tmp_path: Path) -> Iterator[Path]:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


def why(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["why", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_every_fixture_tree_is_covered() -> None:
    assert sorted(SCENARIOS) == sorted(p.parent.name for p in FIXTURES.glob("*/before"))


@pytest.mark.parametrize("repo", list(SCENARIOS), indirect=True)
def test_why_answers_for_every_install_command_as_the_model_does(repo: Path) -> None:
    """The harness's side of the comparison is ``site_entries`` (tests/oracle/adapter.py):
    ``why`` gives the same index list, source and chain for every install command."""
    result = check([str(repo)], Policy())
    sites = site_entries(result)
    assert sites, repo.name
    for site in sites:
        answer = explain(result, site["path"], site["line"], lambda p: p)
        mine = [s for s in answer.sites if s.line == site["line"]]
        assert mine, (site, answer)
        eff = site["effective"]
        assert any(
            s.indexes == eff["indexes"]
            and s.source == eff["source"]
            and s.command == site["command"]
            for s in mine
        ), (site, mine)
        chain = [(c["path"], c["line"], c["role"]) for c in eff["chain"]]
        assert any([(u.path, u.line, u.role) for u in s.settings][: len(chain)] == chain
                   for s in mine), (site, mine)  # fmt: skip


@pytest.mark.parametrize("repo", list(SCENARIOS), indirect=True)
def test_the_command_answers_for_every_install_command(repo: Path) -> None:
    """The command line, with each scenario's policy, from inside the tree: exit 0 and a
    JSON answer with the model's indexes for every install command."""
    sites = site_entries(check([str(repo)], Policy()))
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        for site in sites:
            code, out, err = why(f"{site['path']}:{site['line']}", "--format", "json",
                                 *SCENARIOS[repo.name][:2])  # fmt: skip
            assert code == 0, err
            answer = json.loads(out)
            assert [s["indexes"] for s in answer["sites"]].count(site["effective"]["indexes"])
            assert all(s["verdict"] and s["precedence"] for s in answer["sites"])
    finally:
        os.chdir(cwd)


# --- hand-checked answers (fixtures/seed000/before, read by a person) ---------------------


@pytest.fixture
def seed(tmp_path: Path) -> Iterator[Path]:
    import shutil
    import subprocess

    dest = tmp_path / "seed000"
    shutil.copytree(FIXTURES / "seed000" / "before", dest)
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    cwd = os.getcwd()
    os.chdir(dest)
    try:
        yield dest
    finally:
        os.chdir(cwd)


def _json(target: str, *args: str) -> dict[str, Any]:
    code, out, err = why(target, "--format", "json", "--mirror", "aliyun", *args)
    assert code == 0, err
    answer: dict[str, Any] = json.loads(out)
    return answer


def test_requirements_file_index_replaces_the_exported_variable(seed: Path) -> None:
    """build.sh:41 `pip install -r requirements.txt` after `export PIP_INDEX_URL=TUNA` (line
    12): requirements.txt's `-i` (line 3) replaces the variable, and requirements-dev.txt's
    `--extra-index-url https://pypi.org/simple` (line 7, included by it) is added."""
    (site,) = _json("build.sh:41")["sites"]
    assert site["indexes"] == [TUNA, "https://pypi.org/simple"]
    assert site["source"] == "requirements"
    assert site["verdict"] == "other"
    roles = [(s["path"], s["line"], s["role"]) for s in site["settings"]]
    assert roles[:3] == [("build.sh", 12, "replaced"), ("requirements.txt", 3, "index"),
                         ("requirements-dev.txt", 7, "extra")]  # fmt: skip
    judged = {(f["code"], f["path"], f["line"]) for f in site["findings"]}
    assert ("PS101", "requirements.txt", 3) in judged
    assert site["precedence"].startswith("a requirements file's -i")


def test_vendor_index_on_the_command_line_is_an_exception(seed: Path) -> None:
    """Dockerfile.gpu:31 `pip3 install --index-url https://download.pytorch.org/whl/cu118`
    after `pip config set global.index-url USTC` (line 25): the flag wins, an allowed
    exception; the trusted-host of line 26 is read too."""
    (site,) = _json("src/jupyterhub/Dockerfile.gpu:31")["sites"]
    assert site["indexes"] == ["https://download.pytorch.org/whl/cu118"]
    assert (site["source"], site["verdict"]) == ("cli", "exception")
    roles = {(s["line"], s["role"]) for s in site["settings"]}
    assert {(25, "replaced"), (31, "index"), (26, "seen")} <= roles


def test_paths_are_relative_to_where_one_stands(seed: Path) -> None:
    os.chdir(seed / "src")
    code, out, _err = why("jupyterhub/Dockerfile.gpu:31")
    assert code == 0
    assert out.startswith("jupyterhub/Dockerfile.gpu:31: pip3 install (pip)\n")
    assert "  effective index: https://download.pytorch.org/whl/cu118 (from cli)" in out


def test_a_setting_line_lists_the_commands_it_reaches(seed: Path) -> None:
    answer = _json("requirements.txt:3")
    assert [(s["key"], s["role"]) for s in answer["settings"]] == [("-i", "index")]
    assert [(s["path"], s["line"], s["role"]) for s in answer["reaches"]] == [
        ("build.sh", 41, "index")
    ]
    code, out, _ = why("requirements.txt:3")
    assert code == 0 and "  reaches build.sh:41: pip install as index" in out


def test_a_trusted_host_line_reaches_the_commands_that_read_it(seed: Path) -> None:
    answer = _json("src/jupyterhub/Dockerfile.gpu:26")
    assert {(s["line"], s["role"]) for s in answer["reaches"]} >= {(27, "seen"), (31, "seen")}


# --- errors and secrets ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("build.sh:2", "build.sh:2: no install command or index setting on this line "
                       "(install commands on lines 41, 59; settings on lines 12, 29, 59)"),
        ("build.sh:9999", "build.sh:9999: no install command or index setting on this line"),
        ("build.sh", "build.sh: expected PATH:LINE (a line number from 1)"),
        ("build.sh:0", "build.sh:0: expected PATH:LINE (a line number from 1)"),
        ("nosuch.sh:3", "nosuch.sh: no such file"),
        ("README.md:1", "README.md: not a file pipsrc reads"),
    ],
)  # fmt: skip
def test_clear_errors_exit_2(seed: Path, target: str, message: str) -> None:
    (seed / "README.md").write_text("# notes\n", encoding="utf-8")
    code, out, err = why(target)
    assert code == 2
    assert out == ""
    assert err.startswith(f"pipsrc: {message}"), err
    assert "Traceback" not in err


def test_parse_target() -> None:
    assert parse_target("a:b/c.sh:12") == ("a:b/c.sh", 12)
    with pytest.raises(WhyError):
        parse_target(":3")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secrets_never_appear(inside: Path, fmt: str) -> None:
    write_tree(inside, {
        "build.sh": f"#!/bin/sh\nexport PIP_INDEX_URL=https://ci:{SECRET}@pypi.corp.example/simple\n"
                    f"pip install -r requirements.txt\n",
        "requirements.txt": f"--extra-index-url https://bot:{SECRET}@extra.example/simple\nflask\n",
    })  # fmt: skip
    for target in ("build.sh:3", "build.sh:2", "requirements.txt:1"):
        code, out, err = why(target, "--format", fmt, "--root", str(inside))
        assert code == 0, err
        assert SECRET not in out + err
        assert "pypi.corp.example" in out
