"""The internal-proxy story with a real devpi-server (seeds 001-004: a team devpi over http).

devpi-server runs in offline mode on 127.0.0.1 with a fresh server directory; a user `e2e` and
an index `e2e/dev` (bases `root/pypi`, as a team's index inherits the PyPI mirror) are created
through devpi's HTTP API, and a tiny wheel is uploaded to it. A setup script that installs
from a public mirror, and once from nothing at all (pypi.org), is fixed with
`pipsrc fix --proxy http://127.0.0.1:PORT/e2e/dev/+simple/`, then run by a real shell with the
real pip of a fresh virtual environment: both packages must come from devpi.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from pipsrc.cli import main
from tests.e2e.conftest import CONF_PROBE, PROBE
from tests.e2e.procs import LOCAL, Server, free_port, offline_env, run, script

USER, PASSWORD = "e2e", "e2e-sentinel-password"
SETUP = (
    "#!/bin/sh\n"
    "# install the reporting tools from the team mirror\n"
    "set -e\n"
    f"pip install -i https://pypi.tuna.tsinghua.edu.cn/simple {PROBE}==1.0\n"
    f"pip install {CONF_PROBE}==1.0\n"
)


def api(method: str, url: str, body: bytes, content_type: str) -> dict[str, object]:
    """One authenticated devpi API call (HTTP basic auth, as twine uses)."""
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Content-Type", content_type)
    request.add_header("Accept", "application/json")
    request.add_header("Authorization", f"Basic {token}")
    with LOCAL.open(request, timeout=30) as response:
        text = response.read().decode("utf-8")
    return json.loads(text) if text.strip() else {}


def upload(index_url: str, wheel: Path, name: str) -> None:
    """The upload form twine and setuptools send (`:action=file_upload`)."""
    boundary = uuid.uuid4().hex
    fields = {":action": "file_upload", "name": name, "version": "1.0", "protocol_version": "1"}
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
        f'filename="{wheel.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + wheel.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    api("POST", index_url, b"".join(parts), f"multipart/form-data; boundary={boundary}")


def test_pip_installs_from_the_devpi_index_pipsrc_configured(
    tmp_path: Path,
    e2e_home: Path,
    probe_wheels: Path,
    fresh_venv: Callable[[], Path],
) -> None:
    env = offline_env(e2e_home)
    serverdir = tmp_path / "devpi"
    init = run(
        [script("devpi-init"), "--serverdir", str(serverdir), "--root-passwd", "e2e-root"],
        env,
        timeout=120,
    )
    assert init.returncode == 0, init.stdout
    python = fresh_venv()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proxy = f"{base}/{USER}/dev/+simple/"
    argv = [
        script("devpi-server"), "--offline-mode", "--host", "127.0.0.1", "--port", str(port),
        "--serverdir", str(serverdir),
        # the key derivation of devpi's login secret costs ~10 s of CPU at its defaults; devpi's
        # own test suite lowers it the same way (hidden options)
        "--argon2-memory-cost", "8", "--argon2-parallelism", "1", "--argon2-time-cost", "1",
    ]  # fmt: skip
    with Server(argv, f"{base}/+api", env, tmp_path / "devpi.log") as server:
        user = json.dumps({"password": PASSWORD, "email": "e2e@example.invalid"}).encode()
        api("PUT", f"{base}/{USER}", user, "application/json")
        index = json.dumps({"bases": ["root/pypi"], "volatile": True}).encode()
        assert api("PUT", f"{base}/{USER}/dev", index, "application/json")["result"]
        for name in (PROBE, CONF_PROBE):
            upload(
                f"{base}/{USER}/dev/", next(probe_wheels.glob(f"{name.replace('-', '_')}-*")), name
            )

        project = tmp_path / "project"
        (project / "scripts").mkdir(parents=True)
        setup = project / "scripts" / "setup.sh"
        setup.write_text(SETUP, encoding="utf-8")
        setup.chmod(0o755)
        result = CliRunner().invoke(main, ["fix", "--no-color", "--proxy", proxy, str(project)])
        assert result.exit_code == 1, result.output
        text = setup.read_text(encoding="utf-8")
        assert "tuna" not in text
        # the -i is rewritten in place; the install that had no index gets the proxy and its
        # trusted-host exported before it as defaults (PS104, applied because --proxy names
        # the index; a caller's own index would still win)
        host = f"127.0.0.1:{port}"
        assert text == SETUP.replace(
            "set -e\n",
            f'set -e\nexport PIP_INDEX_URL="${{PIP_INDEX_URL:-{proxy}}}"\n'
            f'export PIP_TRUSTED_HOST="${{PIP_TRUSTED_HOST:-{host}}}"\n',
        ).replace("https://pypi.tuna.tsinghua.edu.cn/simple", proxy.rstrip("/")), text
        assert stat.S_IMODE(setup.stat().st_mode) == 0o755

        # the script runs as a developer would run it, with the fresh environment's pip first
        run_env = dict(env, PATH=f"{python.parent}{os.pathsep}{env['PATH']}")
        ran = run(["sh", str(setup)], run_env, cwd=project, timeout=300)
        assert ran.returncode == 0, ran.stdout + server.output()
        log = server.output()
    for name in (PROBE, CONF_PROBE):
        assert f"GET /{USER}/dev/+simple/{name}/" in log, log
        assert f"/{USER}/dev/+f/" in log and f"{name.replace('-', '_')}-1.0-py3-none-any.whl" in log
        imported = run(
            [str(python), "-c", f"import {name.replace('-', '_')} as m; print(m.NAME)"], env
        )
        assert imported.stdout.strip() == name, imported.stdout
    assert PASSWORD not in log
