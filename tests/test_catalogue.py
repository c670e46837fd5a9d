"""The mirror catalogue (SPEC §7; config-surface §B, §C.4)."""

from __future__ import annotations

import time

import pytest

from pipsrc.catalogue import FORMS, Catalogue, CatalogueError, Mirror, UnknownMirror, catalogue
from pipsrc.urls import identity, parse_url

CAT = catalogue()

REQUIRED_MIRRORS = [
    "pypi",
    "aliyun",
    "tuna",
    "ustc",
    "bfsu",
    "nju",
    "sjtu",
    "pku",
    "hust",
    "lzu",
    "cernet",
    "tencent",
    "huawei",
    "volcengine",
    "douban",
    "netease",
    "baidu",
]
REQUIRED_VENDORS = [
    "pytorch",
    "nvidia",
    "paddlepaddle",
    "jax",
    "intel",
    "jetson",
    "rocm",
    "habana",
    "ascend",
    "neuron",
    "onnxruntime",
    "vllm",
]


def _mirror(mirror_id: str) -> Mirror:
    m = CAT.get(mirror_id)
    assert m is not None, mirror_id
    return m


def test_loaded_once_per_process() -> None:
    assert catalogue() is catalogue()


def test_required_entries_in_file_order() -> None:
    ids = CAT.ids
    for mirror_id in REQUIRED_MIRRORS:
        assert _mirror(mirror_id).kind == "mirror"
    for mirror_id in REQUIRED_VENDORS:
        assert _mirror(mirror_id).kind == "vendor"
    assert ids[: len(REQUIRED_MIRRORS)] == tuple(REQUIRED_MIRRORS)
    assert [m.id for m in CAT.mirrors] == list(ids)


@pytest.mark.parametrize(
    ("mirror_id", "url", "name_en", "name_zh"),
    [
        ("pypi", "https://pypi.org/simple/", "PyPI", "PyPI 官方源"),
        ("aliyun", "https://mirrors.aliyun.com/pypi/simple/", "Aliyun", "阿里云"),
        ("tuna", "https://pypi.tuna.tsinghua.edu.cn/simple", "Tsinghua TUNA", "清华大学 TUNA"),
        ("ustc", "https://mirrors.ustc.edu.cn/pypi/simple", "USTC", "中国科学技术大学"),
        ("douban", "https://pypi.doubanio.com/simple/", "Douban", "豆瓣"),
        ("huawei", "https://mirrors.huaweicloud.com/repository/pypi/simple", None, "华为云"),
        ("volcengine", "https://mirrors.volces.com/pypi/simple/", None, None),
        ("tencent", "https://mirrors.cloud.tencent.com/pypi/simple", None, "腾讯云"),
        ("bfsu", "https://mirrors.bfsu.edu.cn/pypi/web/simple", None, None),
        ("nju", "https://mirror.nju.edu.cn/pypi/web/simple", None, None),
        ("sjtu", "https://mirror.sjtu.edu.cn/pypi/web/simple", None, None),
        ("pku", "https://mirrors.pku.edu.cn/pypi/web/simple", None, None),
        ("hust", "https://mirrors.hust.edu.cn/pypi/web/simple", None, None),
        ("lzu", "https://mirror.lzu.edu.cn/pypi/web/simple", None, None),
        ("cernet", "https://mirrors.cernet.edu.cn/pypi/web/simple", None, None),
        ("netease", "https://mirrors.163.com/pypi/simple/", None, None),
        ("baidu", "https://mirror.baidu.com/pypi/simple", None, None),
        ("pytorch", None, "PyTorch", "PyTorch 官方源"),
        ("nvidia", "https://pypi.nvidia.com", None, None),
    ],
)
def test_entry_fields(
    mirror_id: str, url: str | None, name_en: str | None, name_zh: str | None
) -> None:
    m = _mirror(mirror_id)
    if url is not None:
        assert m.url == url  # exactly as in the reference table, slash style included
    if name_en is not None:
        assert m.name_en == name_en
    if name_zh is not None:
        assert m.name_zh == name_zh
    assert m.name("zh") == m.name_zh and m.name("en") == m.name_en


def test_every_entry_is_well_formed() -> None:
    for m in CAT.mirrors:
        assert m.name_en and m.name_zh
        assert parse_url(m.url) is not None
        if m.is_vendor:
            assert m.reason_en and m.reason_zh and m.patterns
            assert m.reason("zh") == m.reason_zh
        else:
            assert m.reason_en is None and not m.patterns
            assert m.https  # every public mirror serves https
        if m.conda is not None:
            assert parse_url(m.conda) is not None


