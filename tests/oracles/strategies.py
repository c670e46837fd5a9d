"""hypothesis strategies: small, realistic files of each kind with index settings in varied
syntax, every URL drawn from the oracles' vocabulary (tests/oracles/urls.py).

Each file kind has templates for the constructs fixes have broken before (a redundant
``pip config set global.extra-index-url`` with a later ``unset``; a branch whose only command
is an index setting; a private index; ``ARG PIP_INDEX_URL``; an http index with its
trusted-host; an ``A || B || C`` install fallback), mixed with the ordinary syntax a project
writes. The generators never write a ``# pipsrc: ignore`` comment.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.oracles.urls import ALL, POLICY, PRIVATE, PUBLIC, VENDOR, host_of

# weighted so that every class of URL turns up often
urls = st.one_of(
    st.sampled_from(PUBLIC),
    st.sampled_from(PUBLIC),
    st.sampled_from(POLICY),
    st.sampled_from(PRIVATE),
    st.sampled_from(VENDOR),
)
HOSTS = tuple(sorted({host_of(u) for u in ALL} | {"10.8.0.12", "pypi.douban.com"}))
hosts = st.sampled_from(HOSTS)
quotes = st.sampled_from(("", "", '"', "'"))
PKGS = (
    "requests",
    "flask==3.0.0",
    "'numpy>=1.26'",
    "corp-utils",
    "torch==2.1.0",
    "-r requirements.txt",
    '"uvicorn[standard]"',
)
PROGS = ("pip", "pip3", "python -m pip", "python3 -m pip")
IF_CONDS = (
    '[ -n "$CI" ]',
    '[ "$USE_MIRROR" = "1" ]',
    "command -v pip >/dev/null",
    "test -f /etc/pip.conf",
)


@st.composite
def qurl(draw: st.DrawFn, pool: st.SearchStrategy[str] = urls) -> str:
    q = draw(quotes)
    return f"{q}{draw(pool)}{q}"


@st.composite
def http_with_host(draw: st.DrawFn) -> tuple[str, str]:
    """An http index and its trusted-host (pip refuses the index without it)."""
    u = draw(st.sampled_from([u for u in ALL if u.startswith("http://")]))
    return u, host_of(u) if draw(st.booleans()) else host_of(u).split(":")[0]


@st.composite
def install_cmd(draw: st.DrawFn, pkgs: tuple[str, ...] = PKGS) -> str:
    prog = draw(st.sampled_from(PROGS))
    sub = draw(
        st.sampled_from(
            ("install", "install --no-cache-dir", "install -U", "download -d /tmp/wheels")
        )
    )
    flags: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        k = draw(st.integers(0, 6))
        if k == 0:
            flags.append(f"-i {draw(qurl())}")
        elif k == 1:
            flags.append(f"--index-url {draw(qurl())}")
        elif k == 2:
            flags.append(f"--index-url={draw(qurl())}")
        elif k == 3:
            flags.append(f"--extra-index-url {draw(qurl())}")
        elif k == 4:
            flags.append(f"--extra-index-url={draw(qurl())}")
        elif k == 5:
            flags.append(f"--trusted-host {draw(hosts)}")
        else:
            u, h = draw(http_with_host())
            flags += [f"-i {u}", f"--trusted-host {h}"]
    words = [*flags, *draw(st.lists(st.sampled_from(pkgs), min_size=1, max_size=2))]
    if draw(st.booleans()):
        words = draw(st.permutations(words))
    return f"{prog} {sub} " + " ".join(words)


@st.composite
def config_cmd(draw: st.DrawFn) -> str:
    prog = draw(st.sampled_from(PROGS))
    level = draw(st.sampled_from(("", "", "", "--global ", "--user ")))
    key, value = draw(
        st.sampled_from(
            (
                ("global.index-url", draw(qurl())),
                ("global.extra-index-url", draw(qurl())),
                ("global.trusted-host", draw(hosts)),
                ("install.index-url", draw(qurl())),
                ("install.trusted-host", draw(hosts)),
            )
        )
    )
    if draw(st.integers(0, 5)) == 0:
        return f"{prog} config {level}unset {key}"
    return f"{prog} config {level}set {key} {value}"


@st.composite
def conf_write(draw: st.DrawFn) -> str:
    """pip configuration written by a shell command."""
    target = draw(
        st.sampled_from(("/etc/pip.conf", "~/.pip/pip.conf", "$HOME/.config/pip/pip.conf"))
    )
    u = draw(urls)
    mk = "" if target == "/etc/pip.conf" else f"mkdir -p $(dirname {target}) && "
    k = draw(st.integers(0, 2))
    if k == 0:
        return f"{mk}printf '[global]\\nindex-url = %s\\n' {u} > {target}"
    if k == 1:
        return f'{mk}echo "[global]" > {target} && echo "index-url = {u}" >> {target}'
    h = draw(hosts)
    return f'{mk}echo -e "[global]\\nindex-url = {u}\\ntrusted-host = {h}" > {target}'


OTHER = (
    "apt-get update",
    "echo done",
    "rm -rf /root/.cache",
    "python -c 'import sys'",
    "mkdir -p /app",
)


@st.composite
def simple_cmd(draw: st.DrawFn) -> str:
    k = draw(st.integers(0, 9))
    if k <= 3:
        return draw(install_cmd())
    if k <= 6:
        return draw(config_cmd())
    if k == 7:
        return draw(conf_write())
    return draw(st.sampled_from(OTHER))


@st.composite
def fallback(draw: st.DrawFn) -> str:
    """``pip install -i A x || pip install -i B x || pip install x``."""
    prog = draw(st.sampled_from(PROGS))
    pkg = draw(st.sampled_from(("requests", "flask==3.0.0", "-r requirements.txt")))
    n = draw(st.integers(2, 3))
    parts = [f"{prog} install -i {draw(qurl())} {pkg}" for _ in range(n - 1)]
    parts.append(
        draw(st.sampled_from((f"{prog} install {pkg}", f"{prog} install -i {draw(qurl())} {pkg}")))
    )
    return " || ".join(parts)


@st.composite
def if_block(draw: st.DrawFn, one_line: bool) -> str:
    """``if COND; then CMD; [else CMD;] fi``, a branch often holding one command only."""
    cond = draw(st.sampled_from(IF_CONDS))
    then = draw(st.lists(simple_cmd(), min_size=1, max_size=2))
    other = draw(st.lists(simple_cmd(), max_size=2))
    if one_line:
        out = f"if {cond}; then {'; '.join(then)};"
        if other:
            out += f" else {'; '.join(other)};"
        return out + " fi"
    body = "\n".join(f"  {c}" for c in then)
    out = f"if {cond}; then\n{body}\n"
    if other:
        out += "else\n" + "\n".join(f"  {c}" for c in other) + "\n"
    return out + "fi"


# --- Dockerfile ----------------------------------------------------------------------------

SEPS = (" && ", " && \\\n    ", " \\\n    && ", "; ", " || ")


@st.composite
def run_chain(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        k = draw(st.integers(0, 9))
        if k == 0:
            parts.append(draw(if_block(one_line=True)))
        elif k == 1:
            parts.append(draw(fallback()))
        else:
            parts.append(draw(simple_cmd()))
    out = parts[0]
    for p in parts[1:]:
        out += draw(st.sampled_from(SEPS)) + p
    if draw(st.integers(0, 4)) == 0:
        out = "set -eux; \\\n    " + out
    return out


@st.composite
def docker_run(draw: st.DrawFn) -> str:
    k = draw(st.integers(0, 9))
    if k == 0:  # heredoc RUN
        body = draw(
            st.lists(
                st.one_of(simple_cmd(), if_block(one_line=False), fallback()),
                min_size=1,
                max_size=3,
            )
        )
        # hadolint 2.x cannot read an instruction right after a heredoc's end: a blank line
        return "RUN <<EOF\nset -eux\n" + "\n".join(body) + "\nEOF\n"
    if k == 1:  # a comment line inside the continuation
        cmd = draw(install_cmd())
        words = cmd.split(" ")
        cut = draw(st.integers(1, max(1, len(words) - 1)))
        return (
            "RUN " + " ".join(words[:cut]) + " \\\n    # the mirror\n    " + " ".join(words[cut:])
        )
    if k == 2:  # the redundant extra index, and an unset further down
        prog = draw(st.sampled_from(PROGS))
        u = draw(st.sampled_from(PUBLIC + POLICY))
        e = draw(st.sampled_from(PUBLIC + POLICY))
        return (
            f"RUN {prog} config set global.index-url {u} && \\\n"
            f"    {prog} config set global.extra-index-url {e}\n"
            f"RUN {prog} install requests\n"
            f"RUN {prog} config unset global.extra-index-url"
        )
    if k == 3:  # --mount flag
        return f"RUN --mount=type=cache,target=/root/.cache/pip {draw(install_cmd())}"
    return "RUN " + draw(run_chain())


@st.composite
def docker_env(draw: st.DrawFn) -> str:
    name = draw(
        st.sampled_from(
            ("PIP_INDEX_URL", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST")
        )
    )
    value = draw(hosts) if name == "PIP_TRUSTED_HOST" else draw(urls)
    q = draw(quotes)
    form = draw(st.integers(0, 5))
    if form == 0:
        return f"ENV {name}={q}{value}{q}"
    if form == 1:
        return f"ENV {name} {value}"  # the legacy form
    if form == 2:
        return f"ENV PYTHONUNBUFFERED=1 {name}={q}{value}{q} PIP_NO_CACHE_DIR=1"
    if form == 3:
        return f"ENV LANG=C.UTF-8 \\\n    {name}={q}{value}{q} \\\n    PIP_DEFAULT_TIMEOUT=60"
    if form == 4:
        return f"ARG {name}={q}{value}{q}"
    return f"ARG {name}"


@st.composite
def docker_arg_use(draw: st.DrawFn) -> str:
    """An ARG with a default, used as a flag value (and maybe promoted to ENV)."""
    name = draw(st.sampled_from(("PIP_INDEX_URL", "INDEX_URL", "PYPI_MIRROR")))
    lines = [f"ARG {name}={draw(urls)}"]
    if name == "PIP_INDEX_URL" and draw(st.booleans()):
        lines.append(f"ENV PIP_INDEX_URL=${{{name}}}")
    ref = draw(st.sampled_from((f"${name}", f"${{{name}}}", f'"${{{name}}}"')))
    lines.append(f"RUN pip install -i {ref} requests")
    return "\n".join(lines)


@st.composite
def pipconf_lines(draw: st.DrawFn) -> list[str]:
    lines: list[str] = []
    for sec in draw(
        st.lists(
            st.sampled_from(("global", "install", "download")), min_size=1, max_size=2, unique=True
        )
    ):
        lines.append(f"[{sec}]")
        for key in draw(
            st.lists(
                st.sampled_from(("index-url", "extra-index-url", "trusted-host", "timeout", "#")),
                max_size=4,
                unique=True,
            )
        ):
            if key == "#":
                lines.append("# the mirror")
            elif key == "timeout":
                lines.append("timeout = 60")
            elif key == "index-url":
                sep = draw(st.sampled_from((" = ", "=", ": ")))
                lines.append(f"index-url{sep}{draw(urls)}")
            else:
                pool = urls if key == "extra-index-url" else hosts
                vals = draw(st.lists(pool, min_size=1, max_size=3, unique=True))
                if len(vals) == 1 and draw(st.booleans()):
                    lines.append(f"{key} = {vals[0]}")
                else:
                    lines.append(f"{key} =")
                    lines += [f"    {v}" for v in vals]
    return lines


@st.composite
def dockerfile_doc(draw: st.DrawFn) -> str:
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append("# syntax=docker/dockerfile:1")
    if draw(st.booleans()):
        lines.append("ARG PYTHON_VERSION=3.11")
    names: list[str] = []
    for i in range(draw(st.integers(1, 2))):
        image = draw(
            st.sampled_from(
                ("python:${PYTHON_VERSION}-slim", "python:3.12-slim", "ubuntu:22.04", *names)
            )
        )
        alias = f" AS stage{i}" if draw(st.booleans()) else ""
        if alias:
            names.append(f"stage{i}")
        lines.append(f"FROM {image}{alias}")
        for _ in range(draw(st.integers(1, 4))):
            k = draw(st.integers(0, 11))
            if k <= 4:
                lines.append(draw(docker_run()))
            elif k <= 7:
                lines.append(draw(docker_env()))
            elif k == 8:
                lines.append(draw(docker_arg_use()))
            elif k == 9:
                body = "\n".join(draw(pipconf_lines()))
                lines.append(f"COPY <<EOF /etc/pip.conf\n{body}\nEOF\n")
            elif k == 10:
                lines.append(
                    draw(
                        st.sampled_from(
                            ("WORKDIR /app", "COPY requirements.txt .", "USER app", "# build step")
                        )
                    )
                )
            else:
                lines.append(f"RUN {draw(fallback())}")
    return "\n".join(lines) + "\n"


# --- shell ---------------------------------------------------------------------------------


@st.composite
def shell_stmt(draw: st.DrawFn, depth: int = 0) -> str:
    k = draw(st.integers(0, 13 if depth == 0 else 8))
    if k == 0:
        return draw(shell_export())
    if k == 1:
        return f"PIP_INDEX_URL={draw(qurl())} {draw(install_cmd())}"
    if k in (2, 3):
        cmd = draw(install_cmd())
        return cmd if draw(st.booleans()) else cmd.replace(" -", " \\\n  -")
    if k in (4, 5):
        return draw(config_cmd())
    if k == 6:
        return draw(conf_write())
    if k == 7:
        return draw(st.sampled_from(('echo "installing"', "cd /app", "set -eu")))
    if k == 8:
        return draw(fallback())
    if k in (9, 10):
        return draw(if_block(one_line=draw(st.booleans())))
    if k == 11:
        body = "\n".join(f"  {draw(shell_stmt(depth + 1))}" for _ in range(draw(st.integers(1, 2))))
        return f"install_deps() {{\n{body}\n}}\ninstall_deps"
    if k == 12:
        loop = draw(st.sampled_from(("for pkg in requests flask; do", "while false; do")))
        return f"{loop}\n  {draw(shell_stmt(depth + 1))}\ndone"
    body = "\n".join(draw(pipconf_lines()))
    delim = draw(st.sampled_from(("EOF", "'EOF'")))
    target = draw(st.sampled_from(("/etc/pip.conf", "$HOME/.config/pip/pip.conf")))
    return f"cat > {target} <<{delim}\n{body}\nEOF"


@st.composite
def shell_export(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST")))
    value = draw(hosts) if name == "PIP_TRUSTED_HOST" else draw(urls)
    q = draw(quotes)
    return f"export {name}={q}{value}{q}"


@st.composite
def shell_doc(draw: st.DrawFn) -> str:
    lines = [draw(st.sampled_from(("#!/bin/sh", "#!/usr/bin/env bash", "#!/bin/bash")))]
    if draw(st.booleans()):
        lines.append("set -euo pipefail" if "bash" in lines[0] else "set -eu")
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(shell_export()))
        else:
            lines.append(draw(shell_stmt()))
    if draw(st.integers(0, 7)) == 0:
        body = draw(dockerfile_doc())
        lines.append(f"cat > Dockerfile.generated <<'EOF'\n{body}EOF")
    return "\n".join(lines) + "\n"


# --- requirements ----------------------------------------------------------------------------


@st.composite
def requirements_doc(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 7))):
        k = draw(st.integers(0, 10))
        if k == 0:
            lines.append(f"{draw(st.sampled_from(('-i', '--index-url')))} {draw(urls)}")
        elif k == 1:
            lines.append(f"--index-url={draw(urls)}")
        elif k == 2:
            lines.append(f"--extra-index-url {draw(urls)}")
        elif k == 3:
            lines.append(f"--trusted-host {draw(hosts)}")
        elif k == 4:
            u, h = draw(http_with_host())
            lines += [f"-i {u}", f"--trusted-host {h}"]
        elif k == 5:
            opt = draw(st.sampled_from(("--extra-index-url", "--index-url", "-i")))
            lines.append(f"{opt} \\\n    {draw(urls)}")
        elif k == 6:
            lines.append(
                f"{draw(st.sampled_from(('-i', '--extra-index-url')))} {draw(urls)}  # the mirror"
            )
        elif k == 7:
            lines.append(
                draw(st.sampled_from(("# pinned", "", "-r base.txt", "--find-links ./wheels")))
            )
        else:
            lines.append(
                draw(
                    st.sampled_from(
                        ("requests==2.31.0", "flask>=2", "numpy", "torch==2.1.0", "corp-utils")
                    )
                )
            )
    return "\n".join(lines) + "\n"


REQ_SIBLINGS = {"base.txt": "six\n"}


# --- pip.conf --------------------------------------------------------------------------------


@st.composite
def pipconf_doc(draw: st.DrawFn) -> str:
    lines = ["# pip configuration"] if draw(st.booleans()) else []
    lines += draw(pipconf_lines())
    if draw(st.integers(0, 3)) == 0:  # an http index with its trusted-host
        u, h = draw(http_with_host())
        lines += [
            "[install]" if "[install]" not in lines else "",
            f"index-url = {u}",
            f"trusted-host = {h}",
        ]
        lines = [ln for ln in lines if ln != ""]
        if lines.count("[install]") > 1 or _dup_keys(lines):
            lines = ["[global]", f"index-url = {u}", f"trusted-host = {h}"]
    text = "\n".join(lines) + "\n"
    return text.replace("\n", "\r\n") if draw(st.integers(0, 9)) == 0 else text


def _dup_keys(lines: list[str]) -> bool:
    seen: set[tuple[str, str]] = set()
    sec = ""
    for ln in lines:
        if ln.startswith("["):
            sec = ln
            continue
        if ln and not ln.startswith((" ", "#")):
            key = ln.split("=")[0].split(":")[0].strip()
            if (sec, key) in seen:
                return True
            seen.add((sec, key))
    return False


# --- compose ---------------------------------------------------------------------------------


@st.composite
def compose_doc(draw: st.DrawFn) -> str:
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append('version: "3.8"')
    anchor = draw(st.booleans())
    if anchor:
        lines += [
            "x-pip-env: &pip-env",
            f"  PIP_INDEX_URL: {draw(urls)}",
            f"  PIP_TRUSTED_HOST: {draw(hosts)}",
        ]
    lines.append("services:")
    for i in range(draw(st.integers(1, 2))):
        lines.append(f"  svc{i}:")
        lines.append("    image: python:3.12")
        if draw(st.booleans()):
            lines += ["    build:", "      context: .", "      args:"]
            names = draw(
                st.lists(
                    st.sampled_from(("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST")),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
            list_form = draw(st.booleans())
            for n in names:
                v = draw(hosts) if n == "PIP_TRUSTED_HOST" else draw(urls)
                q = draw(quotes)
                lines.append(f"        - {q}{n}={v}{q}" if list_form else f"        {n}: {q}{v}{q}")
        if draw(st.booleans()) or not anchor:
            lines.append("    environment:")
            list_form = draw(st.booleans()) and not anchor
            if anchor and not list_form:
                lines.append("      <<: *pip-env")
            names = draw(
                st.lists(
                    st.sampled_from(
                        ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "TZ")
                    ),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
            for n in names:
                if anchor and n in ("PIP_INDEX_URL", "PIP_TRUSTED_HOST"):
                    continue
                v = (
                    "Asia/Shanghai"
                    if n == "TZ"
                    else draw(hosts)
                    if n == "PIP_TRUSTED_HOST"
                    else draw(urls)
                )
                q = draw(quotes)
                lines.append(f"      - {q}{n}={v}{q}" if list_form else f"      {n}: {q}{v}{q}")
            if lines[-1] == "    environment:":
                lines.append("      TZ: Asia/Shanghai")
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"    command: pip install -i {draw(urls)} requests")
    return "\n".join(lines) + "\n"


@st.composite
def _uv_tables(draw: st.DrawFn, prefix: str) -> list[str]:
    """``[tool.uv]``-shaped settings: index-url/extra-index-url keys or ``[[index]]`` tables."""
    lines: list[str] = []
    if draw(st.booleans()):
        lines += [f"[{prefix}uv]" if prefix else "", f'index-url = "{draw(urls)}"']
        extras = draw(st.lists(urls, max_size=2, unique=True))
        if extras:
            lines.append("extra-index-url = [" + ", ".join(f'"{u}"' for u in extras) + "]")
    for i in range(draw(st.integers(0 if lines else 1, 2))):
        lines += ["", f"[[{prefix}uv.index]]" if prefix else "[[index]]", f'name = "idx{i}"']
        lines.append(f'url = "{draw(urls)}"')
        if draw(st.booleans()):
            lines.append("default = true")
    return lines


@st.composite
def project_doc(draw: st.DrawFn) -> tuple[str, str]:
    """A pyproject.toml (uv, Poetry or PDM), uv.toml or Pipfile with index settings."""
    form = draw(st.sampled_from(("uv", "poetry", "pdm", "uv.toml", "Pipfile")))
    if form == "uv.toml":
        return "uv.toml", "\n".join(draw(_uv_tables(""))).lstrip("\n") + "\n"
    if form == "Pipfile":
        lines: list[str] = []
        for i in range(draw(st.integers(1, 2))):
            lines += ["[[source]]", f'url = "{draw(urls)}"', "verify_ssl = true"]
            lines += [f'name = "src{i}"', ""]
        lines += ["[packages]", 'requests = "*"']
        return "Pipfile", "\n".join(lines) + "\n"
    lines = ["[project]", 'name = "demo"', 'version = "0.1.0"', 'dependencies = ["requests"]', ""]
    if form == "uv":
        lines += draw(_uv_tables("tool."))
    else:
        table = "tool.poetry.source" if form == "poetry" else "tool.pdm.source"
        for i in range(draw(st.integers(1, 2))):
            lines += [f"[[{table}]]", f'name = "src{i}"', f'url = "{draw(urls)}"', ""]
    lines += ["", "[tool.ruff]", "line-length = 100"]
    return "pyproject.toml", "\n".join(lines) + "\n"


DOCS = {
    "dockerfile": ("Dockerfile", dockerfile_doc),
    "shell": ("build.sh", shell_doc),
    "requirements": ("requirements.txt", requirements_doc),
    "pipconf": ("pip.conf", pipconf_doc),
    "compose": ("docker-compose.yml", compose_doc),
}
# kinds whose strategy draws the file name too: kind -> strategy of (path, text)
NAMED_DOCS = {"project": project_doc}
