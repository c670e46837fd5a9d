"""Paths from where the user stands, the quiet levels, and the fixes listed after a fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipsrc import commands
from pipsrc.options import Options
from tests.trees import write_tree

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
CLEAN = {k: v for k, v in os.environ.items() if not k.startswith(("PIPSRC_", "PIP_"))}
REPO = {
    "svc/Dockerfile": f"FROM python:3.12\nRUN pip install -i {TUNA} flask\n",
    "svc/requirements.txt": "flask\n",
}


def pipsrc(cwd: Path, *args: str) -> tuple[int, str]:
    out = subprocess.run([sys.executable, "-m", "pipsrc", *args], cwd=cwd, env=CLEAN,
                         capture_output=True, text=True)  # fmt: skip
    return out.returncode, out.stdout + out.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", REPO)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.mark.parametrize("fmt", ["concise", "text", "full", "json"])
def test_paths_are_relative_to_the_current_directory(repo: Path, fmt: str) -> None:
    expect = {
        repo.parent: "repo/svc/Dockerfile",  # pipsrc check repo
        repo: "svc/Dockerfile",  # pipsrc check .
        repo / "svc": "Dockerfile",  # pipsrc check . from the sub-directory
    }
    for cwd, shown in expect.items():
        target = os.path.relpath(repo, cwd)
        _, out = pipsrc(cwd, "check", "--mirror", "aliyun", "--format", fmt, target)
        assert shown in out, (cwd, out)
        if cwd != repo.parent:
            assert "repo/svc" not in out
    # a file given from a sub-directory is shown as given, not relative to the root
    _, out = pipsrc(
        repo / "svc", "check", "--mirror", "aliyun", "--format", "concise", "Dockerfile"
    )
    assert out.startswith("Dockerfile:2:20: PS101"), out


def test_a_file_outside_the_current_directory_is_shown_absolute(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _, out = pipsrc(elsewhere, "check", "--mirror", "aliyun", "--format", "concise", str(repo))
    assert out.startswith(f"{repo.resolve()}/svc/Dockerfile:2:20: PS101"), out


def test_quiet_levels(repo: Path) -> None:
    code, loud = pipsrc(repo, "check", "--mirror", "aliyun", "--format", "text")
    code_q, quiet = pipsrc(repo, "check", "--mirror", "aliyun", "--format", "text", "-q")
    code_qq, silent = pipsrc(repo, "check", "--mirror", "aliyun", "--format", "full", "-qq")
    assert code == code_q == code_qq == 1
    assert "Found 1 finding" in loud and "Found" not in quiet and "PS101" in quiet
    assert silent == ""
    write_tree(repo, {"svc/Dockerfile": "FROM python:3.12\nRUN echo hi\n"})
    assert pipsrc(repo, "check", "--mirror", "aliyun", "-q") == (0, "")


def test_full_shows_the_line_a_caret_and_the_fix(repo: Path) -> None:
    _, out = pipsrc(repo, "check", "--mirror", "aliyun", "--format", "full")
    lines = out.splitlines()
    at = lines.index(f"2 | RUN pip install -i {TUNA} flask")
    assert lines[at + 1] == "  |" + " " * 20 + "^" * len(TUNA)
    assert "2 + RUN pip install -i https://mirrors.aliyun.com/pypi/simple flask" in lines


def test_full_redacts_credentials_in_source_lines(tmp_path: Path) -> None:
    write_tree(tmp_path, {"requirements.txt": "-i https://u:SENTINELpw@pypi.org/simple\nx\n"})
    _, out = pipsrc(tmp_path, "check", "--mirror", "aliyun", "--format", "full", ".")
    assert "SENTINELpw" not in out and "u:****@pypi.org" in out


@pytest.mark.parametrize("fmt", ["full", "text"])
def test_show_fixes_lists_what_fix_changed(repo: Path, fmt: str) -> None:
    """In both human formats (text is the default when the output is no terminal: it listed
    nothing, survey 5)."""
    code, out = pipsrc(repo, "fix", "--mirror", "aliyun", "--format", fmt, "--show-fixes")
    assert code == 1
    assert "Fixed in svc/Dockerfile:" in out
    assert f"2: PS101 '{TUNA}' -> 'https://mirrors.aliyun.com/pypi/simple'" in out


def test_full_is_the_default_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert commands.output_format(Options()) == "full"
    assert commands.output_format(Options(output="out.txt")) == "text"
    assert commands.output_format(Options(fmt="json")) == "json"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert commands.output_format(Options()) == "text"
