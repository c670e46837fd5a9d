"""What users install: the wheel carries the licence, the metadata says what pipsrc is."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_contains_the_license(tmp_path: Path) -> None:
    # offline: the build backend installed with the test dependencies, no isolation
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    (wheel,) = tmp_path.glob("pipsrc-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        licences = [n for n in names if n.endswith("/LICENSE")]
        assert licences, names
        text = zf.read(licences[0]).decode()
        metadata = zf.read(next(n for n in names if n.endswith("/METADATA"))).decode()
    assert text == (ROOT / "LICENSE").read_text() and text.startswith("MIT License")
    assert "License-Expression: MIT" in metadata
    assert "Project-URL: Changelog" in metadata and "Classifier: Typing :: Typed" in metadata
    assert "pipsrc/py.typed" in names
    assert "Requires-Python: >=3.9" in metadata
    for version in ("3.9", "3.10", "3.11", "3.12", "3.13"):
        assert f"Classifier: Programming Language :: Python :: {version}\n" in metadata
    # tomllib is in the standard library from 3.11: tomli before it, and only there
    assert 'Requires-Dist: tomli<3,>=1.1; python_version < "3.11"' in metadata
    assert {n.split("/", 1)[0] for n in names} == {"pipsrc", "pipsrc-0.1.0.dist-info"}


def test_dependencies_have_upper_bounds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"]:
        assert "<" in dep, f"{dep}: give an upper bound (the next major or breaking version)"
