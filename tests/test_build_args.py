"""Build arguments stay build arguments: PS104's fix never inserts an ``ENV`` that shadows an
``ARG`` of the same name (BuildKit: the ENV always wins, so ``--build-arg`` and compose
``build.args`` would stop reaching pip), and compose ``build.args`` are read against the
Dockerfile they build, so the value ``docker compose build`` passes is fixed with the
``ARG`` default it overrides."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipsrc.api import Policy, fix_text
from tests.cliutil import invoke
from tests.trees import write_tree

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
POLICY = Policy().with_index("aliyun")


def _fix(text: str, unsafe: bool = False) -> str:
    return str(fix_text(text, "Dockerfile", POLICY, unsafe=unsafe, cli_index=True))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # the ARG gets the policy index as its default: a --build-arg still wins over it
        (
            "FROM python:3.12-slim\nARG PIP_INDEX_URL\nRUN pip install requests\n",
            f'FROM python:3.12-slim\nARG PIP_INDEX_URL="{ALIYUN}"\nRUN pip install requests\n',
        ),
        # an empty default unsets the variable: it gets the index too
        (
            "FROM python:3.12-slim\nARG PIP_INDEX_URL=\nRUN pip install requests\n",
            f'FROM python:3.12-slim\nARG PIP_INDEX_URL="{ALIYUN}"\nRUN pip install requests\n',
        ),
        # one ARG instruction declaring several names
        (
            "FROM python:3.12-slim\nARG VERSION=1 PIP_INDEX_URL\nRUN pip install requests\n",
            f'FROM python:3.12-slim\nARG VERSION=1 PIP_INDEX_URL="{ALIYUN}"\n'
            "RUN pip install requests\n",
        ),
        # an install before the ARG: an ARG with the default after FROM, never an ENV
        (
            "FROM python:3.12-slim\nRUN pip install requests\nARG PIP_INDEX_URL\n"
            "RUN pip install flask\n",
            f'FROM python:3.12-slim\nARG PIP_INDEX_URL="{ALIYUN}"\nRUN pip install requests\n'
            "ARG PIP_INDEX_URL\nRUN pip install flask\n",
        ),
        # uv's variable, for a uv install
        (
            "FROM python:3.12-slim\nARG UV_DEFAULT_INDEX\nRUN uv pip install --system requests\n",
            f'FROM python:3.12-slim\nARG UV_DEFAULT_INDEX="{ALIYUN}"\n'
            "RUN uv pip install --system requests\n",
        ),
        # no ARG of that name: the ENV as before
        (
            "FROM python:3.12-slim\nARG VERSION=1\nRUN pip install requests\n",
            f'FROM python:3.12-slim\nENV PIP_INDEX_URL="{ALIYUN}"\nARG VERSION=1\n'
            "RUN pip install requests\n",
        ),
    ],
)
def test_an_inserted_env_never_shadows_a_build_argument(before: str, after: str) -> None:
    # a bare ARG is an info note whose fix (the default) is unsafe: an empty build argument
    # may mean PyPI on purpose
    assert _fix(before, unsafe=True) == after
    assert _fix(after, unsafe=True) == after


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = write_tree(tmp_path / "repo", files)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


DOCKERFILE = """\
FROM python:3.12
ARG PIP_MIRROR=https://pypi.org/simple
RUN pip config set global.index-url "${PIP_MIRROR}" && \\
    pip install requests
"""


def _compose(args: str, dockerfile: str = "docker/Dockerfile") -> str:
    return (
        "services:\n  app:\n    build:\n      context: .\n"
        f"      dockerfile: {dockerfile}\n      args:\n{args}"
    )


@pytest.mark.parametrize(
    ("args", "fixed"),
    [
        (
            "        PIP_MIRROR: https://pypi.tuna.tsinghua.edu.cn/simple\n        VERSION: 1\n",
            "        PIP_MIRROR: https://mirrors.aliyun.com/pypi/simple\n        VERSION: 1\n",
        ),
        (
            '        - "PIP_MIRROR=https://pypi.org/simple/"\n',
            '        - "PIP_MIRROR=https://mirrors.aliyun.com/pypi/simple/"\n',
        ),
    ],
)
def test_compose_build_args_are_fixed_with_the_arg_they_feed(
    tmp_path: Path, args: str, fixed: str
) -> None:
    root = _repo(tmp_path, {"docker/Dockerfile": DOCKERFILE, "docker-compose.yml": _compose(args)})
    result = invoke(["fix", "--mirror", "aliyun", str(root)])
    assert result.exit_code == 1, result.output
    assert (root / "docker-compose.yml").read_text() == _compose(fixed)
    assert (
        "ARG PIP_MIRROR=https://mirrors.aliyun.com/pypi/simple\n"
        in (root / "docker/Dockerfile").read_text()
    )
    assert invoke(["check", "--mirror", "aliyun", str(root)]).exit_code == 0


def test_a_compose_file_alone_is_read_against_its_dockerfile(tmp_path: Path) -> None:
    """pre-commit passes only the changed compose file: the Dockerfile is still consulted."""
    args = "        PIP_MIRROR: https://pypi.tuna.tsinghua.edu.cn/simple\n"
    root = _repo(tmp_path, {"docker/Dockerfile": DOCKERFILE, "docker-compose.yml": _compose(args)})
    result = invoke(["check", "--mirror", "aliyun", str(root / "docker-compose.yml")])
    assert "PS101" in result.output and "tuna" in result.output


def test_an_unresolved_arg_is_judged_by_the_value_compose_passes(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nARG MIRROR\nRUN pip install -i $MIRROR requests\n"
    args = "        MIRROR: http://10.0.0.9:3141/root/dev/+simple/\n"
    root = _repo(tmp_path, {"Dockerfile": dockerfile, "compose.yaml": _compose(args, "Dockerfile")})
    out = invoke(["check", "--mirror", "aliyun", str(root)]).output
    assert "PS101" in out and "left as it is" in out  # a private index: never replaced
    assert invoke(["fix", "--mirror", "aliyun", "--unsafe-fixes", str(root)]).exit_code == 0


def test_args_the_dockerfile_does_not_use_for_an_index_are_not_judged(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nARG PIP_MIRROR\nRUN echo $PIP_MIRROR\n"
    args = "        PIP_MIRROR: https://pypi.org/simple\n"
    root = _repo(tmp_path, {"Dockerfile": dockerfile, "compose.yaml": _compose(args, "Dockerfile")})
    assert invoke(["check", "--mirror", "aliyun", str(root)]).exit_code == 0
