"""CI runs every property with at least 1,000 derandomized examples (issue 5, done-when 2)."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parent.parent


def test_ci_profile() -> None:
    ci = settings.get_profile("ci")
    assert ci.max_examples >= 1000 and ci.derandomize
    assert settings.get_profile("long").max_examples > ci.max_examples
    assert settings.get_profile("fuzz").max_examples > settings.get_profile("long").max_examples


def test_no_property_lowers_its_examples() -> None:
    """A ``@settings(max_examples=N)`` on a test would override the profile in CI."""
    lowered = []
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test_"):
                continue
            for dec in fn.decorator_list:
                if isinstance(dec, ast.Call) and any(k.arg == "max_examples" for k in dec.keywords):
                    lowered.append(f"{path.name}::{fn.name}")
    assert not lowered, lowered
