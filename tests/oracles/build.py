"""Fix, then build: run the install commands of a Dockerfile or shell script with real pip,
before and after ``pipsrc fix``, against package indexes served on 127.0.0.1.

* **Indexes.** Every host of the URL vocabulary (tests/oracles/urls.py) gets its own tiny
  threaded HTTP server on loopback that serves PEP 503 pages and generated wheels
  (tests/e2e/wheelhouse.make_wheel): Aliyun (the policy mirror), PyPI and the public mirrors
  (every project but the private ones), the private indexes (also ``corp-utils``, which no
  public index has), the vendor indexes (their own projects only). pipsrc sees the real URLs
  (so its catalogue applies as in real life); the *programs that run* see them mapped to
  loopback, host for host, path kept: what an /etc/hosts entry would do. Nothing reaches the
  internet (proxies point at a closed port).
* **Dockerfiles.** Each stage becomes a driver script: its ENV and ARG values exported in
  order (ARG defaults, global ARG defaults a stage re-declares; an ENV always wins over the
  ARG of its name, as in BuildKit; a ``FROM <stage>`` starts from that stage's files and
  ENV), WORKDIR, USER (HOME moves: user config does not follow a user switch), ``COPY``
  from the build context and ``COPY <<EOF`` files, and each RUN program (from BuildKit's
  parse) run by ``bash`` as a separate process, the build stopping at the first failing RUN.
* **Sandbox.** Each build has a root directory standing for the container's ``/``:
  absolute paths in the programs (``/etc/pip.conf``, ``/tmp/...``, ``/app``) are moved under
  it, pip's global and site configuration files are looked up under it (pipsite/
  sitecustomize.py), HOME is in it. PATH holds only ``pip``/``pip3``/``python``/``python3``
  (tests/oracles/pipshim.py: the real pip of this virtual environment, with installs made
  ``--dry-run --report``), ``sudo`` and a few harmless utilities; any other command (apt-get,
  useradd, rm, sed ...) is a no-op that succeeds. When the tests run as root, the programs
  run as ``nobody`` if this interpreter can be started as nobody.
* **The oracle.** A build (stage) that succeeded before the fix must succeed after it; a
  package that came from a private or vendor index before must come from that index after;
  one that came from a public index must come from the policy index after.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from tests.e2e.procs import DEAD_PROXY
from tests.e2e.wheelhouse import make_wheel
from tests.oracles import dockerfile, shell
from tests.oracles.model import Disagreement
from tests.oracles.urls import VOCABULARY, classify, host_of

HERE = Path(__file__).resolve().parent
PRIVATE_ONLY = {"corp-utils", "vendor-sdk"}
VENDOR_PROJECTS = {
    "download.pytorch.org": {"torch", "torchvision", "torchaudio"},
    "pypi.nvidia.com": {"nvidia-cudnn-cu12", "tensorrt"},
}
PRIVATE_PROJECTS = {"pypi.vendor-sdk.example": {"vendor-sdk", "corp-utils"}}

# --- package indexes on loopback ------------------------------------------------------------


class Wheels:
    """Wheels made on demand: every project, in the versions the inputs pin, 1.0 and 9999.0."""

    _PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([0-9][A-Za-z0-9.]*)")

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pins: dict[str, set[str]] = {}
        self.lock = threading.Lock()

    def learn(self, text: str) -> None:
        for m in self._PIN.finditer(text):
            self.pins.setdefault(str(canonicalize_name(m.group(1))), set()).add(m.group(2))

    def versions(self, project: str) -> list[str]:
        return sorted({"1.0", "9999.0", *self.pins.get(project, set())})

    def filename(self, project: str, version: str) -> str:
        return f"{project.replace('-', '_')}-{version}-py3-none-any.whl"

    def path(self, filename: str) -> Path | None:
        m = re.fullmatch(r"([a-z0-9_]+)-([0-9][A-Za-z0-9.]*)-py3-none-any\.whl", filename)
        if m is None:
            return None
        target = self.root / filename
        with self.lock:
            if not target.exists():
                name = m.group(1).replace("_", "-")
                make_wheel(self.root, name, m.group(2), {m.group(1): f"NAME = {name!r}\n"})
        return target


class Index:
    """One package index on 127.0.0.1, standing for one host of the vocabulary."""

    def __init__(self, host: str, serves: set[str] | None, wheels: Wheels) -> None:
        self.host = host
        self.serves = serves  # None: every project that is not private-only
        self.wheels = wheels
        self.log: list[str] = []
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                index.log.append(self.path)
                body, ctype = index.respond(self.path.split("?", 1)[0])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def has(self, project: str) -> bool:
        if self.serves is not None:
            return project in self.serves
        return project not in PRIVATE_ONLY

    def respond(self, path: str) -> tuple[bytes | None, str]:
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[-2] == "files":
            f = self.wheels.path(parts[-1])
            return (f.read_bytes() if f else None), "application/octet-stream"
        if not parts or parts[-1] in ("simple", "+simple"):
            return b"<html><body></body></html>", "text/html"
        project = str(canonicalize_name(parts[-1]))
        if not self.has(project):
            return None, ""
        links = "".join(
            f'<a href="/files/{self.wheels.filename(project, v)}">'
            f"{self.wheels.filename(project, v)}</a><br>\n"
            for v in self.wheels.versions(project)
        )
        return f"<html><body>\n{links}</body></html>".encode(), "text/html"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Farm:
    """A loopback index for every host of the vocabulary (and the proxies given)."""

    def __init__(self, root: Path, extra_hosts: Iterable[tuple[str, str]] = ()) -> None:
        self.root = root
        self.wheels = Wheels(root / "wheels")
        self.wheels.root.mkdir(parents=True, exist_ok=True)
        self.classes: dict[str, str] = {}
        self.indexes: dict[str, Index] = {}
        for u in VOCABULARY:
            h = host_of(u.url)
            self.classes.setdefault(h, "policy" if u.cls == "policy" else u.cls)
        for h, cls in extra_hosts:
            self.classes[h] = cls
        for h, cls in self.classes.items():
            serves: set[str] | None = None
            if h in VENDOR_PROJECTS:
                serves = VENDOR_PROJECTS[h]
            elif h in PRIVATE_PROJECTS:
                serves = PRIVATE_PROJECTS[h]
            elif cls == "private":
                serves = None  # a Nexus/devpi proxies PyPI and adds the private projects
            index = Index(h, serves, self.wheels)
            if cls == "private" and serves is None:
                index.serves = None
                index.has = lambda p: True  # type: ignore[method-assign]
            self.indexes[h] = index
        self.by_port = {i.port: h for h, i in self.indexes.items()}

    def close(self) -> None:
        for i in self.indexes.values():
            i.close()

    _URL = re.compile(r"""(https?)://(?:[^/@\s"'`<>|;&(){}\\]*@)?([A-Za-z0-9.-]+)(?::(\d+))?""")

    def to_loopback(self, text: str) -> str:
        """Every URL of a known host pointed at its loopback index (the path is kept)."""

        def sub(m: re.Match[str]) -> str:
            port = m.group(3)
            default = "443" if m.group(1) == "https" else "80"
            host = m.group(2).lower() + (f":{port}" if port and port != default else "")
            index = self.indexes.get(host)
            return f"http://127.0.0.1:{index.port}" if index else m.group(0)

        return self._URL.sub(sub, text)

    def host_for(self, url: str) -> str:
        m = re.match(r"http://127\.0\.0\.1:(\d+)/", url)
        return self.by_port.get(int(m.group(1)), url) if m else url


