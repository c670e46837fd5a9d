"""pipsrc.compat: each stand-in for what Python 3.9 and 3.10 lack behaves as the standard
library's own (the stand-ins are compared with it here, on the Python the suite runs on)."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

import pytest

from pipsrc import compat
from pipsrc.compat import StrEnum, TomlError, loads_toml, realpath_strict, zip_strict


@pytest.mark.parametrize("zipper", [zip_strict, lambda *its: compat._zip_checked(its)])
def test_zip_strict(zipper: Any) -> None:
    z = zipper
    assert list(z([1, 2], "ab")) == [(1, "a"), (2, "b")]
    assert list(z([], [], [])) == []
    assert list(z(iter([1]), (x for x in "a"), [True])) == [(1, "a", True)]
    for a, b in (([1, 2], "a"), ([1], "ab"), ([], "a")):
        with pytest.raises(ValueError):
            list(z(a, b))


@pytest.mark.parametrize("items", [[], [1], [1, 2], list(range(7)), "abc"])
def test_pairwise_fallback_is_itertools(items: list[object]) -> None:
    assert list(compat._pairwise(iter(items))) == list(itertools.pairwise(items))
    assert list(compat.pairwise(items)) == list(itertools.pairwise(items))


def test_realpath_strict_fallback(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    (tmp_path / "link").symlink_to(tmp_path / "f")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for check in (realpath_strict, compat._realpath_checked):
        assert check(str(tmp_path / "link")) == os.path.realpath(tmp_path / "f")
        for bad in ("dangling", "loop", "missing"):
            with pytest.raises(OSError):
                check(str(tmp_path / bad))


class Colour(StrEnum):
    RED = "red"


def test_str_enum_is_its_value() -> None:
    assert str(Colour.RED) == f"{Colour.RED}" == f"{Colour.RED:>4}".strip() == "red"
    assert Colour.RED == "red" and Colour("red") is Colour.RED
    assert json.dumps({"c": Colour.RED}) == '{"c": "red"}'
    assert "%s" % Colour.RED == "red"  # noqa: UP031


def test_loads_toml() -> None:
    assert loads_toml('a = "b"\n') == {"a": "b"}
    with pytest.raises(TomlError) as info:
        loads_toml('a = "b"\nc = \n')
    assert info.value.lineno in (None, 2) and "line 2" in str(info.value)
