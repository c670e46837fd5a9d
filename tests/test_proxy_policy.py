"""``[tool.pipsrc.proxy]`` and ``--route-vendors``: read, checked (``file:line``), and how
the proxy names its mirror index for each vendor index."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipsrc.policy import PolicyError, load_policy
from pipsrc.proxypolicy import ProxyPolicy, vendor_index_name
from tests.cliutil import invoke

DEVPI = "http://devpi.internal:3141/root/pypi/+simple/"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"


def _load(tmp_path: Path, body: str) -> object:
    p = tmp_path / "pipsrc.toml"
    p.write_text(body, encoding="utf-8")
    return load_policy(p)


def test_the_proxy_section_sets_the_index_and_the_upstream(tmp_path: Path) -> None:
    policy = _load(
        tmp_path, f'[proxy]\nurl = "{DEVPI}"\nupstream = "aliyun"\nroute-vendors = true\n'
    )
    assert policy.index == DEVPI and policy.proxy  # type: ignore[attr-defined]
    assert policy.http_allowed("devpi.internal")  # type: ignore[attr-defined]
    proxy = policy.proxy_policy  # type: ignore[attr-defined]
    assert (proxy.url, proxy.upstream, proxy.upstream_id) == (DEVPI, ALIYUN, "aliyun")
    assert proxy.route_vendors


def test_the_policy_index_is_the_upstream_when_a_proxy_is_given(tmp_path: Path) -> None:
    policy = _load(tmp_path, f'index = "aliyun"\n\n[proxy]\nurl = "{DEVPI}"\n')
    assert policy.index == DEVPI  # type: ignore[attr-defined]
    assert policy.proxy_policy.upstream == ALIYUN  # type: ignore[attr-defined]
    assert not policy.proxy_policy.route_vendors  # type: ignore[attr-defined]


def test_pyproject_proxy_table(tmp_path: Path) -> None:
    p = tmp_path / "pyproject.toml"
    p.write_text(
        f'[project]\nname = "x"\n\n[tool.pipsrc.proxy]\nurl = "{DEVPI}"\nupstream = "tuna"\n',
        encoding="utf-8",
    )
    policy = load_policy(p)
    assert policy.index == DEVPI and policy.proxy_policy.upstream_id == "tuna"


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ('index = "aliyun"\n\n[proxy]\nurl = "devpi:3141"\n', 4, "proxy.url must be the http(s)"),
        ('[proxy]\nurl = "http://d:3141/root/pypi/+simple/"\nupstream = "aliyn"\n', 3, "aliyun"),
        ("[proxy]\n\nupstream = 3\n", 3, "proxy.upstream must be a catalogue id"),
        ('[proxy]\nupstream = "pytorch"\n', 2, "is a vendor index"),
        ('[proxy]\nroute-vendors = "yes"\n', 2, "route-vendors must be true or false"),
        ('[proxy]\nurl = "http://d/"\nroute_vendors = true\n', 3, "unknown proxy key"),
        ('proxy = "http://d/"\n', 1, "proxy must be a table"),
        ('[tool.pipsrc.proxy]\nupstream = "ftp://x/"\n', 2, "not a catalogue id or an http"),
    ],
)
def test_proxy_errors_are_located(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    p = tmp_path / "pipsrc.toml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(p)
    assert str(info.value).startswith(f"{p}:{line}: "), str(info.value)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://download.pytorch.org/whl/cu118", "torch-cu118"),
        ("https://download.pytorch.org/whl/cu121/", "torch-cu121"),
        ("https://download.pytorch.org/whl/cpu", "torch-cpu"),
        ("https://pypi.nvidia.com", "nvidia"),
        ("https://pypi.ngc.nvidia.com", "nvidia"),
        ("https://data.pyg.org/whl/torch-2.1.0+cu118.html", None),  # a find-links page
        (ALIYUN, None),
        ("https://pypi.acme.com/simple", None),
    ],
)
def test_vendor_index_names(url: str, name: str | None) -> None:
    assert vendor_index_name(url) == name


@pytest.mark.parametrize(
    ("url", "devpi"),
    [
        (DEVPI, ("http://devpi.internal:3141", "root", "pypi")),
        ("http://h:7104/lowinli/devpi/+simple/", ("http://h:7104", "lowinli", "devpi")),
        ("https://h/devpi/team/dev/+simple", ("https://h/devpi", "team", "dev")),
        ("http://127.0.0.1:3141/root/pypi/", ("http://127.0.0.1:3141", "root", "pypi")),
        ("https://nexus.acme.com/repository/pypi/simple", None),
    ],
)
def test_devpi_shapes(url: str, devpi: tuple[str, str, str] | None) -> None:
    assert ProxyPolicy(url=url).devpi == devpi


def test_route_vendors_needs_a_devpi_proxy(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests\n", encoding="utf-8")
    r = invoke(["check", "--route-vendors", "--mirror", "aliyun", str(tmp_path)])
    assert r.exit_code == 2 and "--route-vendors needs a devpi proxy" in r.output
    r = invoke(["check", "--route-vendors", "--proxy", DEVPI, str(tmp_path)])
    assert r.exit_code in (0, 1), r.output


def test_other_indexes_of_the_proxy_are_its_own() -> None:
    proxy = ProxyPolicy(url=DEVPI)
    assert proxy.own_index("http://devpi.internal:3141/root/torch-cu118/+simple/") == (
        "root/torch-cu118"
    )
    assert proxy.own_index("https://devpi.internal:3141/team/dev/+simple") == "team/dev"
    assert proxy.own_index(DEVPI) is None  # the policy index itself
    assert proxy.own_index("http://other:3141/root/torch-cu118/+simple/") is None
    assert ProxyPolicy().own_index(DEVPI) is None


def test_credentials_are_never_copied_by_the_proxy_rules() -> None:
    from pipsrc.api import Policy, check_text, fix_text
    from pipsrc.records import replace

    secret = "SENTINEL0123456789abcdef"
    policy = Policy().with_index("aliyun")
    text = f"#!/bin/sh\ndevpi index root/pypi mirror_url=https://bob:{secret}@pypi.org/simple\n"
    (f,) = [f for f in check_text(text, "setup.sh", policy) if f.code == "PS110"]
    assert f.applicability == "unsafe" and secret not in f.message
    assert fix_text(text, "setup.sh", policy) == text
    proxy = Policy().with_index(DEVPI, proxy=True)
    proxy = replace(proxy, proxy_policy=replace(proxy.proxy_policy, route_vendors=True))
    text = f"-i https://tok:{secret}@download.pytorch.org/whl/cu118\ntorch\n"
    (f,) = [f for f in check_text(text, "requirements.txt", proxy) if f.code == "PS111"]
    assert f.fix is None and secret not in f.message
