"""The whole internal-proxy story with a real devpi-server and the real devpi client.

Two package indexes on 127.0.0.1 stand in for the policy's mirror (serving one probe package)
and for a vendor index (serving the other, as download.pytorch.org/whl/cu118 serves CUDA
wheels no mirror has); a test catalogue names the second as the PyTorch vendor index, and the
policy names the first as the proxy's upstream. A real devpi-server (devpi-init, fresh server
directory, nothing else) runs on 127.0.0.1. Then, as a team would:

1. `pipsrc proxy-setup` prints the devpi commands, run by `sh` with the real `devpi` client
   (twice: the second run modifies what the first created);
2. `pipsrc fix --proxy ... --route-vendors` rewrites a project whose Dockerfile RUN,
   requirements file and pip.conf name a public mirror and the vendor index;
3. real pip, reading only the rewritten files, installs both packages, each through the
   proxy: the public mirror's package from `root/pypi`, the vendor's from `root/torch-cu118`,
   and devpi fetched each from its own upstream.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipsrc import vendors as vendor_table
from pipsrc.catalogue import catalogue
from pipsrc.cli import main
from tests.e2e.conftest import CONF_PROBE, PROBE
from tests.e2e.procs import Server, fetch, free_port, offline_env, run, script

MIRROR_PKG, VENDOR_PKG = PROBE, CONF_PROBE
PUBLIC = "https://pypi.tuna.tsinghua.edu.cn/simple"  # what the project names before the fix
ROOT_PASSWORD = "e2e-root-sentinel"


def devpi_client() -> str:
    """The real devpi client (devpi-client, in the test extra)."""
    try:
        return script("devpi")
    except FileNotFoundError:
        found = shutil.which("devpi")
        if found is None:
            pytest.fail("devpi-client is not installed: pip install -e '.[test]'")
        return found


def static_index(root: Path, prefix: str, wheels: dict[str, Path]) -> None:
    """A PEP 503 simple index under ``root/prefix`` serving ``wheels`` (project -> wheel)."""
    (root / "files").mkdir(parents=True, exist_ok=True)
    index = root / prefix
    index.mkdir(parents=True)
    links = "".join(f'<a href="{name}/">{name}</a>\n' for name in wheels)
    (index / "index.html").write_text(f"<html><body>\n{links}</body></html>\n", encoding="utf-8")
    for name, wheel in wheels.items():
        shutil.copy(wheel, root / "files" / wheel.name)
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        page = index / name
        page.mkdir()
        (page / "index.html").write_text(
            f'<html><body>\n<a href="/files/{wheel.name}#sha256={digest}">{wheel.name}</a>\n'
            "</body></html>\n",
            encoding="utf-8",
        )


@pytest.fixture
def vendor_catalogue(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Make the PyTorch vendor entry name a loopback URL (and restore the real one)."""

    def use(url: str) -> None:
        torch = {
            "id": "pytorch", "proxy_name": "torch", "name_en": "PyTorch",
            "name_zh": "PyTorch 官方源", "url": url, "https": False, "kind": "vendor",
            "reason_en": "CUDA builds of PyTorch are only published there",
            "reason_zh": "CUDA 版本的 PyTorch 只在该源发布",
            "patterns": [url.rsplit("/", 1)[0] + "/*"],
        }  # fmt: skip
        others = [v for v in vendor_table.VENDORS if v["id"] != "pytorch"]
        monkeypatch.setattr(vendor_table, "VENDORS", [torch, *others])
        catalogue.cache_clear()

    yield use
    catalogue.cache_clear()


