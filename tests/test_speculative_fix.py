"""fix on many cores gives exactly the sequential result.

A large fix run speculates: every file's fix loop runs in worker processes against the
unfixed repository, and the parent adopts a speculation only if the file read no file
that a fix changes (engine._Speculation). These tests run the same trees sequentially
(``PIPSRC_JOBS=1``) and speculatively, with the thresholds lowered so small trees
fork, and compare everything a user sees: texts, changes, findings, errors.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipsrc import engine, parallel, writing
from pipsrc.policy import Policy, find_policy, load_policy
from tests.trees import write_tree

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"


def _outcome(root: Path, policy: Policy, cli_index: bool) -> list[Any]:
    result = engine.fix([str(root)], policy, cli_index=cli_index, write=False)
    out = []
    for r in sorted(result.files, key=lambda r: r.path):
        out.append(
            (
                r.path,
                r.fixed,
                r.error,
                [(c.code, c.line, c.new_line, c.before, c.after, c.action, c.setting)
                 for c in r.changes],
                [(f.sort_key(), f.message, f.severity, f.fixable) for f in r.findings],
                [(f.sort_key(), why) for f, why in r.suppressed],
            )
        )  # fmt: skip
    return out


def _speculative(monkeypatch: pytest.MonkeyPatch, jobs: str = "2") -> list[str]:
    """Fork for any tree; returns the list the adopted files' paths will be added to."""
    monkeypatch.setenv("PIPSRC_JOBS", jobs)
    monkeypatch.setattr(parallel, "MIN_FILES", 1)
    monkeypatch.setattr(engine, "MIN_SPECULATE", 1)
    adopted: list[str] = []
    real_adopt = engine._Speculation.adopt

    def recording(self: engine._Speculation, r: engine.FileResult, ctx: Any) -> Any:
        adopted.append(r.path)
        return real_adopt(self, r, ctx)

    monkeypatch.setattr(engine._Speculation, "adopt", recording)
    return adopted


def _both(
    root: Path, monkeypatch: pytest.MonkeyPatch, policy: Policy, cli_index: bool = False
) -> tuple[list[Any], list[Any], int]:
    """(sequential outcome, speculative outcome, files whose speculation was adopted)."""
    monkeypatch.setenv("PIPSRC_JOBS", "1")
    sequential = _outcome(root, policy, cli_index)
    adopted = _speculative(monkeypatch, jobs="3")
    speculative = _outcome(root, policy, cli_index)
    monkeypatch.undo()
    return sequential, speculative, len(adopted)


