"""Internal proxy URL shapes (devpi ``/<user>/<index>/+simple/``, Nexus
``/repository/NAME/simple``, Artifactory ``/artifactory/api/pypi/NAME/simple``, quetz
``/get/CHANNEL``) are never given a safe fix to a public mirror, by any rule that rewrites
an index or a channel, on public host names (a private host is private whatever its path)."""

from __future__ import annotations

import pytest

from pipsrc.api import Policy, check_text, fix_text
from pipsrc.catalogue import catalogue
from pipsrc.model import Applicability
from pipsrc.origin import origin
from pipsrc.policy import CondaPolicy
from pipsrc.records import replace

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
USTC = "https://mirrors.ustc.edu.cn/pypi/simple"
POLICY = replace(
    Policy().with_index("aliyun"),
    fallback_indexes=(USTC,),
    conda=CondaPolicy().with_mirror("tuna"),
)

# on public-looking hosts, so that only the path says what they are
PIP_SHAPES = {
    "devpi user index": "https://pkgs.acme-widgets.com/team/dev/+simple/",
    "devpi root mirror": "http://pypi-cache.acme-widgets.com:3141/root/pypi/+simple/",
    "devpi on a public IP": "http://8.8.8.8:3141/ci/stable/+simple/",
    "nexus": "https://nexus.acme-widgets.com/repository/pypi-proxy/simple",
    "nexus under a context path": "https://acme-widgets.com/nexus/repository/pypi-all/simple/",
    "artifactory": "https://acme-widgets.jfrog.io/artifactory/api/pypi/pypi-virtual/simple",
    "quetz": "https://quetz.acme-widgets.com/get/pypi-mirror",
}
CONDA_SHAPES = {
    "quetz cloud channel": "http://conda.acme-widgets.com:8003/get/cloud",
    "quetz channel": "https://quetz.acme-widgets.com/get/conda-forge",
    "quetz on a public IP": "http://8.8.8.8:8003/get/pkgs",
}


def _public_urls() -> list[str]:
    out = ["pypi.org", "pypi.python.org", "files.pythonhosted.org"]
    for m in catalogue().mirrors:
        if not m.is_vendor:
            out.append(m.url.split("://", 1)[1].split("/", 1)[0])
            if m.conda:
                out.append(m.conda.split("://", 1)[1].split("/", 1)[0])
    return sorted(set(out))


PUBLIC_HOSTS = _public_urls()


def _pip_cases(url: str) -> dict[str, tuple[str, str]]:
    """Where each index-rewriting rule meets the URL: PS101 (primary), PS102 (extra),
    PS109/PS101 (an install fallback), PS201 (plain http), PS107 (forms)."""
    return {
        "PS101 requirements": ("requirements.txt", f"-i {url}\nrequests\n"),
        "PS101 pip.conf": ("pip.conf", f"[global]\nindex-url = {url}\n"),
        "PS101 RUN": ("Dockerfile", f"FROM python:3.12\nRUN pip install -i {url} requests\n"),
        "PS101 ENV": (
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={url}\nRUN pip install x\n",
        ),
        "PS101 compose": (
            "docker-compose.yml",
            f"services:\n  app:\n    environment:\n      - PIP_INDEX_URL={url}\n",
        ),
        "PS101 uv": ("pyproject.toml", f'[tool.uv]\nindex-url = "{url}"\n'),
        "PS102 extra": ("requirements.txt", f"-i {ALIYUN}\n--extra-index-url {url}\nrequests\n"),
        "PS109 fallback": ("build.sh", f"#!/bin/sh\npip install -i {url} x || pip install x\n"),
        "PS109 second attempt": (
            "build.sh",
            f"#!/bin/sh\npip install -i {ALIYUN} x || pip install -i {url} x\n",
        ),
    }


def _assert_no_public_rewrite(path: str, text: str, url: str) -> None:
    """No safe edit touching the URL writes a public host (a PS104 fix that configures an
    implicit install elsewhere in the file is no rewrite of it), and a fix keeps it."""
    at = text.index(url)
    for f in check_text(text, path, POLICY):
        if f.fix is None or f.fix.applicability is not Applicability.SAFE:
            continue
        for e in f.fix.edits:
            if e.start < at + len(url) and at < e.end:
                assert not any(h in e.replacement for h in PUBLIC_HOSTS), (f.code, e)
    fixed = fix_text(text, path, POLICY)
    assert url in fixed, fixed


@pytest.mark.parametrize("shape", sorted(PIP_SHAPES))
def test_pip_proxy_shapes_are_private(shape: str) -> None:
    o = origin(PIP_SHAPES[shape])
    assert o.cls == "private", o
    assert "internal proxy" in o.why


@pytest.mark.parametrize("shape", sorted(PIP_SHAPES))
@pytest.mark.parametrize("case", sorted(_pip_cases("x")))
def test_no_rule_gives_a_pip_proxy_a_safe_fix_to_a_public_mirror(shape: str, case: str) -> None:
    url = PIP_SHAPES[shape]
    path, text = _pip_cases(url)[case]
    assert check_text(text, path, POLICY), "the index is still reported"
    _assert_no_public_rewrite(path, text, url)


def _conda_cases(url: str) -> dict[str, tuple[str, str]]:
    return {
        "PS601 channel": (".condarc", f"channels:\n  - {url}/conda-forge\n"),
        "PS601 default_channels": (".condarc", f"default_channels:\n  - {url}/main\n"),
        "PS601 channel_alias": (".condarc", f"channel_alias: {url}\n"),
        "PS601 custom_channels": (".condarc", f"custom_channels:\n  conda-forge: {url}\n"),
        "PS601 environment.yml": ("environment.yml", f"channels:\n  - {url}/conda-forge\n"),
        "PS601 conda -c": ("build.sh", f"#!/bin/sh\nconda install -c {url}/conda-forge numpy\n"),
        "PS601 conda config": (
            "build.sh",
            f"#!/bin/sh\nconda config --set channel_alias {url}\n",
        ),
    }


@pytest.mark.parametrize("shape", sorted(CONDA_SHAPES))
@pytest.mark.parametrize("case", sorted(_conda_cases("x")))
def test_no_rule_gives_a_quetz_channel_a_safe_fix_to_a_public_mirror(shape: str, case: str) -> None:
    url = CONDA_SHAPES[shape]
    path, text = _conda_cases(url)[case]
    _assert_no_public_rewrite(path, text, url)
