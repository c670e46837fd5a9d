"""docs/reliability.md is generated from the catalogue, and the catalogue is complete."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.reliability.cases import ALL, DEDICATED
from tests.reliability.docs import PAGE, render

HERE = Path(__file__).resolve().parent


def test_page_in_sync() -> None:
    assert PAGE.is_file() and PAGE.read_text(encoding="utf-8") == render(), (
        "regenerate with `python -m tests.reliability.docs`"
    )


def test_every_catalogue_case_is_listed_once() -> None:
    ids = [c.id for c in ALL] + [d.id for d in DEDICATED]
    assert len(ids) == len(set(ids))
    listed = set(ids)
    listed |= {i[:-1] for i in ids if i[-1] in "ab"}
    expected = (
        {f"D{i}" for i in range(1, 22)}
        | {f"S{i}" for i in range(1, 15)}
        | {f"R{i}" for i in range(1, 13)}
        | {f"P{i}" for i in range(1, 9)}
        | {f"Y{i}" for i in range(1, 14)}
        | {f"F{i}" for i in range(1, 21)}
    )
    assert expected <= listed, sorted(expected - listed)


def test_dedicated_tests_exist() -> None:
    for d in DEDICATED:
        module, func = d.test.split("::")
        tree = ast.parse((HERE / module).read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert func in names, d.test
