"""Install fallback chains (`pip install -i A x || pip install -i B x || pip install x`): the
fix never leaves the same attempt two or three times (pipsrc.rules.fallback, PS109).

With `fallback-indexes` in the policy the later attempts go to the fallbacks in order; without
it the chain's indexes are left and PS109 reports it, with an unsafe fix keeping one attempt;
an `echo` between the attempts that names a mirror no attempt uses is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipsrc.api import Policy, check_text, fix_text
from pipsrc.kinds import parse
from pipsrc.model import Applicability
from pipsrc.policy import PolicyError, load_policy
from pipsrc.records import replace
from pipsrc.rules.fallback import chains

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
USTC = "https://mirrors.ustc.edu.cn/pypi/simple"
POLICY = Policy().with_index("aliyun")
WITH_FALLBACKS = replace(POLICY, fallback_indexes=(USTC, TUNA))

THREE = (
    f"FROM python:3.12-slim\nRUN pip install -i {TUNA} requests || \\\n"
    f"    pip install -i {USTC} requests || \\\n    pip install requests\n"
)


def _codes(text: str, path: str, policy: Policy) -> list[str]:
    return [f.code for f in check_text(text, path, policy)]


def test_chains_are_read_across_continuations_groups_and_echoes() -> None:
    text = (
        f"#!/bin/sh\npip install -i {TUNA} x || {{ echo 'tuna failed'; pip install -i {USTC} x; }}"
        "\npip install y && pip install z\npip install a || \\\n  pip install b\n"
    )
    doc = parse("shell", text, "build.sh")
    found = [[site.span.start for site in c] for c in chains(doc)]
    assert len(found) == 2  # `&&` is no fallback
    assert [len(c) for c in chains(doc)] == [2, 2]


def test_without_fallbacks_the_chain_is_left_and_reported() -> None:
    fixed = fix_text(THREE, "Dockerfile", POLICY)
    assert f"-i {TUNA} requests ||" in fixed and f"-i {USTC} requests ||" in fixed
    findings = check_text(THREE, "Dockerfile", POLICY)
    (ps108,) = [f for f in findings if f.code == "PS109"]
    assert ps108.applicability == Applicability.UNSAFE
    for f in findings:
        if f.code == "PS101":
            assert f.fix is None and "fallback" in f.message, f.message
    # the unsafe fix keeps the first attempt, on the policy index
    unsafe = fix_text(THREE, "Dockerfile", POLICY, unsafe=True)
    assert "||" not in unsafe and "-i https://mirrors.aliyun.com/pypi/simple requests" in unsafe


def test_with_fallbacks_the_attempts_go_to_them_in_order() -> None:
    fixed = fix_text(THREE, "Dockerfile", WITH_FALLBACKS)
    assert "-i https://mirrors.aliyun.com/pypi/simple requests ||" in fixed
    assert f"-i {USTC} requests ||" in fixed
    assert f"pip install -i {TUNA} requests\n" in fixed  # the last resort gets the second one
    assert fix_text(fixed, "Dockerfile", WITH_FALLBACKS) == fixed
    assert not [f for f in check_text(fixed, "Dockerfile", WITH_FALLBACKS) if f.fix]


def test_a_fallback_to_pypi_is_not_turned_into_a_second_try_of_the_mirror() -> None:
    """`-i MIRROR x || pip install x`: configuring the scope would make both the mirror."""
    text = (
        "#!/bin/sh\npip install requests\n"
        f"pip install -i {ALIYUN} requests || pip install requests\n"
    )
    assert fix_text(text, "build.sh", POLICY) == text  # PS104's insertion is unsafe here
    assert "PS109" in _codes(text, "build.sh", POLICY)
    unsafe = fix_text(text, "build.sh", POLICY, unsafe=True)
    assert "||" not in unsafe


def test_a_private_fallback_is_never_cut() -> None:
    text = (
        "FROM python:3.12\nRUN pip install -i http://mirrors.aliyun.com/pypi/simple/ x || "
        "pip install -i https://nexus.corp.example/repository/pypi-group/simple x\n"
    )
    for unsafe in (False, True):
        assert "nexus.corp.example" in fix_text(text, "Dockerfile", POLICY, unsafe=unsafe)


def test_a_private_index_a_later_option_overrides_is_not_cut_either() -> None:
    """pip reads the last `-i`, so the private index below is not used; it is still the
    author's, and the fix that keeps the first attempt would delete it (found by the
    generated oracles of tests/test_fix_oracles.py)."""
    text = (
        "FROM python:3.12\nRUN pip install x || pip install -i https://nexus.corp.example/"
        "repository/pypi-group/simple -i http://mirrors.aliyun.com/pypi/simple/ x\n"
    )
    for unsafe in (False, True):
        assert "nexus.corp.example" in fix_text(text, "Dockerfile", POLICY, unsafe=unsafe)


def test_an_echo_naming_a_replaced_mirror_is_reported() -> None:
    text = (
        f'#!/bin/sh\npip install -i {TUNA} x || {{ echo "tsinghua failed, trying ustc"; '
        f"pip install -i {USTC} x; }}\n"
    )
    fixed = fix_text(text, "build.sh", WITH_FALLBACKS)
    assert f"pip install -i {ALIYUN.rstrip('/')} x" in fixed and USTC in fixed
    for version in (text, fixed):  # before the fix, and still after it
        echoes = [
            f for f in check_text(version, "build.sh", WITH_FALLBACKS) if "message" in f.message
        ]
        assert echoes and "tsinghua" in echoes[0].message and echoes[0].fix is None


def test_fallback_indexes_in_the_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "pipsrc.toml"
    path.write_text(f'index = "aliyun"\nfallback-indexes = ["ustc", "{TUNA}"]\n')
    assert load_policy(path).fallback_indexes == (USTC, TUNA)
    path.write_text('index = "aliyun"\nfallback-indexes = ["nosuchmirror"]\n')
    with pytest.raises(PolicyError, match=r"pipsrc.toml:2: .*nosuchmirror"):
        load_policy(path)
