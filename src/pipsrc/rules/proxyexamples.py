"""The examples of the proxy rules (PS110, PS111), in every kind they apply to."""

from __future__ import annotations

from pipsrc.rules.base import Example
from pipsrc.rules.ciexamples import DEVPI, Case, case_examples
from pipsrc.rules.common import ALIYUN, TUNA

ALIYUN_NS = ALIYUN.rstrip("/")
NJU = "https://mirror.nju.edu.cn/pypi/web/simple"
TORCH = "https://download.pytorch.org/whl/cu118"
ROUTED = "http://devpi.internal:3141/root/torch-cu118/+simple"
HOST = "devpi.internal:3141"
ROUTE = "[proxy]\nroute-vendors = true\n"
SETUP = "devpi use http://localhost:3141 && devpi login root --password=''"

UPSTREAM_KINDS = frozenset(
    {
        "shell",
        "dockerfile",
        "compose",
        "dotenv",
        "github-actions",
        "gitlab-ci",
        "ci-yaml",
        "jenkinsfile",
        "makefile",
        "notebook",
        "python",
        "tox",
    }
)

_UP_GOOD = [Case(script=f"devpi index root/pypi mirror_url={ALIYUN}", needs_script=True)]
_UP_BAD = [
    Case(
        script=f"devpi index root/pypi mirror_url={NJU}",
        fixed_script=f"devpi index root/pypi mirror_url={ALIYUN_NS}",
        needs_script=True,
        script_fixed=True,
    )
]

UPSTREAM_GOOD: tuple[Example, ...] = (
    Example(
        "setup-devpi.sh",
        f"#!/bin/sh\nset -e\n{SETUP}\ndevpi index root/pypi "
        f"mirror_url={ALIYUN} mirror_web_url_fmt={ALIYUN}{{name}}/\n",
    ),
    # a mirror index of a vendor index is not the proxy's upstream
    Example(
        "setup-devpi.sh", f"#!/bin/sh\ndevpi index -c torch-cu118 type=mirror mirror_url={TORCH}\n"
    ),
    Example(
        "Dockerfile",
        f"FROM python:3.11\nRUN pip install devpi-server devpi-client -i "
        f"{ALIYUN}\nRUN devpi-init && devpi index root/pypi mirror_url={ALIYUN}\n",
    ),
    Example(
        "docker-compose.yml",
        "services:\n  devpi:\n    image: lowinli98/devpi:v0.1\n"
        f"    environment:\n      - SOURCE_MIRROR_URL={ALIYUN}\n",
    ),
    Example(".env", f"DEVPI_MIRROR_URL={ALIYUN}\n"),
    Example(
        "setup-devpi.sh",
        f"#!/bin/sh\ndevpi index root/pypi mirror_url={TUNA}\n",
        mirror=None,
        policy=f'[proxy]\nurl = "{DEVPI}"\nupstream = "tuna"\n',
    ),
    *case_examples(_UP_GOOD, True),
)

