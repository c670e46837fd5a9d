"""The mirror catalogue (SPEC §7): every public index pipsrc knows, as package data.

One dict per index, in the order ``pipsrc mirrors`` lists them; :mod:`pipsrc.catalogue`
validates them on first use (a mistake here fails the test suite, never a user's run).
This module is the catalogue's only copy: a Python literal loads from bytecode, where
parsing a data file cost as much as checking three Dockerfiles.

- ``id``: stable identifier used in policies and on the command line (``--mirror ID``)
- ``name_en``/``name_zh``: display names for reports
- ``url``: the canonical PEP 503 simple URL, written exactly as the rewrite target
  (trailing slash as the provider documents it). For vendor entries: a representative
  index of the family; ``patterns`` defines the family.
- ``aliases``: other addresses serving the same content (kept working, PS107 suggests url)
- ``legacy``: dead or deprecated addresses that should be rewritten to url
- ``intranet``: same provider, cloud-internal network only (often plain http)
- ``https``: whether the canonical host serves https
- ``conda``: base URL of the provider's conda mirror (``<base>/pkgs/main``, ``<base>/cloud/<ch>``)
- ``conda_channels``: the community channels the conda mirror carries under ``<base>/cloud/``
  (``defaults``' main, r and msys2 are under ``<base>/pkgs/`` on every conda mirror)
- ``conda_status``: how the conda URLs are known: "verified" (the provider's own help page),
  "reported" (seen in use, not on a help page: a fix to it is unsafe), "redirect" (the
  provider only redirects to another mirror: never a fix's target)
- ``file_hosts``: hosts the index's files are served from (lock files, redirectors)
- ``kind``: "mirror" (a PyPI mirror) or "vendor" (an exception index, usually allowed)
- ``reason_en``/``reason_zh``: why a vendor index is kept, shown in reports
- ``patterns``: URL globs of the vendor family (``*`` also matches ``/`` and variables)
- ``note_en``/``note_zh``: caveats shown by ``pipsrc mirrors``
- ``status``: "ok" (the default) or "unreliable": never the target of a fix, nor the policy index

Every URL form is matched by identity (scheme/host case, default port and trailing slash
ignored), so list each address once. The vendor indexes (``kind = "vendor"``) are in
:mod:`pipsrc.vendors`, with the same fields.
"""

from typing import Any

# conda's own locations (docs.conda.io, "Mirroring channels"): ``defaults`` is
# ``default_channels``, by default <CONDA_DEFAULTS>/pkgs/{main,r,msys2}; a bare channel name
# is looked up under ``channel_alias``, by default <CONDA_ALIAS>/<name>
CONDA_DEFAULTS = "https://repo.anaconda.com"
CONDA_DEFAULTS_LEGACY = ("https://repo.continuum.io",)  # Anaconda's old name, still in scripts
CONDA_ALIAS = "https://conda.anaconda.org"
CONDA_DEFAULT_CHANNELS = ("main", "r", "msys2")
# channels under pkgs/ on a mirror laid out like repo.anaconda.com (free: retired in 2019)
CONDA_PKGS_CHANNELS = ("main", "r", "msys2", "free", "pro")
# other public hosts serving community channels as <host>/<name> (prefix.dev)
CONDA_COMMUNITY_HOSTS = ("https://prefix.dev", "https://repo.prefix.dev")

