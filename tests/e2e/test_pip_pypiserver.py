"""Real pip installs through the files pipsrc rewrote, from a real pypiserver on 127.0.0.1.

A project points at public mirrors (a requirements file at Aliyun, pip.conf at TUNA, each with
its trusted-host). `pipsrc fix --proxy http://127.0.0.1:PORT/simple/` moves both to the local
server; then pip, in a fresh virtual environment, with no configuration but the rewritten
pip.conf and no `PIP_*` variable, installs one package through the requirements file and one
through pip.conf alone; the server's log and pip's install report show where each came from.
(pip counts loopback as a secure origin, so the trusted-host entries pipsrc moved along are
checked in the files and in `pip config list`, not by pip refusing the index.)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from pipsrc.cli import main
from tests.e2e.conftest import CONF_PROBE, PROBE
from tests.e2e.procs import Server, fetch, free_port, offline_env, run

REQUIREMENTS = (
    "--index-url https://mirrors.aliyun.com/pypi/simple/\n"
    "--trusted-host mirrors.aliyun.com\n"
    f"{PROBE}==1.0\n"
)
PIP_CONF = (
    "[global]\n"
    "index-url = https://pypi.tuna.tsinghua.edu.cn/simple\n"
    "timeout = 30\n"
    "\n"
    "[install]\n"
    "trusted-host = pypi.tuna.tsinghua.edu.cn\n"
)


def pipsrc(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_pip_installs_from_the_proxy_pipsrc_configured(
    tmp_path: Path,
    e2e_home: Path,
    probe_wheels: Path,
    fresh_venv: Callable[[], Path],
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text(REQUIREMENTS, encoding="utf-8")
    (project / "pip.conf").write_text(PIP_CONF, encoding="utf-8")
    python = fresh_venv()

    port = free_port()
    proxy = f"http://127.0.0.1:{port}/simple/"
    server_argv = [
        sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
        "--disable-fallback",  # never redirect an unknown name to pypi.org
        "-v", str(probe_wheels),
    ]  # fmt: skip
    with Server(server_argv, proxy, offline_env(e2e_home), tmp_path / "pypiserver.log") as server:
        assert PROBE.encode() in fetch(proxy)

        code, out = pipsrc("fix", "--no-color", "--proxy", proxy, str(project))
        assert code == 1, out  # files changed
        assert (project / "requirements.txt").read_text(encoding="utf-8") == (
            f"--index-url {proxy}\n--trusted-host 127.0.0.1:{port}\n{PROBE}==1.0\n"
        )
        assert (project / "pip.conf").read_text(encoding="utf-8") == PIP_CONF.replace(
            "https://pypi.tuna.tsinghua.edu.cn/simple", proxy.rstrip("/")
        ).replace("= pypi.tuna.tsinghua.edu.cn", f"= 127.0.0.1:{port}")
        assert pipsrc("check", "--no-color", "--proxy", proxy, str(project))[0] == 0

        # pip sees the rewritten pip.conf and nothing else: no PIP_* variable, no other file
        env = offline_env(e2e_home, PIP_CONFIG_FILE=str(project / "pip.conf"))
        assert not {k for k in env if k.startswith("PIP_")} - {
            "PIP_CONFIG_FILE", "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_INPUT"
        }  # fmt: skip
        config = run([str(python), "-m", "pip", "config", "list"], env, cwd=project, timeout=60)
        assert config.returncode == 0, config.stdout
        where = [
            line
            for line in config.stdout.split()
            if any(key in line for key in ("index", "find-links", "trusted-host", "proxy"))
        ]  # the machine's /etc/pip.conf may add a cert, but no package source
        assert sorted(where) == [
            f"global.index-url='{proxy.rstrip('/')}'",
            f"install.trusted-host='127.0.0.1:{port}'",
        ], config.stdout

        report = tmp_path / "report.json"
        via_requirements = run(
            [str(python), "-m", "pip", "install", "--no-cache-dir", "--report", str(report),
             "-r", "requirements.txt"],
            env, cwd=project, timeout=180,
        )  # fmt: skip
        assert via_requirements.returncode == 0, via_requirements.stdout + server.output()
        (installed,) = json.loads(report.read_text(encoding="utf-8"))["install"]
        assert installed["metadata"]["name"] == PROBE
        assert installed["download_info"]["url"].startswith(f"http://127.0.0.1:{port}/packages/")

        via_pip_conf = run(
            [str(python), "-m", "pip", "install", "--no-cache-dir", f"{CONF_PROBE}==1.0"],
            env, cwd=project, timeout=180,
        )  # fmt: skip
        assert via_pip_conf.returncode == 0, via_pip_conf.stdout + server.output()

        log = server.output()
    for name in (PROBE, CONF_PROBE):
        wheel = f"{name.replace('-', '_')}-1.0-py3-none-any.whl"
        assert f"GET http://127.0.0.1:{port}/simple/{name}/" in log, log
        assert f"GET http://127.0.0.1:{port}/packages/{wheel}" in log, log
        imported = run(
            [str(python), "-c", f"import {name.replace('-', '_')} as m; print(m.NAME)"],
            offline_env(e2e_home),
        )
        assert imported.stdout.strip() == name, imported.stdout
