"""Running a rendered scenario with the real pip or uv, hermetically, and reading the answer.

Every run gets, in a temporary directory of its own:

* ``repo/``: the rendered repository; the script runs there (``bash build.sh``, or the
  Dockerfile turned into a script);
* ``venv/``: a fresh virtual environment (what ``python -m venv --without-pip`` makes,
  written directly in about a millisecond) whose
  ``site-packages`` holds a ``.pth`` line pointing at one shared, byte-compiled copy of the
  test environment's pip, plus ``pip``/``pip3`` launchers and a ``uv`` link. So ``pip``,
  ``pip3``, ``python -m pip`` and ``uv`` on ``PATH`` are the venv's, ``sys.prefix`` is the
  venv, and the *site* configuration file ``$VIRTUAL_ENV/pip.conf`` belongs to this run
  alone (no shared venv, no lock);
* ``home/``: ``HOME`` (and ``XDG_CONFIG_HOME=home/.config``), so the *user* files
  ``~/.pip/pip.conf``, ``~/.config/pip/pip.conf`` and ``~/.config/uv/uv.toml`` are private;
* its own loopback indexes and recording proxy (:mod:`tests.oracle.indexes`).

The environment is :func:`tests.e2e.procs.offline_env` minus its ``PIP_CONFIG_FILE`` (the
scenarios set that themselves): no inherited ``PIP_*``/``UV_*``/``PYTHON*`` variable, the
proxies pointing at the run's recording proxy, no caches, no retries.

**Global configuration.** pip always reads ``/etc/pip.conf`` besides
``$XDG_CONFIG_DIRS/pip/pip.conf``, uv reads ``/etc/uv/uv.toml``, and ``pip config set
--global`` writes ``/etc/pip.conf``. When the machine allows a private mount namespace
(``unshare --mount``, as root, or ``--map-root-user`` with unprivileged user namespaces),
each run gets a copy-on-write overlay of ``/etc`` with the machine's ``/etc/pip.conf``,
``/etc/xdg/pip`` and ``/etc/uv`` removed: scenarios then write the real global paths and
nothing reaches the host's ``/etc``. The run's venv is also bind-mounted at ``/opt/venv``
(in an overlay of ``/opt``), as in many Dockerfiles, so the site file can be written by
its literal path ``/opt/venv/pip.conf`` as well as by ``$VIRTUAL_ENV/pip.conf``.
Otherwise (``mode == "env"``), ``XDG_CONFIG_DIRS`` points into the run's directory, the
host's ``/etc/pip.conf`` stays readable (it must not set an index), the venv is only at its
temporary path, and scenarios that write under ``/etc`` or ``/opt`` are skipped with that
reason (``ORACLE_NO_NAMESPACE=1`` forces this mode).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.procs import offline_env
from tests.oracle.indexes import DEFAULT, Hit, Indexes, build_wheels
from tests.oracle.scenario import NAMES, Rendered, Scenario, render

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
RUN_TIMEOUT = 180.0

_INIT = r"""set -e
T="$1"; shift
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$T/etc-up,workdir=$T/etc-work" /etc
rm -rf /etc/pip.conf /etc/xdg/pip /etc/uv
if [ -d "$T/venv" ]; then
    mount -t overlay overlay -o "lowerdir=/opt,upperdir=$T/opt-up,workdir=$T/opt-work" /opt
    mkdir -p /opt/venv
    mount --bind "$T/venv" /opt/venv
