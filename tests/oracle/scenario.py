"""Scenarios: one way of choosing package indexes, rendered once and read twice.

A :class:`Scenario` says *how* an install command is configured (which pip config files at
which level and section, ``pip config set`` commands, environment variables, command-line
flags, requirements/constraints files, uv configuration) using the symbolic index names
``A``, ``B`` and ``C``. :func:`render` turns it into a small repository, with the real
loopback URLs of one run substituted:

* the **shell form**: ``build.sh`` writes the config files (``mkdir -p`` plus a heredoc or
  ``printf``), runs the ``pip config set`` commands, exports the variables and finally
  runs the install command; the requirements, constraints, ``pyproject.toml``,
  ``uv.toml`` and ``PIP_CONFIG_FILE`` files sit beside it.
* the **Dockerfile form**: the same steps as ``ARG``/``ENV``/``COPY``/``RUN`` lines.

The real client runs exactly these files: ``build.sh`` with bash, or the Dockerfile turned
into a script by :func:`dockerfile_script` (``ENV``/``ARG`` values exported, ``COPY`` as
``cp``, ``RUN`` bodies in order), which is what ``docker build`` would do. pipsrc reads the
very same repository. Nothing here knows what either of them will answer.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass, field

from tests.oracle.indexes import ABSENT

NAMES = ("A", "B", "C")

# -- pip configuration levels -----------------------------------------------------------------
# level -> path as the script writes it; "file" is a committed file named by PIP_CONFIG_FILE
CONF_PATHS = {
    "global-xdg": "/etc/xdg/pip/pip.conf",
    "global-etc": "/etc/pip.conf",
    "user-legacy": "~/.pip/pip.conf",
    "user": "~/.config/pip/pip.conf",
    "site": "$VIRTUAL_ENV/pip.conf",
    "site-opt": "/opt/venv/pip.conf",  # the same file, by the literal path of the venv
}
PIP_LEVELS = (*CONF_PATHS, "file")
CONFIG_FILE_PATH = "ci/pip.conf"  # the committed file PIP_CONFIG_FILE names
MISSING_CONFIG_FILE = "ci/missing.conf"
# writing any of these needs the sandbox's private /etc and /opt/venv (see sandbox.py)
NEEDS_NAMESPACE = ("/etc/", "/opt/")

COMMANDS = (
    "pip install",
    "pip download",
    "pip wheel",
    "python -m pip install",
    "uv pip install",
    "uv pip compile",
    "uv sync",
    "uv lock",
)
PIP_COMMANDS = COMMANDS[:4]
UV_COMMANDS = COMMANDS[4:]
PROJECT_COMMANDS = ("uv sync", "uv lock")

PIP_ENV = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX")
UV_ENV = ("UV_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX", "UV_EXTRA_INDEX_URL", "UV_NO_INDEX")
BOOL_ENV = ("PIP_NO_INDEX", "UV_NO_INDEX")


@dataclass(frozen=True)
class PipConf:
    """A pip configuration file the scenario writes (or commits, for ``level="file"``)."""

    level: str  # a key of CONF_PATHS, or "file"
    section: str = "global"  # global | install | download | wheel
    index: str | None = None  # index-url
    extras: tuple[str, ...] = ()  # extra-index-url
    no_index: bool = False
    # heredoc | printf (after a separate mkdir) | mkdir&&printf (one line) | copy (Dockerfile
    # COPY of a committed file)
    writer: str = "heredoc"

    def body(self, urls: dict[str, str]) -> str:
        lines = [f"[{self.section}]"]
        if self.index:
            lines.append(f"index-url = {urls[self.index]}")
        if self.extras:
            lines.append("extra-index-url = " + " ".join(urls[x] for x in self.extras))
        if self.no_index:
            lines.append("no-index = true")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ConfigSet:
    """``pip config [--user|--global|--site] set <section>.<key> <value>`` before the install."""

    flag: str  # "" | --user | --global | --site
    key: str  # global.index-url | install.index-url | download.index-url | global.extra-index-url
    value: tuple[str, ...]  # index names (one for index-url)

    def argv(self, urls: dict[str, str]) -> str:
        value = " ".join(urls[v] for v in self.value)
        flag = f"{self.flag} " if self.flag else ""
        return f"pip config {flag}set {self.key} {shlex.quote(value)}"


@dataclass(frozen=True)
class Env:
    """An environment variable: ``value`` is index names (space-joined), "" or "1"."""

    name: str
    value: tuple[str, ...] = ()  # index names; () with name in BOOL_ENV means "1"
    how: str = "export"  # export | prefix (VAR=x cmd) | env (ENV in the Dockerfile) | arg (ARG)
    empty: bool = False  # the variable is set to the empty string
    raw: str = ""  # a literal value instead (PIP_NO_INDEX=false ...)

    def rendered(self, urls: dict[str, str]) -> str:
        if self.raw:
            return self.raw
        if self.empty:
            return ""
        if self.name in BOOL_ENV:
            return "1"
        return " ".join(urls[v] for v in self.value)


@dataclass(frozen=True)
class ReqFile:
    """A requirements or constraints file; ``options`` are its option lines, symbolic."""

    path: str
    options: tuple[tuple[str, str], ...] = ()  # (option, index name | file path | "")
    requirement: bool = False  # whether it names the package

    def text(self, urls: dict[str, str]) -> str:
        lines = []
        for opt, value in self.options:
            if opt in ("-i", "--index-url", "--extra-index-url"):
                lines.append(f"{opt} {urls[value]}")
            elif opt == "--no-index":
                lines.append(opt)
            else:  # -r / -c
                lines.append(f"{opt} {value}")
        if self.requirement:
            lines.append(ABSENT)
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class UvConf:
    """uv configuration: a project ``uv.toml``, ``[tool.uv]``, or the user/system uv.toml."""

    where: str  # uv.toml | pyproject | user | system
    index_url: str | None = None  # the legacy index-url key
    extra_index_url: tuple[str, ...] = ()
    index: tuple[tuple[str, bool], ...] = ()  # [[index]] entries: (name, default)
    no_index: bool = False
    pip: bool = False  # the legacy keys go in [pip] / [tool.uv.pip] (read by `uv pip` only)

    @property
    def path(self) -> str:
        return {
            "uv.toml": "uv.toml",
            "pyproject": "pyproject.toml",
            "user": "~/.config/uv/uv.toml",
            "system": "/etc/uv/uv.toml",
        }[self.where]

    def toml(self, urls: dict[str, str], prefix: str) -> str:
        """The TOML text; ``prefix`` is "" (uv.toml) or "tool.uv." (pyproject)."""
        top: list[str] = []
        if self.index_url:
            top.append(f'index-url = "{urls[self.index_url]}"')
        if self.extra_index_url:
            items = ", ".join(f'"{urls[x]}"' for x in self.extra_index_url)
            top.append(f"extra-index-url = [{items}]")
        if self.no_index:
            top.append("no-index = true")
        out: list[str] = []
        if self.pip and top:
            out += [f"[{prefix}pip]", *top, ""]
        elif top:
            if prefix:
                out.append(f"[{prefix.rstrip('.')}]")
            out += [*top, ""]
        for name, default in self.index:
            out += [f"[[{prefix}index]]", f'url = "{urls[name]}"']
            if default:
                out.append("default = true")
            out.append("")
        if not out and prefix:
            out = [f"[{prefix.rstrip('.')}]", ""]
        return "\n".join(out).rstrip("\n") + "\n"


@dataclass(frozen=True)
class Scenario:
    """One configuration of one install command (symbolic: indexes are A, B, C)."""

    command: str
    flags: tuple[tuple[str, str], ...] = ()  # (flag, index name | file path | "")
    env: tuple[Env, ...] = ()
    pipconfs: tuple[PipConf, ...] = ()
    config_sets: tuple[ConfigSet, ...] = ()
    config_file: str | None = None  # PIP_CONFIG_FILE: "file" | "missing" | "devnull"
    config_file_how: str = "export"
    reqs: tuple[ReqFile, ...] = ()
    uv: tuple[UvConf, ...] = ()
    form: str = "shell"  # shell | dockerfile
    title: str = ""
    package: str = ABSENT  # what is installed (harness self-tests use the probe)
    # hand-picked scenarios that must be compared on the full ordered index list
    full_list: bool = field(default=False, compare=False)

    # -- derived facts ----------------------------------------------------------------------
    @property
    def tool(self) -> str:
        return "uv" if self.command.startswith("uv") else "pip"

    @property
    def key(self) -> str:
        """A short stable id of the scenario's content (for test ids and reproduction)."""
        data = repr(
            (
                self.command,
                self.flags,
                self.env,
                self.pipconfs,
                self.config_sets,
                self.config_file,
                self.config_file_how,
                self.reqs,
                self.uv,
                self.form,
                self.package,
            )
        )
        return hashlib.sha1(data.encode()).hexdigest()[:10]

    @property
    def needs_namespace(self) -> bool:
        """Whether the scenario writes under /etc or /opt/venv (the sandbox's private ones)."""
        paths = [CONF_PATHS.get(c.level, "") for c in self.pipconfs]
        paths += [u.path for u in self.uv]
        return any(p.startswith(NEEDS_NAMESPACE) for p in paths) or any(
            c.flag == "--global" for c in self.config_sets
        )

    @property
    def cli_reqs(self) -> list[str]:
        return [v for f, v in self.flags if f in ("-r", "-c")]


