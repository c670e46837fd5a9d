"""Session fixtures shared by the end-to-end tests (real pip, servers, pre-commit, hadolint)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.procs import offline_env, run
from tests.e2e.wheelhouse import make_wheel, runtime_wheelhouse

PROBE = "pipsrc-e2e-probe"  # installed through a requirements file / an install command
CONF_PROBE = "pipsrc-e2e-conf"  # installed through pip.conf alone


@pytest.fixture(scope="session")
def e2e_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away HOME shared by every child (virtualenv's seed-wheel cache lives there)."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pipsrc's runtime dependencies and build backend, re-packed from this environment."""
    dest = tmp_path_factory.mktemp("wheelhouse")
    runtime_wheelhouse(dest)
    return dest


@pytest.fixture(scope="session")
def probe_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two tiny wheels for the package indexes to serve; each says which package it is."""
    dest = tmp_path_factory.mktemp("probes")
    for name in (PROBE, CONF_PROBE):
        module = name.replace("-", "_")
        make_wheel(dest, name, "1.0", {module: f"NAME = {name!r}\n"})
    return dest


@pytest.fixture
def fresh_venv(tmp_path: Path, e2e_home: Path) -> Callable[[], Path]:
    """Create a new virtual environment with its own pip (seeded offline by virtualenv)."""

    def create() -> Path:
        target = tmp_path / "venv"
        out = run(
            [sys.executable, "-m", "virtualenv", "--no-setuptools", str(target)],
            offline_env(e2e_home),
            timeout=120,
        )
        assert out.returncode == 0, out.stdout
        return target / "bin" / "python"

    return create