UPSTREAM_BAD: tuple[Example, ...] = (
    Example(
        "setup-devpi.sh",
        f"#!/bin/sh\nset -e\n{SETUP}\ndevpi index root/pypi \\\n"
        f'  "mirror_web_url_fmt=https://pypi.doubanio.com/simple/{{name}}/" \\\n'
        f'  "mirror_url=https://pypi.doubanio.com/simple/"\n',
        fixed=f"#!/bin/sh\nset -e\n{SETUP}\ndevpi index root/pypi \\\n"
        f'  "mirror_web_url_fmt={ALIYUN}{{name}}/" \\\n  "mirror_url={ALIYUN}"\n',
    ),
    Example(
        "Dockerfile",
        f"FROM python:3.11\nRUN pip install devpi-server devpi-client -i {ALIYUN}\n"
        f"RUN devpi-init && devpi index root/pypi mirror_url={NJU}\n",
        fixed=f"FROM python:3.11\nRUN pip install devpi-server devpi-client -i {ALIYUN}\n"
        f"RUN devpi-init && devpi index root/pypi mirror_url={ALIYUN_NS}\n",
    ),
    Example(
        "docker-compose.yml",
        "services:\n  devpi:\n    image: lowinli98/devpi:v0.1\n    environment:\n"
        "      - SOURCE_MIRROR_URL=https://pypi.douban.com/simple # the upstream\n",
        fixed="services:\n  devpi:\n    image: lowinli98/devpi:v0.1\n    environment:\n"
        f"      - SOURCE_MIRROR_URL={ALIYUN_NS} # the upstream\n",
    ),
    Example(
        ".env",
        "PYPI_PATH=/data/pypi\nSOURCE_MIRROR_URL=https://pypi.douban.com/simple\n",
        fixed=f"PYPI_PATH=/data/pypi\nSOURCE_MIRROR_URL={ALIYUN_NS}\n",
    ),
    # the upstream of a [proxy] section, not the index clients use
    Example(
        "setup-devpi.sh",
        f"#!/bin/sh\ndevpi index root/pypi mirror_url={ALIYUN}\n",
        fixed="#!/bin/sh\ndevpi index root/pypi mirror_url=https://pypi.tuna.tsinghua.edu.cn/simple/\n",
        mirror=None,
        policy=f'[proxy]\nurl = "{DEVPI}"\nupstream = "tuna"\n',
    ),
    # an upstream on a cloud-internal address: the same packages, maybe the only reachable host
    Example(
        "setup-devpi.sh",
        "#!/bin/sh\ndevpi index root/pypi mirror_url=http://mirrors.cloud.aliyuncs.com/pypi/simple/\n",
        fixed="#!/bin/sh\ndevpi index root/pypi mirror_url=https://pypi.tuna.tsinghua.edu.cn/simple/\n",
        mirror="tuna",
        unsafe=True,
    ),
    # the default upstream a devpi image's Dockerfile bakes in
    Example(
        "Dockerfile",
        f"FROM python:3.11\nRUN pip install devpi-server -i {ALIYUN}\n"
        "ENV SOURCE_MIRROR_URL=https://pypi.douban.com/simple\n",
        fixed=f"FROM python:3.11\nRUN pip install devpi-server -i {ALIYUN}\n"
        f"ENV SOURCE_MIRROR_URL={ALIYUN_NS}\n",
    ),
    # seed 001: the upstream handed to a devpi image by `docker run --env`
    Example(
        "run-devpi.sh",
        "#!/bin/sh\ndocker run -d --name devpi -p 3141:3141 \\\n"
        "  --env SOURCE_MIRROR_URL=https://pypi.douban.com/simple lowinli98/devpi:v0.1\n",
        fixed="#!/bin/sh\ndocker run -d --name devpi -p 3141:3141 \\\n"
        f"  --env SOURCE_MIRROR_URL={ALIYUN_NS} lowinli98/devpi:v0.1\n",
    ),
    # a private upstream: reported, never replaced
    Example(
        "setup-devpi.sh", "#!/bin/sh\ndevpi index root/pypi mirror_url=http://10.0.0.8/simple\n"
    ),
    *case_examples(_UP_BAD, False),
)

_TH = ("PIP_TRUSTED_HOST", HOST)
_BY_GOOD = [
    Case(
        env=(("PIP_INDEX_URL", DEVPI), _TH, ("PIP_EXTRA_INDEX_URL", ROUTED + "/")),
        script="pip install torch",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    )
]
_BY_BAD = [
    Case(
        env=(("PIP_INDEX_URL", DEVPI), _TH, ("PIP_EXTRA_INDEX_URL", TORCH)),
        script="pip install torch",
        fixed_env=(("PIP_INDEX_URL", DEVPI), _TH, ("PIP_EXTRA_INDEX_URL", ROUTED)),
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    )
]