@dataclass
class Rendered:
    """A scenario as files: ``files`` (repository-relative path -> text), the file and line
    of the install command, and the script the real client runs (the shell text itself for
    the shell form; the Dockerfile turned into a script for the Dockerfile form)."""

    files: dict[str, str]
    path: str
    line: int
    script: str


# -- rendering --------------------------------------------------------------------------------
_PY_PROJECT = (
    '[project]\nname = "oracle-scenario"\nversion = "0"\nrequires-python = ">=3.8"\n'
    f'dependencies = ["{ABSENT}"]\n'
)


def _install_argv(s: Scenario, urls: dict[str, str]) -> str:
    cmd = s.command
    words: list[str] = []
    has_req_arg = any(f == "-r" for f, _ in s.flags)
    for flag, value in s.flags:
        if flag == "--no-index":
            words.append(flag)
        elif flag == "-r" and cmd == "uv pip compile":
            words.append(value)  # compile takes its input files as arguments
        elif flag in ("-r", "-c"):
            words += [flag, value]
        else:
            words += [flag, urls[value]]
    heads = {"pip download": "pip download --no-deps -d dist",
             "pip wheel": "pip wheel --no-deps -w dist"}  # fmt: skip
    head = heads.get(cmd, cmd)
    if cmd == "uv pip compile" and not has_req_arg:
        words.insert(0, "requirements.in")
    elif cmd not in PROJECT_COMMANDS and cmd != "uv pip compile" and not has_req_arg:
        words.insert(0, s.package)
    return " ".join([head, *words])


