"""fix gives the same trees whatever the order of the files it fixes.

The fix loop lints each file against the other files as they were when its round began
(pipsrc.engine.fixing), and fixes again, in a later round, every file that reads a file a
round changed. These tests feed the loop the same files in several orders and compare
everything a user sees: texts, changes, findings, errors.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipsrc.engine import writing
from pipsrc.engine.fixing import fix_all
from pipsrc.engine.reading import collect
from pipsrc.engine.repository import make_context
from pipsrc.engine.run import check, fix
from pipsrc.engine.selection import Selection
from pipsrc.policy import Policy, find_policy, load_policy
from tests.trees import write_tree

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"


def _outcome(root: Path, policy: Policy, cli_index: bool, seed: int | None) -> list[Any]:
    """What fix computes for ``root``, the files fed to the loop shuffled by ``seed``."""
    _, files, _ = collect([str(root)], policy.exclude)
    if seed is not None:
        random.Random(seed).shuffle(files)
    ctx = make_context(files, policy, cli_index)
    fixes = fix_all(files, ctx, Selection().enabled(policy), unsafe=True)
    out = []
    for path in sorted(fixes):
        ff = fixes[path]
        changes = [(c.code, c.line, c.new_line, c.before, c.after, c.action, c.setting)
                   for c in ff.changes()]  # fmt: skip
        findings = [(f.sort_key(), f.message, f.severity, f.fixable) for f in ff.findings]
        out.append((path, ff.doc.text, ff.error, changes, findings))
    return out


def _same_in_any_order(root: Path, policy: Policy, cli_index: bool) -> list[Any]:
    reference = _outcome(root, policy, cli_index, None)
    for seed in range(3):
        assert _outcome(root, policy, cli_index, seed) == reference, f"order {seed}"
    return reference


@pytest.mark.parametrize(
    ("name", "index", "proxy"),
    [
        ("seed000", "aliyun", False),
        ("devpi", "http://devpi.internal:3141/root/pypi/+simple/", True),
    ],
)
def test_fixture_trees(name: str, index: str, proxy: bool, tmp_path: Path) -> None:
    """The fixture trees, with the index of tests/test_fixtures.py (--mirror / --proxy)."""
    root = tmp_path / name
    shutil.copytree(FIXTURES / name / "before", root)
    found = find_policy(root)
    policy = (load_policy(found) if found else Policy()).with_index(index, proxy=proxy)
    outcome = _same_in_any_order(root, policy, cli_index=True)
    assert any(text != (root / path).read_text() for path, text, *_ in outcome)


# Files that read each other: -r includes, a Dockerfile installing a requirements file it
# copies, a copied pip.conf; indexes that a fix changes, and some it leaves.
PIECES = {
    "req": "-i {idx}\n-r common.txt\nflask\n",
    "common": "--extra-index-url {idx}\nrequests\n",
    "plain": "flask\n",
    "docker": "FROM python:3.12\nCOPY requirements.txt pip.conf ./\n"
    "RUN pip install -r requirements.txt\nRUN pip install -i {idx} x\n",
    "pipconf": "[global]\nindex-url = {idx}\n",
    "shell": "#!/bin/sh\npip install -i {idx} -r requirements.txt y\n",
}
NAMES = {
    "req": "requirements.txt",
    "common": "common.txt",
    "plain": "requirements.txt",
    "docker": "Dockerfile",
    "pipconf": "pip.conf",
    "shell": "build.sh",
}
INDEXES = [TUNA, ALIYUN, "http://10.0.0.1/simple", "https://pypi.org/simple"]


def _random_tree(seed: int) -> dict[str, str]:
    """A tree of 1-14 such files in up to six directories (the same for a seed)."""
    rnd = random.Random(seed)
    files = {}
    for _ in range(rnd.randint(1, 14)):
        piece = rnd.choice(sorted(PIECES))
        files[f"d{rnd.randint(0, 5)}/{NAMES[piece]}"] = PIECES[piece].format(
            idx=rnd.choice(INDEXES)
        )
    return files


# A parametrized table rather than a hypothesis property: each tree is fixed four times.
@pytest.mark.parametrize("seed", range(40))
def test_random_trees(tmp_path: Path, seed: int) -> None:
    write_tree(tmp_path, _random_tree(seed))
    consistency = seed % 3 == 0
    policy = Policy() if consistency else Policy().with_index("aliyun")
    _same_in_any_order(tmp_path, policy, cli_index=not consistency)


def test_a_file_that_reads_a_changed_file_is_linted_against_the_change(tmp_path: Path) -> None:
    """build.sh installs requirements.txt, whose index a fix changes to the policy's: the
    script's extra index then repeats the primary (PS103), which the next round removes."""
    write_tree(
        tmp_path,
        {
            "requirements.txt": f"-i {TUNA}\nflask\n",
            "build.sh": f"#!/bin/sh\npip install -r requirements.txt --extra-index-url {TUNA}\n",
        },
    )
    policy = Policy().with_index("aliyun")
    result = fix([str(tmp_path)], policy, cli_index=True)
    assert sorted(r.path for r in result.changed_files) == ["build.sh", "requirements.txt"]
    assert [f for f in check([str(tmp_path)], policy, cli_index=True).findings if f.fixable] == []
    assert fix([str(tmp_path)], policy, cli_index=True).changed_files == []


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_a_run_stopped_while_writing_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException]
) -> None:
    write_tree(tmp_path, {f"d{i}/requirements.txt": f"-i {TUNA}\nflask\n" for i in range(6)})
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    calls: list[str] = []
    real_stage = writing.stage

    def stop(path: str, data: bytes, *args: Any) -> Any:
        calls.append(path)
        if len(calls) == 4:
            raise error("stop")
        return real_stage(path, data, *args)

    monkeypatch.setattr(writing, "stage", stop)
    with pytest.raises(error):
        fix([str(tmp_path)], Policy().with_index("aliyun"), cli_index=True)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
