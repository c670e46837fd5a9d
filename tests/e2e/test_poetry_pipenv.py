"""Real Poetry and Pipenv lock a project through the file pipsrc rewrote, from a real
pypiserver on 127.0.0.1.

A Poetry project whose primary `[[tool.poetry.source]]` is a public mirror, and a Pipfile
whose first `[[source]]` is pypi.org: `pipsrc fix --proxy http://127.0.0.1:PORT/simple/`
moves each to the local server; then `poetry lock` / `pipenv lock` (no configuration but
the project's) resolve the probe package from it, and the lock records the local server. A
public index left in the file would make the lock fail: the test is offline (every proxy
variable points at a dead proxy).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from click.testing import CliRunner

from pipsrc.cli import main
from tests.e2e.conftest import PROBE
from tests.e2e.procs import Server, fetch, free_port, offline_env, run

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
POETRY = (
    f'[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
    f'dependencies = ["{PROBE}==1.0"]\n\n[tool.poetry]\npackage-mode = false\n\n'
    f'[[tool.poetry.source]]\nname = "tuna"\nurl = "{TUNA}"\npriority = "primary"\n'
)
PIPFILE = (
    '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
    f'[packages]\n{PROBE} = "==1.0"\n'
)


def _binary(name: str) -> str:
    found = shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name)
    assert found, f"{name} is a test dependency"
    return found


def _lock(
    tool: str, files: dict[str, str], argv: list[str], tmp_path: Path, home: Path, wheels: Path,
    **extra: str,
) -> tuple[Path, str]:  # fmt: skip
    """Write the project, fail to lock it offline, fix it to a local server, lock it."""
    project = tmp_path / "project"
    project.mkdir()
    for name, text in files.items():
        (project / name).write_text(text, encoding="utf-8")
    port = free_port()
    proxy = f"http://127.0.0.1:{port}/simple/"
    server_argv = [
        sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
        "--disable-fallback", "-v", str(wheels),
    ]  # fmt: skip
    env = offline_env(home, **extra)
    with Server(server_argv, proxy, offline_env(home), tmp_path / "pypiserver.log"):
        assert PROBE.encode() in fetch(proxy)
        before = run([_binary(tool), *argv], env, timeout=240, cwd=project)
        assert before.returncode != 0, before.stdout  # the public index is out of reach
        result = CliRunner().invoke(main, ["fix", "--no-color", "--proxy", proxy, str(project)])
        assert result.exit_code == 1, result.output
        check = CliRunner().invoke(main, ["check", "--no-color", "--proxy", proxy, str(project)])
        assert check.exit_code == 0, check.output
        after = run([_binary(tool), *argv], env, timeout=240, cwd=project)
        assert after.returncode == 0, after.stdout
    return project, proxy


def test_poetry_locks_from_the_source_pipsrc_configured(
    tmp_path: Path, e2e_home: Path, probe_wheels: Path
) -> None:
    project, proxy = _lock(
        "poetry", {"pyproject.toml": POETRY}, ["lock", "--no-interaction"], tmp_path,
        e2e_home, probe_wheels, POETRY_CACHE_DIR=str(tmp_path / "poetry-cache"),
    )  # fmt: skip
    lock = (project / "poetry.lock").read_text(encoding="utf-8")
    assert f'url = "{proxy.rstrip("/")}' in lock and "tsinghua" not in lock


def test_pipenv_locks_from_the_source_pipsrc_configured(
    tmp_path: Path, e2e_home: Path, probe_wheels: Path
) -> None:
    project, proxy = _lock(
        "pipenv", {"Pipfile": PIPFILE}, ["lock"], tmp_path, e2e_home, probe_wheels,
        PIPENV_VENV_IN_PROJECT="1", PIPENV_IGNORE_VIRTUALENVS="1", PIPENV_NOSPIN="1",
        PIPENV_YES="1", PIPENV_CACHE_DIR=str(tmp_path / "pipenv-cache"),
    )  # fmt: skip
    # the http source's host is trusted the way Pipenv trusts one (it then passes
    # --trusted-host to pip)
    assert "verify_ssl = false" in (project / "Pipfile").read_text(encoding="utf-8")
    lock = (project / "Pipfile.lock").read_text(encoding="utf-8")
    assert proxy.rstrip("/") in lock and "pypi.org" not in lock