@pytest.mark.parametrize(
    ("name", "index", "proxy"),
    [
        ("seed000", "aliyun", False),
        ("devpi", "http://devpi.internal:3141/root/pypi/+simple/", True),
    ],
)
def test_fixture_trees(
    name: str, index: str, proxy: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixture trees, with the index of tests/test_fixtures.py (--mirror / --proxy)."""
    root = tmp_path / name
    shutil.copytree(FIXTURES / name / "before", root)
    found = find_policy(root)
    policy = (load_policy(found) if found else Policy()).with_index(index, proxy=proxy)
    sequential, speculative, adopted = _both(root, monkeypatch, policy, cli_index=True)
    assert speculative == sequential
    assert any(fixed for _, fixed, *_ in sequential)  # the trees do need fixing
    assert adopted > 0


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


# A parametrized table rather than a hypothesis property: each tree forks and is fixed
# twice, so the property profile's thousand examples would take minutes.
@pytest.mark.parametrize("seed", range(40))
def test_random_trees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    write_tree(tmp_path, _random_tree(seed))
    consistency = seed % 3 == 0
    policy = Policy() if consistency else Policy().with_index("aliyun")
    sequential, speculative, _ = _both(tmp_path, monkeypatch, policy, cli_index=not consistency)
    assert speculative == sequential


def test_a_file_that_reads_a_changed_file_is_fixed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """zbuild.sh installs requirements.txt, which a fix changes before zbuild.sh's turn:
    its speculation read it, so the parent fixes zbuild.sh again, in order."""
    write_tree(
        tmp_path,
        {
            "d0/requirements.txt": f"-i {TUNA}\nflask\n",
            "d0/zbuild.sh": "#!/bin/sh\npip install -r requirements.txt\n",
            "d1/build.sh": f"#!/bin/sh\npip install -i {TUNA} x\n",
        },
    )
    adopted = _speculative(monkeypatch)
    result = engine.fix([str(tmp_path)], Policy().with_index("aliyun"), cli_index=True, write=False)
    assert sorted(adopted) == ["d0/requirements.txt", "d1/build.sh"]
    assert sorted(r.path for r in result.changed_files) == ["d0/requirements.txt", "d1/build.sh"]


def test_speculating_leaves_the_repository_unfixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Speculations run in the parent too (its share): afterwards the parent's files and
    context are exactly as before, so a file fixed again sees the unfixed repository."""
    write_tree(tmp_path, {f"d{i}/requirements.txt": f"-i {TUNA}\nflask\n" for i in range(6)})
    _speculative(monkeypatch)
    policy = Policy().with_index("aliyun")
    _, files, _ = engine.collect([str(tmp_path)], policy)
    ctx = engine.make_context(files, policy, True)
    before = {path: doc for path, doc in ctx.docs.items()}
    docs = [r.doc for r in files]
    speculated = engine._speculate(files, ctx, {"PS101"}, False)
    assert all(sp is not None and sp.fixed for sp in speculated)
    assert ctx.docs == before and all(ctx.docs[p] is d for p, d in before.items())
    assert [r.doc for r in files] == docs and not any(r.fixed or r.changes for r in files)
    assert ctx.lookups is None


def _pairs_tree(root: Path) -> None:
    """Scripts that read a requirements file a fix changes, and are changed themselves:
    their speculations are dropped; the leading file puts some in the parent's share."""
    files = {"a/requirements.txt": f"-i {TUNA}\nflask\n"}
    for i in range(4):
        files[f"d{i}/requirements.txt"] = f"-i {TUNA}\nflask\n"
        files[f"d{i}/zbuild.sh"] = (
            f"#!/bin/sh\nexport PIP_INDEX_URL={TUNA}\npip install -r requirements.txt x\n"
        )
    write_tree(root, files)


def test_files_staged_for_dropped_speculations_are_discarded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference, tree = tmp_path / "reference", tmp_path / "tree"
    _pairs_tree(reference)
    _pairs_tree(tree)
    policy = Policy().with_index("aliyun")
    monkeypatch.setenv("PIPSRC_JOBS", "1")
    engine.fix([str(reference)], policy, cli_index=True)
    _speculative(monkeypatch)
    dropped = []
    real_drop = writing.Writer.drop
    monkeypatch.setattr(
        writing.Writer, "drop", lambda self, f: (dropped.append(f), real_drop(self, f))[1]
    )
    result = engine.fix([str(tree)], policy, cli_index=True)
    assert dropped  # the parent staged a speculation it then did not adopt
    assert len(result.changed_files) == 9 and not result.errors
    for path in reference.rglob("*"):
        if path.is_file():
            assert (tree / path.relative_to(reference)).read_bytes() == path.read_bytes()
    assert not [p for p in tree.rglob("*") if p.name.startswith(".pipsrc-")]


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_a_run_stopped_after_speculating_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException]
) -> None:
    _pairs_tree(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    adopted = _speculative(monkeypatch)
    real_adopt = engine._Speculation.adopt

    def stop(self: engine._Speculation, r: engine.FileResult, ctx: Any) -> Any:
        if len(adopted) >= 3:  # (each adoption is recorded twice here)
            raise error("stop")
        adopted.append(r.path)
        return real_adopt(self, r, ctx)

    monkeypatch.setattr(engine._Speculation, "adopt", stop)
    with pytest.raises(error):
        engine.fix([str(tmp_path)], Policy().with_index("aliyun"), cli_index=True)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
