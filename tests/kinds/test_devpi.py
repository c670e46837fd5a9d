"""``devpi index ... mirror_url=URL mirror_web_url_fmt=FMT`` in scripts and Dockerfile RUN,
and a proxy's upstream variable in compose and .env files: exact spans."""

from __future__ import annotations

import pytest

from pipsrc.kinds.compose import parse as parse_compose
from pipsrc.kinds.dockerfile import parse as parse_dockerfile
from pipsrc.kinds.dotenv import parse as parse_dotenv
from pipsrc.kinds.shell import parse as parse_shell
from pipsrc.model import Method, SettingKind, Tool
from tests.kinds.spans import assert_spans

K = SettingKind
DOUBAN = "https://pypi.doubanio.com/simple/"
NJU = "https://mirror.nju.edu.cn/pypi/web/simple"
TORCH = "https://download.pytorch.org/whl/cu116"


def _proxy(doc: object) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (s.kind.value, s.raw, s.value, s.section)
        for s in doc.settings  # type: ignore[attr-defined]
        if s.tool is Tool.PROXY
    ]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            f"devpi index root/pypi mirror_url={NJU}",
            [("proxy-upstream", NJU, NJU, "root/pypi")],
        ),
        (
            f'devpi index -c douban type=mirror bases=root/pypi "mirror_url={DOUBAN}"',
            [("proxy-upstream", DOUBAN, DOUBAN, "douban")],
        ),
        (
            f'devpi index root/douban \\\n  "mirror_web_url_fmt={DOUBAN}{{name}}/" \\\n'
            f'\t"mirror_url={DOUBAN}"',
            [
                ("proxy-web-url-fmt", DOUBAN + "{name}/", DOUBAN + "{name}/", "root/douban"),
                ("proxy-upstream", DOUBAN, DOUBAN, "root/douban"),
            ],
        ),
        (
            f"sudo /usr/local/bin/devpi index --create torch-cu116 type=mirror "
            f"'mirror_url={TORCH}'",
            [("proxy-upstream", TORCH, TORCH, "torch-cu116")],
        ),
        (
            f"docker exec -it devpi devpi index root/pypi mirror_url={NJU}",
            [("proxy-upstream", NJU, NJU, "root/pypi")],
        ),
        (f"devpi index mirror_url={NJU}", [("proxy-upstream", NJU, NJU, None)]),
        # not an index command, or no upstream in it
        (f"devpi use http://localhost:3141 && echo mirror_url={NJU}", []),
        ("devpi index -c dev bases=root/pypi", []),
        (f"mydevpi index mirror_url={NJU}", []),
    ],
)
def test_devpi_index_in_a_script(
    command: str, expected: list[tuple[str, str, str | None, str | None]]
) -> None:
    text = f"#!/bin/sh\nset -e\n{command}\n"
    doc = parse_shell(text, "setup.sh")
    assert_spans(doc)
    assert _proxy(doc) == expected
    for s in doc.settings:
        if s.tool is Tool.PROXY:
            assert s.method is Method.DEVPI and s.editable
            assert text[s.span.start : s.span.end] == s.raw


def test_one_commands_settings_share_their_assignment() -> None:
    text = (
        f"#!/bin/sh\ndevpi index root/pypi mirror_url={NJU} mirror_web_url_fmt={NJU}/{{name}}/\n"
        f"devpi index -c torch type=mirror mirror_url={TORCH}\n"
    )
    doc = parse_shell(text, "setup.sh")
    a, b, c = [s for s in doc.settings if s.tool is Tool.PROXY]
    assert a.assign == b.assign != c.assign


def test_a_variable_upstream_resolves_to_its_literal() -> None:
    text = f'#!/bin/sh\nUP={NJU}\ndevpi index root/pypi "mirror_url=$UP"\n'
    doc = parse_shell(text, "setup.sh")
    assert_spans(doc)
    (s,) = [s for s in doc.settings if s.tool is Tool.PROXY]
    assert s.value == NJU and s.span.start == text.index(NJU)
    assert s.use_span is not None and text[s.use_span.start : s.use_span.end] == "$UP"


def test_devpi_index_in_a_dockerfile_run() -> None:
    text = (
        "FROM python:3.11\nRUN pip install devpi-server devpi-client\n"
        "RUN devpi-init && devpi use http://localhost:3141 && devpi login root --password= && \\\n"
        f"    devpi index root/pypi mirror_url={NJU}\n"
    )
    doc = parse_dockerfile(text, "Dockerfile")
    assert_spans(doc)
    assert _proxy(doc) == [("proxy-upstream", NJU, NJU, "root/pypi")]
    assert [s.editable for s in doc.settings if s.tool is Tool.PROXY] == [True]


def test_devpi_index_in_exec_form() -> None:
    text = f'FROM python:3.11\nRUN ["devpi", "index", "root/pypi", "mirror_url={NJU}"]\n'
    doc = parse_dockerfile(text, "Dockerfile")
    assert_spans(doc)
    assert _proxy(doc) == [("proxy-upstream", NJU, NJU, "root/pypi")]


SEED_COMPOSE = """version: "2.3"
services:
  devpi-lib:
    image: lowinli98/devpi:v0.1
    environment:
      - DEVPISERVER_MIRROR_INDEX=pypi                    # the mirror index
      - SOURCE_MIRROR_URL=https://pypi.douban.com/simple # the upstream
      - "APT_MIRROR_URL=https://mirrors.aliyun.com/ubuntu"
"""


