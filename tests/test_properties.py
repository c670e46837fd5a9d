"""Hypothesis properties over every file kind (reliability.md §6).

Documents come from small per-kind grammars (random text almost never contains
a pip setting), then get prettier-style variants (CRLF, no final newline,
non-ASCII comments). Invariants: idempotence, locality, re-parse, clean after
fix, robustness on arbitrary text, and no credential leak anywhere.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock
from urllib.parse import quote

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pipsrc.api import check_text, fix_text
from pipsrc.cli import main
from pipsrc.context import Context
from pipsrc.edits import apply_fixes
from pipsrc.engine import run as engine
from pipsrc.engine.fixing import MAX_PASSES
from pipsrc.engine.linting import lint
from pipsrc.engine.reading import parse_safely
from pipsrc.engine.repository import make_context
from pipsrc.engine.results import FileResult
from pipsrc.engine.selection import Selection
from pipsrc.model import Applicability, Document, Edit, FileKind, Fix
from pipsrc.output import FORMATS, RenderOptions, render
from pipsrc.output.diff import render_diff
from pipsrc.policy import Policy
from pipsrc.textio import Decoded

# --- vocabulary ------------------------------------------------------------------------

PROXY = "http://devpi.internal:3141/root/pypi/+simple/"
URLS = (
    "https://pypi.tuna.tsinghua.edu.cn/simple",
    "https://mirrors.aliyun.com/pypi/simple/",
    "https://mirrors.ustc.edu.cn/pypi/simple",
    "http://pypi.douban.com/simple/",
    "https://pypi.org/simple",
    "https://download.pytorch.org/whl/cu118",
    PROXY,
    "https://pkgs.corp.example/simple/",
)
HOSTS = (
    "pypi.tuna.tsinghua.edu.cn",
    "mirrors.aliyun.com",
    "pypi.douban.com",
    "devpi.internal:3141",
    "devpi.internal",
    "pkgs.corp.example",
    "https://pypi.douban.com/simple",  # malformed: a URL where a host belongs (PS205)
)
COMMENTS = (
    "# 清华镜像",
    "# mirror",
    "# use the internal proxy",
    "# pipsrc: ignore[PS101] vendored",
)
PKGS = (
    "requests",
    "flask==3.0.0",
    "torch",
    "numpy>=1.26",
    "'uvicorn[standard]'",
    "-r requirements.txt",
)

SENTINEL_PREFIX = "SENTINEL"
sentinels = st.binary(min_size=8, max_size=8).map(lambda b: SENTINEL_PREFIX + b.hex())
cred_urls = sentinels.map(lambda s: f"https://deploy:{s}@pypi.corp.example/simple/")
urls = st.one_of(st.sampled_from(URLS), cred_urls)
hosts = st.sampled_from(HOSTS)
comments = st.sampled_from(COMMENTS)


def quoted(value: str, q: str) -> str:
    return f"{q}{value}{q}"


quotes = st.sampled_from(("", '"', "'"))


@st.composite
def qurl(draw: st.DrawFn) -> str:
    return quoted(draw(urls), draw(quotes))


@st.composite
def pip_flags(draw: st.DrawFn, uv: bool = False) -> list[str]:
    """Index flags of one install command (each a separate word group)."""
    out: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        u = draw(qurl())
        flag = draw(
            st.sampled_from(
                (
                    f"-i {u}",
                    f"--index-url {u}",
                    f"--index-url={u}",
                    f"--extra-index-url {u}",
                    f"--extra-index-url={u}",
                    f"--trusted-host {draw(hosts)}",
                    f"--default-index {u}" if uv else f"--trusted-host={draw(hosts)}",
                )
            )
        )
        out.append(flag)
    return out


@st.composite
def pip_command(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(command words, flags): pip / pip3 / python -m pip / uv pip."""
    prog = draw(st.sampled_from(("pip", "pip3", "python -m pip", "python3 -m pip", "uv pip")))
    uv = prog == "uv pip"
    sub = draw(
        st.sampled_from(("install", "install --no-cache-dir", "download -d /tmp/w", "install -U"))
    )
    if uv:
        sub = "install --system"
    flags = draw(pip_flags(uv=uv))
    pkgs = draw(st.lists(st.sampled_from(PKGS), min_size=1, max_size=2))
    return f"{prog} {sub}", [*flags, *pkgs]


def join_words(head: str, words: list[str], cont: str, indent: str = "    ") -> str:
    """Join ``words`` after ``head`` with spaces, sometimes across continuation lines."""
    out = head
    for w in words:
        out += f" {w}" if not cont else f" \\\n{indent}{w}"
    return out


@st.composite
def pip_config_set(draw: st.DrawFn) -> str:
    key, val = draw(
        st.sampled_from(
            (
                ("global.index-url", draw(qurl())),
                ("global.extra-index-url", draw(qurl())),
                ("global.trusted-host", draw(hosts)),
                ("install.index-url", draw(qurl())),
            )
        )
    )
    return f"{draw(st.sampled_from(('pip', 'pip3', 'python -m pip')))} config set {key} {val}"