def test_specific_fields() -> None:
    assert _mirror("pytorch").reason_en == "CUDA builds of PyTorch are only published there"
    assert _mirror("pytorch").reason_zh == "CUDA 版本的 PyTorch 只在该源发布"
    assert _mirror("tuna").conda == "https://mirrors.tuna.tsinghua.edu.cn/anaconda"
    assert _mirror("aliyun").conda == "https://mirrors.aliyun.com/anaconda"
    assert _mirror("pypi").conda is None
    assert "files.pythonhosted.org" in _mirror("pypi").file_hosts


# ------------------------------------------------------------------------- match forms


def _toggle_slash(url: str) -> str:
    return url[:-1] if url.endswith("/") else url + "/"


def _upper_host(url: str) -> str:
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    return f"{scheme.upper()}://{host.upper()}/{path}"


@pytest.mark.parametrize("mirror", [m for m in CAT.mirrors], ids=lambda m: m.id)
def test_canonical_forms_match(mirror: Mirror) -> None:
    for variant in (mirror.url, _toggle_slash(mirror.url), _upper_host(mirror.url)):
        match = CAT.match(variant)
        assert match is not None, variant
        assert (match.mirror.id, match.form, match.insecure) == (mirror.id, "canonical", False)
    # credentials, a default port, a query: still the canonical address
    scheme, rest = mirror.url.split("://", 1)
    host, _, path = rest.partition("/")
    port = 443 if scheme == "https" else 80
    m2 = CAT.match(f"{scheme}://u:pw@{host}:{port}/{path}")
    assert m2 is not None and m2.form == "canonical"


@pytest.mark.parametrize(
    "mirror", [m for m in CAT.mirrors if m.https and m.url.startswith("https://")], ids=str
)
def test_http_form(mirror: Mirror) -> None:
    url = "http://" + mirror.url.removeprefix("https://")
    match = CAT.match(url)
    assert match is not None
    assert (match.mirror.id, match.form, match.insecure) == (mirror.id, "http", True)


ALIAS_PAIRS = [  # config-surface §C.4
    ("https://mirrors.tuna.tsinghua.edu.cn/pypi/web/simple", "tuna", "alias"),
    ("https://mirrors.tuna.tsinghua.edu.cn/pypi/web/simple/", "tuna", "alias"),
    ("https://pypi.mirrors.ustc.edu.cn/simple", "ustc", "legacy"),
    ("https://pypi.mirrors.ustc.edu.cn/simple/", "ustc", "legacy"),
    ("https://mirrors.ustc.edu.cn/pypi/web/simple", "ustc", "legacy"),
    ("http://pypi.douban.com/simple", "douban", "legacy"),
    ("https://pypi.douban.com/simple/", "douban", "legacy"),
    ("https://repo.huaweicloud.com/repository/pypi/simple", "huawei", "alias"),
    ("https://pypi.python.org/simple", "pypi", "legacy"),
    ("https://pypi.python.org/simple/", "pypi", "legacy"),
    ("https://mirror.sjtu.edu.cn/pypi-packages", "sjtu", "legacy"),
    ("https://mirrors.tencent.com/pypi/simple", "tencent", "alias"),
    ("https://pypi.ngc.nvidia.com", "nvidia", "legacy"),
    # same provider, different network
    ("http://mirrors.cloud.aliyuncs.com/pypi/simple/", "aliyun", "intranet"),
    ("http://mirrors.aliyuncs.com/pypi/simple", "aliyun", "intranet"),
    ("http://mirrors.tencentyun.com/pypi/simple", "tencent", "intranet"),
    ("https://mirrors.tencentyun.com/pypi/simple/", "tencent", "intranet"),
    ("http://repo.myhuaweicloud.com/repository/pypi/simple", "huawei", "intranet"),
    ("https://mirrors.ivolces.com/pypi/simple/", "volcengine", "intranet"),
]


@pytest.mark.parametrize(("url", "mirror_id", "form"), ALIAS_PAIRS)
def test_alias_legacy_intranet(url: str, mirror_id: str, form: str) -> None:
    match = CAT.match(url)
    assert match is not None
    assert (match.mirror.id, match.form) == (mirror_id, form)
    # an alias names the same mirror, but is a different identity from the canonical URL
    assert identity(url) != identity(match.mirror.url)


def test_every_listed_form_matches() -> None:
    for m in CAT.mirrors:
        for form, urls in (("alias", m.aliases), ("legacy", m.legacy), ("intranet", m.intranet)):
            for url in urls:
                match = CAT.match(url)
                assert match is not None and (match.mirror, match.form) == (m, form)


