"""The console script's shortcut for ``pipsrc check FILE...``: same result as click, no click.

pre-commit runs ``pipsrc check`` with the staged file names on every commit; that one
invocation skips click (pipsrc.commands.plain_check). These tests keep the shortcut's
defaults equal to what click parses, and its output equal to the click command line's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from pipsrc import cli, commands
from tests.trees import write_tree

CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("PIPSRC_", "PIP_"))}


@pytest.fixture
def no_pipsrc_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("PIPSRC_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("paths", [[], ["Dockerfile"], ["a/Dockerfile", "build.sh", "x y.txt"]])
def test_defaults_are_what_click_parses(no_pipsrc_env: None, paths: list[str]) -> None:
    assert isinstance(cli.check, click.Command)
    ctx = cli.check.make_context("check", list(paths))
    assert ctx.params == commands.check_defaults(paths)
    assert commands.plain_check(["check", *paths], {}) == ctx.params


def test_envvars_are_those_of_checks_options() -> None:
    declared = {p.envvar for p in cli.check.params if isinstance(p.envvar, str)}
    assert declared == set(commands.CHECK_ENVVARS)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["fix", "Dockerfile"],
        ["report"],
        ["check", "--format", "json", "Dockerfile"],
        ["check", "Dockerfile", "-q"],
        ["check", "--", "Dockerfile"],
        ["check", "-"],
        ["--version"],
        ["check", "--help"],
    ],
)
def test_anything_else_goes_to_click(args: list[str]) -> None:
    assert commands.plain_check(args, {}) is None


@pytest.mark.parametrize("name", commands.CHECK_ENVVARS)
def test_an_option_from_the_environment_goes_to_click(name: str) -> None:
    assert commands.plain_check(["check", "Dockerfile"], {name: "x"}) is None
    assert commands.plain_check(["check", "Dockerfile"], {name: ""}) is not None  # unset for click


REPO = {
    "pipsrc.toml": 'index = "aliyun"\n',
    "svc/Dockerfile": "FROM python:3.12\nRUN pip install -i https://pypi.org/simple flask\n",
    "svc/build.sh": "#!/bin/sh\npip install -i http://user:SENTINELpw@10.0.0.1/simple x\n",
    "requirements.txt": "-i https://mirrors.aliyun.com/pypi/simple/\nflask\n",
    "broken/Dockerfile": "FROM python\nRUN pip install -i 'https://pypi.org/simple x\n",
}


def _console(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """The console script (pipsrc.__main__.run), telling on stderr whether click was loaded."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('click' in sys.modules, file=sys.stderr))\n"
        "from pipsrc.__main__ import run\nrun()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**CLEAN_ENV, **(env or {})},
    )
    assert out.stderr.splitlines()[-1] in ("True", "False"), out.stderr
    return out.returncode, out.stdout + "click:" + out.stderr.splitlines()[-1]


def _click(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    out = subprocess.run(
        [sys.executable, "-c", "from pipsrc.cli import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**CLEAN_ENV, **(env or {})},
    )
    return out.returncode, out.stdout


@pytest.mark.parametrize(
    "files",
    [
        ["svc/Dockerfile", "svc/build.sh", "requirements.txt"],
        ["requirements.txt"],
        ["broken/Dockerfile", "svc/Dockerfile"],
        ["missing/Dockerfile"],
        [],
    ],
)
def test_shortcut_prints_and_exits_as_click_does(tmp_path: Path, files: list[str]) -> None:
    write_tree(tmp_path, REPO)
    code, out = _console(["check", *files], tmp_path)
    ref_code, ref_out = _click(["check", *files], tmp_path)
    assert (code, out) == (ref_code, ref_out + "click:False")
    assert "SENTINELpw" not in out
    # with an option given through the environment, click parses, to the same effect
    code, out = _console(["check", *files], tmp_path, {"PIPSRC_COLOR": "never"})
    assert (code, out) == (ref_code, ref_out + "click:True")
