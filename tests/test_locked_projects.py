"""A fix of a project file whose lock records its indexes is unsafe: the lock must be made
again before `--locked` installs work (survey 5: a "safe" fix broke `uv sync --locked` and
`pipenv install --deploy`). Real uv shows the breakage; pipsrc must say so and wait for
`--unsafe-fixes`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipsrc.engine.run import check
from pipsrc.model import Applicability
from pipsrc.policy import Policy
from tests.e2e.procs import offline_env
from tests.oracle.indexes import PROBE, Indexes, build_wheels
from tests.trees import write_tree

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
UV = shutil.which("uv", path=os.path.dirname(sys.executable)) or shutil.which("uv")


def findings(root: Path) -> list[tuple[str, str, Applicability | None]]:
    result = check([str(root)], Policy().with_index("aliyun"))
    return [(f.path, f.code, f.applicability) for f in result.findings if f.code != "PS108"]


@pytest.mark.parametrize(
    ("files", "path"),
    [
        ({"pyproject.toml": f'[tool.uv]\nindex-url = "{TUNA}"\n', "uv.lock": ""},
         "pyproject.toml"),
        ({"uv.toml": f'index-url = "{TUNA}"\n', "uv.lock": ""}, "uv.toml"),
        ({"Pipfile": f'[[source]]\nurl = "{TUNA}"\nverify_ssl = true\nname = "pypi"\n',
          "Pipfile.lock": "{}\n"}, "Pipfile"),
        ({"pyproject.toml": f'[tool.poetry]\nname = "a"\n\n[[tool.poetry.source]]\nname = "m"\n'
          f'url = "{TUNA}"\n', "poetry.lock": ""}, "pyproject.toml"),
    ],
)  # fmt: skip
def test_a_lock_beside_makes_the_fix_unsafe(
    tmp_path: Path, files: dict[str, str], path: str
) -> None:
    write_tree(tmp_path, files)
    found = check([str(tmp_path)], Policy().with_index("aliyun")).findings
    mine = [f for f in found if f.path == path]
    assert [(f.code, f.applicability) for f in mine] == [("PS101", Applicability.UNSAFE)]
    assert "records this file's indexes" in mine[0].message
    lock = next(name for name in files if name != path)
    (tmp_path / lock).unlink()
    assert findings(tmp_path) == [(path, "PS101", Applicability.SAFE)]


def test_only_the_projects_own_lock_counts(tmp_path: Path) -> None:
    """A lock at the repository's root is not the lock of a project in a subdirectory, and
    pdm.lock does not record pdm.toml's configuration (`pdm lock --check` passes)."""
    write_tree(tmp_path, {
        "uv.lock": "",
        "svc/pyproject.toml": f'[tool.uv]\nindex-url = "{TUNA}"\n',
        "tools/pdm.toml": f'[pypi]\nurl = "{TUNA}"\n',
        "tools/pdm.lock": "",
    })  # fmt: skip
    assert findings(tmp_path) == [
        ("svc/pyproject.toml", "PS101", Applicability.SAFE),
        ("tools/pdm.toml", "PS101", Applicability.SAFE),
    ]


@pytest.mark.skipif(UV is None, reason="uv is in the test extra: pip install uv")
def test_real_uv_refuses_its_lock_once_the_index_changes(tmp_path: Path) -> None:
    """The premise, from real uv: a project locked against one index whose `index-url`
    is then rewritten to another (what PS101's fix does to the string) fails `uv lock
    --locked` until `uv lock` runs again. (Loopback indexes are private ones, which pipsrc
    leaves alone, so the rewrite is made here as the fix makes it: the URL string only.)"""
    assert UV is not None
    with Indexes(build_wheels(tmp_path / "wheels")) as ix:
        work = tmp_path / "work"
        project = (
            f'[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.8"\n'
            f'dependencies = ["{PROBE}"]\n\n[tool.uv]\nindex-url = "{ix.url("A")}"\n'
        )
        write_tree(work, {"pyproject.toml": project})
        env = offline_env(tmp_path / "home")
        env.update(UV_NO_CACHE="1", UV_PYTHON=sys.executable, UV_PYTHON_DOWNLOADS="never")

        def uv(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([UV, *args], cwd=work, env=env, capture_output=True,
                                  text=True, timeout=120)  # fmt: skip

        assert uv("lock").returncode == 0
        assert uv("lock", "--locked").returncode == 0
        moved = project.replace(ix.url("A"), ix.url("B"))
        (work / "pyproject.toml").write_text(moved, encoding="utf-8")
        refused = uv("lock", "--locked")
        assert refused.returncode != 0, refused.stdout + refused.stderr
        assert uv("lock").returncode == 0
        assert uv("lock", "--locked").returncode == 0