def pipsrc(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def project_files(vendor: str) -> dict[str, str]:
    return {
        "Dockerfile": (
            "FROM python:3.11-slim\n"
            f"RUN pip install --no-cache-dir -i {PUBLIC} {MIRROR_PKG}==1.0 && \\\n"
            f"    pip install --no-cache-dir --index-url {vendor} {VENDOR_PKG}==1.0\n"
        ),
        "requirements.txt": (
            f"--index-url {PUBLIC}\n--extra-index-url {vendor}\n"
            f"{MIRROR_PKG}==1.0\n{VENDOR_PKG}==1.0\n"
        ),
        "pip.conf": f"[global]\nindex-url = {PUBLIC}\nextra-index-url = {vendor}\ntimeout = 30\n",
    }


def start_devpi(tmp_path: Path, env: dict[str, str]) -> tuple[list[str], str]:
    serverdir = tmp_path / "devpi"
    init = run([script("devpi-init"), "--serverdir", str(serverdir),
                "--root-passwd", ROOT_PASSWORD], env, timeout=120)  # fmt: skip
    assert init.returncode == 0, init.stdout
    port = free_port()
    argv = [
        script("devpi-server"), "--host", "127.0.0.1", "--port", str(port),
        "--serverdir", str(serverdir),
        "--argon2-memory-cost", "8", "--argon2-parallelism", "1", "--argon2-time-cost", "1",
    ]  # fmt: skip
    return argv, f"http://127.0.0.1:{port}"


def test_proxy_setup_fix_and_pip_through_a_real_devpi(
    tmp_path: Path,
    e2e_home: Path,
    probe_wheels: Path,
    fresh_venv: Callable[[], Path],
    vendor_catalogue: Callable[[str], None],
) -> None:
    env = offline_env(e2e_home)
    wheels = {n: next(probe_wheels.glob(f"{n.replace('-', '_')}-*")) for n in (PROBE, CONF_PROBE)}
    static_index(tmp_path / "mirror", "simple", {MIRROR_PKG: wheels[MIRROR_PKG]})
    static_index(tmp_path / "vendor", "whl/cu118", {VENDOR_PKG: wheels[VENDOR_PKG]})
    mport, vport = free_port(), free_port()
    mirror = f"http://127.0.0.1:{mport}/simple/"
    vendor = f"http://127.0.0.1:{vport}/whl/cu118"
    vendor_catalogue(vendor)
    python = fresh_venv()
    devpi_argv, base = start_devpi(tmp_path, env)
    proxy = f"{base}/root/pypi/+simple/"

    project = tmp_path / "project"
    project.mkdir()
    for name, text in project_files(vendor).items():
        (project / name).write_text(text, encoding="utf-8")
    (project / "pipsrc.toml").write_text(f'[proxy]\nupstream = "{mirror}"\n', encoding="utf-8")
    assert run(["git", "init", "-q", str(project)], env).returncode == 0

    def http_server(root: Path, port: int, log: str) -> Server:
        argv = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port),
                "--directory", str(root)]  # fmt: skip
        return Server(argv, f"http://127.0.0.1:{port}/", env, tmp_path / log)

    with (
        http_server(tmp_path / "mirror", mport, "mirror.log") as mirror_server,
        http_server(tmp_path / "vendor", vport, "vendor.log") as vendor_server,
        Server(devpi_argv, f"{base}/+api", env, tmp_path / "devpi.log") as devpi,
    ):
        assert MIRROR_PKG.encode() in fetch(mirror) and VENDOR_PKG.encode() in fetch(vendor + "/")
        # 1. the commands proxy-setup prints, through the real devpi client
        code, setup = pipsrc("proxy-setup", "--proxy", proxy, str(project))
        assert code == 0, setup
        assert f"mirror_url={mirror}" in setup and f"mirror_url={vendor}" in setup
        client = devpi_client()
        cenv = dict(env, DEVPI_CLIENTDIR=str(tmp_path / "client"),
                    PATH=f"{Path(client).parent}{os.pathsep}{env['PATH']}")  # fmt: skip
        for argv in ([client, "use", base], [client, "login", "root", "--password", ROOT_PASSWORD]):
            done = run(argv, cenv, timeout=120)
            assert done.returncode == 0, done.stdout + devpi.output()
        (tmp_path / "setup-devpi.sh").write_text(setup, encoding="utf-8")
        for attempt in (1, 2):  # created, then modified: the script can run again
            ran = run(["sh", str(tmp_path / "setup-devpi.sh")], cenv, timeout=300)
            assert ran.returncode == 0, f"run {attempt}:\n{ran.stdout}{devpi.output()}"
        torch = json.loads(fetch(f"{base}/root/torch-cu118", timeout=30))["result"]
        assert (torch["type"], torch["mirror_url"]) == ("mirror", vendor)
        assert json.loads(fetch(f"{base}/root/pypi"))["result"]["mirror_url"] == mirror

        # 2. the fix: the public mirror to the proxy, the vendor index to its mirror index
        code, out = pipsrc("fix", "--no-color", "--proxy", proxy, "--route-vendors", str(project))
        assert code == 1, out
        routed = f"{base}/root/torch-cu118/+simple"
        texts = {n: (project / n).read_text(encoding="utf-8") for n in project_files(vendor)}
        for name, text in texts.items():
            assert PUBLIC not in text and vendor not in text, (name, text)
            assert routed in text and proxy.rstrip("/") in text, (name, text)
        assert pipsrc("check", "--no-color", "--proxy", proxy, "--route-vendors",
                      "--select", "PS1,PS2", str(project))[0] in (0, 1)  # fmt: skip

        # 3. real pip reads only the rewritten files, and gets both packages through devpi
        penv = dict(offline_env(e2e_home), PATH=f"{python.parent}{os.pathsep}{env['PATH']}")
        run_lines = texts["Dockerfile"].split("RUN ", 1)[1].replace("\\\n", " ")
        attempts = {
            "Dockerfile RUN": (["sh", "-c", run_lines], penv),
            "requirements.txt": ([str(python), "-m", "pip", "install", "--no-cache-dir", "-r",
                                  "requirements.txt"], penv),
            "pip.conf": ([str(python), "-m", "pip", "install", "--no-cache-dir",
                          f"{MIRROR_PKG}==1.0", f"{VENDOR_PKG}==1.0"],
                         dict(penv, PIP_CONFIG_FILE=str(project / "pip.conf"))),
        }  # fmt: skip
        for what, (argv, aenv) in attempts.items():
            done = run(argv, aenv, cwd=project, timeout=300)
            assert done.returncode == 0, f"{what}:\n{done.stdout}{devpi.output()}"
            for name in (MIRROR_PKG, VENDOR_PKG):
                module = name.replace("-", "_")
                got = run([str(python), "-c", f"import {module} as m; print(m.NAME)"], env)
                assert got.stdout.strip() == name, (what, got.stdout)
            off = run([str(python), "-m", "pip", "uninstall", "-y", MIRROR_PKG, VENDOR_PKG], env)
            assert off.returncode == 0, off.stdout
        log = devpi.output()
        mirror_log, vendor_log = mirror_server.output(), vendor_server.output()
    assert f"/root/pypi/+simple/{MIRROR_PKG}/" in log, log
    assert f"/root/torch-cu118/+simple/{VENDOR_PKG}/" in log, log
    # devpi fetched each package's file from its own upstream, and only from there
    mirror_file, vendor_file = (f"GET /files/{wheels[n].name}" for n in (MIRROR_PKG, VENDOR_PKG))
    assert mirror_file in mirror_log and vendor_file not in mirror_log, mirror_log
    assert vendor_file in vendor_log and mirror_file not in vendor_log, vendor_log
    assert ROOT_PASSWORD not in setup
