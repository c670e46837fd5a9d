"""The file system as hostile input, and writes that fail half way (catalogue F + X).

Each test here is a catalogue case too specific for the table in ``cases.py`` (it
needs a race, an injected failure or a second process); ``DEDICATED`` in cases.py
lists them for docs/reliability.md.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipsrc import records, textio
from pipsrc.edits import Applied
from pipsrc.engine import reading, writing
from pipsrc.textio import Decoded
from tests.reliability.harness import NEW, OLD, invoke, snapshot

REQ_BEFORE = f"-i {OLD}\nflask\n".encode()
REQ_AFTER = f"-i {NEW}\nflask\n".encode()


def write(root: Path, rel: str, data: bytes) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def temp_files(top: Path) -> list[str]:
    return [p.name for p in top.rglob(".pipsrc-*")]


class _OsProxy(types.ModuleType):
    """``os`` for pipsrc.textio only, with some functions replaced (the real ``os``
    module, which pytest itself uses, is never patched)."""

    def __init__(self, **overrides: Callable[..., Any]) -> None:
        super().__init__("os")
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "repo"
    write(root, "requirements.txt", REQ_BEFORE)
    write(root, "other/requirements.txt", REQ_BEFORE)
    yield root


# --- F6: unreadable ---------------------------------------------------------------------


def test_unreadable_file_is_reported_and_the_run_goes_on(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = repo / "requirements.txt"
    if os.geteuid() != 0:
        target.chmod(0)
    else:  # root reads anything: make the read itself fail as it would for a user
        real_read = reading.read_regular

        def denied(path: str, *a: Any) -> Any:
            if path == str(target):
                raise PermissionError(errno.EACCES, "Permission denied", path)
            return real_read(path, *a)

        monkeypatch.setattr(reading, "read_regular", denied)
    res = invoke("fix", "--mirror", "aliyun", str(repo))
    target.chmod(0o644)
    assert "requirements.txt: Permission denied" in res.out
    assert str(repo) not in res.out  # the path is shown relative, once
    assert res.code == 1 and "Traceback" not in res.out
    assert target.read_bytes() == REQ_BEFORE
    assert (repo / "other/requirements.txt").read_bytes() == REQ_AFTER


# --- F7: changed between read and write -------------------------------------------------


def test_file_changed_between_read_and_write_is_not_overwritten(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = repo / "requirements.txt"
    theirs = b"-i https://pypi.org/simple\n# an editor saved this meanwhile\n"
    real_stage = writing.stage

    def racing(path: str, *a: Any) -> Any:
        if path == str(target):
            target.write_bytes(theirs)  # another writer, after our read
        return real_stage(path, *a)

    monkeypatch.setattr(writing, "stage", racing)
    res = invoke("fix", "--mirror", "aliyun", str(repo))
    assert "requirements.txt: changed on disk while pipsrc was processing it; not written" in (
        res.out
    )
    assert target.read_bytes() == theirs
    assert (repo / "other/requirements.txt").read_bytes() == REQ_AFTER
    assert res.code == 1 and not temp_files(repo)


# --- F8 and the write failing half way ---------------------------------------------------


def _failing_replace(src: str, dst: str) -> None:
    raise OSError(errno.EXDEV, "Invalid cross-device link")


def _half_write(fd: int, mode: str = "r", *a: Any, **kw: Any) -> Any:
    fh = os.fdopen(fd, mode, *a, **kw)
    real_write = fh.write

    class Half:
        def __enter__(self) -> Half:
            return self

        def __exit__(self, *exc: object) -> None:
            fh.close()

        def write(self, data: bytes) -> int:
            real_write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str) -> Any:
            return getattr(fh, name)

    return Half()


def _denied_mkstemp(*a: Any, **kw: Any) -> Any:
    raise PermissionError(errno.EACCES, "Permission denied")


def _interrupt_fsync(fd: int) -> None:
    raise KeyboardInterrupt  # a Ctrl-C between writing the temp file and replacing


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"replace": _failing_replace}, "cannot write: Invalid cross-device link"),
        ({"fdopen": _half_write}, "cannot write: No space left on device"),
        ({"fsync": _interrupt_fsync}, "interrupted"),
    ],
    ids=["os.replace raises", "write fails after half the bytes", "interrupted"],
)
def test_failed_write_leaves_the_original_and_no_temp_file(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    patch: dict[str, Any],
    message: str,
) -> None:
    before = snapshot(repo)
    monkeypatch.setattr(textio, "os", _OsProxy(**patch))
    res = invoke("fix", "--mirror", "aliyun", str(repo))
    assert message in res.out, res.out
    assert "Traceback" not in res.out
    assert snapshot(repo) == before  # both files intact, byte for byte
    assert not temp_files(repo)


def test_read_only_directory(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F8: a read-only directory (simulated for root, who can write anyway)."""
    before = snapshot(repo)
    if os.geteuid() != 0:
        (repo / "other").chmod(0o555)
        repo.chmod(0o555)
    else:
        import tempfile  # textio imports it when it first writes

        monkeypatch.setattr(tempfile, "mkstemp", _denied_mkstemp)
    try:
        res = invoke("fix", "--mirror", "aliyun", str(repo))
    finally:
        repo.chmod(0o755)
        (repo / "other").chmod(0o755)
    assert "requirements.txt: cannot write: Permission denied" in res.out
    assert res.code == 1
    assert snapshot(repo) == before and not temp_files(repo)


