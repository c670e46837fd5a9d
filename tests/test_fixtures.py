"""Fixture repositories: `check` output and the tree after `fix`, byte for byte.

Each scenario copies ``fixtures/<name>/before`` into a fresh git work tree
(discovery is git-aware), runs the CLI, and compares with the committed
``check.txt`` and ``after/`` tree. ``PIPSRC_UPDATE_FIXTURES=1`` regenerates
them; review the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.cliutil import invoke

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROXY = "http://devpi.internal:3141/root/pypi/+simple/"
SCENARIOS = {
    "seed000": ["--mirror", "aliyun"],
    "devpi": ["--proxy", PROXY],
    "proxy": ["--proxy", PROXY, "--route-vendors"],
    "projects": ["--mirror", "aliyun"],
    "conda": ["--mirror", "tuna", "--conda-mirror", "tuna"],
    "ci": ["--mirror", "aliyun"],
    "notebooks": ["--mirror", "aliyun", "--include-docs"],
    "tox": ["--mirror", "aliyun"],
    "python": ["--mirror", "aliyun"],
}
# the index each scenario's policy names (what the fix oracles expect the fixed files to use)
MIRROR_URL = {
    "aliyun": "https://mirrors.aliyun.com/pypi/simple/",
    "tuna": "https://pypi.tuna.tsinghua.edu.cn/simple",
}
POLICY_URL = {
    name: PROXY if "--proxy" in args else MIRROR_URL[args[args.index("--mirror") + 1]]
    for name, args in SCENARIOS.items()
}
UPDATE = os.environ.get("PIPSRC_UPDATE_FIXTURES") == "1"
# a git-ignored file the run must never read or touch (it cannot be committed with the fixture)
IGNORED = ("ignored/Dockerfile", "FROM python:3.12\nRUN pip install -i https://pypi.org/simple x\n")


def tree(root: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and not rel.startswith(".git/") and not rel.startswith("ignored/"):
            out[rel] = p.read_bytes()
    return out


def modes(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }


@pytest.fixture
def repo(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    name = request.param
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name / "before", dest)
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    if (dest / ".gitignore").exists():
        (dest / IGNORED[0]).parent.mkdir(parents=True, exist_ok=True)
        (dest / IGNORED[0]).write_text(IGNORED[1], encoding="utf-8")
    return dest


def run(*args: str) -> tuple[int, str]:
    result = invoke(list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.mark.parametrize("repo", list(SCENARIOS), indirect=True)
def test_check_output(repo: Path) -> None:
    args = SCENARIOS[repo.name]
    code, out = run("check", "--no-color", *args, str(repo))
    expected = FIXTURES / repo.name / "check.txt"
    if UPDATE:
        expected.write_text(out, encoding="utf-8")
    assert code == 1
    assert out == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("repo", list(SCENARIOS), indirect=True)
def test_full_output(repo: Path) -> None:
    """The ``full`` format (the default on a terminal): source lines, carets, fix diffs."""
    args = SCENARIOS[repo.name]
    code, out = run("check", "--no-color", "--format", "full", *args, str(repo))
    expected = FIXTURES / repo.name / "check.full.txt"
    if UPDATE:
        expected.write_text(out, encoding="utf-8")
    assert code == 1
    assert out == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("repo", list(SCENARIOS), indirect=True)
def test_fix_tree(repo: Path) -> None:
    args = SCENARIOS[repo.name]
    before_modes = modes(repo)
    ignored = (repo / IGNORED[0]).read_bytes() if (repo / IGNORED[0]).exists() else None
    code, out = run("fix", "--no-color", *args, str(repo))
    assert code == 1, out
    after = FIXTURES / repo.name / "after"
    if UPDATE:
        shutil.rmtree(after, ignore_errors=True)
        shutil.copytree(repo, after, ignore=shutil.ignore_patterns(".git", "ignored"))
    assert tree(repo) == tree(after)
    assert modes(repo) == before_modes
    if ignored is not None:
        assert (repo / IGNORED[0]).read_bytes() == ignored
    # a second fix changes nothing, and what is left has no safe fix
    code, out = run("fix", "--no-color", *args, str(repo))
    assert code == 0, out
    assert tree(repo) == tree(after)
    code, out = run("check", "--no-color", "--format", "json", *args, str(repo))
    assert '"applicability": "safe"' not in out


@pytest.mark.parametrize("repo", ["seed000"], indirect=True)
def test_diff_writes_nothing(repo: Path) -> None:
    before = tree(repo)
    code, out = run("fix", "--diff", "--mirror", "aliyun", str(repo))
    assert code == 1
    assert "+RUN pip config set global.index-url https://mirrors.aliyun.com/pypi/simple" in out
    assert tree(repo) == before
