"""The adversarial catalogue (reliability reference §5), one :class:`Case` per entry.

Conventions: ``OLD`` (TUNA) is off-policy for ``--mirror aliyun`` and its exact fix is
``NEW``; "exact" means the expected bytes are the input with only that URL replaced.
Case ids follow the reference (D Dockerfile, S shell, R requirements, P pip.conf,
Y compose, F file system / encoding / output); ``X`` ids are cases of our own. The
pyproject (T) and conda (C) groups do not apply: pipsrc does not read those kinds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.harness import NEW, OLD, Case, fixed, swap

FROM = "FROM python:3.12\n"
TUNA, ALIYUN = "pypi.tuna.tsinghua.edu.cn", "mirrors.aliyun.com"
SENTINEL = "SENTINELdeadbeef0123"


def b(text: str) -> bytes:
    return text.encode("utf-8")


_PY = (
    f'import os, subprocess, sys\nos.environ["PIP_INDEX_URL"] = "{OLD}"\n'
    f'subprocess.run([sys.executable, "-m", "pip", "install", "-i", "{OLD}", "x"])\n'
    f"os.system('pip install --index-url {OLD} y')\n"
)


def one(id: str, title: str, path: str, text: str | bytes, outcome: str, *where: str,
        **kw: object) -> Case:  # fmt: skip
    """A single-file case; for ``fix`` the expected bytes are the exact OLD -> NEW swap."""
    data = b(text) if isinstance(text, str) else text
    if outcome == "fix" and "after" not in kw:
        kw["after"] = {path: fixed(data)}
    return Case(id, title, {path: data}, outcome, tuple(where), **kw)  # type: ignore[arg-type]


# fmt: off
D: list[Case] = [
    one("D1", "comment line inside a RUN continuation", "Dockerfile",
        FROM + f"RUN pip install \\\n    # mirror\n    -i {OLD} \\\n    requests\n",
        "fix", "Dockerfile:4:8: PS101", also="tests/kinds/test_dockerfile.py"),
    one("D2", "empty line inside a RUN continuation (BuildKit keeps one RUN)", "Dockerfile",
        FROM + f"RUN pip install \\\n\n    -i {OLD} x\n", "fix", "Dockerfile:4:8: PS101"),
    one("D3", "escape directive: backtick continuations, Windows path with trailing \\",
        "Dockerfile",
        f"# escape=`\n{FROM}RUN pip install `\n  -i {OLD} `\n  x\nWORKDIR C:\\app\\\n",
        "fix", "Dockerfile:4:6: PS101"),
    one("D4", "escape directive after a comment is only a comment", "Dockerfile",
        f"# hello\n# escape=`\n{FROM}RUN pip install \\\n  -i {OLD} x\n",
        "fix", "Dockerfile:5:6: PS101"),
    one("D5", "RUN heredoc body is shell", "Dockerfile",
        FROM + f"RUN <<EOF\npip install -i {OLD} x\nEOF\nRUN echo after\n",
        "fix", "Dockerfile:3:16: PS101"),
    one("D6", "COPY heredoc writing pip.conf is linted as INI", "Dockerfile",
        FROM + f"COPY <<EOF /etc/pip.conf\n[global]\nindex-url = {OLD}\nEOF\n",
        "fix", "Dockerfile:4:13: PS101"),
    one("D7", "<<- heredoc with tab-indented terminator, tabs kept", "Dockerfile",
        FROM + f"RUN <<-'EOT' bash\n\tpip install -i {OLD} x\n\tEOT\n",
        "fix", "Dockerfile:3:17: PS101"),
    one("D8", "exec-form JSON RUN", "Dockerfile",
        FROM + f'RUN ["pip","install","-i","{OLD}","x"]\n', "fix", "Dockerfile:2:28: PS101"),
    one("D9", "invalid JSON exec form falls back to shell form", "Dockerfile",
        FROM + "RUN [\"pip\", \"install\", 'x']\n", "clean"),
    one("D10", "ARG default used by a later RUN: the ARG literal is fixed", "Dockerfile",
        f"{FROM}ARG IDX={OLD}\nRUN pip install -i $IDX x\n", "fix", "Dockerfile:2:9: PS101"),
    Case("D11", "legacy ENV form and a quoted pair among others",
         {"Dockerfile": b(f'{FROM}ENV PIP_INDEX_URL {OLD}\n')
          + b(f'ENV A=1 PIP_EXTRA_INDEX_URL="{OLD}" B=2\n')},
         "fix", ("Dockerfile:2:19: PS101", "Dockerfile:3:30: PS103"),
         after={"Dockerfile": b(f'{FROM}ENV PIP_INDEX_URL {NEW}\nENV A=1 B=2\n')}),
    one("D12", "lower-case ONBUILD RUN", "Dockerfile",
        f"{FROM}onbuild run pip install -i {OLD} x\n", "fix", "Dockerfile:2:28: PS101"),
    one("D13", "D1 with CRLF line endings", "Dockerfile",
        (FROM + f"RUN pip install \\\n    # mirror\n    -i {OLD} \\\n    requests\n")
        .replace("\n", "\r\n"), "fix", "Dockerfile:4:8: PS101"),
    one("D14", "UTF-8 BOM before FROM", "Dockerfile",
        "\ufeff" + FROM + f"RUN pip install -i {OLD} x\n", "fix", "Dockerfile:2:20: PS101"),
    one("D15", "trailing continuation at EOF without a newline", "Dockerfile",
        FROM + f"RUN pip install -i {OLD} \\", "fix", "Dockerfile:2:20: PS101"),
    one("D16", "PowerShell SHELL: reported, never edited", "Dockerfile",
        FROM + 'SHELL ["powershell","-Command"]\n'
        f"RUN pip install -i {OLD} x; $env:A='1'\n", "report",
        "Dockerfile:3:20: PS101 index"),
    one("D17", "RUN --mount secret for pip.conf", "Dockerfile",
        FROM + "RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf pip install x\n",
        "clean"),
    one("D18", "syntax and check directives before escape", "Dockerfile",
        f"# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\n{FROM}"
        f"RUN pip install `\n  -i {OLD}\n", "fix", "Dockerfile:6:6: PS101"),
    one("D19", "lone CR line endings", "Dockerfile",
        (FROM + f"RUN pip install -i {OLD} x\n").replace("\n", "\r"), "error",
        "Dockerfile:1:17: PS900 unsupported line endings (CR)"),
    one("D20", "credentials in ENV", "Dockerfile",
        f"{FROM}ENV PIP_INDEX_URL=https://deploy:{SENTINEL}@pypi.corp.example/simple\n",
        "report", "Dockerfile:2:19: PS101 index https://deploy:****@",
        'Dockerfile:2:19: PS301 index URL embeds credentials (user "deploy" with a password)',
        absent=(SENTINEL,)),
    Case("D21", "two stages, each with the old index; fixed in one run",
         {"Dockerfile": b(f"{FROM}RUN pip install -i {OLD} a\nFROM python:3.12 AS b\n"
                          f"RUN pip install -i {OLD} b\n")},
         "fix", ("Dockerfile:2:20: PS101", "Dockerfile:4:20: PS101"),
         after={"Dockerfile": b(f"{FROM}RUN pip install -i {NEW} a\nFROM python:3.12 AS b\n"
                                f"RUN pip install -i {NEW} b\n")}),
]
# fmt: on

# fmt: off
S: list[Case] = [
    one("S1", "literal index with trusted-host, then a dynamic pip config set", "build.sh",
        f"pip install -i {OLD} --trusted-host pypi.tuna.tsinghua.edu.cn pkg && "
        'pip config set global.index-url "$URL"\n', "fix", "build.sh:1:16: PS101",
        "build.sh:1:72: PS204", after={"build.sh": b(
            f"pip install -i {NEW} pkg && "
            'pip config set global.index-url "$URL"\n')}),
    one("S2", "--index-url=VALUE: only the text after = changes", "build.sh",
        f"python -m pip install --index-url={OLD} pkg\n", "fix", "build.sh:1:35: PS101"),
    one("S3", "single-quoted index of uv pip (quotes kept)", "build.sh",
        f"uv pip install --index-url '{OLD}' z\n", "fix", "build.sh:1:29: PS101"),
    one("S4", "index from a command substitution", "build.sh",
        'pip install -i "$(cat /run/secrets/idx)" x\n', "clean"),
    one("S5", "heredoc writing pip.conf", "build.sh",
        f"cat > /etc/pip.conf <<'EOF'\n[global]\nindex-url = {OLD}\nEOF\n",
        "fix", "build.sh:3:13: PS101"),
    one("S6", "commented-out pip install", "build.sh", f"# pip install -i {OLD}\n", "clean"),
    Case("S7", "command prefix and export", {"build.sh": b(
        f"PIP_INDEX_URL={OLD} pip install x\nexport PIP_EXTRA_INDEX_URL={OLD}\n")},
        "fix", ("build.sh:1:15: PS101", "build.sh:2:28: PS102"),
        # the exported extra applies where no primary is set: it moves to the policy index
        after={"build.sh": b(f"PIP_INDEX_URL={NEW} pip install x\n"
                             f"export PIP_EXTRA_INDEX_URL={NEW}\n")}),
    one("S8", "index inside a bash array", "build.sh",
        f'ARGS=(-i {OLD}); pip install "${{ARGS[@]}}" p\n', "fix", "build.sh:1:10: PS101"),
    one("S9", "unterminated quote", "build.sh", f'pip install -i "{OLD} pkg\n', "error",
        'build.sh:1:16: PS900 could not parse shell at line 1 (missing "): not fixed'),
    one("S10", "CRLF shell script", "build.sh",
        f"set -e\r\npip install -i {OLD} pkg\r\n",
        "fix", "build.sh:1:7: PS900 CRLF in shell script: bash will see \\r",
        "build.sh:2:16: PS101 [*]"),
    one("S11", "non-ASCII before the URL: columns in characters, bytes exact", "build.sh",
        f"echo 镜像 && pip install -i {OLD} pkg\n", "fix", "build.sh:1:27: PS101"),
    one("S12", "500 nested command substitutions", "build.sh",
        "echo " + "$(" * 500 + "x" + ")" * 500 + f" && pip install -i {OLD} x\n", "error",
        "build.sh:1:272: PS900 shell too deeply nested", budget=5.0),
    one("S13", "pip inside case", "build.sh",
        f"case $A in a) pip install -i {OLD} p;; esac\n", "fix", "build.sh:1:30: PS101"),
    Case("S14", "pip3.12, sudo -H pip and python3 -m pip", {"build.sh": b(
        f"pip3.12 install -i {OLD} x\nsudo -H pip install -i {OLD} y\n"
        f"python3 -m pip install -i {OLD} z\n")},
        "fix", ("build.sh:1:20: PS101", "build.sh:2:24: PS101", "build.sh:3:27: PS101"),
        after={"build.sh": b((f"pip3.12 install -i {OLD} x\nsudo -H pip install -i {OLD} y\n"
                              f"python3 -m pip install -i {OLD} z\n").replace(OLD, NEW))}),
]
# fmt: on

# fmt: off
R: list[Case] = [
    one("R1", "comment and spacing after the URL", "requirements.txt",
        f"--index-url {OLD}   # mirror\nflask\n", "fix", "requirements.txt:1:13: PS101"),
    one("R2", "# without leading whitespace is part of the URL, and goes with it",
        "requirements.txt",
        f"-i {OLD}#frag\nflask\n", "fix", f"requirements.txt:1:4: PS101 [*] index {OLD}#frag",
        after={"requirements.txt": b(f"-i {NEW}\nflask\n")}),
    one("R3", "URL on a continuation line", "requirements.txt",
        f"--extra-index-url \\\n    {OLD}\nflask\n", "fix", "requirements.txt:2:5: PS102"),
    one("R4", "${VAR} expands, $VAR does not", "requirements.txt",
        "-i ${PIP_INDEX_URL}\n-i $PIP_INDEX_URL\n", "report",
        "requirements.txt:2:4: PS401 -i: pip expands only ${VAR} in requirements files"),
    Case("R5", "include cycle a -> b -> a", {
        "a/requirements.txt": b("-r requirements-b.txt\nflask\n"),
        "a/requirements-b.txt": b("-r requirements.txt\nx\n")}, "clean", args=()),
    one("R6", "includes outside the repository and over the network", "requirements.txt",
        "-r ../../../etc/passwd\n-r /abs/x.txt\n-r https://evil.example/r.txt\n", "clean",
        args=()),
    one("R7", "GBK comment (a Chinese Windows editor)", "requirements.txt",
        f"# 清华镜像\n-i {OLD}\nflask\n".encode("gbk"), "fix", "requirements.txt:2:4: PS101",
        after={"requirements.txt": swap(f"# 清华镜像\n-i {OLD}\nflask\n", (OLD, NEW),
                                        encoding="gbk")}),
    one("R8", "UTF-16 LE with BOM (PowerShell redirect)", "requirements.txt",
        b"\xff\xfe" + f"-i {OLD}\r\nflask\r\n".encode("utf-16-le"), "fix",
        "requirements.txt:1:4: PS101", after={"requirements.txt": b"\xff\xfe" + swap(
            f"-i {OLD}\r\nflask\r\n", (OLD, NEW), encoding="utf-16-le")}),
    one("R9", "no trailing newline", "requirements.txt", f"flask\n-i {OLD}", "fix",
        "requirements.txt:2:4: PS101"),
    one("R10", "trusted-host of the moved index removed with it", "requirements.txt",
        f"-i {OLD}\n--trusted-host {TUNA}\nflask\n", "fix",
        "requirements.txt:1:4: PS101", "requirements.txt:2:16: PS204",
        after={"requirements.txt": b(f"-i {NEW}\nflask\n")}),
    one("R11", "10 MB single-line file", "requirements.txt", b"a" * 10_000_000, "skip",
        "requirements.txt: file is larger than 2048 KiB: skipped", budget=1.0),
    one("R12", "VCS requirement with an oauth2 token (not an index URL: no PS301)",
        "requirements.txt",
        f"git+https://oauth2:{SENTINEL}@gitlab.example/pkg.git@v1#egg=pkg\n", "clean",
        absent=(SENTINEL,), args=()),
]
# fmt: on

# fmt: off
P: list[Case] = [
    one("P1", "inline # comment becomes part of the value", "pip.conf",
        f"[global]\nindex-url = {OLD}  # tuna\n", "report",
        "pip.conf:2:13: PS401 index-url: inline comment becomes part of the value"),
    one("P2", "continuation list with a comment line", "pip.conf",
        "[global]\nextra-index-url =\n    https://download.pytorch.org/whl/cu118\n    # note\n"
        f"    {OLD}\n", "fix", "pip.conf:5:5: PS102"),
    one("P3", "duplicate option", "pip.conf", f"[global]\nindex-url = {OLD}\nindex-url = {NEW}\n",
        "error", "pip.conf:3:1: PS900 duplicate option 'index-url' in [global]"),
    one("P4", "UTF-8 BOM before [global] (Notepad)", "pip.ini",
        f"\ufeff[global]\nindex-url = {OLD}\n", "fix",
        "pip.ini:1:1: PS900 byte order mark before the first section: pip cannot read"),
    one("P5", "trusted_host spelled with an underscore", "pip.conf",
        f"[global]\nindex-url = {OLD}\ntrusted_host = {TUNA}\n", "fix",
        "pip.conf:2:13: PS101", "pip.conf:3:16: PS204",
        after={"pip.conf": b(f"[global]\nindex-url = {NEW}\n")}),
    Case("P6", "index-url in [global] and [install]", {"pip.conf": b(
        f"[global]\nindex-url = {OLD}\n[install]\nindex-url = {OLD}\n")},
        "fix", ("pip.conf:2:13: PS101", "pip.conf:4:13: PS101"),
        after={"pip.conf": b(f"[global]\nindex-url = {NEW}\n[install]\nindex-url = {NEW}\n")}),
    one("P7", "percent-encoded password", "pip.conf",
        f"[global]\nindex-url = https://u:p%40ss%25{SENTINEL}@pypi.tuna.tsinghua.edu.cn/simple\n",
        "report", "pip.conf:2:13: PS101 [unsafe fix] index https://u:****@",
        'pip.conf:2:13: PS301 index URL embeds credentials (user "u" with a password)',
        absent=(SENTINEL, "p%40ss")),
    one("P8", "CRLF pip.ini", "pip.ini", f"[global]\r\nindex-url = {OLD}\r\n", "fix",
        "pip.ini:2:13: PS101"),
]
# fmt: on

# fmt: off
Y: list[Case] = [
    Case("Y1", "two indentation styles of environment lists", {"compose.yaml": b(
        "services:\n  a:\n    image: x\n    environment:\n      - PIP_INDEX_URL=" + OLD + "\n"
        "  b:\n    image: y\n    environment:\n    - PIP_INDEX_URL=" + OLD + "\n")},
        "fix", ("compose.yaml:5:23: PS101", "compose.yaml:9:21: PS101"), after={"compose.yaml": b(
        "services:\n  a:\n    image: x\n    environment:\n      - PIP_INDEX_URL=" + NEW + "\n"
        "  b:\n    image: y\n    environment:\n    - PIP_INDEX_URL=" + NEW + "\n")}),
    one("Y2", "anchor merged into two services: one finding, one edit", "compose.yaml",
        f"x-common: &c\n  environment: {{PIP_INDEX_URL: {OLD}}}\nservices:\n"
        "  a:\n    <<: *c\n    image: x\n  b:\n    <<: *c\n    image: y\n", "fix",
        "compose.yaml:2:32: PS101"),
    one("Y3", "billion laughs", "compose.yaml",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
                  for i in range(8)), "clean", budget=1.0),
    one("Y4", "duplicate keys", "compose.yaml",
        f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: {OLD}\n"
        f"      PIP_INDEX_URL: {OLD}\n", "error",
        "compose.yaml:5:1: PS900 duplicate key 'PIP_INDEX_URL'"),
    one("Y5", "multi-document stream with an end marker", "compose.yaml",
        f"a: 1\n---\nservices:\n  b:\n    environment:\n      PIP_INDEX_URL: {OLD}\n...\n",
        "fix", "compose.yaml:6:22: PS101"),
    one("Y6", "interpolation default; $$ kept", "compose.yaml",
        f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: ${{PIP_INDEX_URL:-{OLD}}}\n"
        "      HOME_DIR: $$HOME\n", "fix", "compose.yaml:4:39: PS101"),
    Case("Y7", "plain, single, double quoted and block scalar values", {"compose.yaml": b(
        f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: {OLD}\n"
        f"  b:\n    environment:\n      PIP_INDEX_URL: '{OLD}'\n"
        f"  c:\n    environment:\n      PIP_INDEX_URL: \"{OLD}\"\n"
        f"  d:\n    environment:\n      PIP_INDEX_URL: |\n        {OLD}\n")},
        "fix", ("compose.yaml:4:22: PS101 [*]", "compose.yaml:7:23: PS101 [*]",
                "compose.yaml:10:23: PS101 [*]", "compose.yaml:14:9: PS101 index"),
        after={"compose.yaml": b(
        f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: {NEW}\n"
        f"  b:\n    environment:\n      PIP_INDEX_URL: '{NEW}'\n"
        f"  c:\n    environment:\n      PIP_INDEX_URL: \"{NEW}\"\n"
        f"  d:\n    environment:\n      PIP_INDEX_URL: |\n        {OLD}\n")}),
    one("Y8", "a line over 200 characters", "compose.yaml",
        f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: {OLD}  # {'x' * 200}\n",
        "fix", "compose.yaml:4:22: PS101"),
    one("Y9", "!override and !reset tags", "compose.yaml",
        f"services:\n  a:\n    environment: !override [A=1, PIP_INDEX_URL={OLD}]\n"
        "    ports: !reset null\n", "fix", "compose.yaml:3:48: PS101"),
    one("Y10", "BOM and CRLF", "compose.yaml",
        f"\ufeffservices:\r\n  a:\r\n    environment:\r\n      PIP_INDEX_URL: {OLD}\r\n",
        "fix", "compose.yaml:4:22: PS101"),
    one("Y11", "tab after a colon", "compose.yaml",
        f"services:\n  a:\n    image:\tpython\n    environment:\n      PIP_INDEX_URL: {OLD}\n",
        "error", "compose.yaml:3:11: PS900 YAML parse error: found character '\\t'"),
    one("Y12", "flow mapping build args", "compose.yaml",
        f"services:\n  a:\n    build: {{args: {{PIP_INDEX_URL: {OLD}}}}}\n", "fix",
        "compose.yaml:3:35: PS101"),
    one("Y13", "5000-deep flow sequence", "compose.yaml",
        "# PIP_INDEX_URL\na: " + "[" * 5000 + "]" * 5000 + "\n",
        "error", "compose.yaml:1:1: PS900 too deeply nested: not read", budget=5.0),
]
# fmt: on


# --- file system, encoding, output (F) ----------------------------------------------------


def _links_to_one_conf(root: Path) -> None:
    (root / "pip.conf").symlink_to("conf/real.conf")
    (root / "pip").mkdir()
    (root / "pip" / "pip.conf").symlink_to("../conf/real.conf")


def _link_outside(root: Path) -> None:
    (root.parent / "outside" / "pip.conf").write_bytes(b(f"[global]\nindex-url = {OLD}\n"))
    (root / "pip.conf").symlink_to("../outside/pip.conf")
    (root / "etc").mkdir()
    (root / "etc" / "pip.conf").symlink_to("/etc/pip.conf")


def _loops(root: Path) -> None:
    (root / "requirements.txt").symlink_to("constraints.txt")
    (root / "constraints.txt").symlink_to("requirements.txt")
    (root / "dir").mkdir()
    (root / "dir" / "loop").symlink_to("..")


def _hard_link(root: Path) -> None:
    os.link(root / "requirements.txt", root / "requirements-dev.txt")


def _still_linked(root: Path, out: str) -> None:
    assert "requirements.txt: has 2 hard links; not written" in out, out
    a, b_ = root / "requirements.txt", root / "requirements-dev.txt"
    assert os.stat(a).st_ino == os.stat(b_).st_ino


def _specials(root: Path) -> None:
    os.mkfifo(root / "requirements.txt")
    (root / "dev").mkdir()
    (root / "dev" / "requirements.txt").symlink_to("/dev/zero")


def _git(root: Path, *commands: list[str]) -> None:
    import subprocess

    run = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*run[:3], "init", "-q"], check=True)
    for cmd in commands:
        subprocess.run([*run, *cmd], check=True, capture_output=True)


def _gitlink(root: Path) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    _git(root, ["update-index", "--add", "--cacheinfo", f"160000,{sha},sub/mod"])


def _gitignored(root: Path) -> None:
    (root / ".gitignore").write_bytes(b"build/\n")
    _git(root)


MIXED = f"FROM python:3.12\r\nRUN echo a\r\nRUN pip install -i {OLD} x\nRUN echo b\r\n"
# fmt: off
F: list[Case] = [
    Case("F1", "two symlinks inside the repository to one pip.conf",
         {"conf/real.conf": b(f"[global]\nindex-url = {OLD}\n")}, "fix",
         ("pip.conf:2:13: PS101",), setup=_links_to_one_conf,
         after={"conf/real.conf": b(f"[global]\nindex-url = {NEW}\n")}),
    Case("F2", "symlinks out of the repository (a sibling and /etc)", {}, "skip",
         ("pip.conf: warning: symlink points outside the repository: skipped",
          "etc/pip.conf: warning: symlink points outside the repository: skipped"),
         setup=_link_outside),
    Case("F3", "symlink loops between files and a directory link to ..", {}, "skip",
         ("constraints.txt: warning: cannot resolve:",
          "requirements.txt: warning: cannot resolve:"), setup=_loops, budget=5.0),
    Case("F4", "hard-linked requirements file (nlink 2): refused, never split",
         {"requirements.txt": b(f"-i {OLD}\nflask\n")}, "error",
         ("requirements.txt:1:4: PS101",), setup=_hard_link, verify=_still_linked),
    Case("F5", "FIFO and a /dev/zero symlink named requirements.txt: never opened", {},
         "skip", ("requirements.txt: not a regular file (FIFO, socket or device)",
                  "dev/requirements.txt: warning: symlink points outside the repository"),
         setup=_specials, budget=5.0),
    Case("F12", "vendored and tool directories are not scanned",
         {"node_modules/x/Dockerfile": b(f"{FROM}RUN pip install -i {OLD} x\n"),
          ".venv/pip.conf": b(f"[global]\nindex-url = {OLD}\n"),
          "lib/site-packages/p/requirements.txt": b(f"-i {OLD}\n")}, "clean"),
    Case("F13", "a submodule (gitlink) is not entered",
         {"sub/mod/Dockerfile": b(f"{FROM}RUN pip install -i {OLD} x\n")}, "clean",
         setup=_gitlink),
    Case("F14", "a git-ignored file is not read in a directory scan",
         {"build/Dockerfile": b(f"{FROM}RUN pip install -i {OLD} x\n")}, "clean",
         setup=_gitignored),
    one("F15", "NUL bytes in the first KiB", "requirements.txt", b"-i x\n\x00\x01\x02\n",
        "error", "requirements.txt:1:1: PS900 binary file (NUL byte)"),
    one("F16", "mixed CRLF and LF: each line keeps its own ending", "Dockerfile", MIXED,
        "fix", "Dockerfile:3:20: PS101"),
    # a single-label host is an intranet name: reported, never replaced
    one("F17a", "ReDoS probe: https:// + 'a' x 5000 + '!'", "requirements.txt",
        "-i https://" + "a" * 5000 + "!\n", "report", "requirements.txt:1:4: PS101",
        budget=1.0),
    one("F17b", "ReDoS probe: https:// + ':' x 5000", "requirements.txt",
        "-i https://" + ":" * 5000 + "\n", "clean", budget=1.0),
]
# fmt: on

# --- cases of our own (X) ----------------------------------------------------------------

GBK_DOCKERFILE = f"# 使用清华镜像\n{FROM}RUN pip install -i {OLD} x  # 镜像\n"
# fmt: off
X: list[Case] = [
    one("X1", "GB18030 Dockerfile: Chinese comments kept byte for byte", "Dockerfile",
        GBK_DOCKERFILE.encode("gb18030"), "fix", "Dockerfile:3:20: PS101",
        after={"Dockerfile": swap(GBK_DOCKERFILE, (OLD, NEW), encoding="gb18030")}),
    one("X2", "GBK compose file with CRLF", "compose.yaml",
        f"# 镜像\r\nservices:\r\n  a:\r\n    environment:\r\n      PIP_INDEX_URL: {OLD}\r\n"
        .encode("gbk"), "fix", "compose.yaml:5:22: PS101",
        after={"compose.yaml": swap(
            f"# 镜像\r\nservices:\r\n  a:\r\n    environment:\r\n      PIP_INDEX_URL: {OLD}\r\n",
            (OLD, NEW), encoding="gbk")}),
    one("X3", "Latin-1 bytes: neither UTF-8 nor GB18030", "requirements.txt",
        b"# caf\xe9\n-i " + OLD.encode() + b"\n", "error",
        "requirements.txt:1:1: PS900 neither UTF-8 nor GB18030 text: not read"),
    one("X4", "UTF-16 BE with BOM", "requirements.txt",
        b"\xfe\xff" + f"-i {OLD}\nflask\n".encode("utf-16-be"), "fix",
        "requirements.txt:1:4: PS101",
        after={"requirements.txt": b"\xfe\xff" + f"-i {NEW}\nflask\n".encode("utf-16-be")}),
    one("X5", "UTF-8 BOM, CRLF and no final newline in pip.conf's sibling requirements",
        "requirements.txt", f"\ufeffflask\r\n-i {OLD}", "fix", "requirements.txt:2:4: PS101"),
    one("X6", "invalid UTF-16 after a UTF-16 BOM", "requirements.txt",
        b"\xff\xfe" + "-i x\n".encode("utf-16-le") + b"\x00\xd8", "error",
        "requirements.txt:2:1: PS900 invalid utf-16-le text"),
    one("X7", "unterminated heredoc in a Dockerfile", "Dockerfile",
        f"{FROM}RUN <<EOF\npip install -i {OLD} x\n", "error",
        "Dockerfile:2:1: PS900 unterminated heredoc <<EOF",
        "Dockerfile:3:16: PS101 index"),
    one("X8", "unterminated heredoc in a shell script", "build.sh",
        f"cat > /etc/pip.conf <<EOF\n[global]\nindex-url = {OLD}\n", "error",
        "build.sh:1:21: PS900 could not parse shell at line 1 (missing heredoc_end)"),
    # bash accepts a `\` at the end of the file (tree-sitter does not): read and fixed
    one("X9", "trailing backslash continuation at EOF in a shell script", "build.sh",
        f"pip install -i {OLD} \\", "fix", "build.sh:1:16: PS101"),
    one("X10", "unterminated quote in compose", "compose.yaml",
        f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: \"{OLD}\n", "error",
        "compose.yaml:5:1: PS900 YAML parse error: found unexpected end of stream"),
    one("X11", "unterminated section header in pip.conf", "pip.conf",
        f"[global\nindex-url = {OLD}\n", "error",
        "pip.conf:1:1: PS900 content before the first section header: pip refuses the file"),
    one("X12", "unterminated continuation at EOF in requirements", "requirements.txt",
        f"flask\n-i {OLD} \\", "fix", "requirements.txt:2:4: PS101"),
    one("X13", "alias bomb with the setting under the anchor: one edit", "compose.yaml",
        f"x-e: &e {{PIP_INDEX_URL: {OLD}}}\n"
        "l0: &l0 [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        + "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 9))
        + "services:\n  a:\n    environment: *e\n", "fix", "compose.yaml:1:25: PS101",
        budget=2.0),
    one("X14", "a 1.5 MB line next to the setting", "requirements.txt",
        f"-i {OLD}\n# {'x' * 1_500_000}\nflask\n", "fix", "requirements.txt:1:4: PS101",
        budget=5.0),
    one("X15", "2,000 RUN instructions", "Dockerfile",
        FROM + f"RUN pip install -i {OLD} x\n" + "RUN echo hi\n" * 2000, "fix",
        "Dockerfile:2:20: PS101", budget=5.0),
    one("X16", "deep nesting in a compose mapping with a setting inside", "compose.yaml",
        "".join(f"{'  ' * i}k{i}:\n" for i in range(400)) + f"{'  ' * 400}PIP_INDEX_URL: {OLD}\n",
        "error", "compose.yaml:201:401: PS900 too deeply nested: not read", budget=5.0),
    # libcst's native parser overflows its stack on these (a crash): CPython refuses them first
    one("X26", "50,000 nested lists in a Python script that calls pip", "build.py",
        f"import os\nos.system('pip install -i {OLD} x')\nx = " + "[" * 50000 + "]" * 50000
        + "\n", "error", "build.py:1:1: PS900 too deeply nested to parse", budget=5.0),
    one("X27", "a 50,000-long unary chain in a Python script", "build.py",
        f"import os\nos.system('pip install -i {OLD} x')\nx = (" + "-\n" * 50000 + "1)\n",
        "error", "build.py:1:1: PS900 too deeply nested to parse", budget=5.0),
    one("X28", "a Python script: an os.environ index, a list command and a shell string",
        "tools/build.py", _PY, "fix", "tools/build.py:2:32: PS101", "tools/build.py:3:64: PS101",
        "tools/build.py:4:36: PS101", after={"tools/build.py": b(_PY.replace(OLD, NEW))}),
]
# tox's configuration (tox.ini, setup.cfg, tox.toml)
T: list[Case] = [
    one("T1", "tox.ini with CRLF: set_env below its key", "tox.ini",
        f"[testenv]\r\nsetenv =\r\n    PIP_INDEX_URL = {OLD}\r\n    X = 1\r\ncommands = pytest\r\n",
        "fix", "tox.ini:3:21: PS101"),
    one("T2", "install_command continued over lines, {opts} {packages} kept", "tox.ini",
        "[testenv]\ninstall_command =\n    python -m pip install\n"
        f"    -i {OLD} {{opts}} {{packages}}\n",
        "fix", "tox.ini:4:8: PS101"),
    one("T3", "a tox substitution is never edited", "tox.ini",
        f"[testenv]\nset_env = PIP_INDEX_URL={{env:PIP_INDEX_URL:{OLD}}}\n", "clean"),
    one("T4", "a duplicate key: configparser (tox) refuses the file", "tox.ini",
        f"[testenv]\nset_env = PIP_INDEX_URL={OLD}\nset_env = X=1\n", "error",
        "tox.ini:3:1: PS900"),
    one("T5", "tox.ini: an inline comment after a set_env URL stays (tox strips it)",
        "tox.ini", f"[testenv]\nsetenv =\n    PIP_INDEX_URL = {OLD}  # the CI mirror\n",
        "fix", "tox.ini:3:21: PS101"),
    one("T6", "tox.toml argument list: only the URL item changes", "tox.toml",
        f'[env_run_base]\ncommands = [["pip", "install", "-i", "{OLD}", "x"]]\n', "fix",
        "tox.toml:2:39: PS101"),
]
# fmt: on
ALL = [*D, *S, *R, *P, *Y, *F, *X, *T]


# --- cases with a test of their own, and cases that do not apply -------------------------


# fmt: off
@dataclass(frozen=True)
class Dedicated:
    """A catalogue case that needs more than files (a race, an injected failure)."""

    id: str
    title: str
    outcome: str
    test: str  # module::function under tests/reliability/


FS = "test_filesystem.py::"
RED = "test_redaction.py::"
DEDICATED = [
    Dedicated("F19", "`--format sarif` (and every other format) on inputs with credentials",
              "no sentinel anywhere in the output, fixes that would insert one left out",
              "../test_formats.py::test_no_format_leaks_credentials"),
    Dedicated("F6", "unreadable file (chmod 000; simulated when running as root)",
              "`requirements.txt: Permission denied`; other files fixed; exit 1",
              FS + "test_unreadable_file_is_reported_and_the_run_goes_on"),
    Dedicated("F7", "file changed by another writer between read and write",
              "`changed on disk while pipsrc was processing it; not written`; the other "
              "writer's bytes kept",
              FS + "test_file_changed_between_read_and_write_is_not_overwritten"),
    Dedicated("F8", "read-only directory",
              "`cannot write: Permission denied`; original intact; no temp file",
              FS + "test_read_only_directory"),
    Dedicated("F9", "install.sh 0755, pip.conf 0600", "modes kept exactly after the fix",
              FS + "test_modes_are_kept"),
    Dedicated("F10", "names with a newline, Chinese characters, spaces, ESC/BEL",
              "found via `git ls-files -z`; text shows `we\\nird/Dockerfile`; JSON has the "
              "exact path",
              FS + "test_odd_names_are_found_and_printed_safely"),
    Dedicated("F11", "ESC, BEL, CR and `::error::` in values and names",
              "no raw control character in text or JSON; no line starts with `::`",
              FS + "test_escape_sequences_in_values_are_not_printed_raw"),
    Dedicated("F18", "`--diff` of a fix next to a credential URL",
              "`u:****@` on `-`, `+` and context lines; the sentinel on neither stream",
              RED + "test_diff_context_lines_are_redacted"),
    Dedicated("F20", "a fix whose output does not re-parse (injected buggy fixer)",
              "`internal error: a fix made the file unparsable; all changes reverted`; "
              "file not written; exit 1", FS + "test_fix_that_breaks_the_file_is_reverted"),
    Dedicated("X17", "os.replace raises / a write fails after half the bytes / Ctrl-C",
              "error line; every file byte-identical; no `.pipsrc-*.tmp` left",
              FS + "test_failed_write_leaves_the_original_and_no_temp_file"),
    Dedicated("X18", "fixed text that would not re-encode to the same bytes",
              "`line N would not be written back byte for byte in gb18030; not written`",
              FS + "test_write_that_would_not_round_trip_is_refused"),
    Dedicated("X19", "fix on sub-paths; links to a sibling directory and out of the repository",
              "only files under the given paths change (whole tmp tree compared); links "
              "reported, never written through",
              FS + "test_nothing_outside_the_given_paths_is_written"),
    Dedicated("X20", "two `pipsrc fix` processes on the same 120 files at once",
              "every file fixed exactly once; at most a detected race per file; no temp file",
              FS + "test_two_fix_runs_at_once"),
    Dedicated("X21", "150-deep directory tree; a 250-character directory name",
              "found and fixed (iterative walk)", FS + "test_deep_tree_and_long_names"),
    Dedicated("X22", "URL scanners on adversarial strings of size n and 4n",
              "time grows linearly (ratio < 9)", RED + "test_url_scanners_are_linear"),
    Dedicated("X24", "a .git/config whose core.fsmonitor names a program",
              "the program never runs (git is called with core.fsmonitor=false)",
              FS + "test_git_config_cannot_run_programs"),
    Dedicated("X25", "each parser on 40,000-character runs of the tokens it reacts to, n and 4n",
              "time grows linearly (found and fixed: quadratic heredoc-marker removal in "
              "RUN, per-item trusted-host scan in compose lists)",
              "test_limits.py::test_parsers_are_linear"),
    Dedicated("X23", "secrets in every output: text, JSON, diff, -o file, usage, policy and "
              "internal errors", "only `user:****@` is ever printed",
              RED + "test_no_secret_in_any_output"),
]

NOT_APPLICABLE = {
    "T1-T10": "pyproject.toml index settings: pipsrc does not read pyproject.toml as pip "
              "configuration (only its own `[tool.pipsrc]` policy)",
    "C1-C4": ".condarc / environment.yml: not a file kind pipsrc reads",
}
# fmt: on