def test_insecure_flags() -> None:
    http_alias = CAT.match("http://repo.huaweicloud.com/repository/pypi/simple")
    assert http_alias is not None and (http_alias.form, http_alias.insecure) == ("alias", True)
    intranet = CAT.match("http://mirrors.cloud.aliyuncs.com/pypi/simple/")
    assert intranet is not None and not intranet.insecure  # listed as http: expected
    volc = CAT.match("http://mirrors.ivolces.com/pypi/simple/")
    assert volc is not None and (volc.form, volc.insecure) == ("intranet", True)


VENDOR_URLS = [
    ("https://download.pytorch.org/whl/cu121", "pytorch"),
    ("https://download.pytorch.org/whl/cpu/", "pytorch"),
    ("https://download.pytorch.org/whl/rocm6.2", "pytorch"),
    ("https://download.pytorch.org/whl/${CUDA}", "pytorch"),
    ("https://download.pytorch.org/whl/${CUDA_VERSION}", "pytorch"),
    ("https://download.pytorch.org/whl/$TORCH_VARIANT", "pytorch"),
    ("https://download.pytorch.org/whl/nightly/cu126", "pytorch"),
    ("https://download.pytorch.org/whl/test/cu128", "pytorch"),
    ("https://download.pytorch.org/whl/torch_stable.html", "pytorch"),
    ("https://download.pytorch.org/whl/cu113/torch_stable.html", "pytorch"),
    ("HTTPS://Download.PyTorch.org:443/whl/cu118", "pytorch"),
    ("https://mirrors.aliyun.com/pytorch-wheels/cu121/", "pytorch"),
    ("https://mirror.sjtu.edu.cn/pytorch-wheels/cu121/torch_stable.html", "pytorch"),
    ("https://pypi.nvidia.com/", "nvidia"),
    ("https://pypi.nvidia.com/cudf-cu12", "nvidia"),
    ("https://www.paddlepaddle.org.cn/packages/stable/cu126/", "paddlepaddle"),
    ("https://www.paddlepaddle.org.cn/whl/linux/mkl/avx/stable.html", "paddlepaddle"),
    ("https://storage.googleapis.com/jax-releases/jax_cuda_releases.html", "jax"),
    ("https://storage.googleapis.com/jax-releases/libtpu_releases.html", "jax"),
    ("https://us-python.pkg.dev/ml-oss-artifacts-published/jax/simple/", "jax"),
    ("https://pytorch-extension.intel.com/release-whl/stable/xpu/cn/", "intel"),
    ("https://pypi.jetson-ai-lab.io/jp6/cu126", "jetson"),
    ("https://pypi.jetson-ai-lab.dev/jp6/cu126", "jetson"),
    ("https://data.pyg.org/whl/torch-2.4.0+cu121.html", "pyg"),
    # as real repositories write them (searched on GitHub for this catalogue)
    ("https://storage.googleapis.com/libtpu-releases/index.html", "jax"),
    ("https://storage.googleapis.com/libtpu-wheels/index.html", "jax"),
    ("https://developer.download.nvidia.com/compute/redist/jp/v51", "jetson"),
    ("https://repo.radeon.com/rocm/manylinux/rocm-rel-6.2/", "rocm"),
    ("https://repo.radeon.com/rocm/manylinux/gfx1151", "rocm"),
    ("https://vault.habana.ai/artifactory/api/pypi/gaudi-pt-modules/simple", "habana"),
    ("https://repo.huaweicloud.com/ascend/repos/pypi", "ascend"),
    ("https://repo.huaweicloud.com/ascend/repos/pypi/simple", "ascend"),
    ("https://mirrors.huaweicloud.com/ascend/repos/pypi/variant", "ascend"),
    ("https://triton-ascend.osinfra.cn/pypi/simple", "ascend"),
    ("https://pip.repos.neuron.amazonaws.com/", "neuron"),
    (
        "https://aiinfra.pkgs.visualstudio.com/PublicPackages/_packaging/ORT-Nightly/pypi/simple/",
        "onnxruntime",
    ),
    ("https://wheels.vllm.ai/nightly/cu129", "vllm"),
]


@pytest.mark.parametrize(("url", "vendor"), VENDOR_URLS)
def test_vendor_patterns(url: str, vendor: str) -> None:
    match = CAT.match(url)
    assert match is not None
    assert match.mirror.id == vendor
    assert match.form in ("vendor", "canonical")
    exception = CAT.exception_for(url)
    assert exception is not None and exception.id == vendor
    assert exception.reason_en