def _files(s: Scenario, urls: dict[str, str]) -> dict[str, str]:
    files: dict[str, str] = {}
    for r in s.reqs:
        files[r.path] = r.text(urls)
    if s.command == "uv pip compile" and not any(f == "-r" for f, _ in s.flags):
        files["requirements.in"] = f"{ABSENT}\n"
    pyproject = s.command in PROJECT_COMMANDS or any(u.where == "pyproject" for u in s.uv)
    if pyproject:
        text = _PY_PROJECT
        for u in s.uv:
            if u.where == "pyproject":
                text += "\n" + u.toml(urls, "tool.uv.")
        files["pyproject.toml"] = text
    for u in s.uv:
        if u.where == "uv.toml":
            files["uv.toml"] = u.toml(urls, "")
    for c in s.pipconfs:
        if c.level == "file":
            files[CONFIG_FILE_PATH] = c.body(urls)
        elif c.writer == "copy":
            files[_copy_source(c)] = c.body(urls)
    return files


def _copy_source(c: PipConf) -> str:
    return f"docker/{c.level}/pip.conf"


def _config_file_value(s: Scenario) -> str:
    return {"file": f"$PWD/{CONFIG_FILE_PATH}", "missing": f"$PWD/{MISSING_CONFIG_FILE}",
            "devnull": "/dev/null"}[s.config_file or ""]  # fmt: skip