# --- sandbox ---------------------------------------------------------------------------------

_TOP = r"(?:etc|root|home|tmp|var|opt|app|srv|usr/local|workspace|src|code|build|wheels|data)"
_ABS = re.compile(rf"(?<![\w.:/$}}~@-])/({_TOP})(?=[/\s\"';&|)`]|$)")
TOOLS = (
    "mkdir",
    "dirname",
    "basename",
    "cat",
    "tee",
    "touch",
    "ls",
    "head",
    "grep",
    "true",
    "false",
    "test",
    "env",
    "id",
    "printf",
    "echo",
    "sleep",
    "pwd",
    "date",
)
PRELUDE = "command_not_found_handle() { return 0; }\n"
RUN_OK = "PIPSRC-ORACLE: RUN ok"
# what a base image has and a RUN may write into without creating it first
IMAGE_DIRS = (
    "etc/sudoers.d",
    "etc/ssh",
    "etc/apt",
    "etc/xdg",
    "var/lib/apt/lists",
    "var/run",
    "var/cache",
    "srv",
    "opt",
    "home",
    "usr/local/bin",
    "tmp",
    "root",
)


def to_sandbox(text: str, rootfs: Path) -> str:
    """Absolute paths of the container moved under ``rootfs``."""
    return _ABS.sub(lambda m: f"{rootfs}/{m.group(1)}", text)


