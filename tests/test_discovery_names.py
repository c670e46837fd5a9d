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