def test_an_upstream_variable_in_a_devpi_compose_file() -> None:
    doc = parse_compose(SEED_COMPOSE, "docker-compose.yml")
    assert_spans(doc)
    (s,) = [s for s in doc.settings if s.tool is Tool.PROXY]
    assert (s.kind, s.key, s.value, s.method) == (
        K.PROXY_UPSTREAM,
        "SOURCE_MIRROR_URL",
        "https://pypi.douban.com/simple",
        Method.COMPOSE_ENV,
    )
    assert SEED_COMPOSE[s.span.start : s.span.end] == s.value and s.editable


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # a mapping entry, quoted
        ("services:\n  devpi:\n    environment:\n"
         f'      PYPI_UPSTREAM_URL: "{DOUBAN}"\n', [DOUBAN]),
        # no devpi in the file: a mirror variable of something else
        ("services:\n  app:\n    environment:\n"
         f"      - MIRROR_URL={DOUBAN}\n      - PIP_INDEX_URL={DOUBAN}\n", []),
        # not a PyPI mirror, or not an upstream name
        ("services:\n  devpi:\n    environment:\n"
         "      - UPSTREAM=https://mirrors.tuna.tsinghua.edu.cn/anaconda\n"
         "      - MIRROR_URL=http://10.0.0.5:8080/simple\n"
         f"      - DEVPISERVER_INDEX={DOUBAN}\n", []),
    ],
)  # fmt: skip
def test_compose_upstream_variables_are_guessed_conservatively(text: str, found: list[str]) -> None:
    doc = parse_compose(text, "docker-compose.yml")
    assert_spans(doc)
    assert [s.value for s in doc.settings if s.tool is Tool.PROXY] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"PYPI_PATH=/data/pypi\nSOURCE_MIRROR_URL={DOUBAN}\n", [DOUBAN]),
        (f"export DEVPI_MIRROR_URL='{NJU}'  # upstream\n", [NJU]),
        (f"# devpi\nMIRROR_URL={NJU}\n", [NJU]),
        (f"MIRROR_URL={NJU}\n", []),  # nothing says devpi
        (f"UPSTREAM_URL={TORCH}\n", []),  # a vendor index, not a PyPI mirror
    ],
)
def test_dotenv_upstream_variables(text: str, found: list[str]) -> None:
    doc = parse_dotenv(text, ".env")
    assert_spans(doc)
    got = [s for s in doc.settings if s.tool is Tool.PROXY]
    assert [s.value for s in got] == found
    assert all(s.method is Method.DOTENV and s.kind is K.PROXY_UPSTREAM for s in got)


SEED_RUN = (
    "docker run -d --name devpi-lib -p 7104:7104 --env DEVPISERVER_PORT=7104 "
    "--env DEVPISERVER_MIRROR_INDEX=pypi --env SOURCE_MIRROR_URL=https://pypi.douban.com/simple "
    "--restart always lowinli98/devpi:v0.1"
)


@pytest.mark.parametrize(
    ("command", "found"),
    [
        (SEED_RUN, ["https://pypi.douban.com/simple"]),
        (
            f'docker run -e "PYPI_UPSTREAM={NJU}" -eDEVPI_MIRROR_URL={DOUBAN} devpi/devpi',
            [NJU, DOUBAN],
        ),
        (f"sudo docker create --env=SOURCE_MIRROR_URL={NJU} my/devpi-image", [NJU]),
        # not a devpi image, or not an upstream
        (f"docker run -e SOURCE_MIRROR_URL={NJU} nginx", []),
        ("docker run -e MIRROR_URL=https://mirrors.aliyun.com/ubuntu devpi", []),
        (f"docker build --build-arg SOURCE_MIRROR_URL={NJU} -t devpi .", []),
    ],
)
def test_docker_run_of_a_devpi_image_passes_its_upstream(command: str, found: list[str]) -> None:
    text = f"#!/bin/sh\n{command}\n"
    doc = parse_shell(text, "run-devpi.sh")
    assert_spans(doc)
    got = [s for s in doc.settings if s.tool is Tool.PROXY]
    assert [s.value for s in got] == found
    assert all(s.method is Method.ENV and s.kind is K.PROXY_UPSTREAM and s.editable for s in got)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"FROM python:3.11\nRUN pip install devpi-server\nENV SOURCE_MIRROR_URL={DOUBAN}\n",
         [DOUBAN]),
        (f'FROM python:3.11 AS devpi\nARG PYPI_UPSTREAM="{NJU}"\nENV DEVPI_MIRROR_URL {DOUBAN}\n',
         [NJU, DOUBAN]),
        # no devpi in the file; a multi-pair ENV line is left alone (conservative)
        (f"FROM python:3.11\nENV SOURCE_MIRROR_URL={DOUBAN}\n", []),
        (f"FROM devpi\nENV A=1 SOURCE_MIRROR_URL={DOUBAN}\n", []),
    ],
)  # fmt: skip
def test_dockerfile_upstream_variables(text: str, found: list[str]) -> None:
    doc = parse_dockerfile(text, "Dockerfile")
    assert_spans(doc)
    got = [s for s in doc.settings if s.tool is Tool.PROXY]
    assert [s.value for s in got] == found
    assert all(doc.scope(s.scope) is not None and s.scope.startswith("stage") for s in got)