MIRRORS: list[dict[str, Any]] = [
    {
        "id": "pypi",
        "name_en": "PyPI",
        "name_zh": "PyPI 官方源",
        "url": "https://pypi.org/simple/",
        "legacy": [
            "https://pypi.python.org/simple/",
        ],
        "https": True,
        "file_hosts": [
            "files.pythonhosted.org",
        ],
        "kind": "mirror",
    },
    {
        "id": "aliyun",
        "name_en": "Aliyun",
        "name_zh": "阿里云",
        "url": "https://mirrors.aliyun.com/pypi/simple/",
        "intranet": [
            "http://mirrors.cloud.aliyuncs.com/pypi/simple/",  # ECS VPC
            "http://mirrors.aliyuncs.com/pypi/simple/",  # ECS classic network
        ],
        "https": True,
        "conda": "https://mirrors.aliyun.com/anaconda",
        "conda_channels": ["conda-forge", "msys2", "bioconda", "menpo", "pytorch", "nvidia"],
        "conda_status": "reported",
        "file_hosts": [
            "mirrors.aliyun.com",
        ],
        "kind": "mirror",
    },
    {
        "id": "tuna",
        "name_en": "Tsinghua TUNA",
        "name_zh": "清华大学 TUNA",
        "url": "https://pypi.tuna.tsinghua.edu.cn/simple",
        "aliases": [
            "https://mirrors.tuna.tsinghua.edu.cn/pypi/web/simple",
        ],
        "https": True,
        "conda": "https://mirrors.tuna.tsinghua.edu.cn/anaconda",
        "conda_channels": [  # mirrorz-help contents/anaconda.mdx (TUNA's help template)
            "conda-forge",
            "msys2",
            "bioconda",
            "menpo",
            "pytorch",
            "pytorch-lts",
            "simpleitk",
        ],
        "conda_status": "verified",
        "file_hosts": [
            "pypi.tuna.tsinghua.edu.cn",
            "mirrors.tuna.tsinghua.edu.cn",
            "mirrors4.tuna.tsinghua.edu.cn",
        ],
        "kind": "mirror",
    },
    {
        "id": "ustc",
        "name_en": "USTC",
        "name_zh": "中国科学技术大学",
        "url": "https://mirrors.ustc.edu.cn/pypi/simple",
        "legacy": [
            "https://pypi.mirrors.ustc.edu.cn/simple/",
            "https://mirrors.ustc.edu.cn/pypi/web/simple",
        ],
        "https": True,
        "conda": "https://mirrors.ustc.edu.cn/anaconda",
        "conda_status": "redirect",  # ustclug mirrorhelp docs/anaconda.md: 302 to TUNA
        "file_hosts": [
            "mirrors.ustc.edu.cn",
            "pypi.tuna.tsinghua.edu.cn",
            "mirrors.tuna.tsinghua.edu.cn",
        ],
        "kind": "mirror",
        "note_en": "cache misses redirect to TUNA; the conda mirror only redirects to TUNA",
        "note_zh": "未缓存的文件会重定向到清华 TUNA；conda 镜像仅重定向到 TUNA",
    },
    {
        "id": "bfsu",
        "name_en": "BFSU",
        "name_zh": "北京外国语大学",
        "url": "https://mirrors.bfsu.edu.cn/pypi/web/simple",
        "https": True,
        "conda": "https://mirrors.bfsu.edu.cn/anaconda",
        "conda_channels": [  # mirrorz-help contents/anaconda.mdx (TUNA's help template)
            "conda-forge",
            "msys2",
            "bioconda",
            "menpo",
            "pytorch",
            "pytorch-lts",
            "simpleitk",
        ],
        "conda_status": "verified",
        "file_hosts": [
            "mirrors.bfsu.edu.cn",
        ],
        "kind": "mirror",
    },
    {
        "id": "nju",
        "name_en": "NJU",
        "name_zh": "南京大学",
        "url": "https://mirror.nju.edu.cn/pypi/web/simple",
        "https": True,
        "conda": "https://mirror.nju.edu.cn/anaconda",
        "conda_channels": ["conda-forge", "msys2", "bioconda", "menpo", "pytorch"],
        "conda_status": "reported",
        "file_hosts": [
            "mirror.nju.edu.cn",
        ],
        "kind": "mirror",
    },
    {
        "id": "sjtu",
        "name_en": "SJTU",
        "name_zh": "上海交通大学",
        "url": "https://mirror.sjtu.edu.cn/pypi/web/simple",
        # chsrc lists the packages path as if it were the index; rewrite it to the simple URL
        "legacy": [
            "https://mirror.sjtu.edu.cn/pypi-packages",
        ],
        "https": True,
        "conda": "https://mirror.sjtu.edu.cn/anaconda",
        "conda_channels": ["conda-forge", "msys2", "bioconda", "menpo", "pytorch"],
        "conda_status": "reported",
        "file_hosts": [
            "mirror.sjtu.edu.cn",
        ],
        "kind": "mirror",
    },
    {
        "id": "pku",
        "name_en": "PKU",
        "name_zh": "北京大学",
        "url": "https://mirrors.pku.edu.cn/pypi/web/simple",
        "https": True,
        "file_hosts": [
            "mirrors.pku.edu.cn",
        ],
        "kind": "mirror",
    },
    {
        "id": "hust",
        "name_en": "HUST",
        "name_zh": "华中科技大学",
        "url": "https://mirrors.hust.edu.cn/pypi/web/simple",
        "https": True,
        "file_hosts": [
            "mirrors.hust.edu.cn",
        ],
        "kind": "mirror",
    },
    {
        "id": "lzu",
        "name_en": "LZU",
        "name_zh": "兰州大学",
        "url": "https://mirror.lzu.edu.cn/pypi/web/simple",
        "https": True,
        "file_hosts": [
            "mirror.lzu.edu.cn",
        ],
        "kind": "mirror",
    },
    {
        "id": "cernet",
        "name_en": "CERNET (MirrorZ)",
        "name_zh": "校园网联合镜像站 (CERNET)",
        "url": "https://mirrors.cernet.edu.cn/pypi/web/simple",
        "https": True,
        "file_hosts": [
            "mirrors.cernet.edu.cn",
        ],
        "kind": "mirror",
        "note_en": "a redirector: files come from a member university mirror",
        "note_zh": "重定向站点：文件由成员高校镜像提供",
    },
    {
        "id": "tencent",
        "name_en": "Tencent Cloud",
        "name_zh": "腾讯云",
        "url": "https://mirrors.cloud.tencent.com/pypi/simple",
        "aliases": [
            "https://mirrors.tencent.com/pypi/simple",
        ],
        "intranet": [
            "http://mirrors.tencentyun.com/pypi/simple",  # CVM
        ],
        "https": True,
        "file_hosts": [
            "mirrors.cloud.tencent.com",
            "mirrors.tencent.com",
        ],
        "kind": "mirror",
    },
    {
        "id": "huawei",
        "name_en": "Huawei Cloud",
        "name_zh": "华为云",
        "url": "https://mirrors.huaweicloud.com/repository/pypi/simple",
        "aliases": [
            "https://repo.huaweicloud.com/repository/pypi/simple",
        ],
        "intranet": [
            "http://repo.myhuaweicloud.com/repository/pypi/simple",  # ECS, ModelArts
        ],
        "https": True,
        "file_hosts": [
            "mirrors.huaweicloud.com",
            "repo.huaweicloud.com",
        ],
        "kind": "mirror",
    },
    {
        "id": "volcengine",
        "name_en": "Volcengine",
        "name_zh": "火山引擎",
        "url": "https://mirrors.volces.com/pypi/simple/",
        "intranet": [
            "https://mirrors.ivolces.com/pypi/simple/",
        ],
        "https": True,
        "file_hosts": [
            "mirrors.volces.com",
        ],
        "kind": "mirror",
    },
    {
        "id": "douban",
        "name_en": "Douban",
        "name_zh": "豆瓣",
        "url": "https://pypi.doubanio.com/simple/",
        "legacy": [
            "http://pypi.douban.com/simple/",
        ],
        "https": True,
        "file_hosts": [
            "pypi.doubanio.com",
        ],
        "kind": "mirror",
        "status": "unreliable",
        "note_en": "availability is unreliable; prefer another mirror",
        "note_zh": "可用性不稳定，建议换用其他镜像",
    },
    {
        "id": "netease",
        "name_en": "NetEase 163",
        "name_zh": "网易",
        "url": "https://mirrors.163.com/pypi/simple/",
        "https": True,
        "file_hosts": [
            "mirrors.163.com",
        ],
        "kind": "mirror",
        "note_en": "updated only every 24 hours",
        "note_zh": "每 24 小时才同步一次",
    },
    {
        "id": "baidu",
        "name_en": "Baidu",
        "name_zh": "百度",
        "url": "https://mirror.baidu.com/pypi/simple",
        "https": True,
        "file_hosts": [
            "mirror.baidu.com",
        ],
        "kind": "mirror",
        "status": "unreliable",
        "note_en": "availability is unreliable; prefer another mirror",
        "note_zh": "可用性不稳定，建议换用其他镜像",
    },
]
