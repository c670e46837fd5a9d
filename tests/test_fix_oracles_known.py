"""Hand-written cases: fixes known to be bad, each a minimal input for one class.

The issue's list (a redundant ``pip config set global.extra-index-url`` removed while a later
RUN unsets it; the only command of a ``then`` branch removed; a private index replaced by
the public mirror; ``ENV PIP_INDEX_URL`` inserted over an ``ARG``; an http index's
trusted-host moved to the new https host; an ``A || B || C`` fallback made identical) and
what the oracles found besides (tests/test_fix_oracles.py; /work/notes/fix-oracles.md).

All of them go through the command line in one batch (each in its own directory of one
tree): ``python -m pipsrc fix --mirror aliyun [--unsafe-fixes]``, ``check --format json``,
a second ``fix``. Each test passes when no oracle disagrees with the fix pipsrc makes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.oracles.harness import run_cli_tree
from tests.oracles.model import CaseResult, failure

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
NEXUS = "https://nexus.corp.example/repository/pypi-group/simple"

# id: (file name, text); the id starts with the class the oracles name today
CASES: dict[str, tuple[str, str]] = {
    # --- the list ---
    "unset-without-set/redundant-extra-index-removed-then-unset": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
RUN pip config set global.index-url {ALIYUN} && \\
    pip config set global.extra-index-url {ALIYUN}
RUN pip install requests
RUN pip config unset global.extra-index-url
""",
    ),
    "empty-compound/then-branch-emptied-in-a-script": (
        "build.sh",
        f"""\
#!/bin/sh
pip config set global.index-url {ALIYUN}
if [ -n "$CI" ]; then
  pip config set global.extra-index-url {TUNA}
fi
pip install requests
""",
    ),
    "empty-compound/then-branch-emptied-in-a-RUN": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
ENV PIP_INDEX_URL={ALIYUN}
RUN if [ -n "$CI" ]; then pip config set global.extra-index-url https://pypi.org/simple; fi
""",
    ),
    "empty-compound/do-and-brace-bodies-emptied": (
        "setup.sh",
        f"""\
#!/bin/bash
pip config set global.index-url {ALIYUN}
for i in 1 2; do
  pip config set global.extra-index-url https://pypi.org/simple
done
{{ pip config set global.extra-index-url https://pypi.org/simple; }}
""",
    ),
    "empty-compound/else-branch-emptied-in-a-heredoc-RUN": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
ENV PIP_INDEX_URL={ALIYUN}
RUN <<EOF
if [ -f /etc/pip.conf ]; then
  echo configured
else
  pip config set global.extra-index-url https://pypi.org/simple
fi
EOF

RUN pip install requests
""",
    ),
    "private-index-replaced/intranet-nexus-in-a-RUN": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
RUN pip install -i {NEXUS} corp-utils
""",
    ),
    "private-index-replaced/intranet-devpi-in-requirements": (
        "requirements.txt",
        """\
--index-url http://10.8.0.12:3141/root/dev/+simple/
--trusted-host 10.8.0.12:3141
corp-utils==1.4
""",
    ),
    "private-index-replaced/vendor-index-in-pip.conf": (
        "pip.conf",
        """\
[global]
index-url = https://pypi.vendor-sdk.example/simple/
""",
    ),
    "private-index-replaced/nexus-in-compose-build-args": (
        "docker-compose.yml",
        f"""\
services:
  api:
    build:
      context: .
      args:
        PIP_INDEX_URL: {NEXUS}
""",
    ),
    "env-shadows-arg/env-inserted-above-the-arg": (
        "Dockerfile",
        """\
FROM python:3.12-slim
ARG PIP_INDEX_URL
RUN pip install requests
""",
    ),
    "check-after-fix/trusted-host-moved-to-an-https-host": (
        "requirements.txt",
        """\
-i http://pypi.douban.com/simple/
--trusted-host pypi.douban.com
requests
""",
    ),
    "check-after-fix/trusted-host-moved-in-pip-config-set": (
        "Dockerfile",
        """\
FROM python:3.12-slim
RUN pip config set global.index-url http://pypi.douban.com/simple/ && \\
    pip config set global.trusted-host pypi.douban.com && \\
    pip install requests
""",
    ),
    "fallback-collapsed/three-attempts-made-identical": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
RUN pip install -i {TUNA} requests || \\
    pip install -i https://mirrors.ustc.edu.cn/pypi/simple requests || \\
    pip install requests
""",
    ),
    # --- found by the generated cases ---
    "instructions-changed/continuation-left-open-swallows-COPY": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
ENV PIP_INDEX_URL={ALIYUN}
RUN pip install requests \\
    # the public index, for the nightly builds
    --extra-index-url https://pypi.org/simple/
COPY . /app
""",
    ),
    "dockerfile-parse/first-flag-removed-above-a-comment-line": (
        "Dockerfile",
        """\
FROM python:3.12-slim
RUN python -m pip install --extra-index-url=http://mirrors.aliyun.com/pypi/simple/ \\
    # the mirror
    requests
""",
    ),
    "compose-structure/environment-list-left-empty": (
        "compose.yaml",
        f"""\
