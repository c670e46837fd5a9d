"""The shortcuts that make large runs fast must not change what a run finds or writes.

Discovery screens names before classifying them, the prefilter skips files no parser
would locate anything in, a large tree is parsed in forked workers, fix writes files on
background threads and reuses its last lint, and a list of file names needs no git
process. Each test here pins one of those to the behaviour of the slow path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipsrc import parallel
from pipsrc.discover import classify, maybe_config

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"

_PIECES = st.sampled_from(
    ["Dockerfile", "dockerfile", "DOCKERFILE", "Containerfile", "requirements", "Requirements",
     "constraints", "compose", "docker-compose", "pip", ".pip", "PIP", "x", "a.b", "dev",
     ".", "-", "_", ".txt", ".TXT", ".in", ".sh", ".SH", ".bash", ".conf", ".ini", ".INI",
     ".yml", ".yaml", ".YAML", ".dockerfile", ".py", ".json", ".j2", ""]
)  # fmt: skip
_SEGMENT = (
    st.lists(_PIECES, min_size=1, max_size=4)
    .map("".join)
    .filter(lambda s: s not in ("", ".", ".."))
)


@given(st.lists(_SEGMENT, min_size=1, max_size=4))
def test_name_screen_never_drops_a_file_classify_accepts(parts: list[str]) -> None:
    path = "/".join(parts)
    if classify(path, b"#!/bin/sh\n") is not None:
        assert maybe_config(path), path


def _cli(root: Path, *args: str, jobs: str = "") -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP")}
    env["PIPSRC_JOBS"] = jobs
    out = subprocess.run(
        [sys.executable, "-c", "from pipsrc.cli import main; main()", *args, str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return out.returncode, out.stdout


def _many_files(root: Path, n: int) -> None:
    """``n`` services whose three files all need parsing (and a script that needs none)."""
    for i in range(n):
        d = root / f"svc{i:03d}"
        d.mkdir()
        index = TUNA if i % 3 == 0 else ALIYUN
        (d / "Dockerfile").write_text(
            f"FROM python:3.12\nRUN pip install -i {index} flask\nRUN pip install -r req.txt\n"
        )
        (d / "requirements.txt").write_text(f"-i {index}\nflask\n")
        (d / "build.sh").write_text(f"#!/bin/sh\nexport PIP_INDEX_URL={index}\npip install x\n")
        (d / "clean.sh").write_text("#!/bin/sh\nset -o pipefail\nrm -rf out\n")


def test_workers_give_the_same_results_as_one_process(tmp_path: Path) -> None:
    _many_files(tmp_path, parallel.MIN_FILES // 3 + 10)
    code1, one = _cli(
        tmp_path, "check", "--format", "concise", "--mirror", "aliyun", "--format", "json", jobs="1"
    )
    code2, two = _cli(
        tmp_path, "check", "--format", "concise", "--mirror", "aliyun", "--format", "json", jobs="2"
    )
    assert code1 == code2 == 1
    assert one == two
    parsed = [f for f in json.loads(one)["files"] if f["settings"] or f["install_sites"]]
    assert len(parsed) >= parallel.MIN_FILES  # enough texts to parse for the workers to run


def _texts(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_a_fix_round_in_workers_fixes_as_one_process(tmp_path: Path) -> None:
    """The fix loop's rounds are shared out to workers on a large tree (here 228 files in
    the first round): the files written, the summary and the findings left are those of
    one process."""
    one, two = tmp_path / "one", tmp_path / "two"
    for root in (one, two):
        root.mkdir()
        _many_files(root, parallel.MIN_FILES // 3 + 10)
    args = ("fix", "--mirror", "aliyun", "--show-fixes", "--no-color")
    code1, out1 = _cli(one, *args, jobs="1")
    code2, out2 = _cli(two, *args, jobs="2")
    assert code1 == code2 == 1
    assert out1.replace(str(one), "ROOT") == out2.replace(str(two), "ROOT")
    assert out1.startswith("Fixed in ")  # --show-fixes lists every change
    assert _texts(one) == _texts(two)
    assert "tuna" not in "".join(_texts(one).values())
    left = [_cli(root, "check", "--mirror", "aliyun", "--format", "json") for root in (one, two)]
    assert left[0][1].replace(str(one), "") == left[1][1].replace(str(two), "")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_map_files_keeps_order_and_redoes_a_failed_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPSRC_JOBS", "3")
    items = list(range(parallel.MIN_FILES * 2))
    assert parallel.map_files(lambda x: x * 2, items) == [x * 2 for x in items]
    parent = os.getpid()

    def fails_in_workers(x: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("worker failure")
        return x + 1

    assert parallel.map_files(fails_in_workers, items) == [x + 1 for x in items]


def test_utf16_file_is_not_skipped_by_the_prefilter(tmp_path: Path) -> None:
    text = f"FROM python:3.12\nRUN pip install -i {TUNA} flask\n"
    (tmp_path / "Dockerfile").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    code, out = _cli(tmp_path, "check", "--format", "concise", "--mirror", "aliyun")
    assert code == 1
    assert "Dockerfile:2:" in out and "PS101" in out


def test_syntax_error_in_a_run_without_pip_is_still_reported(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12\nRUN echo 'unterminated\nRUN pip install flask\n"
    )
    _, out = _cli(tmp_path, "check", "--format", "concise", "--mirror", "aliyun")
    assert "PS900" in out


def test_pipefail_is_not_pip_but_a_suppression_still_counts(tmp_path: Path) -> None:
    (tmp_path / "a.sh").write_text("#!/bin/bash\nset -euo pipefail\nmake\n")
    (tmp_path / "b.sh").write_text("#!/bin/bash\nset -o pipefail  # pipsrc: ignore[PS101] x\n")
    code, out = _cli(tmp_path, "check", "--format", "concise", "--mirror", "aliyun")
    assert code == 1
    assert "b.sh:2:" in out and "PS901" in out
    assert "a.sh" not in out


def test_fix_writes_every_file_and_reports_the_final_state(tmp_path: Path) -> None:
    """Many files are written concurrently; a Dockerfile whose effective index comes from
    a requirements file fixed after it is linted again, so fix's findings equal a check's."""
    for i in range(12):
        d = tmp_path / f"s{i}"
        d.mkdir()
        (d / "Dockerfile").write_text("FROM python:3.12\nRUN pip install -r requirements.txt\n")
        req = d / "requirements.txt"
        req.write_text(f"-i {TUNA}\nflask\n")
        req.chmod(0o640)
    code, fixed = _cli(tmp_path, "fix", "--mirror", "aliyun", "--format", "json")
    assert code == 1
    for i in range(12):
        req = tmp_path / f"s{i}" / "requirements.txt"
        assert req.read_text() == "-i https://mirrors.aliyun.com/pypi/simple\nflask\n"
        assert req.stat().st_mode & 0o777 == 0o640
    _, checked = _cli(
        tmp_path, "check", "--format", "concise", "--mirror", "aliyun", "--format", "json"
    )
    assert json.loads(fixed)["findings"] == json.loads(checked)["findings"]
    assert json.loads(fixed)["summary"]["changed_files"] == 12


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}  # fmt: skip
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_a_file_named_in_a_sub_directory_is_shown_as_named(tmp_path: Path) -> None:
    """Judged within the work tree (its root is found without a git process), shown
    relative to where the user stands, as ruff shows it, so an editor can open it."""
    _git(tmp_path, "init", "-q")
    sub = tmp_path / "svc"
    sub.mkdir()
    (sub / "requirements.txt").write_text(f"-i {TUNA}\nflask\n")
    out = subprocess.run(
        [sys.executable, "-c", "from pipsrc.cli import main; main()", "check",
         "--format", "concise", "--mirror", "aliyun", "requirements.txt"],
        cwd=sub, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.stdout.startswith("requirements.txt:1:4: PS101"), out.stdout


def test_git_listing_has_tracked_and_untracked_files_but_not_ignored_ones(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("vendored/\n")
    for rel in ("tracked/requirements.txt", "untracked/requirements.txt", "vendored/req.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"-i {TUNA}\nflask\n")
    (tmp_path / "vendored" / "requirements.txt").write_text(f"-i {TUNA}\n")
    _git(tmp_path, "add", ".gitignore", "tracked")
    _, out = _cli(tmp_path, "check", "--format", "concise", "--mirror", "aliyun")
    assert "tracked/requirements.txt:1:4: PS101" in out
    assert "untracked/requirements.txt:1:4: PS101" in out
    assert "vendored" not in out


def test_the_next_fix_round_takes_only_files_reading_a_changed_file() -> None:
    """A file is fixed (or linted) again only if it reads (-r, a copied pip.conf) a file
    that the last round changed; the decision is made by path."""
    from pipsrc.context import Context
    from pipsrc.engine.fixing import reads_any
    from pipsrc.engine.reading import parse_safely
    from pipsrc.model import FileKind
    from pipsrc.policy import Policy

    d = FileKind.DOCKERFILE
    docker = parse_safely(
        d, "FROM python:3.12\nRUN pip install -r requirements.txt\n", "Dockerfile"
    )
    req = parse_safely(FileKind.REQUIREMENTS, f"-i {TUNA}\nflask\n", "requirements.txt")
    other = parse_safely(d, "FROM python:3.12\nRUN pip install flask\n", "b/Dockerfile")
    ctx = Context(Policy(), {d.path: d for d in (docker, req, other)})
    assert reads_any(docker, {"requirements.txt"}, ctx)
    assert not reads_any(docker, {"b/Dockerfile"}, ctx)
    assert not reads_any(other, {"requirements.txt"}, ctx)  # reads nothing


def _fixable_tree(root: Path, n: int) -> list[Path]:
    files = []
    for i in range(n):
        f = root / f"s{i}" / "requirements.txt"
        f.parent.mkdir()
        f.write_text(f"-i {TUNA}\nflask\n")
        files.append(f)
    return files


def test_fix_writes_every_file_then_syncs_each_directory_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file is staged (written and fsynced beside the original) before any rename,
    then renamed, then each directory is fsynced once."""
    from pipsrc.engine import writing
    from pipsrc.engine.run import fix
    from pipsrc.policy import Policy

    events: list[str] = []
    for name in ("stage", "commit", "sync_directory_of"):
        real = getattr(writing, name)
        monkeypatch.setattr(
            writing, name, lambda *a, _n=name, _r=real, **k: events.append(_n) or _r(*a, **k)
        )
    files = _fixable_tree(tmp_path, 3)
    result = fix([str(tmp_path)], Policy().with_index("aliyun"), cli_index=True)
    assert len(result.changed_files) == 3 and not result.errors
    for f in files:
        assert f.read_text() == "-i https://mirrors.aliyun.com/pypi/simple\nflask\n"
    assert events == ["stage"] * 3 + ["commit"] * 3 + ["sync_directory_of"] * 3


def test_a_failed_write_is_reported_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipsrc.engine import writing
    from pipsrc.engine.run import fix
    from pipsrc.policy import Policy

    real = writing.stage

    def broken(path: str, data: bytes, stamp: object = None) -> object:
        if path.endswith("s1/requirements.txt"):
            raise OSError(28, "No space left on device")
        return real(path, data, stamp)  # type: ignore[arg-type]

    monkeypatch.setattr(writing, "stage", broken)
    files = _fixable_tree(tmp_path, 3)
    result = fix([str(tmp_path)], Policy().with_index("aliyun"), cli_index=True)
    assert len(result.changed_files) == 2
    assert len(result.errors) == 1 and "No space left" in result.errors[0]
    assert "tuna" in files[1].read_text()  # nothing half-written
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".pipsrc-")]
