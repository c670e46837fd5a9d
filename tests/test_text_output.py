"""The terminal side: grouped text, the summary, colour decisions, --statistics, progress."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipsrc import commands
from pipsrc.commands import Progress, use_color
from tests.cliutil import invoke
from tests.trees import write

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
ESC = "\033["


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = invoke(list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write(tmp_path, "requirements.txt", f"-i {TUNA}\n--trusted-host pypi.tuna.tsinghua.edu.cn\nx\n")
    write(tmp_path, "sub/Dockerfile", "FROM python:3.12\nRUN pip install flask\n")
    write(tmp_path, "ok/requirements.txt", f"-i {ALIYUN}\nx\n")
    return tmp_path


# --- grouped text -----------------------------------------------------------------------


def test_text_groups_findings_under_their_file(repo: Path) -> None:
    code, out = run("check", "--mirror", "aliyun", str(repo))
    assert code == 1
    assert out == (
        "requirements.txt\n"
        f"  1:4   error    PS101 [*] index {TUNA} is not the policy index {ALIYUN}\n"
        "  2:16  warning  PS204 [unsafe fix] trusted-host pypi.tuna.tsinghua.edu.cn is only used"
        " by https indexes\n"
        "\n"
        "sub/Dockerfile\n"
        "  2:5  error    PS104 [*] `pip install` uses pypi.org: no index is configured for it\n"
        "\n"
        "Found 3 findings in 2 files: 2 errors, 1 warning (2 fixable with `pipsrc fix`; 1 more"
        " with `--unsafe-fixes`).\n"
    )


def test_concise_is_one_location_per_line(repo: Path) -> None:
    _, out = run("check", "--format", "concise", "--mirror", "aliyun", str(repo))
    lines = out.splitlines()
    assert lines[0].startswith("requirements.txt:1:4: PS101 [*] index")
    assert lines[2].startswith("sub/Dockerfile:2:5: PS104 [*]")
    assert lines[3].startswith("Found 3 findings in 2 files")


def test_all_clear_line_and_quiet(repo: Path) -> None:
    code, out = run("check", "--mirror", "aliyun", str(repo / "ok"))
    assert code == 0 and out == "All checks passed (1 file checked).\n"
    code, out = run("check", "--quiet", "--mirror", "aliyun", str(repo / "ok"))
    assert code == 0 and out == ""


# --- colour -----------------------------------------------------------------------------


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("choice", "no_color", "env", "output", "tty", "expected"),
    [
        ("auto", False, {}, None, True, True),  # a terminal
        ("auto", False, {}, None, False, False),  # piped
        ("auto", False, {}, "out.txt", True, False),  # written to a file
        ("auto", False, {"NO_COLOR": "1"}, None, True, False),
        ("auto", False, {"NO_COLOR": ""}, None, True, True),  # empty NO_COLOR does not count
        ("auto", False, {"FORCE_COLOR": "1"}, None, False, True),
        ("auto", False, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, None, False, False),
        ("auto", False, {"TERM": "dumb"}, None, True, False),
        ("always", False, {"NO_COLOR": "1"}, None, False, True),  # the command line wins
        ("always", True, {}, None, True, False),  # --no-color beats everything
        ("never", False, {"FORCE_COLOR": "1"}, None, True, False),
    ],
)
def test_color_decision(
    monkeypatch: pytest.MonkeyPatch,
    choice: str,
    no_color: bool,
    env: dict[str, str],
    output: str | None,
    tty: bool,
    expected: bool,
) -> None:
    for var in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    stream = Tty() if tty else io.StringIO()
    assert use_color(choice, no_color, output, stream) is expected


@pytest.mark.parametrize(
    ("args", "env", "colored"),
    [
        ((), {}, False),  # CliRunner's stdout is not a terminal
        ((), {"FORCE_COLOR": "1"}, True),
        (("--color", "always"), {}, True),
        ((), {"PIPSRC_COLOR": "always"}, True),
        (("--no-color",), {"PIPSRC_COLOR": "always"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ],
)
def test_color_from_the_command_line(
    repo: Path, args: tuple[str, ...], env: dict[str, str], colored: bool
) -> None:
    full = {"NO_COLOR": "", "FORCE_COLOR": "", "PIPSRC_COLOR": "", **env}
    _, out = run("check", "--mirror", "aliyun", *args, str(repo), env=full)
    assert (ESC in out) is colored, out
    if colored:
        assert (
            re.sub(r"\033\[[0-9;]*m", "", out)
            == run("check", "--mirror", "aliyun", "--no-color", str(repo))[1]
        )


def _pty_run(args: list[str], env_extra: dict[str, str], delay: float) -> tuple[str, str]:
    """Run the CLI with stdout on a pipe and stderr on a pseudo-terminal; (stdout, stderr)."""
    code = (
        "import sys; from pipsrc import cli, commands; "
        f"commands.Progress.DELAY = {delay}; commands.Progress.INTERVAL = 0; "
        "sys.argv = ['pipsrc', *sys.argv[1:]]; cli.main()"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PIPSRC_"))}
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    env.update(TERM="xterm", **env_extra)
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            stderr=follower,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        stdout = proc.stdout.read() if proc.stdout else b""
        proc.wait(timeout=60)
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    return stdout.decode(), b"".join(chunks).decode()


def test_progress_on_a_terminal_and_silent_otherwise(repo: Path) -> None:
    stdout, stderr = _pty_run(["check", "--mirror", "aliyun", str(repo)], {}, delay=0)
    assert "pipsrc: reading 3/3 files" in stderr
    assert "pipsrc: checking 3/3 files" in stderr
    assert stderr.endswith("\r\033[K"), "the progress line is erased at the end"
    assert "Found 3 findings" in stdout and "pipsrc:" not in stdout
    assert ESC not in stdout  # stdout is a pipe: no colour there
    _, stderr = _pty_run(["check", "--quiet", "--mirror", "aliyun", str(repo)], {}, delay=0)
    assert stderr == ""
    # a fast run shows nothing at all (the default delay)
    _, stderr = _pty_run(["check", "--mirror", "aliyun", str(repo)], {}, delay=Progress.DELAY)
    assert stderr == ""


def test_no_progress_when_stderr_is_not_a_terminal(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Progress, "DELAY", 0.0)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert commands._progress(quiet=False) is None
    monkeypatch.setattr(sys, "stderr", Tty())
    assert isinstance(commands._progress(quiet=False), Progress)
    assert commands._progress(quiet=True) is None
    monkeypatch.undo()
    monkeypatch.setattr(Progress, "DELAY", 0.0)
    result = invoke(["check", "--mirror", "aliyun", str(repo)])
    assert result.exit_code == 1
    assert "pipsrc: reading" not in result.stderr and result.stderr == ""


def test_progress_waits_then_throttles(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    stream = io.StringIO()
    p = Progress(stream)
    p("reading", 1, 10)
    now[0] += 0.4
    p("reading", 2, 10)
    assert stream.getvalue() == ""  # nothing for a run shorter than DELAY
    now[0] += 0.2
    p("reading", 3, 10)
    assert stream.getvalue() == "\r\033[Kpipsrc: reading 3/10 files"
    now[0] += 0.01
    p("reading", 4, 10)  # within INTERVAL: not redrawn
    assert stream.getvalue().count("pipsrc:") == 1
    now[0] += 0.2
    p("checking", 5, 10)
    assert stream.getvalue().endswith("pipsrc: checking 5/10 files")
    p.close()
    assert stream.getvalue().endswith("\r\033[K")


# --- --statistics -----------------------------------------------------------------------


def test_statistics_text_and_json(repo: Path) -> None:
    write(repo, "b/requirements.txt", f"-i {TUNA}\nx\n")
    code, out = run("check", "--statistics", "--mirror", "aliyun", str(repo))
    assert code == 1
    assert out.splitlines() == [
        "2  PS101  [*] index-off-policy",
        "1  PS104  [*] implicit-pypi",
        "1  PS204      needless-trusted-host",
        "Found 4 findings in 3 files: 3 errors, 1 warning (3 fixable with `pipsrc fix`; 1 more"
        " with `--unsafe-fixes`).",
    ]
    code, out = run("check", "--statistics", "--format", "json", "--mirror", "aliyun", str(repo))
    assert code == 1
    assert json.loads(out) == [
        {"code": "PS101", "name": "index-off-policy", "count": 2, "fixable": 2},
        {"code": "PS104", "name": "implicit-pypi", "count": 1, "fixable": 1},
        {"code": "PS204", "name": "needless-trusted-host", "count": 1, "fixable": 0},
    ]
    _, out = run("check", "--statistics", "--format", "json", "--mirror", "aliyun",
                 "--select", "PS204", str(repo))  # fmt: skip
    assert json.loads(out) == [
        {"code": "PS204", "name": "needless-trusted-host", "count": 1, "fixable": 0}
    ]
    code, out = run("check", "--statistics", "--mirror", "aliyun", str(repo / "ok"))
    assert code == 0 and out == "All checks passed (1 file checked).\n"


def test_statistics_with_another_format_is_a_usage_error(repo: Path) -> None:
    code, out = run("check", "--statistics", "--format", "sarif", str(repo))
    assert code == 2 and "--statistics works with --format text or json" in out
