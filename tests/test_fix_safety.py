"""Fix safety by what the index is (pipsrc.origin): only PyPI and catalogued public mirrors
are replaced by a safe fix; a mirror's cloud-internal address or an uncatalogued mirror-shaped
host by an unsafe one; a private address, an internal proxy, a vendor's index or any other
unknown host never (the finding says why), in every file kind."""

from __future__ import annotations

import pytest

from pipsrc.api import Policy, check_text, fix_text
from pipsrc.model import Applicability
from pipsrc.origin import origin
from pipsrc.records import replace

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
POLICY = Policy().with_index("aliyun")

CLASSES = [
    ("https://pypi.org/simple", "public"),
    ("https://pypi.python.org/simple", "public"),
    ("https://pypi.tuna.tsinghua.edu.cn/simple", "public"),
    ("https://mirrors.tuna.tsinghua.edu.cn/pypi/web/simple", "public"),  # alias
    ("http://pypi.douban.com/simple/", "public"),  # legacy
    ("https://mirrors.huaweicloud.com/repository/pypi/simple", "public"),  # a Nexus path
    ("http://mirrors.cloud.aliyuncs.com/pypi/simple/", "intranet"),
    ("http://mirrors.tencentyun.com/pypi/simple", "intranet"),
    ("https://mirrors.sustech.edu.cn/pypi/web/simple", "mirror-like"),
    ("http://10.8.0.12:3141/root/dev/+simple/", "private"),
    ("http://192.168.1.5/simple", "private"),
    ("http://172.20.0.3:8080/simple", "private"),
    ("http://127.0.0.1:3141/simple", "private"),
    ("http://[fd00::1]/simple", "private"),
    ("http://pypi-cache/simple", "private"),  # single label
    ("http://devpi.local:3141/simple", "private"),
    ("https://pypi.build.internal/simple", "private"),
    ("https://pypi.acme.corp/simple", "private"),
    ("https://pypi.office.lan/simple", "private"),
    ("http://cache.pypi.svc.cluster.local/pypi/simple", "private"),
    ("https://pypi.corp.acme.com/simple", "private"),
    ("https://pkgs.acme.com/devpi/root/dev/+simple/", "private"),
    ("https://devpi.acme.com/root/pypi/", "private"),
    ("https://nexus.acme.com/repository/pypi-group/simple", "private"),
    ("https://acme.jfrog.io/artifactory/api/pypi/pypi-remote/simple", "private"),
    ("https://gitlab.acme.com/api/v4/projects/42/packages/pypi/simple", "private"),
    ("https://pkgs.dev.azure.com/acme/_packaging/feed/pypi/simple/", "private"),
    ("https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/r/simple/", "private"),
    ("https://europe-python.pkg.dev/acme/pypi/simple/", "private"),
    ("https://pypi.fury.io/acme/", "private"),
    ("https://user:SENTINEL0123456789abcdef@pypi.acme.com/simple", "private"),
    ("https://download.pytorch.org/whl/cu121", "vendor"),
    ("https://vault.habana.ai/artifactory/api/pypi/gaudi-python/simple", "vendor"),
    ("https://repo.huaweicloud.com/ascend/repos/pypi", "vendor"),
    ("https://pip.repos.neuron.amazonaws.com", "vendor"),
    ("https://wheels.acme-gpu.com/whl/cu121", "vendor"),  # wheel-host shaped
    ("https://pypi.acme.com/simple", "unknown"),
]


@pytest.mark.parametrize(("url", "cls"), CLASSES)
def test_origin_classes(url: str, cls: str) -> None:
    o = origin(url)
    assert o.cls == cls, o
    assert o.why


def _ps101(text: str, path: str) -> list[object]:
    return [f for f in check_text(text, path, POLICY) if f.code == "PS101"]


