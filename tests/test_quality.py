"""The code base stays mypy-strict and ruff clean, in small modules and functions:
checked as part of the suite."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_strict() -> None:
    out = _run("mypy")
    assert out.returncode == 0, out.stdout + out.stderr


def test_vermin_finds_nothing_newer_than_python_3_9() -> None:
    """Every construct and library call of the package exists on Python 3.9 (requires-python)."""
    vermin = "import sys; from vermin.main import main; sys.exit(main())"  # no __main__ module
    args = ["-t=3.9-", "--no-tips", "--violations", "--eval-annotations", "src/pipsrc"]
    out = subprocess.run(
        [sys.executable, "-c", vermin, *args], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0 and "Target versions not met" not in out.stdout, out.stdout


def _mypy_39_config(tmp_path: Path) -> Path:
    """pyproject's mypy settings for ``--python-version 3.9``, less what 3.9 cannot read.

    click 8.2 and later (what a Python 3.10+ environment installs) is written in Python
    3.10 syntax, which mypy refuses to read as 3.9 code: here click is not followed and the
    command line's click-typed decorators are let through; the check at the default
    version (test_mypy_strict) types them against click.
    """
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    lines = ["[mypy]", "strict = True", "files = src/pipsrc"]
    for override in config.get("overrides", []):
        lines += [f"[mypy-{','.join(override['module'])}]", "ignore_missing_imports = True"]
    lines += ["[mypy-click,click.*]", "follow_imports = skip"]
    lines += ["[mypy-pipsrc.cli]", "disallow_untyped_decorators = False", "warn_return_any = False"]
    path = tmp_path / "mypy39.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_mypy_strict_for_python_3_9(tmp_path: Path) -> None:
    """The standard library as of 3.9: no run-time ``X | Y``, no 3.10+ call or argument.

    mypy 2 no longer checks for 3.9 (the option is an error on the command line, a
    warning in a config file): the ``test`` extra asks for mypy<2.
    """
    from importlib.metadata import version

    mypy = version("mypy")
    assert int(mypy.split(".")[0]) < 2, f"mypy {mypy} cannot check for 3.9: pip install 'mypy<2'"
    config = str(_mypy_39_config(tmp_path))
    out = _run("mypy", "--python-version", "3.9", "--config-file", config)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Success: no issues found" in out.stdout, out.stdout + out.stderr


def test_no_run_time_dependency_on_typing_extensions() -> None:
    """``dataclass_transform`` is for type checkers: the package imports without it."""
    probe = (
        "import sys; sys.modules['typing_extensions'] = None\n"  # any import of it now fails
        "import pipsrc.records, pipsrc.model, pipsrc.cli, pipsrc.compat\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


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
