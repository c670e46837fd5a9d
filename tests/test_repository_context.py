"""Explicit file paths (pre-commit) still see the whole repository as context.

pre-commit passes only the files of a commit. The repository's dominant index (PS105) and the
files a named file refers to (PS104) live in the other files, so the engine reads those as
context, while findings and writes stay limited to the named files.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from pipsrc.engine import reading, repository
from pipsrc.engine import run as engine
from pipsrc.engine.results import RunResult
from pipsrc.policy import Policy
from tests.trees import write_tree

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"


def git(cwd: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env, timeout=60)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose dominant index is Aliyun, with one TUNA straggler."""
    write_tree(
        tmp_path,
        {
            "a/requirements.txt": f"-i {ALIYUN}\nflask\n",
            "b/requirements.txt": f"-i {ALIYUN}\nrequests\n",
            "pip.conf": f"[global]\nindex-url = {ALIYUN}\n",
            "c/requirements.txt": f"-i {TUNA}\nx\n",
            "d/requirements.txt": f"-i {TUNA}\ny\n",
            "Dockerfile": "FROM python:3.12\nCOPY a/requirements.txt .\n"
            "RUN pip install -r a/requirements.txt\n",
            "README.md": "not pip configuration\n",
        },
    )
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    monkeypatch.chdir(tmp_path)  # pre-commit runs from the repository root with relative paths
    return tmp_path


def codes(result: RunResult) -> list[tuple[str, str]]:
    return [(f.path, f.code) for f in result.findings]


def test_ps105_fires_on_a_single_named_file_that_disagrees_with_the_repository(repo: Path) -> None:
    result = engine.check(["c/requirements.txt"], Policy())
    assert codes(result) == [("c/requirements.txt", "PS105")]
    assert ALIYUN in result.findings[0].message
    assert [r.path for r in result.files] == ["c/requirements.txt"]  # nothing else reported


def test_a_named_file_that_agrees_is_clean_and_other_files_are_not_reported(repo: Path) -> None:
    # d/ disagrees too, but it was not named: its finding belongs to another commit
    assert codes(engine.check(["a/requirements.txt"], Policy())) == []
    assert codes(engine.check(["a/requirements.txt", "d/requirements.txt"], Policy())) == [
        ("d/requirements.txt", "PS105")
    ]


def test_without_the_repository_context_the_single_file_would_be_its_own_standard(
    repo: Path,
) -> None:
    # the same file alone outside any repository measures against itself: no finding
    other = repo.parent / "elsewhere"
    other.mkdir()
    (other / "requirements.txt").write_text(f"-i {TUNA}\nx\n", encoding="utf-8")
    assert codes(engine.check([str(other / "requirements.txt")], Policy())) == []


def test_a_referenced_requirements_file_outside_the_named_files_configures_the_install(
    repo: Path,
) -> None:
    # `pip install -r a/requirements.txt` uses a/requirements.txt's -i: no implicit pypi.org
    policy = Policy().with_index("aliyun")
    assert codes(engine.check(["Dockerfile"], policy, cli_index=True)) == []
    # and fix, given only the Dockerfile, has nothing to insert and writes nothing
    before = (repo / "Dockerfile").read_bytes()
    result = engine.fix(["Dockerfile"], policy, cli_index=True)
    assert result.changed_files == []
    assert (repo / "Dockerfile").read_bytes() == before


def test_fix_on_named_files_writes_only_those(repo: Path) -> None:
    policy = Policy().with_index("aliyun")
    untouched = {p: (repo / p).read_bytes() for p in ("d/requirements.txt", "pip.conf")}
    result = engine.fix(["c/requirements.txt"], policy, cli_index=True)
    assert [r.path for r in result.changed_files] == ["c/requirements.txt"]
    assert (repo / "c/requirements.txt").read_text(
        encoding="utf-8"
    ) == f"-i {ALIYUN.rstrip('/')}\nx\n"
    assert {p: (repo / p).read_bytes() for p in untouched} == untouched


def test_excluded_files_do_not_count_towards_the_dominant_index(repo: Path) -> None:
    # with a/, b/ and pip.conf excluded, TUNA (c/, d/) dominates and c/ agrees with it
    result = engine.check(["c/requirements.txt"], Policy(), exclude=("a", "b", "pip.conf"))
    assert codes(result) == []


def test_a_directory_target_keeps_its_own_context(repo: Path) -> None:
    # naming a directory chooses the scope: the context is that directory, as before
    assert codes(engine.check(["c"], Policy())) == []


def test_with_a_policy_index_only_referenced_files_are_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-commit case stays cheap: a named Dockerfile makes pipsrc read the requirements
    file it installs from, not list and read the whole repository."""
    listed: list[list[str]] = []
    real_discover = reading.discover

    def spy(paths: list[str], *args: object, **kw: object) -> object:
        listed.append(list(paths))
        return real_discover(paths, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(reading, "discover", spy)
    monkeypatch.setattr(repository, "discover", spy)
    result = engine.check(["Dockerfile"], Policy().with_index("aliyun"))
    assert codes(result) == []  # the -r file's Aliyun index is found: no PS104
    assert listed == [["Dockerfile"]]
    assert result.repository is not None
    assert [d.path for d in result.repository.loaded] == ["a/requirements.txt"]
    # consistency mode needs the dominant index, so the repository is listed once
    listed.clear()
    engine.check(["c/requirements.txt"], Policy())
    assert len(listed) == 2