def _write_conf_shell(path: str, body: str, writer: str) -> list[str]:
    directory = path.rsplit("/", 1)[0]
    if writer in ("printf", "mkdir&&printf"):
        fmt = body.replace("\\", "\\\\").replace("%", "%%").replace("\n", "\\n")
        if writer == "printf":
            return [f"mkdir -p {directory}", f"printf '{fmt}' > {path}"]
        return [f"mkdir -p {directory} && printf '{fmt}' > {path}"]
    return [f"mkdir -p {directory}", f"cat > {path} <<'EOF'", body.rstrip("\n"), "EOF"]


def _uv_user_conf(u: UvConf, urls: dict[str, str]) -> tuple[str, str]:
    return u.path, u.toml(urls, "")


def render(s: Scenario, urls: dict[str, str]) -> Rendered:
    """The repository of ``s`` with the index URLs ``urls`` (name -> simple URL)."""
    files = _files(s, urls)
    install = _install_argv(s, urls)
    prefix_env = [e for e in s.env if e.how == "prefix"]
    prefixes = [f"{e.name}={shlex.quote(e.rendered(urls))}" if e.rendered(urls) else f"{e.name}="
                for e in prefix_env]  # fmt: skip
    if s.config_file and s.config_file_how == "prefix":
        prefixes.insert(0, f'PIP_CONFIG_FILE="{_config_file_value(s)}"')
    install_line = " ".join([*prefixes, install])
    if s.form == "dockerfile":
        text, line = _dockerfile(s, urls, install_line)
        files["Dockerfile"] = text
        return Rendered(files, "Dockerfile", line, dockerfile_script(text))
    lines = ["#!/usr/bin/env bash", "set -euo pipefail"]
    for c in s.pipconfs:
        if c.level != "file":
            lines += _write_conf_shell(CONF_PATHS[c.level], c.body(urls), c.writer)
    for u in s.uv:
        if u.where in ("user", "system"):
            path, body = _uv_user_conf(u, urls)
            lines += _write_conf_shell(path, body, "heredoc")
    if s.config_file and s.config_file_how == "export":
        lines.append(f'export PIP_CONFIG_FILE="{_config_file_value(s)}"')
    for e in s.env:
        if e.how != "prefix":
            lines.append(f"export {e.name}={shlex.quote(e.rendered(urls))}"
                         if e.rendered(urls) else f"export {e.name}=")  # fmt: skip
    for cs in s.config_sets:
        lines.append(cs.argv(urls))
    lines.append(install_line)
    script = "\n".join(lines) + "\n"
    files["build.sh"] = script
    return Rendered(files, "build.sh", script.count("\n"), script)


