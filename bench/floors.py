"""What any Python program must spend on the bench's trees, without pipsrc's own work.

Two floors, run by ``bench/run.py`` as commands of their own beside pipsrc, so that the
report can say how much of each target is left for pipsrc once they are paid:

``floors.py read NAMES``
    Start Python, list the tree with ``git ls-files`` (as pipsrc does), keep the names
    listed in the file NAMES (the ones pipsrc's name rules accept, written by run.py
    outside the timing), read each one (64 KiB, as pipsrc's screen does) and search it
    for the index words. Nothing is parsed, linted or printed.

``floors.py write NAMES``
    Rewrite each file listed in NAMES with its own bytes the way pipsrc's writer puts a
    fixed file in place: a temporary file in the same directory, written and fsynced on
    a pool of 16 threads, renamed over the file, then each directory fsynced once. The
    tree is unchanged afterwards (same bytes; mode bits kept).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

WORDS = re.compile(rb"pip|PIP_|UV_|index|INDEX|trusted|TRUSTED|find-links|FIND_LINKS")
THREADS = 16  # as pipsrc.engine.writing


def names(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line for line in fh.read().split("\n") if line]


def read_floor(listed: str) -> int:
    wanted = set(names(listed))
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    hits = 0
    for name in os.fsdecode(out).split("\0"):
        if name in wanted:
            fd = os.open(name, os.O_RDONLY)
            try:
                hits += WORDS.search(os.read(fd, 1 << 16)) is not None
            finally:
                os.close(fd)
    return 0 if hits else 1


def _stage(path: str) -> str:
    with open(path, "rb") as fh:
        data = fh.read()
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".floor-")
    try:
        os.write(fd, data)
        os.fchmod(fd, os.stat(path).st_mode & 0o7777)
        os.fsync(fd)
    finally:
        os.close(fd)
    return tmp


def _sync_dir(directory: str) -> None:
    fd = os.open(directory or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_floor(listed: str) -> int:
    paths = names(listed)
    with ThreadPoolExecutor(THREADS) as pool:
        staged = list(pool.map(_stage, paths))
    for tmp, path in zip(staged, paths, strict=True):
        os.replace(tmp, path)
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(_sync_dir, sorted({os.path.dirname(p) for p in paths})))
    return 0


if __name__ == "__main__":
    what, listed = sys.argv[1], sys.argv[2]
    sys.exit(read_floor(listed) if what == "read" else write_floor(listed))
