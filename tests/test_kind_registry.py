"""Adding a file kind is one module and one registry entry (CONTRIBUTING.md): a toy kind,
registered here, is discovered, classified, linted, fixed, and selected by the pre-commit
hooks' generated ``files:`` pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipsrc import kinds
from pipsrc.discover import classify, discover
from pipsrc.engine.run import check, fix
from pipsrc.kinds import KindSpec
from pipsrc.policy import Policy

TOY = KindSpec("toy", "tests.toykind.toy", names=(r"[^/]*\.toy",), words=r"index|pipsrc")
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"


@pytest.fixture
def toy() -> object:
    with kinds.registered(TOY):
        yield TOY


def test_a_registered_kind_is_read_end_to_end(toy: object, tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    target = tmp_path / "conf" / "settings.toy"
    target.write_text(f"# settings\nindex = {TUNA}\n")
    (tmp_path / "other.toy").write_text("nothing to see\n")  # no index word: not parsed
    assert classify("conf/settings.toy") == "toy"
    found, _ = discover([str(tmp_path)], str(tmp_path))
    assert [(c.path, c.kind) for c in found] == [("conf/settings.toy", "toy"), ("other.toy", "toy")]
    policy = Policy().with_index("aliyun")
    result = check([str(tmp_path)], policy, cli_index=True)
    assert [(f.path, f.line, f.code) for f in result.findings] == [
        ("conf/settings.toy", 2, "PS101")
    ]
    fixed = fix([str(tmp_path)], policy, cli_index=True)
    assert [r.path for r in fixed.changed_files] == ["conf/settings.toy"]
    # the file's own style: no trailing slash, as written
    assert target.read_text() == f"# settings\nindex = {ALIYUN.rstrip('/')}\n"
    assert check([str(tmp_path)], policy, cli_index=True).findings == []


def test_suppressions_work_in_the_kinds_comments(toy: object, tmp_path: Path) -> None:
    (tmp_path / "a.toy").write_text(f"# pipsrc: ignore[PS101] kept on purpose\nindex = {TUNA}\n")
    assert check([str(tmp_path)], Policy().with_index("aliyun")).findings == []


def test_the_hook_pattern_selects_the_new_kind(toy: object) -> None:
    pattern = re.compile(kinds.hook_pattern())
    assert pattern.search("deploy/settings.toy")
    assert not pattern.search("deploy/settings.toys")


def test_unregistered_the_kind_is_gone() -> None:
    assert classify("conf/settings.toy") is None
    assert not re.compile(kinds.hook_pattern()).search("conf/settings.toy")