def test_write_that_would_not_round_trip_is_refused(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A legacy-encoded file whose bytes would not come back is checked, never written."""
    real_decode = reading.decode

    def inexact(data: bytes) -> Decoded:
        d = real_decode(data)
        return Decoded(d.text, "gb18030", d.bom, mismatch_line=2)

    monkeypatch.setattr(reading, "decode", inexact)
    res = invoke("fix", "--mirror", "aliyun", str(repo))
    assert "requirements.txt: line 2 would not be written back byte for byte in gb18030" in (
        res.out
    )
    assert (repo / "requirements.txt").read_bytes() == REQ_BEFORE


# --- F9: modes ---------------------------------------------------------------------------


def test_modes_are_kept(tmp_path: Path) -> None:
    script = write(tmp_path, "install.sh", f"pip install -i {OLD} x\n".encode())
    conf = write(tmp_path, "pip.conf", f"[global]\nindex-url = {OLD}\n".encode())
    script.chmod(0o755)
    conf.chmod(0o600)
    assert invoke("fix", "--mirror", "aliyun", str(tmp_path)).code == 1
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    assert stat.S_IMODE(conf.stat().st_mode) == 0o600
    assert NEW.encode() in script.read_bytes() and NEW.encode() in conf.read_bytes()


# --- F10, F11: names and terminal control characters -------------------------------------


def test_odd_names_are_found_and_printed_safely(tmp_path: Path) -> None:
    names = ["we\nird/Dockerfile", "镜像/requirements.txt", "with space/requirements.txt",
             "esc\x1b]0;pwned\x07/requirements.txt", "::error::x/requirements.txt"]  # fmt: skip
    for n in names:
        data = f"FROM python:3.12\nRUN pip install -i {OLD} x\n" if "Docker" in n else f"-i {OLD}\n"
        write(tmp_path, n, data.encode())
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    res = invoke("check", "--mirror", "aliyun", str(tmp_path))
    assert "we\\nird/Dockerfile:2:20: PS101" in res.out
    assert "镜像/requirements.txt:1:4: PS101" in res.out
    assert "with space/requirements.txt:1:4: PS101" in res.out
    assert "esc\\x1b]0;pwned\\x07/requirements.txt:1:4: PS101" in res.out
    assert "\x1b" not in res.out and "\x07" not in res.out
    assert not any(line.startswith("::") for line in res.out.splitlines())
    doc = json.loads(invoke("check", "--mirror", "aliyun", "--format", "json", str(tmp_path)).out)
    assert {f["path"] for f in doc["findings"]} == set(names)
    assert invoke("fix", "--mirror", "aliyun", str(tmp_path)).code == 1
    for n in names:
        assert NEW.encode() in (tmp_path / n).read_bytes()


def test_escape_sequences_in_values_are_not_printed_raw(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", b"-i https://evil.example/\x1b]0;pwned\x07/simple\n")
    write(tmp_path, "pip.conf", b"[global]\nindex-url = https://x.example/\x1b[2J\r::error::x\n")
    for fmt in ("text", "json"):
        res = invoke("check", "--mirror", "aliyun", "--format", fmt, str(tmp_path))
        assert "PS101" in res.out
        assert "\x1b" not in res.out and "\x07" not in res.out and "\r" not in res.out
        assert not any(line.startswith("::") for line in res.out.splitlines())


# --- F20: a fix that breaks the file -------------------------------------------------------


def test_fix_that_breaks_the_file_is_reverted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compose = f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: {OLD}\n".encode()
    write(tmp_path, "compose.yaml", compose)
    write(tmp_path, "requirements.txt", REQ_BEFORE)
    from pipsrc import edits  # the fix loop imports apply_fixes from here when it runs

    real_apply = edits.apply_fixes

    def buggy(text: str, fixes: Any) -> Applied:
        out = real_apply(text, fixes)
        if text.startswith("services:"):  # the injected bug: an edit that breaks YAML
            return records.replace(out, text=out.text.replace("environment:", "env:\t: ["))
        return out

    monkeypatch.setattr(edits, "apply_fixes", buggy)
    res = invoke("fix", "--mirror", "aliyun", str(tmp_path))
    # the fix is withheld, and its finding says why; the other file's fix goes ahead
    assert "compose.yaml" in res.out and "(fix withheld: " in res.out
    assert "YAML parse error" in res.out or "cannot start any token" in res.out
    assert res.code == 1
    assert (tmp_path / "compose.yaml").read_bytes() == compose
    assert (tmp_path / "requirements.txt").read_bytes() == REQ_AFTER


# --- X: nothing outside the given paths; concurrency; deep trees ---------------------------


def test_nothing_outside_the_given_paths_is_written(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for sub in ("a", "b", "c"):
        write(repo, f"{sub}/requirements.txt", REQ_BEFORE)
    write(tmp_path, "sibling/requirements.txt", REQ_BEFORE)
    (repo / "a" / "pip").mkdir()
    (repo / "a" / "pip" / "pip.conf").symlink_to("../../b/requirements.txt")
    (repo / "a" / "constraints.txt").symlink_to("../../sibling/requirements.txt")
    (repo / "c" / "requirements-dev.txt").symlink_to("../b/requirements.txt")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    before = snapshot(tmp_path)
    for given in (["a"], ["a", "c"]):
        res = invoke("fix", "--mirror", "aliyun", *(str(repo / g) for g in given))
        # with one sub-directory given, that directory is the root shown to the user
        assert "pip/pip.conf: warning: symlink points outside the " in res.out
        assert "constraints.txt: warning: symlink points outside the repository" in res.out
        after = snapshot(tmp_path)
        changed = {k for k in before if before[k] != after.get(k)} | (set(after) - set(before))
        assert changed == {f"repo/{g}/requirements.txt" for g in given}, changed
        assert after["repo/b/requirements.txt"] == REQ_BEFORE
        assert after["sibling/requirements.txt"] == REQ_BEFORE


def _pipsrc(*args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return subprocess.Popen(
        [sys.executable, "-c", "from pipsrc.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def test_two_fix_runs_at_once(tmp_path: Path) -> None:
    for i in range(60):
        write(tmp_path, f"s{i}/requirements.txt", REQ_BEFORE)
        write(
            tmp_path, f"s{i}/Dockerfile", f"FROM python:3.12\nRUN pip install -i {OLD} x\n".encode()
        )
    procs = [_pipsrc("fix", "--mirror", "aliyun", str(tmp_path)) for _ in range(2)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    for p, out in zip(procs, outs, strict=True):
        assert p.returncode in (0, 1), out
        assert "Traceback" not in out and "internal error" not in out, out
        bad = [ln for ln in out.splitlines() if ": " in ln and "PS" not in ln and "Fix" not in ln]
        # the only error allowed is the detected race: never a half-written file
        assert all("changed on disk while pipsrc was processing it" in ln for ln in bad), out
    for i in range(60):
        assert (tmp_path / f"s{i}/requirements.txt").read_bytes() == REQ_AFTER
        assert NEW.encode() in (tmp_path / f"s{i}/Dockerfile").read_bytes()
    assert not temp_files(tmp_path)
    again = invoke("fix", "--mirror", "aliyun", str(tmp_path))
    assert again.code == 0, again.out


def test_deep_tree_and_long_names(tmp_path: Path) -> None:
    deep = tmp_path
    for i in range(150):
        deep = deep / f"d{i:03d}"
    write(deep, "requirements.txt", REQ_BEFORE)
    long_dir = tmp_path / ("n" * 250)
    write(long_dir, "requirements.txt", REQ_BEFORE)
    res = invoke("fix", "--mirror", "aliyun", str(tmp_path))
    assert res.code == 1, res.out
    assert (deep / "requirements.txt").read_bytes() == REQ_AFTER
    assert (long_dir / "requirements.txt").read_bytes() == REQ_AFTER


def test_git_config_cannot_run_programs(tmp_path: Path) -> None:
    """A .git/config pipsrc did not write (an unpacked archive) must not run programs."""
    repo = tmp_path / "repo"
    write(repo, "requirements.txt", REQ_BEFORE)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    marker = tmp_path / "ran"
    hook = write(tmp_path, "hook.sh", f"#!/bin/sh\ntouch {marker}\n".encode())
    hook.chmod(0o755)
    subprocess.run(["git", "-C", str(repo), "config", "core.fsmonitor", str(hook)], check=True)
    res = invoke("fix", "--mirror", "aliyun", str(repo))
    assert res.code == 1 and (repo / "requirements.txt").read_bytes() == REQ_AFTER
    assert not marker.exists()