@dataclass
class Toolbox:
    """The PATH of the programs: the pip shims and a few harmless utilities."""

    root: Path

    def __post_init__(self) -> None:
        bin_ = self.root / "bin"
        bin_.mkdir(parents=True, exist_ok=True)
        py = shlex.quote(sys.executable)
        shim = shlex.quote(str(HERE / "pipshim.py"))
        for name in ("pip", "pip3"):
            (bin_ / name).write_text(f'#!/bin/bash\nexec {py} {shim} "$@"\n')
        python = (
            "#!/bin/bash\n"
            f'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then shift 2; exec {py} {shim} "$@"; fi\n'
            f'if [ "$1" = "-c" ]; then exec {py} "$@"; fi\n'
            "exit 0\n"  # python -m venv, python setup.py ...: not this test's business
        )
        for name in ("python", "python3"):
            (bin_ / name).write_text(python)
        (bin_ / "sudo").write_text(
            '#!/bin/bash\nwhile [[ "$1" == -* ]]; do shift; done\nexec "$@"\n'
        )
        for name in TOOLS:
            real = shutil.which(name, path="/usr/bin:/bin")
            if real and not (bin_ / name).exists():
                (bin_ / name).symlink_to(real)
        for f in bin_.iterdir():
            if not f.is_symlink():
                f.chmod(0o755)
        self.bin = bin_


