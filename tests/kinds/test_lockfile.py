"""Lock files: the indexes they were resolved against, located, never editable; PS108 once
per lock with the command that writes it again; a fix that changes the project file says
the lock is stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipsrc.api import check_text
from pipsrc.kinds import lockfile
from pipsrc.model import Document, Method, SettingKind
from pipsrc.policy import Policy
from tests.cliutil import invoke
from tests.kinds.spans import assert_spans

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"


def p(text: str, path: str) -> Document:
    doc = lockfile.parse(text, path)
    assert_spans(doc, Method.LOCK)
    assert all(s.kind is SettingKind.LOCKED_INDEX and not s.editable for s in doc.settings)
    return doc


def values(doc: Document) -> list[str | None]:
    return [s.value for s in doc.settings]


def uv_lock(*registries: str) -> str:
    body = 'version = 1\nrequires-python = ">=3.12"\n'
    for i, r in enumerate(registries):
        body += f'\n[[package]]\nname = "p{i}"\nversion = "1"\nsource = {{ registry = "{r}" }}\n'
    body += '\n[[package]]\nname = "local"\nversion = "0"\nsource = { editable = "." }\n'
    return body


def test_uv_lock_each_registry_once() -> None:
    doc = p(uv_lock(TUNA, TUNA, ALIYUN), "uv.lock")
    assert values(doc) == [TUNA, ALIYUN]


def test_poetry_lock_sources_only() -> None:
    text = (
        '[[package]]\nname = "a"\nversion = "1"\n'
        'files = [\n    {file = "a-1.whl", hash = "x"},\n]\n\n'
        '[[package]]\nname = "b"\nversion = "1"\nfiles = []\n\n'
        f'[package.source]\ntype = "legacy"\nurl = "{TUNA}"\nreference = "tuna"\n\n'
        '[metadata]\ncontent-hash = "abc"\n'
    )
    assert values(p(text, "poetry.lock")) == [TUNA]


def test_pipfile_lock_meta_sources_not_package_urls() -> None:
    text = (
        '{\n    "_meta": {\n        "sources": [\n            {\n'
        f'                "name": "tuna",\n                "url": "{TUNA}",\n'
        '                "verify_ssl": true\n            }\n        ]\n    },\n'
        '    "default": {\n        "x": {"url": "https://example.com/x.whl"}\n    }\n}\n'
    )
    assert values(p(text, "Pipfile.lock")) == [TUNA]


def test_pdm_lock_static_urls_name_the_host() -> None:
    text = (
        '[[package]]\nname = "a"\nfiles = [\n'
        '    {url = "https://mirrors.aliyun.com/pypi/packages/aa/a-1.whl", hash = "x"},\n'
        '    {url = "https://mirrors.aliyun.com/pypi/packages/bb/a-1.tar.gz", hash = "y"},\n]\n'
    )
    assert values(p(text, "pdm.lock")) == ["https://mirrors.aliyun.com"]


def test_pixi_lock_indexes() -> None:
    text = (
        "version: 6\nenvironments:\n  default:\n    channels:\n"
        "    - url: https://conda.anaconda.org/conda-forge/\n    indexes:\n"
        f"    - {TUNA}\n    - https://pypi.org/simple\n    packages: {{}}\n"
    )
    assert values(p(text, "pixi.lock")) == [TUNA, "https://pypi.org/simple"]


@pytest.mark.parametrize(
    ("name", "text", "command"),
    [
        ("uv.lock", uv_lock(TUNA, TUNA), "uv lock"),
        ("pixi.lock", f"environments:\n  default:\n    indexes:\n    - {TUNA}\n", "pixi lock"),
    ],
)
def test_ps108_once_per_lock_with_the_relock_command(name: str, text: str, command: str) -> None:
    findings = check_text(text, name, Policy().with_index("aliyun"), cli_index=True)
    assert [f.code for f in findings] == ["PS108"]
    assert f"`{command}`" in findings[0].message and TUNA in findings[0].message
    assert findings[0].fix is None


def test_ps108_accepts_the_policy_index_and_its_host() -> None:
    policy = Policy().with_index("aliyun")
    assert check_text(uv_lock(ALIYUN), "uv.lock", policy, cli_index=True) == []
    text = '[[package]]\nfiles = [{url = "https://mirrors.aliyun.com/pypi/packages/a.whl"}]\n'
    assert check_text(text, "pdm.lock", policy, cli_index=True) == []


def test_fix_leaves_the_lock_and_says_it_is_stale(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "p"\nversion = "0"\n\n[tool.uv]\nindex-url = "{TUNA}"\n'
    )
    lock = uv_lock(TUNA)
    (tmp_path / "uv.lock").write_text(lock)
    # the fix of a locked project is unsafe (tests/test_locked_projects.py): safe fixes only
    # leave the project as it is
    res = invoke(["fix", "--mirror", "aliyun", str(tmp_path)])
    assert "Nothing to fix" in res.output and "stale" not in res.output
    res = invoke(["fix", "--mirror", "aliyun", "--unsafe-fixes", str(tmp_path)])
    assert "uv.lock is now stale: run `uv lock` to lock again." in res.output
    assert (tmp_path / "uv.lock").read_text() == lock
    assert ALIYUN.rstrip("/") in (tmp_path / "pyproject.toml").read_text()
    # the lock is still reported until it is written again
    after = invoke(["check", "--mirror", "aliyun", str(tmp_path)])
    assert after.exit_code == 1 and "PS108" in after.output
