"""The code base stays mypy-strict and ruff clean, in small modules and functions:
checked as part of the suite."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_strict() -> None:
    out = _run("mypy")
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_check() -> None:
    out = _run("ruff", "check", "src", "tests")
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format() -> None:
    out = _run("ruff", "format", "--check", "src", "tests")
    assert out.returncode == 0, out.stdout + out.stderr


MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60  # the whole def, docstring included (decorators not counted)
LONG_FUNCTIONS_ALLOWED: set[tuple[str, str]] = set()  # none: keep it that way


def _sources() -> list[tuple[str, str]]:
    """(path relative to src/, text) of every module of the package."""
    src = ROOT / "src"
    return [
        (p.relative_to(src).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted((src / "pipsrc").rglob("*.py"))
    ]


def test_no_module_over_500_lines() -> None:
    long = {
        path: n for path, text in _sources() if (n := len(text.splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules by what they hold (lines): {long}"


def test_no_function_over_60_lines() -> None:
    long: dict[str, int] = {}
    for path, text in _sources():
        for node in ast.walk(ast.parse(text, path)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            n = (node.end_lineno or node.lineno) - node.lineno + 1
            if n > MAX_FUNCTION_LINES and (path, node.name) not in LONG_FUNCTIONS_ALLOWED:
                long[f"{path}:{node.lineno} {node.name}"] = n
    assert not long, f"split these functions into named helpers (lines): {long}"