def _dockerfile(s: Scenario, urls: dict[str, str], install_line: str) -> tuple[str, int]:
    lines = ["FROM python:3.11-slim", "WORKDIR /src", "COPY . ."]
    for e in s.env:
        if e.how in ("arg", "env"):
            value = e.rendered(urls)
            kw = "ARG" if e.how == "arg" else "ENV"
            lines.append(f'{kw} {e.name}="{value}"')
    if s.config_file and s.config_file_how == "export":
        lines.append(f"ENV PIP_CONFIG_FILE={_config_file_value(s).replace('$PWD/', '')}")
    for c in s.pipconfs:
        if c.level == "file":
            continue
        path = CONF_PATHS[c.level]
        if c.writer == "copy":
            lines.append(f"COPY {_copy_source(c)} {path}")
            continue
        directory = path.rsplit("/", 1)[0]
        fmt = c.body(urls).replace("%", "%%").replace("\n", "\\n")
        if c.writer == "mkdir&&printf":
            lines.append(f"RUN mkdir -p {directory} && printf '{fmt}' > {path}")
        else:
            lines += [f"RUN mkdir -p {directory}", f"RUN printf '{fmt}' > {path}"]
    for u in s.uv:
        if u.where in ("user", "system"):
            path, body = _uv_user_conf(u, urls)
            directory = path.rsplit("/", 1)[0]
            fmt = body.replace("%", "%%").replace("\n", "\\n")
            lines += [f"RUN mkdir -p {directory}", f"RUN printf '{fmt}' > {path}"]
    for cs in s.config_sets:
        lines.append(f"RUN {cs.argv(urls)}")
    exports = [e for e in s.env if e.how == "export"]
    run = install_line
    if exports:
        parts = [f"export {e.name}={shlex.quote(e.rendered(urls))}" if e.rendered(urls)
                 else f"export {e.name}=" for e in exports]  # fmt: skip
        run = " && ".join([*parts, install_line])
    lines.append(f"RUN {run}")
    text = "\n".join(lines) + "\n"
    return text, text.count("\n")


_ENV_LINE = re.compile(r"^(ENV|ARG)\s+(.*)$")


def dockerfile_script(text: str) -> str:
    """What ``docker build`` runs for one of our Dockerfiles, as a bash script.

    Build args and ``ENV`` values are in the environment of every later ``RUN``; ``COPY``
    copies a file of the build context; ``RUN`` bodies run in order, each in its own
    ``/bin/sh -c``; ``FROM``, ``WORKDIR /src`` and ``COPY . .`` need nothing here (the build
    context is the working directory). Only the instruction forms :func:`render` writes are
    understood.
    """
    out = ["set -euo pipefail"]
    for line in text.splitlines():
        m = _ENV_LINE.match(line)
        if line.startswith(("FROM ", "WORKDIR ")) or line == "COPY . ." or not line.strip():
            continue
        if m:
            out.append(f"export {m.group(2)}")
        elif line.startswith("COPY "):
            _, src, dest = line.split()
            out.append(f'mkdir -p "$(dirname {dest})" && cp {src} {dest}')
        elif line.startswith("RUN "):
            out.append(f"( set -e; {line[4:]} )")
        else:
            raise ValueError(f"dockerfile_script: cannot run {line!r}")
    return "\n".join(out) + "\n"


def describe(s: Scenario) -> str:
    """A one-line summary (the rendered files are the full description)."""
    parts = [s.command, s.form]
    if s.flags:
        parts.append("flags=" + " ".join(f"{f} {v}".strip() for f, v in s.flags))
    for e in s.env:
        v = e.raw or ('""' if e.empty else (" ".join(e.value) or "1"))
        parts.append(f"{e.name}={v}({e.how})")
    for c in s.pipconfs:
        items = [f"index={c.index}"] if c.index else []
        items += [f"extras={'+'.join(c.extras)}"] if c.extras else []
        items += ["no-index"] if c.no_index else []
        parts.append(f"pip.conf[{c.level}][{c.section}]({','.join(items)};{c.writer})")
    for cs in s.config_sets:
        parts.append(f"config-set{cs.flag or ''}:{cs.key}={'+'.join(cs.value)}")
    if s.config_file:
        parts.append(f"PIP_CONFIG_FILE={s.config_file}({s.config_file_how})")
    for r in s.reqs:
        opts = " ".join(f"{o} {v}".strip() for o, v in r.options)
        parts.append(f"{r.path}[{opts}{'; pkg' if r.requirement else ''}]")
    for u in s.uv:
        parts.append(f"uv[{u.where}]{u}")
    return " | ".join(parts)