@st.composite
def pipconf_body(draw: st.DrawFn, indent: str = "") -> list[str]:
    """Lines of a pip.conf (sections, unique keys, multi-line lists, comments)."""
    lines: list[str] = []
    sections = draw(
        st.lists(
            st.sampled_from(("global", "install", "download")), min_size=1, max_size=2, unique=True
        )
    )
    for sec in sections:
        lines.append(f"[{sec}]")
        keys = draw(
            st.lists(
                st.sampled_from(
                    ("index-url", "extra-index-url", "trusted-host", "timeout", "#", ";")
                ),
                max_size=4,
                unique=True,
            )
        )
        for key in keys:
            if key == "#":
                lines.append(draw(comments))
            elif key == ";":
                lines.append("; pip reads this file")
            elif key == "timeout":
                lines.append("timeout = 60")
            elif key == "index-url":
                lines.append(
                    f"index-url {draw(st.sampled_from(('=', ' = ', ':')))} {draw(urls)}".replace(
                        "  ", " "
                    )
                )
            else:
                vals = draw(
                    st.lists(urls if key == "extra-index-url" else hosts, min_size=1, max_size=3)
                )
                if len(vals) == 1 and draw(st.booleans()):
                    lines.append(f"{key} = {vals[0]}")
                else:
                    lines.append(f"{key} =")
                    for v in vals:
                        if draw(st.integers(0, 4)) == 0:
                            lines.append(f"    {draw(comments)}")
                        lines.append(f"    {v}")
    return [indent + ln if ln else ln for ln in lines]


# --- Dockerfile ------------------------------------------------------------------------


@st.composite
def docker_run(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 5))
    if choice == 0:  # heredoc RUN
        prog, words = draw(pip_command())
        return f"RUN <<EOF\nset -e\n{prog} {' '.join(words)}\nEOF"
    if choice == 1:  # comment line inside a continuation
        prog, words = draw(pip_command())
        out = f"RUN {prog} \\\n    {draw(comments)}"
        for w in words:
            out += f"\n    {w} \\"
        return out + "\n    && echo done"
    if choice == 2:
        return f"RUN {draw(pip_config_set())}"
    if choice == 3:  # && chain, possibly continued
        parts = []
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.integers(0, 3))
            if kind == 0:
                parts.append(draw(pip_config_set()))
            elif kind == 1:
                parts.append("apt-get update")
            else:
                prog, words = draw(pip_command())
                parts.append(f"{prog} {' '.join(words)}")
        sep = draw(st.sampled_from((" && ", " \\\n    && ", " && \\\n    ")))
        return "RUN " + sep.join(parts)
    if choice == 4:  # ARG-defined variable used as a flag value
        u = draw(urls)
        name = draw(st.sampled_from(("IDX", "PIP_INDEX_URL", "MIRROR")))
        ref = draw(st.sampled_from((f"${name}", f"${{{name}}}", f'"${name}"')))
        return f"ARG {name}={u}\nRUN pip install -i {ref} requests"
    prog, words = draw(pip_command())
    return join_words(f"RUN {prog}", words, draw(st.sampled_from(("", "\\"))))


@st.composite
def docker_env(draw: st.DrawFn) -> str:
    name = draw(
        st.sampled_from(
            (
                "PIP_INDEX_URL",
                "PIP_EXTRA_INDEX_URL",
                "PIP_TRUSTED_HOST",
                "UV_INDEX_URL",
                "UV_DEFAULT_INDEX",
            )
        )
    )
    value = draw(hosts) if name == "PIP_TRUSTED_HOST" else draw(urls)
    q = draw(quotes)
    form = draw(st.integers(0, 3))
    instr = draw(st.sampled_from(("ENV", "ARG")))
    if form == 0:
        return f"{instr} {name}={quoted(value, q)}"
    if form == 1 and instr == "ENV":
        return f"ENV {name} {quoted(value, q)}"  # legacy form
    if form == 2 and instr == "ENV":
        return f"ENV A=1 {name}={quoted(value, q)} B=2"
    if form == 3 and instr == "ENV":
        return f"ENV LANG=C.UTF-8 \\\n    {name}={quoted(value, q)}"
    return f"ARG {name}"


@st.composite
def dockerfile_doc(draw: st.DrawFn) -> str:
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append("# syntax=docker/dockerfile:1")
    if draw(st.booleans()):
        lines.append(draw(comments))
    names: list[str] = []
    for i in range(draw(st.integers(1, 3))):
        image = draw(st.sampled_from(("python:3.12-slim", "python:3.11", "ubuntu:22.04", *names)))
        alias = f" AS stage{i}" if draw(st.booleans()) else ""
        if alias:
            names.append(f"stage{i}")
        lines.append(f"FROM {image}{alias}")
        for _ in range(draw(st.integers(0, 5))):
            k = draw(st.integers(0, 7))
            if k <= 2:
                lines.append(draw(docker_run()))
            elif k <= 4:
                lines.append(draw(docker_env()))
            elif k == 5:
                body = "\n".join(draw(pipconf_body()))
                lines.append(f"COPY <<EOF /etc/pip.conf\n{body}\nEOF")
            elif k == 6:
                lines.append(draw(comments))
            else:
                lines.append(
                    draw(
                        st.sampled_from(
                            ("WORKDIR /app", "COPY . .", 'CMD ["python", "app.py"]', "")
                        )
                    )
                )
    return "\n".join(lines) + "\n"


