"""Policy loading: every mistake is `file:line: what is wrong`."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipsrc.catalogue import UnknownMirror
from pipsrc.engine.selection import check_policy_codes
from pipsrc.policy import Policy, PolicyError, find_policy, load_policy


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_catalogue_id_resolves(tmp_path: Path) -> None:
    p = write(tmp_path, "pipsrc.toml", 'index = "aliyun"\n[report]\nlang = "zh"\n')
    policy = load_policy(p)
    assert policy.index == "https://mirrors.aliyun.com/pypi/simple/"
    assert policy.index_id == "aliyun"
    assert policy.report_lang == "zh"


def test_pyproject_table(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.pipsrc]\nindex = "tuna"\nallow-http = ["devpi.internal"]\n',
    )
    policy = load_policy(p)
    assert policy.index_id == "tuna"
    assert policy.allow_http == ("devpi.internal",)


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ('index = "aliyn"\n', 1, "aliyun"),
        ('\n\ntrusted-host = "sometimes"\n', 3, "trusted-host must be one of"),
        ('index = "aliyun"\nextra_indexes = []\n', 2, "did you mean 'extra-indexes'"),
        ('select = ["PS999"]\n', 1, "unknown rule"),
        ('\nignore = ["PS1"]\n[per-file-ignores]\n"a/*" = ["nope"]\n', 3, "unknown rule"),
        ('index = "aliyun"\nrequire-index = "yes"\n', 2, "true or false"),
        ('index = "aliyun\n', 1, "invalid TOML"),
    ],
)
def test_errors_are_located(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    p = write(tmp_path, "pipsrc.toml", body)
    with pytest.raises(PolicyError) as info:
        check_policy_codes(load_policy(p))  # the codes are checked where the rules are known
    assert str(info.value).startswith(f"{p}:{line}: ")
    assert fragment in str(info.value)


def test_find_policy_walks_up(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, ".pipsrc.toml", 'index = "ustc"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    write(sub / "..", "pyproject.toml", '[project]\nname = "no-policy-here"\n')
    found = find_policy(sub)
    assert found == tmp_path / ".pipsrc.toml"


def test_unknown_mirror_suggests() -> None:
    with pytest.raises(UnknownMirror, match="aliyun"):
        Policy().with_index("aliyum")


def test_proxy_allows_its_http_host() -> None:
    policy = Policy().with_index("http://devpi.internal:3141/root/pypi/+simple/", proxy=True)
    assert policy.http_allowed("devpi.internal")
    assert policy.is_policy_index("http://DEVPI.internal:3141/root/pypi/+simple")


def test_exceptions_and_known_vendor_indexes(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "pipsrc.toml",
        'index = "aliyun"\n'
        'exceptions = [{ url = "https://pkgs.corp.example/*", reason = "internal" }]\n',
    )
    policy = load_policy(p)
    assert policy.exception_for("https://pkgs.corp.example/simple/") == (
        "https://pkgs.corp.example/*",
        "internal",
    )
    assert policy.exception_for("https://download.pytorch.org/whl/cu118") is not None
    assert policy.exception_for("https://pypi.org/simple") is None