@functools.cache
def _drop_privileges() -> list[str]:
    """Run the programs as nobody when the tests run as root (a safety net for stray writes)."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        return []
    argv = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    # as the programs will start it: from a bash running as nobody
    probe = subprocess.run(
        [*argv, "/bin/bash", "-c", f"{shlex.quote(sys.executable)} -c pass"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return argv if probe.returncode == 0 else []


def program_env(box: Toolbox, rootfs: Path, log: Path) -> dict[str, str]:
    env = {
        "PATH": str(box.bin),
        "HOME": str(rootfs / "root"),
        "TMPDIR": str(rootfs / "tmp"),
        "XDG_CACHE_HOME": str(rootfs / "cache"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": str(HERE / "pipsite"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PIPSRC_ORACLE_ROOTFS": str(rootfs),
        "PIPSRC_ORACLE_LOG": str(log),
    }
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        env[name] = env[name.upper()] = DEAD_PROXY
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


# --- Dockerfile stages as scripts ------------------------------------------------------------


def _export(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return f'export {name}="{escaped}"'


@dataclass
class StagePlan:
    index: int
    driver: str
    runs: list[str]  # the RUN programs, in order (after mapping)


def plan_dockerfile(
    text: str,
    farm: Farm,
    rootfs_of: dict[int, Path],
    ctx: Path,
    build_args: dict[str, str] | None = None,
) -> list[StagePlan]:
    """One driver script per stage (see the module docstring)."""
    build_args = build_args or {}
    cmds, err = dockerfile.parse(text)
    assert cmds is not None, err
    plans: list[StagePlan] = []
    env_lines: dict[int, list[str]] = {}
    for st in dockerfile.stages(cmds):
        root = rootfs_of[st.index]
        lines = [f'ROOTFS="{root}"', 'WORKDIR="$ROOTFS"', f'export HOME="{root}/root"']
        inherited: list[str] = []
        if st.parent is not None:
            lines.append(f'/bin/cp -a "{rootfs_of[st.parent]}/." "$ROOTFS/"')
            inherited = list(env_lines[st.parent])
        lines += inherited
        mine = list(inherited)
        env_names = {ln.split("=", 1)[0].split()[-1] for ln in inherited if ln.startswith("export")}
        runs: list[str] = []
        for c in st.instructions:
            kind = (c.sub_cmd or c.cmd).upper()
            if c.sub_cmd:
                continue
            if kind == "ENV":
                for k, v in dockerfile.env_pairs(c):
                    line = _export(k, to_sandbox(farm.to_loopback(v), root))
                    lines.append(line)
                    mine.append(line)
                    env_names.add(k)
            elif kind == "ARG":
                for k, v in dockerfile.arg_pairs(c):
                    default = v if v is not None else st.global_args.get(k)
                    default = build_args.get(k, default)  # docker build --build-arg K=V
                    if k not in env_names and default is not None:
                        lines.append(_export(k, to_sandbox(farm.to_loopback(default), root)))
            elif kind == "WORKDIR" and c.value:
                w = c.value[0]
                target = f"$ROOTFS{w}" if w.startswith("/") else f"$WORKDIR/{w}"
                line = f'WORKDIR="{target}"; /bin/mkdir -p "$WORKDIR"'
                lines.append(line)
                mine.append(line)
            elif kind == "USER" and c.value:
                user = c.value[0].split(":")[0]
                home = "$ROOTFS/root" if user in ("root", "0") else f"$ROOTFS/home/{user}"
                line = f'export HOME="{home}"; /bin/mkdir -p "$HOME"'
                lines.append(line)
                mine.append(line)
            elif kind in ("COPY", "ADD") and not any(f.startswith("--from") for f in c.flags):
                lines += _copy(c, farm, root, ctx)
            elif kind == "RUN":
                for p in dockerfile.programs(c):
                    body = PRELUDE + to_sandbox(farm.to_loopback(p.text), root)
                    n = len(runs)
                    runs.append(body)
                    lines.append(
                        f'(cd "$WORKDIR" 2>/dev/null || cd "$ROOTFS"; exec /bin/bash '
                        f'"$STAGE_DIR/run{n}.sh") || {{ echo "PIPSRC-ORACLE: {p.label} '
                        f'failed: $?"; exit 1; }}\necho "{RUN_OK}"'
                    )
        env_lines[st.index] = mine
        plans.append(StagePlan(st.index, "\n".join(lines) + "\n", runs))
    return plans


def _copy(c: Any, farm: Farm, root: Path, ctx: Path) -> list[str]:
    words = list(c.value)
    if not words:
        return []
    dest = words[-1]
    target = f"$ROOTFS{dest}" if dest.startswith("/") else f"$WORKDIR/{dest}"
    out: list[str] = []
    if c.heredocs:
        for h in c.heredocs:
            content = to_sandbox(farm.to_loopback(h.content), root)
            out.append(f'/bin/mkdir -p "$(/usr/bin/dirname "{target}")"')
            out.append(f"/bin/cat > \"{target}\" <<'PIPSRC_ORACLE_EOF'\n{content}PIPSRC_ORACLE_EOF")
        return out
    sources = words[:-1]
    is_dir = dest.endswith("/") or dest in (".", "./") or len(sources) > 1
    out.append(
        f'/bin/mkdir -p "{target}"' if is_dir else f'/bin/mkdir -p "$(/usr/bin/dirname "{target}")"'
    )
    for s in sources:
        src = ctx / s.lstrip("/")
        if s in (".", "./"):
            out.append(f'/bin/cp -a "{ctx}/." "{target}/"')
        elif src.exists():
            out.append(f'/bin/cp -a "{src}" "{target}"')
    return out


# --- running ---------------------------------------------------------------------------------


@dataclass
class Install:
    project: str
    version: str
    host: str  # the vocabulary host whose index served it


@dataclass
class Outcome:
    """One stage (or one script) run: exit status, output, what pip installed from where."""

    label: str
    rc: int
    output: str
    installs: list[Install] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    runs_ok: int = 0  # RUN instructions that succeeded, in order (a build stops at a failure)


def _collect(log: Path, farm: Farm) -> tuple[list[Install], list[dict[str, Any]]]:
    installs: list[Install] = []
    calls: list[dict[str, Any]] = []
    path = log / "calls.jsonl"
    if not path.exists():
        return installs, calls
    for line in path.read_text(encoding="utf-8").splitlines():
        call = json.loads(line)
        calls.append(call)
        rep = Path(call.get("report") or "")
        if call.get("report") and rep.exists():
            for item in json.loads(rep.read_text(encoding="utf-8")).get("install", []):
                url = item.get("download_info", {}).get("url", "")
                meta = item.get("metadata", {})
                installs.append(
                    Install(
                        str(canonicalize_name(meta.get("name", "?"))),
                        meta.get("version", "?"),
                        farm.host_for(url),
                    )
                )
    return installs, calls


def _run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> tuple[int, str]:
    proc = subprocess.run(
        [*_drop_privileges(), *argv],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stdout


def _open(path: Path) -> None:
    """World-writable: the programs may run as nobody."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o777)