BYPASS_GOOD: tuple[Example, ...] = (
    Example(
        "requirements.txt",
        f"-i {DEVPI}\n--trusted-host {HOST}\n--extra-index-url {ROUTED}/\ntorch\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    # without route-vendors the vendor index stays an allowed exception
    Example(
        "Dockerfile",
        f"FROM python:3.11\nRUN pip install --index-url {TORCH} torch\n",
        mirror=None,
        proxy=DEVPI,
    ),
    Example(
        "Dockerfile",
        f"FROM python:3.11\nRUN pip install --index-url {ROUTED}/ --trusted-host {HOST} torch\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "build.sh",
        f"#!/bin/sh\npip install -i {ROUTED} --trusted-host {HOST} torch\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "pip.conf",
        f"[global]\nindex-url = {DEVPI}\nextra-index-url = {ROUTED}/\ntrusted-host = {HOST}\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "docker-compose.yml",
        f"services:\n  app:\n    build: .\n    environment:\n"
        f"      - PIP_INDEX_URL={DEVPI}\n      - PIP_TRUSTED_HOST={HOST}\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "pyproject.toml",
        f'[tool.uv]\nindex-url = "{DEVPI}"\n',
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "environment.yml",
        f"dependencies:\n  - pip\n  - pip:\n    - --index-url {DEVPI}\n"
        f"    - --trusted-host {HOST}\n    - torch\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    *case_examples(_BY_GOOD, True),
)

BYPASS_BAD: tuple[Example, ...] = (
    Example(
        "Dockerfile",
        f"FROM python:3.11\nRUN pip install --index-url {TORCH} torch\n",
        fixed=f"FROM python:3.11\nRUN pip install --index-url {ROUTED} --trusted-host {HOST} "
        "torch\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "requirements.txt",
        f"-i {DEVPI}\n--trusted-host {HOST}\n--extra-index-url {TORCH}\ntorch\n",
        fixed=f"-i {DEVPI}\n--trusted-host {HOST}\n--extra-index-url {ROUTED}\ntorch\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "build.sh",
        f"#!/bin/sh\npip install -i {TORCH} torch\n",
        fixed=f"#!/bin/sh\npip install -i {ROUTED} --trusted-host {HOST} torch\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "pip.conf",
        f"[global]\nindex-url = {DEVPI}\nextra-index-url = {TORCH}\ntrusted-host = {HOST}\n",
        fixed=f"[global]\nindex-url = {DEVPI}\nextra-index-url = {ROUTED}\ntrusted-host = {HOST}\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "docker-compose.yml",
        f"services:\n  app:\n    build: .\n    environment:\n"
        f"      - PIP_INDEX_URL={DEVPI}\n      - PIP_TRUSTED_HOST={HOST}\n"
        f"      - PIP_EXTRA_INDEX_URL={TORCH}\n",
        fixed=f"services:\n  app:\n    build: .\n    environment:\n      - PIP_INDEX_URL={DEVPI}\n"
        f"      - PIP_TRUSTED_HOST={HOST}\n      - PIP_EXTRA_INDEX_URL={ROUTED}\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "pyproject.toml",
        f'[tool.uv]\nindex-url = "{DEVPI}"\nextra-index-url = ["{TORCH}"]\n',
        fixed=f'[tool.uv]\nindex-url = "{DEVPI}"\nextra-index-url = ["{ROUTED}"]\n',
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    Example(
        "environment.yml",
        f"dependencies:\n  - pip\n  - pip:\n    - --index-url {DEVPI}\n"
        f"    - --trusted-host {HOST}\n    - --extra-index-url {TORCH}\n    - torch\n",
        fixed=f"dependencies:\n  - pip\n  - pip:\n    - --index-url {DEVPI}\n"
        f"    - --trusted-host {HOST}\n    - --extra-index-url {ROUTED}\n    - torch\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    # a find-links page is no index a devpi mirror can follow: reported, left
    Example(
        "requirements.txt",
        "-i https://download.pytorch.org/whl/torch_stable.html\ntorch\n",
        mirror=None,
        proxy=DEVPI,
        policy=ROUTE,
    ),
    *case_examples(_BY_BAD, False),
)