def test_vendor_over_http_is_insecure() -> None:
    match = CAT.match("http://download.pytorch.org/whl/cu121")
    assert match is not None and (match.form, match.insecure) == ("vendor", True)


@pytest.mark.parametrize(
    "url",
    [
        "https://test.pypi.org/simple/",
        "https://pypi.org/",
        "https://mirrors.aliyun.com/pypi/",
        "https://mirrors.aliyun.com/anaconda/pkgs/main",
        "https://download.pytorch.org/other/cu121",
        "https://pypi.corp.example/simple",
        "https://${MIRROR}/simple",
        "$PIP_INDEX_URL",
        "mirrors.aliyun.com",
        "file:///mirrors.aliyun.com/pypi/simple",
        "",
    ],
)
def test_no_match(url: str) -> None:
    assert CAT.match(url) is None
    assert CAT.exception_for(url) is None


def test_mirror_is_not_an_exception() -> None:
    assert CAT.exception_for("https://mirrors.aliyun.com/pypi/simple/") is None


def test_forms_constant() -> None:
    assert set(FORMS) == {"canonical", "alias", "legacy", "intranet", "http", "vendor"}


def test_match_is_fast() -> None:
    urls = [u for u, _, _ in ALIAS_PAIRS] + [u for u, _ in VENDOR_URLS]
    urls += [f"https://pypi{i}.corp.example/simple" for i in range(2000)]
    t0 = time.perf_counter()
    for url in urls:
        CAT.match(url)
    assert time.perf_counter() - t0 < 0.5


# ------------------------------------------------------------------------- resolve


def test_resolve() -> None:
    assert CAT.resolve("aliyun") == "https://mirrors.aliyun.com/pypi/simple/"
    assert CAT.resolve(" Aliyun ") == "https://mirrors.aliyun.com/pypi/simple/"
    assert CAT.resolve("tuna") == "https://pypi.tuna.tsinghua.edu.cn/simple"
    url = "http://devpi.corp:3141/root/pypi/+simple/"
    assert CAT.resolve(url) == url


@pytest.mark.parametrize(
    ("query", "suggested"),
    [("aliyn", "aliyun"), ("tunaa", "tuna"), ("tsinghua", "tuna"), ("清华", "tuna"),
     ("huawie", "huawei"), ("pytroch", "pytorch"), ("阿里", "aliyun")],
)  # fmt: skip
def test_unknown_id_suggests(query: str, suggested: str) -> None:
    with pytest.raises(UnknownMirror) as info:
        CAT.resolve(query)
    assert suggested in info.value.suggestions
    assert f'"{suggested}"' in str(info.value)
    assert query in str(info.value)


def test_unknown_id_without_suggestion_lists_ids() -> None:
    with pytest.raises(UnknownMirror) as info:
        CAT.resolve("zzzzzz")
    assert info.value.suggestions == ()
    assert "aliyun" in str(info.value)
    assert isinstance(info.value, ValueError)


# ------------------------------------------------------------------------- validation

GOOD = """
[[mirror]]
id = "a"
name_en = "A"
name_zh = "甲"
url = "https://a.example/simple/"
"""


def test_from_toml_minimal() -> None:
    cat = Catalogue.from_toml(GOOD)
    a = cat.get("a")
    assert a is not None and a.kind == "mirror" and a.https and a.aliases == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD + GOOD, "duplicate mirror id"),
        (GOOD + GOOD.replace('id = "a"', 'id = "b"'), "already the canonical URL of a"),
        (GOOD.replace('url = "https://a.example/simple/"', 'url = "a.example"'), "not an http"),
        (GOOD + 'kind = "vendor"\n', "needs reason_en"),
        (GOOD + 'kind = "other"\n', "kind must be"),
        (GOOD + "https = 1\n", "https must be a boolean"),
        (GOOD + 'aliases = "x"\n', "must be a list"),
        (GOOD + 'colour = "x"\n', "unknown keys"),
        (GOOD.replace('name_zh = "甲"\n', ""), "name_zh is required"),
        (GOOD + 'patterns = ["https://*.a.example/*"]\n', "no glob in the host"),
        (GOOD.replace('id = "a"', 'id = "A b"'), "id must be"),
        ("version = 1\n", "no [[mirror]]"),
        ("[[mirror]\n", "catalogue: "),
    ],
)
def test_from_toml_rejects(text: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=message.replace("[", r"\[")):
        Catalogue.from_toml(text)