NEVER = {
    "intranet nexus in a RUN": (
        "Dockerfile",
        "FROM python:3.12\n"
        "RUN pip install -i https://nexus.corp.example/repository/pypi-group/simple corp-utils\n",
    ),
    "devpi on an intranet ip in requirements": (
        "requirements.txt",
        "--index-url http://10.8.0.12:3141/root/dev/+simple/\n"
        "--trusted-host 10.8.0.12:3141\ncorp-utils==1.4\n",
    ),
    "a vendor's wheel index in pip.conf": (
        "pip.conf",
        "[global]\nindex-url = https://wheels.acme-gpu.com/whl/cu121\n",
    ),
    "an unknown host in compose build args": (
        "docker-compose.yml",
        "services:\n  api:\n    build:\n      context: .\n      args:\n"
        "        PIP_INDEX_URL: https://pypi.acme.com/simple\n",
    ),
    "an artifactory in pip config set": (
        "build.sh",
        "#!/bin/sh\npip config set global.index-url "
        "https://acme.jfrog.io/artifactory/api/pypi/pypi/simple\npip install corp-utils\n",
    ),
    "a private index as a VAR= prefix": (
        "build.sh",
        "#!/bin/sh\nPIP_INDEX_URL=http://pypi-cache:8080/simple pip install corp-utils\n",
    ),
    "an ARG default naming a nexus": (
        "Dockerfile",
        "FROM python:3.12\nARG PIP_INDEX_URL=https://nexus.acme.com/repository/pypi/simple\n"
        "RUN pip install corp-utils\n",
    ),
}


@pytest.mark.parametrize("case", sorted(NEVER))
def test_private_vendor_and_unknown_indexes_are_never_replaced(case: str) -> None:
    path, text = NEVER[case]
    found = _ps101(text, path)
    assert found, "PS101 still reports the index"
    for f in found:
        assert f.fix is None, f
        assert "left as it is" in f.message and "lost" in f.message, f.message
    assert fix_text(text, path, POLICY, unsafe=True) == text


def test_a_mirrors_intranet_address_gets_only_an_unsafe_fix() -> None:
    text = "-i http://mirrors.cloud.aliyuncs.com/pypi/simple/\nrequests\n"
    (f,) = _ps101(text, "requirements.txt")
    assert f.applicability == Applicability.UNSAFE
    assert fix_text(text, "requirements.txt", POLICY) == text
    assert fix_text(text, "requirements.txt", POLICY, unsafe=True) == f"-i {ALIYUN}\nrequests\n"


def test_public_mirrors_keep_their_safe_fix() -> None:
    text = "-i https://pypi.tuna.tsinghua.edu.cn/simple/\nrequests\n"
    (f,) = _ps101(text, "requirements.txt")
    assert f.applicability == Applicability.SAFE
    assert fix_text(text, "requirements.txt", POLICY) == f"-i {ALIYUN}\nrequests\n"


def test_a_private_extra_index_is_never_removed() -> None:
    text = f"-i {ALIYUN}\n--extra-index-url http://10.0.0.7/simple\n--trusted-host 10.0.0.7\nx\n"
    found = [f for f in check_text(text, "requirements.txt", POLICY) if f.code == "PS102"]
    assert found and all(f.fix is None and "left as it is" in f.message for f in found)
    assert fix_text(text, "requirements.txt", POLICY, unsafe=True) == text


def test_a_stage_wide_extra_index_is_not_redundant_with_one_commands_index() -> None:
    """A command's own --index-url serves that command only (L13): the stage's extra index
    still serves every other install, so it is neither redundant (PS103) nor removed."""
    torch = "https://download.pytorch.org/whl/cpu"
    text = (
        f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\nRUN pip config set global.extra-index-url"
        f" {torch}\nRUN pip install --index-url {torch} torch\nRUN pip install -r req.txt\n"
    )
    codes = {f.code for f in check_text(text, "Dockerfile", POLICY)}
    assert "PS103" not in codes
    assert fix_text(text, "Dockerfile", POLICY, unsafe=True) == text


def test_a_catalogued_vendor_is_never_replaced_even_when_not_an_exception() -> None:
    strict = replace(POLICY, known_exceptions=False)
    text = (
        "[global]\nindex-url = https://vault.habana.ai/artifactory/api/pypi/gaudi-python/simple\n"
    )
    found = [f for f in check_text(text, "pip.conf", strict) if f.code == "PS101"]
    assert found and all(f.fix is None and "Gaudi" in f.message for f in found)
    assert fix_text(text, "pip.conf", strict, unsafe=True) == text