# --- shell -----------------------------------------------------------------------------


@st.composite
def shell_stmt(draw: st.DrawFn, depth: int = 0) -> str:
    k = draw(st.integers(0, 8 if depth == 0 else 6))
    if k == 0:
        name = draw(
            st.sampled_from(
                ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "UV_INDEX_URL")
            )
        )
        value = draw(hosts) if name == "PIP_TRUSTED_HOST" else draw(urls)
        return f"export {name}={quoted(value, draw(quotes))}"
    if k == 1:
        prog, words = draw(pip_command())
        return f"PIP_INDEX_URL={draw(qurl())} {prog} {' '.join(words)}"
    if k in (2, 3):
        prog, words = draw(pip_command())
        return join_words(prog, words, draw(st.sampled_from(("", "\\"))), "  ")
    if k == 4:
        return draw(pip_config_set())
    if k == 5:
        return draw(
            st.sampled_from(("cd /app", 'echo "installing"', "set -eu", draw(comments), ""))
        )
    if k == 6:
        prog, words = draw(pip_command())
        return f"{draw(st.sampled_from(('apt-get update', 'cd /src')))} && {prog} {' '.join(words)}"
    if k == 7:
        # a branch holding only a comment (or nothing) would be empty: bash rejects that
        a, b = (_command_body(draw(shell_stmt(depth + 1))) for _ in range(2))
        return f'if [ -n "$CI" ]; then\n  {a}\nelse\n  {b}\nfi'
    body = "\n".join(draw(pipconf_body()))
    delim = draw(st.sampled_from(("EOF", "'EOF'", '"EOF"')))
    target = draw(
        st.sampled_from(("/etc/pip.conf", "~/.pip/pip.conf", "$HOME/.config/pip/pip.conf"))
    )
    return f"cat > {target} <<{delim}\n{body}\nEOF"


def _command_body(statement: str) -> str:
    """A compound body bash accepts: one with a command (``:`` when only a comment)."""
    lines = [ln.strip() for ln in statement.splitlines()]
    if all(not ln or ln.startswith("#") for ln in lines):
        return f"{statement}\n  :" if statement.strip() else ":"
    return statement


@st.composite
def shell_doc(draw: st.DrawFn) -> str:
    lines = [draw(st.sampled_from(("#!/bin/sh", "#!/usr/bin/env bash", "#!/bin/bash")))]
    if draw(st.booleans()):
        lines.append("set -e")
    lines += draw(st.lists(shell_stmt(), min_size=1, max_size=6))
    return "\n".join(lines) + "\n"


# --- requirements ----------------------------------------------------------------------


