"""Which files pipsrc reads: every Dockerfile-named file real repositories use, files that
start like a Dockerfile, and a clear word about an explicit path it does not read."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipsrc.discover import classify
from tests.cliutil import invoke

DOCKERFILE = "FROM python:3.12\nRUN pip install -i https://pypi.tuna.tsinghua.edu.cn/simple x\n"


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile",
        "Dockerfile-cu121",
        "Dockerfile_amd",
        "gpu_Dockerfile",
        "dockerfile.dev",
        "Dockerfile.neuron",
        "app.Dockerfile",
        "build.dockerfile",
        "DOCKERFILE",
        "Containerfile",
        "containerfile.gpu",
        "docker/Dockerfile-for-Mainland-China",
    ],
)
def test_every_dockerfile_name_is_read(name: str) -> None:
    assert classify(name) == "dockerfile"


@pytest.mark.parametrize("name", ["dockerfile_test.py", "Dockerfiles/README.md", "dockerfile.md"])
def test_files_about_dockerfiles_are_not_dockerfiles(name: str) -> None:
    assert classify(name) != "dockerfile"


@pytest.mark.parametrize(
    "head", [b"FROM python:3.12\n", b"# syntax=docker/dockerfile:1\nFROM x\n", b"ARG V=1\nFROM x\n"]
)
def test_an_extension_less_file_that_starts_like_a_dockerfile_is_one(head: bytes) -> None:
    assert classify("docs/GithubAction+ChatGLM", head) == "dockerfile"


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return tmp_path


def test_a_dockerfile_named_variant_is_checked(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"docker/Dockerfile_cu121": DOCKERFILE})
    out = invoke(["check", "--mirror", "aliyun", "--no-color", str(repo)])
    assert out.exit_code == 1 and "Dockerfile_cu121" in out.output and "PS101" in out.output


def test_an_explicit_path_is_read_by_its_content(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"build.docker": DOCKERFILE})
    out = invoke(["check", "--mirror", "aliyun", "--no-color", str(repo / "build.docker")])
    assert out.exit_code == 1 and "PS101" in out.output


def test_an_explicit_path_of_no_kind_is_named_and_exits_2(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"notes.md": "pip install x\n"})
    out = invoke(["check", "--mirror", "aliyun", str(repo / "notes.md")])
    assert out.exit_code == 2
    assert "notes.md: not a file kind pipsrc reads" in out.output
    assert "All checks passed" not in out.output


def test_an_unread_path_beside_a_read_one_is_a_warning(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"notes.md": "x\n", "Dockerfile": DOCKERFILE})
    out = invoke(["check", "--mirror", "aliyun", str(repo / "notes.md"), str(repo / "Dockerfile")])
    assert out.exit_code == 1
    assert "notes.md: warning: not a file kind pipsrc reads" in out.output


# --- the name table and the screen of Python sources -------------------------------------


def _one_regex_kind(name: str, parent: str) -> str | None:
    """The definition the registry states: every kind's names in one regex over the end of
    "dir/name", the first entry in table order that matches deciding."""
    import re

    from pipsrc.kinds import REGISTRY

    groups = "|".join(f"(?P<k{i}>{'|'.join(s.names)})" for i, s in enumerate(REGISTRY))
    m = re.fullmatch(f"(?:[^/]*/)??(?:{groups})", f"{parent}/{name}" if parent else name)
    return None if m is None or m.lastgroup is None else REGISTRY[int(m.lastgroup[1:])].kind


NAMES = [
    "Dockerfile", "base.Dockerfile", "Dockerfile.py", "requirements.txt", "base.txt",
    "config.yml", "ci.yaml", "action.yml", "pip.conf", "app.conf", "compose.yml",
    "docker-compose.yaml", "environment.yml", "env.yaml", "main.py", "README.md",
    "pyproject.toml", "uv.lock", "Makefile", "x.mk", ".env", "prod.env", ".condarc",
    "tox.ini", "setup.cfg", "Jenkinsfile", "build.sh", "notes.ipynb", "index.js", "x.gitlab-ci.yml",
]  # fmt: skip
PARENTS = ["", "src", "workflows", "requirements", "pip", ".pip", ".circleci", "condarc.d"]


@pytest.mark.parametrize("parent", PARENTS)
def test_names_are_classified_as_the_one_regex_says(parent: str) -> None:
    """kind_of_name tries the names that say their directory first, then the others on the
    name alone (kept per name): the same answer as the one regex, asked twice (the second
    time from what was kept)."""
    from pipsrc.kinds import kind_of_name

    for _ in range(2):
        for name in NAMES:
            assert kind_of_name(name, parent, docs=True) == _one_regex_kind(name, parent), (
                parent,
                name,
            )


def _tree(tmp_path: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)


PIP_CALL = (
    b'import subprocess\nsubprocess.run(["pip", "install", "-i", "https://pypi.org/simple", "x"])\n'
)


def test_python_sources_without_a_pip_call_are_not_candidates(tmp_path: Path) -> None:
    """Discovery reads a Python source once and drops it when it cannot hold a pip call;
    the sources that may (UTF-8, UTF-16 with a BOM, one too long to screen) are read."""
    from pipsrc.discover import SCREEN_BYTES, discover

    long_one = b"# padding\n" * (SCREEN_BYTES // 10 + 1) + PIP_CALL
    _tree(
        tmp_path,
        {
            "tools/build.py": PIP_CALL,
            "tools/wide.py": b"\xff\xfe" + PIP_CALL.decode().encode("utf-16-le"),
            "tools/long.py": long_one,
            "app/models.py": b"import os\nprint(os.getcwd())\n",
            "app/pipeline.py": b"pipeline = 1\n",  # a pip word, no way to run a command
            "app/binary.py": b"\x00\x01\x02",
        },
    )
    found = {c.path for c in discover([str(tmp_path)], str(tmp_path))[0]}
    assert found == {"tools/build.py", "tools/wide.py", "tools/long.py"}
    out = invoke(["check", "--mirror", "aliyun", "--no-color", str(tmp_path)]).output
    for name in ("build.py", "wide.py", "long.py"):
        assert f"tools/{name}\n" in out, out
    assert "app/" not in out
