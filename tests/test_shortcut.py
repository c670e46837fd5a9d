"""The console script's shortcut for ``pipsrc check|fix FILE...``: click's result, no click.

pre-commit runs ``pipsrc check`` (or ``pipsrc fix``) with the staged file names on every
commit; those invocations skip click (pipsrc.options.plain_options). Both take their
defaults from pipsrc.options.Options; these tests check that click parses exactly that
record, and keep the shortcut's output, exit code and written files equal to click's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from pipsrc import cli
from pipsrc.options import Options, envvars, plain_options
from tests.trees import write_tree

CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("PIPSRC_", "PIP_"))}


@pytest.fixture
def no_pipsrc_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("PIPSRC_"):
            monkeypatch.delenv(name)


COMMANDS = {"check": cli.check, "fix": cli.fix}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("paths", [[], ["Dockerfile"], ["a/Dockerfile", "build.sh", "x y.txt"]])
def test_defaults_are_what_click_parses(
    no_pipsrc_env: None, command: str, paths: list[str]
) -> None:
    cmd = COMMANDS[command]
    assert isinstance(cmd, click.Command)
    ctx = cmd.make_context(command, list(paths))
    assert Options(**ctx.params) == Options(paths=tuple(paths))
    assert plain_options([command, *paths], {}) == Options(**ctx.params)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_envvars_are_those_of_the_options(command: str) -> None:
    declared = {p.envvar for p in COMMANDS[command].params if isinstance(p.envvar, str)}
    layers = {"PIPSRC_SELECT", "PIPSRC_IGNORE", "PIPSRC_EXCLUDE"}  # read as layers of their own
    assert declared == set(envvars(command)) - layers


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["report"],
        ["rules"],
        ["check", "--format", "json", "Dockerfile"],
        ["check", "Dockerfile", "-q"],
        ["check", "--", "Dockerfile"],
        ["check", "-"],
        ["fix", "--diff", "Dockerfile"],
        ["fix", "Dockerfile", "--mirror", "aliyun"],
        ["--version"],
        ["check", "--help"],
    ],
)
def test_anything_else_goes_to_click(args: list[str]) -> None:
    assert plain_options(args, {}) is None


@pytest.mark.parametrize(
    ("command", "name"), [(c, n) for c in sorted(COMMANDS) for n in envvars(c)]
)
def test_an_option_from_the_environment_goes_to_click(command: str, name: str) -> None:
    assert plain_options([command, "Dockerfile"], {name: "x"}) is None
    assert plain_options([command, "Dockerfile"], {name: ""}) is not None  # unset


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


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "files",
    [["svc/Dockerfile", "svc/build.sh", "requirements.txt"], ["broken/Dockerfile"], []],
)
def test_fix_shortcut_writes_and_prints_as_click_does(tmp_path: Path, files: list[str]) -> None:
    shortcut, reference = tmp_path / "shortcut", tmp_path / "reference"
    write_tree(shortcut, REPO)
    write_tree(reference, REPO)
    code, out = _console(["fix", *files], shortcut)
    ref_code, ref_out = _click(["fix", *files], reference)
    assert (code, out) == (ref_code, ref_out + "click:False")
    assert _snapshot(shortcut) == _snapshot(reference)
    assert "SENTINELpw" not in out
    if files and files[0] == "svc/Dockerfile":  # the shortcut did fix something
        assert b"mirrors.aliyun.com" in (shortcut / "svc/Dockerfile").read_bytes()