services:
  api:
    build:
      context: .
      args:
        PIP_INDEX_URL: {TUNA}
        PIP_TRUSTED_HOST: pypi.tuna.tsinghua.edu.cn
    environment:
      - PIP_TRUSTED_HOST=pypi.org
""",
    ),
    "hadolint-finding/RUNs-left-to-consolidate": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
RUN pip config set global.index-url {ALIYUN} && \\
    pip config set global.extra-index-url {ALIYUN}
RUN pip install --no-cache-dir requests==2.31.0
""",
    ),
    # --- found by the generated cases after the fallback-chain work ---
    "hadolint-finding/fallback-cut-after-an-and-list": (
        "Dockerfile",
        """\
FROM python:3.12-slim
RUN pip install requests && if [ -n "$CI" ]; then pip install requests; fi || \\
    pip install -i http://mirrors.aliyun.com/pypi/simple/ requests || pip install requests
""",
    ),
    "hadolint-finding/config-removed-between-or-and-and": (
        "Dockerfile",
        """\
FROM python:3.12-slim
RUN pip install requests && pip install requests || \\
    pip config set global.extra-index-url http://mirrors.aliyun.com/pypi/simple/ && \\
    if [ -n "$CI" ]; then pip install requests; fi
""",
    ),
    "private-index-replaced/printf-into-pip-conf-read-as-a-message": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
RUN pip install -i http://mirrors.aliyun.com/pypi/simple/ --trusted-host mirrors.aliyun.com \\
    requests && printf '[global]\\nindex-url = %s\\n' {NEXUS} > /etc/pip.conf || \\
    pip install requests
""",
    ),
    "check-after-fix/own-trusted-host-kept-for-another-commands-http-index": (
        "Dockerfile",
        """\
FROM python:3.12-slim
RUN if [ -n "$CI" ]; then pip install -i http://mirrors.aliyun.com/pypi/simple/ x; fi && \\
    pip install -i http://mirrors.aliyun.com/pypi/simple/ --trusted-host mirrors.aliyun.com y
""",
    ),
    "fallback-collapsed/bare-first-attempt-then-the-policy-mirror": (
        "build.sh",
        f"""\
#!/bin/sh
pip install requests || pip install -i {ALIYUN} requests
""",
    ),
    "check-after-fix/own-trusted-host-of-a-command-with-its-own-index": (
        "Dockerfile",
        """\
FROM python:3.12-slim
RUN printf '[global]\\nindex-url = %s\\n' http://mirrors.aliyun.com/pypi/simple/ > /etc/pip.conf
RUN pip install --index-url https://mirrors.cloud.tencent.com/pypi/simple \\
    --trusted-host mirrors.aliyun.com torch
""",
    ),
    "hadolint-finding/heredoc-RUN-left-with-one-command": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
ENV PIP_INDEX_URL={ALIYUN}
RUN <<EOF
set -eux
pip config set global.extra-index-url http://mirrors.aliyun.com/pypi/simple/
EOF

RUN apt-get update
""",
    ),
    "check-after-fix/ENV-between-one-command-RUNs-removed": (
        "Dockerfile",
        """\
FROM python:3.12-slim
ARG INDEX_URL=http://mirrors.aliyun.com/pypi/simple/
RUN pip install -i $INDEX_URL requests
ENV PIP_EXTRA_INDEX_URL=http://mirrors.aliyun.com/pypi/simple/
RUN pip install requests
""",
    ),
    "fallback-collapsed/config-read-by-a-bare-fallback-moved": (
        "Dockerfile",
        """\
FROM python:3.12-slim
RUN pip config set global.index-url https://pypi.org/simple
RUN pip install requests
RUN pip install -i http://mirrors.aliyun.com/pypi/simple/ requests || pip install requests
""",
    ),
    "fallback-collapsed/http-twin-of-an-https-attempt": (
        "build.sh",
        f"""\
#!/bin/sh
export PIP_INDEX_URL={ALIYUN}
pip install -i http://mirrors.aliyun.com/pypi/simple/ requests || pip install requests
""",
    ),
    "shell-syntax/and-connector-before-a-semicolon": (
        "build.sh",
        f"""\
#!/bin/sh
export PIP_INDEX_URL={ALIYUN}
if [ -n "$CI" ]; then pip install x && pip config set global.extra-index-url {ALIYUN}; fi
""",
    ),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, CaseResult]]:
    src = tmp_path_factory.mktemp("known") / "src"
    dirs: dict[str, str] = {}
    for i, (case, (name, text)) in enumerate(CASES.items()):
        d = src / f"case{i:02d}"
        d.mkdir(parents=True)
        (d / name).write_text(text, encoding="utf-8")
        dirs[f"case{i:02d}/{name}"] = case
    found = run_cli_tree(src, src.parent / "work", ("--mirror", "aliyun"))
    yield {dirs[r.path]: r for r in found if r.path in dirs}


@pytest.mark.parametrize("case", sorted(CASES))
def test_known_bad_fix(case: str, results: dict[str, CaseResult]) -> None:
    result = results[case]  # leaving the input as it is, when no safe fix exists, passes too
    err = failure(result)
    if err is not None:
        raise err
