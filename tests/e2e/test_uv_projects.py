"""Real uv locks a project through the project files pipsrc rewrote, from a real pypiserver
on 127.0.0.1.

A uv project names a public mirror the way uv projects do (`[tool.uv] index-url`, an
`[[tool.uv.index]]` default, a `uv.toml` beside the pyproject). `pipsrc fix --proxy
http://127.0.0.1:PORT/simple/` moves it to the local server; then `uv lock`, with no uv
configuration but the project's and no `UV_*` variable, resolves the probe package, and the
lock it writes records the local server as the registry. A mirror left in any file would
make the lock fail: the test is offline, and every public host is refused.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipsrc.cli import main
from tests.e2e.conftest import PROBE
from tests.e2e.procs import Server, fetch, free_port, offline_env, run

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
PROJECT = f'[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["{PROBE}==1.0"]\n'
CASES = {
    "tool-uv": {"pyproject.toml": f'{PROJECT}\n[tool.uv]\nindex-url = "{TUNA}"\n'},
    "index-default": {
        "pyproject.toml": f'{PROJECT}\n[[tool.uv.index]]\nname = "tuna"\nurl = "{TUNA}"\n'
        "default = true\n"
    },
    "uv-toml": {"pyproject.toml": PROJECT, "uv.toml": f'index-url = "{TUNA}/"\n'},
}


def uv_binary() -> str:
    found = shutil.which("uv", path=os.path.dirname(sys.executable)) or shutil.which("uv")
    assert found, "uv is a test dependency"
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_uv_locks_from_the_index_pipsrc_configured(
    case: str, tmp_path: Path, e2e_home: Path, probe_wheels: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name, text in CASES[case].items():
        (project / name).write_text(text, encoding="utf-8")
    port = free_port()
    proxy = f"http://127.0.0.1:{port}/simple/"
    server_argv = [
        sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
        "--disable-fallback", "-v", str(probe_wheels),
    ]  # fmt: skip
    env = offline_env(e2e_home, UV_CACHE_DIR=str(tmp_path / "uv-cache"), UV_OFFLINE="0")
    env = {k: v for k, v in env.items() if not k.startswith("UV_") or k == "UV_CACHE_DIR"}
    with Server(server_argv, proxy, offline_env(e2e_home), tmp_path / "pypiserver.log"):
        assert PROBE.encode() in fetch(proxy)
        before = run([uv_binary(), "lock", "--directory", str(project)], env, timeout=120)
        assert before.returncode != 0  # the mirror is out of reach: the test is offline

        result = CliRunner().invoke(main, ["fix", "--no-color", "--proxy", proxy, str(project)])
        assert result.exit_code == 1, result.output
        check = CliRunner().invoke(main, ["check", "--no-color", "--proxy", proxy, str(project)])
        assert check.exit_code == 0, check.output

        after = run([uv_binary(), "lock", "--directory", str(project)], env, timeout=120)
        assert after.returncode == 0, after.stdout
    lock = (project / "uv.lock").read_text(encoding="utf-8")
    assert f'registry = "{proxy.rstrip("/")}' in lock and "tsinghua" not in lock