@st.composite
def requirements_doc(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        k = draw(st.integers(0, 8))
        if k == 0:
            lines.append(f"{draw(st.sampled_from(('-i', '--index-url')))} {draw(urls)}")
        elif k == 1:
            lines.append(f"--index-url={draw(urls)}")
        elif k == 2:
            lines.append(f"--extra-index-url {draw(urls)}")
        elif k == 3:
            lines.append(f"--trusted-host {draw(hosts)}")
        elif k == 4:
            opt = draw(st.sampled_from(("--extra-index-url", "--index-url", "-i")))
            lines.append(f"{opt} \\\n    {draw(urls)}")
        elif k == 5:
            opt = draw(st.sampled_from(("-i", "--extra-index-url")))
            lines.append(f"{opt} {draw(urls)}   {draw(comments)}")
        elif k == 6:
            lines.append(draw(comments))
        elif k == 7:
            lines.append("")
        else:
            lines.append(
                draw(
                    st.sampled_from(
                        ("requests==2.31.0", "flask>=2", "numpy", "torch==2.1.0", "-r base.txt")
                    )
                )
            )
    return "\n".join(lines) + "\n"


# --- pip.conf --------------------------------------------------------------------------


@st.composite
def pipconf_doc(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append(draw(comments))
    lines += draw(pipconf_body())
    return "\n".join(lines) + "\n"


# --- compose ---------------------------------------------------------------------------


@st.composite
def compose_doc(draw: st.DrawFn) -> str:
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append('version: "3.8"')
    lines.append("services:")
    for i in range(draw(st.integers(1, 2))):
        lines.append(f"  svc{i}:")
        if draw(st.booleans()):
            lines.append("    image: python:3.12")
        if draw(st.booleans()):
            lines.append(f"    {draw(comments)}")
        if draw(st.booleans()):
            lines.append("    build:")
            lines.append("      context: .")
            names = draw(
                st.lists(
                    st.sampled_from(("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST")),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
            lines.append("      args:")
            list_form = draw(st.booleans())
            for n in names:
                v = draw(hosts) if n == "PIP_TRUSTED_HOST" else draw(urls)
                q = draw(quotes)
                lines.append(
                    f"        - {quoted(f'{n}={v}', q)}"
                    if list_form
                    else f"        {n}: {quoted(v, q)}"
                )
        if draw(st.booleans()):
            names = draw(
                st.lists(
                    st.sampled_from(
                        (
                            "PIP_INDEX_URL",
                            "PIP_EXTRA_INDEX_URL",
                            "PIP_TRUSTED_HOST",
                            "UV_INDEX_URL",
                            "TZ",
                        )
                    ),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
            lines.append("    environment:")
            list_form = draw(st.booleans())
            for n in names:
                v = (
                    "Asia/Shanghai"
                    if n == "TZ"
                    else draw(hosts)
                    if n == "PIP_TRUSTED_HOST"
                    else draw(urls)
                )
                q = draw(quotes)
                lines.append(
                    f"      - {quoted(f'{n}={v}', q)}"
                    if list_form
                    else f"      {n}: {quoted(v, q)}"
                )
        if draw(st.booleans()):
            lines.append(f"    command: pip install -i {draw(urls)} requests")
    return "\n".join(lines) + "\n"


# --- CI and build files ------------------------------------------------------------------


def _block(lines: list[str], n: int) -> str:
    return "".join(" " * n + ln + "\n" if ln.strip() else "\n" for ln in lines)


@st.composite
def github_doc(draw: st.DrawFn) -> str:
    """A workflow: env blocks, ``run:`` steps as literal blocks, plain or quoted lines."""
    out = "on: push\n"
    if draw(st.booleans()):
        out += f"env:\n  PIP_INDEX_URL: {draw(qurl())}\n"
    out += "jobs:\n  build:\n    runs-on: ubuntu-latest\n"
    if draw(st.booleans()):
        out += f"    env:\n      PIP_EXTRA_INDEX_URL: {draw(qurl())}\n"
    out += "    steps:\n"
    for _ in range(draw(st.integers(1, 3))):
        form = draw(st.integers(0, 3))
        if form == 0:
            body = "\n".join(draw(st.lists(shell_stmt(), min_size=1, max_size=3)))
            out += "      - run: |\n" + _block(body.splitlines(), 10)
        elif form == 1:
            prog, words = draw(pip_command())
            out += f"      - run: {prog} {' '.join(words)}\n"
        elif form == 2:
            out += f'      - run: "echo \\"PIP_INDEX_URL={draw(urls)}\\" >> $GITHUB_ENV"\n'
        else:
            out += f"      - env:\n          PIP_TRUSTED_HOST: {draw(hosts)}\n"
            out += f"        run: pip install -i {draw(urls)} ${{{{ matrix.pkg }}}}\n"
    return out


@st.composite
def makefile_doc(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append(f"export PIP_INDEX_URL = {draw(urls)}")
    if draw(st.booleans()):
        lines.append(f"MIRROR ?= {draw(urls)}")
    lines.append(".PHONY: install\ninstall:")
    for _ in range(draw(st.integers(1, 4))):
        prog, words = draw(pip_command())
        if draw(st.booleans()):
            words = ["-i", "$(MIRROR)", *words]
        lines.append(f"\t{draw(st.sampled_from(('', '@', '-')))}{prog} {' '.join(words)}")
    return "\n".join(lines) + "\n"


DOTENV_NAMES = (
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_TRUSTED_HOST",
    "UV_DEFAULT_INDEX",
    "TZ",
)


@st.composite
def dotenv_doc(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        name = draw(st.sampled_from(DOTENV_NAMES))
        value = draw(hosts) if name == "PIP_TRUSTED_HOST" else draw(urls)
        prefix = draw(st.sampled_from(("", "export ")))
        lines.append(f"{prefix}{name}={quoted(value, draw(quotes))}")
        if draw(st.booleans()):
            lines.append(draw(comments))
    return "\n".join(lines) + "\n"


@st.composite
def jenkins_doc(draw: st.DrawFn) -> str:
    q = draw(st.sampled_from(("'", '"')))
    out = "pipeline {\n  agent any\n  environment {\n"
    out += f"    PIP_INDEX_URL = {q}{draw(urls)}{q}\n  }}\n"
    out += "  stages {\n    stage('b') {\n      steps {\n"
    for _ in range(draw(st.integers(1, 3))):
        prog, words = draw(pip_command())
        tq = draw(st.sampled_from(("'" * 3, '"' * 3, "'")))
        cmd = f"{prog} {' '.join(words)}"
        if tq == "'" and "'" in cmd:
            tq = "'" * 3  # a quote inside a single-quoted Groovy string would end it
        if cmd.endswith(tq[0]):
            cmd += " "  # four quotes in a row end the string one quote early in Groovy
        out += f"        sh {tq}{cmd}{tq}\n"
    return out + "      }\n    }\n  }\n}\n"


@st.composite
def tox_doc(draw: st.DrawFn) -> str:
    """A tox.ini: indexserver, install_command (on one line or continued), set_env lines
    (on the key's line or below it), commands with tox's ``-`` prefix and substitutions."""
    lines = ["[tox]", "envlist = py311"]
    if draw(st.booleans()):
        lines += ["indexserver =", f"    default = {draw(urls)}"]
    lines.append("[testenv]")
    if draw(st.booleans()):
        if draw(st.booleans()):
            lines += ["install_command =", "    python -m pip install", f"    -i {draw(urls)}"]
            lines[-1] += " {opts} {packages}"
        else:
            lines.append(f"install_command = pip install -i {draw(urls)} {{opts}} {{packages}}")
    env = draw(st.lists(st.sampled_from(DOTENV_NAMES), min_size=0, max_size=3, unique=True))
    if env:
        entries = [f"{n} = {draw(hosts) if n == 'PIP_TRUSTED_HOST' else draw(urls)}" for n in env]
        if draw(st.booleans()):
            lines.append(f"set_env = {entries[0]}")
            lines += [f"    {e}" for e in entries[1:]]
        else:
            lines += ["setenv =", *(f"    {e}" for e in entries)]
    if draw(st.booleans()):
        lines.append(draw(comments))
    lines.append("commands =")
    for _ in range(draw(st.integers(1, 3))):
        prog, words = draw(pip_command())
        prefix = draw(st.sampled_from(("", "- ", "{envpython} -m ")))
        if prefix == "{envpython} -m ":
            prog = prog.replace("python -m ", "").replace("python3 -m ", "")
            if prog.startswith("uv ") or prog == "pip3":
                prog = "pip"
        lines.append(f"    {prefix}{prog} {' '.join(words)}")
    lines.append("    pytest {posargs}")
    return "\n".join(lines) + "\n"


PY_ENV = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "PIP_TRUSTED_HOST")
PY_SETTERS = ("os.environ[{n!r}] = {v!r}", "os.environ.setdefault({n!r}, {v!r})")


@st.composite
def python_doc(draw: st.DrawFn) -> str:
    """A Python build helper: os.environ assignments and pip run as a list, a shell string,
    os.system or an f-string, some with an ``env=`` mapping."""
    out = ["import os", "import subprocess", "import sys", ""]
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(PY_ENV))
        value = draw(hosts) if name == "PIP_TRUSTED_HOST" else draw(urls)
        out.append(draw(st.sampled_from(PY_SETTERS)).format(n=name, v=value))
    for _ in range(draw(st.integers(1, 3))):
        prog, words = draw(pip_command())
        cmd = " ".join([prog, *words])
        form = draw(st.sampled_from(("list", "shell", "system", "fstring")))
        env = ""
        if draw(st.booleans()):
            env = f", env={{**os.environ, 'PIP_INDEX_URL': {draw(urls)!r}}}"
        if form == "list":
            argv = [repr(w) for w in shlex.split(cmd)]
            if argv[0] == "'python'":
                argv[0] = "sys.executable"
            out.append(f"subprocess.run([{', '.join(argv)}], check=True{env})")
        elif form == "shell":
            out.append(f"subprocess.run({cmd!r}, shell=True{env})")
        elif form == "system":
            out.append(f"os.system({cmd!r})")
        else:
            out.append(f"subprocess.check_call(f{cmd!r}, shell=True{env})")
        if draw(st.booleans()):
            out.append(draw(comments))
    return "\n".join(out) + "\n"


# --- variants, kinds, policies ---------------------------------------------------------


@st.composite
def variant(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    text = draw(base)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


KINDS: dict[str, tuple[str, Callable[[], st.SearchStrategy[str]]]] = {
    FileKind.DOCKERFILE: ("Dockerfile", dockerfile_doc),
    FileKind.SHELL: ("build.sh", shell_doc),
    FileKind.REQUIREMENTS: ("requirements.txt", requirements_doc),
    FileKind.PIPCONF: ("pip.conf", pipconf_doc),
    FileKind.COMPOSE: ("docker-compose.yml", compose_doc),
    "github-actions": (".github/workflows/ci.yml", github_doc),
    "makefile": ("Makefile", makefile_doc),
    "dotenv": (".env", dotenv_doc),
    "jenkinsfile": ("Jenkinsfile", jenkins_doc),
    "tox": ("tox.ini", tox_doc),
    "python": ("tools/build.py", python_doc),
}

POLICIES = {
    "none": Policy(),
    "aliyun": Policy().with_index("aliyun"),
    "proxy": Policy().with_index(PROXY, proxy=True),
}
CLI_POLICY = {"none": [], "aliyun": ["--mirror", "aliyun"], "proxy": ["--proxy", PROXY]}


@dataclass(frozen=True)
class Case:
    kind: str
    path: str
    text: str
    policy_name: str
    unsafe: bool

    @property
    def policy(self) -> Policy:
        return POLICIES[self.policy_name]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from(list(KINDS)))
    path, strat = KINDS[kind]
    return Case(
        kind,
        path,
        draw(variant(strat())),
        draw(st.sampled_from(list(POLICIES))),
        draw(st.booleans()),
    )


# --- an instrumented fix loop ----------------------------------------------------------


def wanted(fx: Fix, unsafe: bool) -> bool:
    return fx.applicability == Applicability.SAFE or (
        unsafe and fx.applicability == Applicability.UNSAFE
    )


def setup(case: Case, text: str) -> tuple[Document, Context, set[str]]:
    r = FileResult(case.path, case.kind, original=text, decoded=Decoded(text, "utf-8", b""))
    r.doc = parse_safely(case.kind, text, case.path)
    ctx = make_context([r], case.policy, True)
    return r.doc, ctx, Selection().enabled(case.policy)


def no_internal_error(doc: Document) -> None:
    for p in doc.problems:
        assert "internal error" not in p.message, (p.message, doc.text)


@dataclass
class Pass:
    before: Document
    after: Document
    edits: list[Edit]


def run_passes(case: Case) -> tuple[str, list[Pass]]:
    """The engine's fix loop, one pass at a time, keeping every accepted edit."""
    doc, ctx, enabled = setup(case, case.text)
    no_internal_error(doc)
    passes: list[Pass] = []
    if not doc.fixable:
        return doc.text, passes
    for _ in range(MAX_PASSES):
        findings = lint(doc, ctx, enabled)
        fixes = [f.fix for f in findings if f.fix is not None and wanted(f.fix, case.unsafe)]
        if not fixes:
            break
        applied = apply_fixes(doc.text, fixes)
        if applied.text == doc.text:
            break
        edits = sorted(
            (e for fx in applied.applied for e in fx.edits), key=lambda e: (e.start, e.end)
        )
        assert applied.text == rebuild(doc.text, edits)
        new = parse_safely(case.kind, applied.text, case.path)
        no_internal_error(new)
        assert new.fixable, (
            f"a fix made the file unparsable:\n{doc.text!r}\n->\n{applied.text!r}\n{new.problems}"
        )
        passes.append(Pass(doc, new, edits))
        doc = new
        ctx = ctx.overlay({case.path: doc})
    else:
        raise AssertionError(f"fix loop did not converge in {MAX_PASSES} passes: {case}")
    return doc.text, passes


def rebuild(text: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for e in edits:
        assert pos <= e.start, "accepted edits overlap"
        out += [text[pos : e.start], e.replacement]
        pos = e.end
    return "".join([*out, text[pos:]])


def shift(pos: int, edits: list[Edit]) -> int | None:
    """Where an offset outside every edit lands after the edits (None: inside one)."""
    delta = 0
    for e in edits:
        if e.start < pos < e.end:
            return None
        if e.end <= pos and not (e.start == e.end == pos):
            delta += len(e.replacement) - (e.end - e.start)
    return pos + delta


def anchors(doc: Document) -> tuple[list[tuple[int, int]], set[int]]:
    """Spans a fix may rewrite, and points where one may insert."""
    spans: list[tuple[int, int]] = []
    points: set[int] = set()
    text = doc.text
    for s in doc.settings:
        spans.append((s.span.start, s.span.end))
        if s.removal is not None:
            spans.append((s.removal.start, s.removal.end))
        if s.sibling is not None:
            points.add(s.sibling.offset)
    for sc in doc.scopes:
        if sc.insert_at is not None:
            points.add(sc.insert_at)
    for c in doc.comments:  # PS901 removes a suppression comment (and its line)
        start = text.rfind("\n", 0, c.span.start) + 1
        nl = text.find("\n", c.span.end)
        spans.append((start, len(text) if nl == -1 else nl + 1))
    return spans, points


def sentinels_in(text: str) -> set[str]:
    out = set()
    i = text.find(SENTINEL_PREFIX)
    while i != -1:
        out.add(text[i : i + len(SENTINEL_PREFIX) + 16])
        i = text.find(SENTINEL_PREFIX, i + 1)
    return out


# --- 1. idempotence --------------------------------------------------------------------


@given(cases())
def test_idempotent(case: Case) -> None:
    once = fix_text(case.text, case.path, case.policy, unsafe=case.unsafe)
    twice = fix_text(once, case.path, case.policy, unsafe=case.unsafe)
    assert twice == once, (case, once)


# --- 2. locality -----------------------------------------------------------------------


@given(cases())
def test_locality(case: Case) -> None:
    final, passes = run_passes(case)
    # the instrumented loop and the engine agree
    assert fix_text(case.text, case.path, case.policy, unsafe=case.unsafe) == final
    for p in passes:
        text = p.before.text
        spans, points = anchors(p.before)
        for e in p.edits:
            if e.start == e.end:
                ok = e.start in points or any(a <= e.start <= b for a, b in spans)
            else:
                ok = any(a <= e.start and e.end <= b for a, b in spans)
            where = text[e.start : e.end]
            assert ok, f"edit {e} at {where!r} outside any setting/insertion point of\n{text!r}"
        # line endings: an all-CRLF file stays all-CRLF (untouched and inserted lines alike)
        if "\n" in text and text.count("\n") == text.count("\r\n"):
            after = p.after.text
            assert after.count("\n") == after.count("\r\n"), (text, after)


# --- 3. re-parse; settings kept except removals ----------------------------------------


@given(cases())
def test_reparse_and_settings_kept(case: Case) -> None:
    _, passes = run_passes(case)
    for p in passes:
        assert p.after.fixable
        # every setting no edit touched is still there, same kind/key/raw, at its shifted place
        # (and a fix never makes pip ignore a setting it did not touch)
        after = {(s.span.start, s.kind, s.key, s.raw, s.ineffective) for s in p.after.settings}
        removed = 0
        for s in p.before.settings:
            touched = [e for e in p.edits if e.start < s.span.end and s.span.start < e.end]
            if touched:
                if any(
                    e.replacement == "" and e.start <= s.span.start and s.span.end <= e.end
                    for e in p.edits
                ):
                    removed += 1
                continue
            if any(e.start == e.end and s.span.start < e.start < s.span.end for e in p.edits):
                continue
            if s.span.start == s.span.end and s.value is None:
                continue  # a bare ARG's marker: a fix may give the stage the value it takes
            start = shift(s.span.start, p.edits)
            assert start is not None
            assert (start, s.kind, s.key, s.raw, s.ineffective) in after, (
                s,
                p.before.text,
                p.after.text,
            )
        # settings only disappear through deletions; insertions may add some
        added = sum(e.replacement.count("\n") + 1 for e in p.edits if e.start == e.end)
        assert len(p.after.settings) >= len(p.before.settings) - removed, (
            p.before.text,
            p.after.text,
        )
        assert len(p.after.settings) <= len(p.before.settings) + 2 * added, (
            p.before.text,
            p.after.text,
        )


# --- 4. clean after fix ----------------------------------------------------------------


@given(cases())
def test_clean_after_fix(case: Case) -> None:
    fixed, _ = run_passes(case)
    doc, ctx, enabled = setup(case, fixed)
    if not doc.fixable:
        return
    left = [f for f in lint(doc, ctx, enabled) if f.fix is not None and wanted(f.fix, case.unsafe)]
    assert not left, [(f.code, f.message, f.fix) for f in left]


# --- 5. arbitrary text never raises ----------------------------------------------------


# Every code point, astral ones included: tree-sitter-bash 0.25.1 can crash the
# process on astral characters, which the shell module now substitutes before
# parsing (test_shell_parser_does_not_segfault keeps the original repro).
BMP = st.characters(exclude_categories=("Cs",))
any_text = st.text(BMP)


@given(st.sampled_from(list(KINDS)), any_text, st.sampled_from(list(POLICIES)), st.booleans())
def test_arbitrary_text_never_raises(
    kind: FileKind, text: str, policy_name: str, unsafe: bool
) -> None:
    """The engine layer: parse, lint and the fix loop on any text."""
    case = Case(kind, KINDS[kind][0], text, policy_name, unsafe)
    doc, ctx, enabled = setup(case, text)
    no_internal_error(doc)
    lint(doc, ctx, enabled)
    run_passes(case)


@given(st.sampled_from(list(KINDS)), any_text, st.sampled_from(list(POLICIES)), st.booleans())
def test_api_never_raises(kind: FileKind, text: str, policy_name: str, unsafe: bool) -> None:
    """The library entry points (what `check`/`fix` offer to callers holding text)."""
    path = KINDS[kind][0]
    check_text(text, path, POLICIES[policy_name])
    fix_text(text, path, POLICIES[policy_name], unsafe=unsafe)


@given(
    st.sampled_from(list(KINDS)),
    st.lists(
        st.one_of(
            st.text(BMP, max_size=8),
            st.sampled_from(
                (
                    "\n",
                    "\r\n",
                    "\\\n",
                    " ",
                    "=",
                    ":",
                    "-i ",
                    "pip install ",
                    "<<EOF\n",
                    "EOF\n",
                    "[global]\n",
                    "index-url",
                    "PIP_INDEX_URL=",
                    "  - ",
                    '"',
                    "'",
                    "#",
                    "${",
                    "}",
                    "$(",
                    "RUN ",
                    "FROM x\n",
                    "environment:\n",
                    "services:\n  a:\n",
                    *URLS,
                )
            ),
        ),
        max_size=25,
    ).map("".join),
    st.sampled_from(list(POLICIES)),
    st.booleans(),
)
def test_token_soup_never_raises(kind: FileKind, text: str, policy_name: str, unsafe: bool) -> None:
    """Random text rarely reaches the interesting code paths; a soup of real tokens does."""
    case = Case(kind, KINDS[kind][0], text, policy_name, unsafe)
    run_passes(case)


SEGFAULT_REPRO = """
from pipsrc.kinds import dockerfile, shell
for _ in range(1000):
    for cp in (0xE0001, 0xF26A3, 0x10FFFD):
        shell.parse("a{" + chr(cp), "build.sh")
        dockerfile.parse("FROM x\\nRUN a{" + chr(cp) + "\\n", "Dockerfile")
"""


def test_shell_parser_does_not_segfault() -> None:
    proc = subprocess.run([sys.executable, "-c", SEGFAULT_REPRO], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.returncode


# --- 6. no secret leaks ----------------------------------------------------------------


def assert_no_sentinel(out: str, secrets: set[str], where: str) -> None:
    for s in secrets:
        assert s not in out and quote(s) not in out and s.lower() not in out.lower(), (
            f"{where} leaks {s}:\n{out}"
        )


@given(cases())
def test_fixes_never_copy_credentials(case: Case) -> None:
    doc, ctx, enabled = setup(case, case.text)
    for f in lint(doc, ctx, enabled):
        assert_no_sentinel(f"{f.message} {f.value}", sentinels_in(case.text), f.code)
        if f.fix is not None:
            for e in f.fix.edits:
                assert SENTINEL_PREFIX not in e.replacement, (f.code, e)
    fixed, _ = run_passes(case)
    before, after = Counter(sentinels_in(case.text)), Counter(sentinels_in(fixed))
    for s in after:
        assert fixed.count(s) <= case.text.count(s), (s, case.text, fixed)
    assert set(after) <= set(before)


@given(cases())
def test_no_sentinel_in_any_output(case: Case) -> None:
    secrets = sentinels_in(case.text)
    # a temporary directory is never a git work tree: skip the `git rev-parse` processes
    # discovery would spawn for every run (the walk is what runs either way)
    with (
        tempfile.TemporaryDirectory() as d,
        mock.patch("pipsrc.engine.reading.git_root", return_value=None),
        mock.patch("pipsrc.discover.git_root", return_value=None),
    ):
        target = os.path.join(d, case.path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="") as fh:
            fh.write(case.text)
        # findings, the renderers and the diff
        result = engine.check([d], case.policy, cli_index=case.policy_name != "none")
        for f in result.findings:
            assert_no_sentinel(f"{f.message}\n{f.value}", secrets, f"finding {f.code}")
        for fmt in FORMATS:  # every registered format, a new one included
            out = render(result, fmt, RenderOptions(unsafe_fixes=case.unsafe))
            assert_no_sentinel(out, secrets, fmt)
            if fmt in ("json", "sarif", "gitlab"):
                json.loads(out)
        fixed = engine.fix(
            [d], case.policy, unsafe=case.unsafe, write=False, cli_index=case.policy_name != "none"
        )
        assert_no_sentinel(render_diff(fixed), secrets, "diff")
        for ch in (c for r in fixed.files for c in r.changes):
            assert_no_sentinel(f"{ch.before}\n{ch.after}", secrets, "change report")
        # the command line adds only its own lines around the same renderers: one run of
        # each command (both streams) covers them
        runner = CliRunner()
        pol = CLI_POLICY[case.policy_name]
        unsafe = ["--unsafe-fixes"] if case.unsafe else []
        for args in (["check", *pol, d], ["fix", "--diff", *unsafe, *pol, d]):
            res = runner.invoke(main, args)
            assert res.exit_code in (0, 1), (args, res.output, res.stderr, res.exception)
            assert_no_sentinel(res.stdout + res.stderr, secrets, " ".join(args[:3]))
        with open(target, encoding="utf-8", newline="") as fh:
            assert fh.read() == case.text, "fix --diff wrote the file"


# --- the grammars do reach the code under test -----------------------------------------


@given(st.sampled_from(list(KINDS)).flatmap(lambda k: st.tuples(st.just(k), KINDS[k][1]())))
def test_grammars_produce_settings(pair: tuple[FileKind, str]) -> None:
    kind, text = pair
    doc = parse_safely(kind, text, KINDS[kind][0])
    no_internal_error(doc)
    # every generated document parses with no blocking problem (the grammar writes valid files)
    assert doc.fixable, (text, doc.problems)


def test_grammar_coverage() -> None:
    """Most generated documents contain settings, and fixes actually happen."""
    found: Counter[FileKind] = Counter()
    changed: Counter[FileKind] = Counter()

    @settings(max_examples=60, database=None)
    @given(cases())
    def probe(case: Case) -> None:
        doc = parse_safely(case.kind, case.text, case.path)
        if doc.settings:
            found[case.kind] += 1
        if fix_text(case.text, case.path, POLICIES["aliyun"], unsafe=True) != case.text:
            changed[case.kind] += 1

    probe()
    assert sum(found.values()) >= 30 and sum(changed.values()) >= 15, (found, changed)