def build(
    files: dict[str, str],
    target: str,
    farm: Farm,
    box: Toolbox,
    work: Path,
    build_args: dict[str, str] | None = None,
    script_args: tuple[str, ...] = (),
) -> list[Outcome]:
    """Run ``target`` (a Dockerfile or a shell script among ``files``) in a fresh sandbox.

    ``build_args`` are ``docker build --build-arg`` values; ``script_args`` the arguments a
    shell script is run with.
    """
    _open(work)
    ctx = work / "context"
    for rel, text in files.items():
        farm.wheels.learn(text)
        p = ctx / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(farm.to_loopback(text), encoding="utf-8", newline="")
    for d in [ctx, *[p for p in ctx.rglob("*") if p.is_dir()]]:
        d.chmod(0o777)
    outcomes: list[Outcome] = []
    if target.rsplit("/", 1)[-1].lower().find("dockerfile") >= 0:
        cmds, _ = dockerfile.parse(files[target])
        n = len(dockerfile.stages(cmds or []))
        roots = {i: work / f"stage{i}" / "rootfs" for i in range(n)}
        plans = plan_dockerfile(
            files[target],
            farm,
            roots,
            ctx / Path(target).parent,
            {k: farm.to_loopback(v) for k, v in (build_args or {}).items()},
        )
        for plan in plans:
            stage_dir = work / f"stage{plan.index}"
            root, log = roots[plan.index], stage_dir / "log"
            for d in (stage_dir, root, log, *(root / d for d in IMAGE_DIRS)):
                _open(d)
            for i, body in enumerate(plan.runs):
                (stage_dir / f"run{i}.sh").write_text(body, encoding="utf-8")
            (stage_dir / "driver.sh").write_text(plan.driver, encoding="utf-8")
            env = dict(program_env(box, root, log), STAGE_DIR=str(stage_dir))
            rc, out = _run(["/bin/bash", str(stage_dir / "driver.sh")], env, root)
            installs, calls = _collect(log, farm)
            ok = out.count(RUN_OK)
            out = "\n".join(ln for ln in out.splitlines() if ln != RUN_OK)
            outcomes.append(Outcome(f"stage {plan.index}", rc, out, installs, calls, ok))
        return outcomes
    root, log = work / "rootfs", work / "log"
    for d in (root, log, *(root / d for d in IMAGE_DIRS)):
        _open(d)
    text = files[target]
    first, _, rest = text.partition("\n")
    if not first.startswith("#!"):
        first, rest = "", text
    script = ctx / target  # where it was: a script may find its files from $0
    script.write_text(
        first + "\n" + PRELUDE + to_sandbox(farm.to_loopback(rest), root), encoding="utf-8"
    )
    cwd = ctx / Path(target).parent
    rc, out = _run(["/bin/bash", str(script), *script_args], program_env(box, root, log), cwd)
    installs, calls = _collect(log, farm)
    return [Outcome("script", rc, out, installs, calls)]


