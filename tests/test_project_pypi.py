"""PS104 in project files: Poetry and PDM sources that leave pypi.org the primary index.

Poetry adds PyPI as the primary source unless a source is primary (config-surface A6:
1.8 made a primary source disable the implicit PyPI); PDM searches ``pypi.url`` first
unless a source is named ``pypi`` or pdm.toml sets it (A7). Seen in public repositories
(docs/real-world.md): a mirror added as ``supplemental``, so the lock still comes from
pypi.org.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipsrc.engine.run import check, fix
from pipsrc.policy import Policy
from tests.trees import write_tree

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TORCH = "https://download.pytorch.org/whl/cpu"


def poetry(*sources: str) -> str:
    return '[tool.poetry]\nname = "app"\n' + "".join(
        f"\n[[tool.poetry.source]]\n{body}" for body in sources
    )


def pdm(*sources: str) -> str:
    return '[project]\nname = "app"\n' + "".join(
        f"\n[[tool.pdm.source]]\n{body}" for body in sources
    )


def ps104(tmp_path: Path, files: dict[str, str], *paths: str, mirror: str = "aliyun") -> list[str]:
    """``path:line`` of each PS104 of a check of the tree (or of the given files)."""
    write_tree(tmp_path, files)
    given = [str(tmp_path / p) for p in paths] or [str(tmp_path)]
    result = check(given, Policy().with_index(mirror))
    return [f"{f.path}:{f.line}" for f in result.findings if f.code == "PS104"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (poetry(f'name = "aliyun"\nurl = "{ALIYUN}"\npriority = "supplemental"\n'), 6),
        (poetry(f'name = "torch"\nurl = "{TORCH}"\npriority = "explicit"\n'), 6),
        # a url-less PyPI source made primary names PyPI itself
        (
            poetry(
                'name = "PyPI"\npriority = "primary"\n',
                f'name = "aliyun"\nurl = "{ALIYUN}"\npriority = "supplemental"\n',
            ),
            10,
        ),
        (
            poetry(
                'name = "PyPI"\npriority = "primary"\n',
                f'name = "aliyun"\nurl = "{ALIYUN}"\npriority = "primary"\n',
            ),
            10,
        ),
        # Poetry 1.x's `secondary = true`
        (poetry(f'name = "aliyun"\nurl = "{ALIYUN}"\nsecondary = true\n'), 6),
        (pdm(f'name = "aliyun"\nurl = "{ALIYUN}"\n'), 6),
    ],
)
def test_sources_that_leave_pypi_primary_are_ps104(tmp_path: Path, text: str, line: int) -> None:
    assert ps104(tmp_path, {"pyproject.toml": text}) == [f"pyproject.toml:{line}"]


@pytest.mark.parametrize(
    "text",
    [
        poetry(f'name = "aliyun"\nurl = "{ALIYUN}"\npriority = "primary"\n'),
        poetry(f'name = "aliyun"\nurl = "{ALIYUN}"\n'),  # no priority: primary
        poetry(f'name = "aliyun"\nurl = "{ALIYUN}"\ndefault = true\n'),  # Poetry 1.x
        poetry(
            f'name = "aliyun"\nurl = "{ALIYUN}"\npriority = "primary"\n',
            f'name = "torch"\nurl = "{TORCH}"\npriority = "explicit"\n',
        ),
        pdm(f'name = "pypi"\nurl = "{ALIYUN}"\n'),
        # no source at all: the project may be built by pip, which reads its own config
        poetry(),
        pdm(),
    ],
)
def test_sources_that_replace_pypi_are_not_ps104(tmp_path: Path, text: str) -> None:
    assert ps104(tmp_path, {"pyproject.toml": text}) == []


def test_a_pdm_toml_beside_the_project_sets_its_primary_index(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": pdm(f'name = "torch"\nurl = "{TORCH}"\n'),
        "pdm.toml": f'[pypi]\nurl = "{ALIYUN}"\n',
    }
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert ps104(tmp_path, files) == []
    # pre-commit gives only the changed file: the pdm.toml beside it still counts
    assert ps104(tmp_path, files, "pyproject.toml") == []
    (tmp_path / "pdm.toml").unlink()
    assert ps104(tmp_path, files | {"pdm.toml": "[pypi]\n"}, "pyproject.toml") == [
        "pyproject.toml:6"
    ]


def test_the_message_says_why_pypi_comes_first(tmp_path: Path) -> None:
    first = poetry('name = "PyPI"\n', f'name = "aliyun"\nurl = "{ALIYUN}"\n')
    write_tree(tmp_path / "a", {"pyproject.toml": first})
    aside = poetry(f'name = "aliyun"\nurl = "{ALIYUN}"\npriority = "supplemental"\n')
    write_tree(tmp_path / "b", {"pyproject.toml": aside})
    found = check([str(tmp_path)], Policy().with_index("aliyun")).findings
    assert [(f.path, f.message.split(";")[0]) for f in found] == [
        ("a/pyproject.toml", "Poetry resolves this project from pypi.org first: the url-less "
         "PyPI source is the first primary one"),
        ("b/pyproject.toml", "Poetry resolves this project from pypi.org first: none of its "
         "sources is primary (supplemental)"),
    ]  # fmt: skip


def test_no_policy_index_no_report(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": poetry(f'url = "{ALIYUN}"\npriority = "explicit"\n')})
    result = check([str(tmp_path)], Policy())
    assert [f.code for f in result.findings if f.code == "PS104"] == []


def test_fix_leaves_the_project_and_the_finding(tmp_path: Path) -> None:
    """Changing a source's priority invalidates poetry.lock: no fix, the finding stays."""
    text = poetry(f'name = "aliyun"\nurl = "{ALIYUN}"\npriority = "supplemental"\n')
    write_tree(tmp_path, {"pyproject.toml": text})
    policy = Policy().with_index("aliyun")
    result = fix([str(tmp_path)], policy, cli_index=True, unsafe=True)
    assert not any(r.changed for r in result.files)
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == text
    assert [f.code for f in check([str(tmp_path)], policy).findings] == ["PS104"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pdm.toml", f'pypi.url = "{ALIYUN}"\n'),  # the dotted form `pdm config --local` writes
        ("pdm.toml", f'[pypi]\nurl = "{ALIYUN}"\n'),
    ],
)
def test_a_pdm_toml_in_either_toml_form_is_read(tmp_path: Path, name: str, text: str) -> None:
    """The engine parses a project file only when it holds a word its parser needs: the
    dotted `pypi.url` key was not one of them (survey 5: BlueArchive-Starter-cli)."""
    files = {"pyproject.toml": pdm(f'name = "torch"\nurl = "{TORCH}"\n'), name: text}
    assert ps104(tmp_path, files) == []
    (tmp_path / name).write_text(text.replace(ALIYUN, "https://pypi.tuna.tsinghua.edu.cn/simple"))
    found = check([str(tmp_path)], Policy().with_index("aliyun")).findings
    assert [(f.path, f.code) for f in found if f.code == "PS101"] == [(name, "PS101")]