fi
cd "$T/repo"
exec bash "$@"
"""
VENV = "/opt/venv"  # where the run's venv is seen inside the private mount namespace

# how each client says "I looked, the package is not there" (the run got as far as resolving)
_RESOLUTION_FAILED = (
    "No matching distribution found for ",
    "Could not find a version that satisfies the requirement ",
    " was not found in the package registry",
    " was not found in the provided package locations",
    "No solution found when resolving dependencies",
)


@dataclass
class Observation:
    """What one real run did."""

    rendered: Rendered
    urls: dict[str, str]
    hits: list[Hit]
    output: str
    returncode: int
    seconds: float
    answer: dict[str, Any] = field(default_factory=dict)
    pipsrc: dict[str, Any] = field(default_factory=dict)  # the adapter's answer (URLs)


def real_answer(tool: str, hits: list[Hit], output: str) -> dict[str, Any]:
    """The normalised answer of a real client from its access log.

    ``indexes``: every index it read a page from, in the order of first reading (pip: the
    index URL, then the extra indexes; uv: the extra indexes by priority, then the default
    index). ``index``: the primary (default) index, what pipsrc calls the effective index:
    pip's first, uv's last. ``no_index``: no index read, yet the client resolved (and found
    nothing). Anything else is ``error``: the client stopped before resolving.
    """
    seen = [h.index for h in hits if not h.index.startswith("other:loopback")]
    indexes: list[str] = []
    for name in seen:
        if name not in indexes:
            indexes.append(name)
    if not indexes:
        if any(m in output for m in _RESOLUTION_FAILED):
            return {"indexes": [], "index": None, "no_index": True}
        tail = [ln for ln in output.strip().splitlines() if ln.strip()][-3:]
        return {"error": " / ".join(tail) or "no output"}
    primary = seen[0] if tool == "pip" else seen[-1]
    return {"indexes": indexes, "index": primary, "no_index": False}


class Sandbox:
    """Session-wide resources (wheels, the shared pip, the namespace probe) and :meth:`run`."""

    def __init__(self, base: Path) -> None:
        self.base = base
        base.mkdir(parents=True, exist_ok=True)
        self.wheels = build_wheels(base / "wheels")
        self.python = Path(getattr(sys, "_base_executable", sys.executable))
        self.pipdir = base / "piplib"
        import pip

        shutil.copytree(Path(pip.__file__).parent, self.pipdir / "pip")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(self.pipdir)], check=True)
        uv = shutil.which("uv", path=os.path.dirname(sys.executable)) or shutil.which("uv")
        if uv is None:
            raise RuntimeError("uv is not installed in the test environment (pip install uv)")
        self.uv = Path(uv)
        self.init = base / "init.sh"
        self.init.write_text(_INIT, encoding="utf-8")
        self.unshare = self._probe_namespace()
        self.mode = "namespace" if self.unshare else "env"
        self._counter = 0
        self._lock = threading.Lock()

    def _probe_namespace(self) -> list[str] | None:
        if os.environ.get("ORACLE_NO_NAMESPACE"):
            return None  # force the env-only mode (to test it)
        unshare = shutil.which("unshare")
        if unshare is None or sys.platform != "linux":
            return None
        if not os.path.isdir("/opt") or os.path.exists(VENV):
            return None
        probe = Path(tempfile.mkdtemp(dir=self.base, prefix="probe-"))
        for d in ("etc-up", "etc-work", "opt-up", "opt-work", "repo", "venv"):
            (probe / d).mkdir()
        (probe / "venv" / "mark").touch()
        (probe / "repo" / "t.sh").write_text(
            "test ! -e /etc/pip.conf && touch /etc/x.conf && test -e /opt/venv/mark\n"
        )
        try:
            for argv in ([unshare, "--mount"], [unshare, "--mount", "--map-root-user"]):
                try:
                    out = subprocess.run([*argv, "bash", str(self.init), str(probe), "t.sh"],
                                         capture_output=True, timeout=30, check=False)  # fmt: skip
                except (OSError, subprocess.TimeoutExpired):
                    continue
                if out.returncode == 0 and not os.path.exists("/etc/x.conf"):
                    return argv
            return None
        finally:
            _rmtree(probe)

    # -- one run ------------------------------------------------------------------------------
    def _workdir(self, scenario: Scenario) -> Path:
        with self._lock:
            self._counter += 1
            n = self._counter
        return Path(tempfile.mkdtemp(dir=self.base, prefix=f"{n:04d}-{scenario.key}-"))

    def _venv(self, target: Path, seen_as: str | None = None) -> Path:
        """What ``python -m venv --without-pip --symlinks`` makes, minus the activation
        scripts, written directly (a tenth of the time of running the venv module).
        ``seen_as``: the path the run sees it at (``/opt/venv`` in the namespace)."""
        py = self.python
        version = "{}.{}".format(*sys.version_info[:2])
        (target / "bin").mkdir(parents=True)
        site = target / "lib" / f"python{version}" / "site-packages"
        site.mkdir(parents=True)
        (target / "lib64").symlink_to("lib")
        (target / "pyvenv.cfg").write_text(
            f"home = {py.parent}\ninclude-system-site-packages = false\n"
            f"version = {'.'.join(map(str, sys.version_info[:3]))}\nexecutable = {py}\n",
            encoding="utf-8",
        )
        (target / "bin" / f"python{version}").symlink_to(py)
        for alias in ("python", "python3"):
            (target / "bin" / alias).symlink_to(f"python{version}")
        (site / "oracle-shared-pip.pth").write_text(f"{self.pipdir}\n", encoding="utf-8")
        root = seen_as or str(target)
        launcher = (f"#!{root}/bin/python\nimport sys\nfrom pip._internal.cli.main import main\n"
                    "sys.exit(main())\n")  # fmt: skip
        for name in ("pip", "pip3", f"pip{version}"):
            path = target / "bin" / name
            path.write_text(launcher, encoding="utf-8")
            path.chmod(0o755)
        (target / "bin" / "uv").symlink_to(self.uv)
        return target

    def environment(self, work: Path, indexes: Indexes, venv: Path) -> dict[str, str]:
        home = work / "home"
        env = offline_env(home)
        env.pop("PIP_CONFIG_FILE", None)  # offline_env's /dev/null: the scenarios set it
        for name in ("http_proxy", "https_proxy", "all_proxy"):
            env[name] = env[name.upper()] = indexes.proxy
        env.update(
            PATH=f"{venv}/bin:{SYSTEM_PATH}",
            VIRTUAL_ENV=str(venv),
            XDG_CONFIG_HOME=str(home / ".config"),
            PIP_RETRIES="0",
            PIP_NO_CACHE_DIR="1",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PIP_ROOT_USER_ACTION="ignore",
            UV_NO_CACHE="1",
            UV_HTTP_RETRIES="0",
            UV_PYTHON_DOWNLOADS="never",
            UV_NO_PROGRESS="1",
            LC_ALL="C.UTF-8",
        )
        if self.mode == "namespace":
            env.pop("XDG_CONFIG_DIRS", None)  # the default /etc/xdg, in the private /etc
        else:
            env["XDG_CONFIG_DIRS"] = str(work / "xdg")
        return env

    def run(
        self,
        scenario: Scenario,
        before: Any = None,
        keep: bool = False,
    ) -> Observation:
        """Render ``scenario``, call ``before(repo_dir, rendered, urls)`` (pipsrc reads the
        repository there, before the client writes anything into it), run the client."""
        work = self._workdir(scenario)
        try:
            with Indexes(self.wheels) as ix:
                urls = {n: ix.url(n) for n in NAMES}
                rendered = render(scenario, urls)
                repo = work / "repo"
                for rel, text in rendered.files.items():
                    path = repo / rel
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, encoding="utf-8")
                extra = before(repo, rendered, urls) if before is not None else None
                runner = work / "run.sh"
                runner.write_text(rendered.script, encoding="utf-8")
                namespaced = self.mode == "namespace"
                self._venv(work / "venv", VENV if namespaced else None)
                venv = Path(VENV) if namespaced else work / "venv"
                env = self.environment(work, ix, venv)
                if namespaced:
                    for d in ("etc-up", "etc-work", "opt-up", "opt-work"):
                        (work / d).mkdir()
                    argv = [*(self.unshare or []), "bash", str(self.init), str(work), str(runner)]
                else:
                    (work / "xdg").mkdir()
                    argv = ["bash", str(runner)]
                t0 = time.monotonic()
                try:
                    proc = subprocess.run(argv, cwd=repo, env=env, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                          text=True, timeout=RUN_TIMEOUT, check=False)  # fmt: skip
                    output, code = proc.stdout, proc.returncode
                except subprocess.TimeoutExpired as exc:
                    out = exc.stdout or ""
                    output = (out.decode() if isinstance(out, bytes) else out) + "\n[timeout]"
                    code = -1
                seconds = time.monotonic() - t0
                hits = ix.hits
            obs = Observation(rendered, urls, hits, output, code, seconds)
            obs.answer = real_answer(scenario.tool, hits, output)
            if extra is not None:
                obs.pipsrc = extra
            return obs
        finally:
            if not keep and not os.environ.get("ORACLE_KEEP"):
                _rmtree(work)


def _rmtree(path: Path) -> None:
    def onerror(func: Any, p: str, exc: Any) -> None:
        try:
            os.chmod(os.path.dirname(p), 0o700)
            os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass

    shutil.rmtree(path, onerror=onerror)


def name_of(url: str | None, urls: dict[str, str]) -> str | None:
    """The symbolic name of an index URL: A, B, C, ``default`` (pypi.org) or the URL."""
    if url is None or url in (DEFAULT,) or url in NAMES:
        return url
    u = url.strip().rstrip("/")
    for name, full in urls.items():
        if u == full.rstrip("/"):
            return name
    if u in ("https://pypi.org/simple", "https://pypi.python.org/simple"):
        return DEFAULT
    return url