# --- the oracle --------------------------------------------------------------------------------


def compare(
    before: list[Outcome],
    after: list[Outcome],
    farm: Farm,
    policy_host: str = "mirrors.aliyun.com",
    kept: set[str] | frozenset[str] = frozenset(),
) -> list[Disagreement]:
    """The build oracle (see the module docstring) for one target, stage by stage.

    ``kept``: hosts of indexes the files keep on purpose (``# pipsrc: ignore``): a package
    may still come from them after the fix.
    """

    def cls(h: str) -> str:
        if h == policy_host:
            return "policy"
        c = farm.classes.get(h, "unknown")
        return "public" if c == "policy" else c

    out: list[Disagreement] = []
    for b, a in zip(before, after, strict=False):
        if b.rc != 0 and a.runs_ok < b.runs_ok:
            out.append(
                Disagreement(
                    "build-broke",
                    f"real pip ({a.label})",
                    f"RUN #{a.runs_ok + 1} succeeded before the fix, fails after it:\n"
                    f"{_tail(a.output)}",
                )
            )
            continue
        if b.rc != 0:
            continue
        if a.rc != 0:
            out.append(
                Disagreement(
                    "build-broke",
                    f"real pip ({a.label})",
                    f"succeeded before the fix, fails after it:\n{_tail(a.output)}",
                )
            )
            continue
        src_b = _sources(b)
        src_a = _sources(a)
        for project, hosts in src_b.items():
            after_hosts = src_a.get(project, set())
            classes = {cls(h) for h in hosts}
            if not after_hosts:
                out.append(
                    Disagreement(
                        "build-broke",
                        f"real pip ({a.label})",
                        f"{project} was installed before the fix (from {sorted(hosts)}), not after",
                    )
                )
            elif classes & {"private", "vendor", "unknown"}:
                if after_hosts != hosts:
                    out.append(
                        Disagreement(
                            "private-index-replaced",
                            f"real pip ({a.label})",
                            f"{project} came from {sorted(hosts)} before the fix, "
                            f"from {sorted(after_hosts)} after",
                        )
                    )
            elif {cls(h) for h in after_hosts - set(kept)} - {"policy"}:
                out.append(
                    Disagreement(
                        "build-source-changed",
                        f"real pip ({a.label})",
                        f"{project} came from {sorted(hosts)} before the fix and "
                        f"from {sorted(after_hosts)} after, not from the policy "
                        "index",
                    )
                )
    return out


def _sources(o: Outcome) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for i in o.installs:
        out.setdefault(i.project, set()).add(i.host)
    return out


def _tail(text: str, n: int = 12) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(f"    | {ln}" for ln in lines[-n:])


def classify_host(url: str) -> str:
    return classify(url)


def shell_targets(files: dict[str, str]) -> list[str]:
    return [p for p in files if p.endswith((".sh", ".bash"))]


def docker_targets(files: dict[str, str]) -> list[str]:
    return [p for p in files if "dockerfile" in p.rsplit("/", 1)[-1].lower()]


def scratch(prefix: str) -> Path:
    """A world-readable scratch directory (the programs may run as nobody)."""
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d


__all__ = ["Farm", "Outcome", "Toolbox", "build", "compare", "shell"]
