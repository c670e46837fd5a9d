"""Processes for the end-to-end tests: an offline environment, free ports, servers that stop.

Every child gets :func:`offline_env`: no ``PIP_*`` (or uv, virtualenv, pre-commit) variable
from the machine, no user or global pip configuration, a throw-away ``HOME``, and proxies
pointing at a closed loopback port with only loopback exempt, so anything that tries to reach
the internet fails at once instead of quietly succeeding. ``PYTHONPATH`` alone of the
``PYTHON*`` variables is kept: a developer testing a second checkout (a git worktree) points it
at that checkout's ``src``, and ``python -m pipsrc`` in a child must run that code too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens there
_DROPPED = ("PIP_", "UV_", "VIRTUALENV_", "PRE_COMMIT", "GIT_", "PYTHON", "HADOLINT_")
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
# loopback only: urllib in this process must not go through a machine-wide proxy either
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def script(name: str) -> str:
    """A console script installed with the test environment (devpi-server, hadolint ...)."""
    for directory in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(
        f"{name}: not installed in the test environment (pip install -e .[test])"
    )


def offline_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process: see the module docstring."""
    env = {
        k: v
        for k, v in os.environ.items()
        if (k == "PYTHONPATH" or not k.upper().startswith(_DROPPED))
        and k.lower() not in _PROXY_VARS
    }
    for name in _PROXY_VARS:
        value = "127.0.0.1,localhost" if name == "no_proxy" else DEAD_PROXY
        env[name] = env[name.upper()] = value
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local/share"),
        PIP_CONFIG_FILE=os.devnull,  # no global, user or site pip configuration
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        VIRTUALENV_OVERRIDE_APP_DATA=str(home / "virtualenv"),
        VIRTUALENV_CONFIG_FILE=os.devnull,
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
    )
    env.update(extra)
    return env


def run(
    argv: Sequence[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run a child to completion, capturing its output (stderr folded into stdout)."""
    return subprocess.run(
        list(argv),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, timeout: float = 10) -> bytes:
    with LOCAL.open(url, timeout=timeout) as response:
        return bytes(response.read())


class ServerError(Exception):
    """A server did not come up; carries its log."""


class Server:
    """A server subprocess that is ready on entry and always stopped on exit.

    Readiness is an HTTP 200 from ``ready_url``; if the process dies or the deadline passes
    first, its log is raised with the error. It runs in its own session so that stopping it
    (SIGTERM, then SIGKILL) reaches any child it started.
    """

    def __init__(
        self,
        argv: Sequence[str],
        ready_url: str,
        env: dict[str, str],
        log: Path,
        *,
        timeout: float = 90,
    ) -> None:
        self.argv = list(argv)
        self.ready_url = ready_url
        self.env = env
        self.log = log
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + self.timeout
        while True:
            if self.proc.poll() is not None:
                raise ServerError(
                    f"{self.argv[0]} exited ({self.proc.returncode}):\n{self.output()}"
                )
            try:
                fetch(self.ready_url, timeout=5)
                return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise ServerError(f"{self.argv[0]} not ready in {self.timeout}s:\n{self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue
