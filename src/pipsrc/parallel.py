"""Parsing a large tree on every core (Linux ``fork``), and nothing else.

Parsing is most of the work of a run on a monorepo, and each file is parsed on its
own, so the texts to parse (already read by the parent) are dealt out to forked worker
processes, the parent taking a share too. A worker sends its documents back pickled
through a pipe: that costs about a tenth of parsing them, so it pays only for many
files (:data:`MIN_FILES`); pre-commit's handful of files is parsed in-process, and so
is everything when one process is asked for (``PIPSRC_JOBS=1``).

Forking is used only where it is safe and cheap: on Linux, from a process with a
single thread. Results are the same as a sequential run, in the same order; a worker
that fails has its share done again by the parent.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TypeVar

C = TypeVar("C")
R = TypeVar("R")

MIN_FILES = 200  # texts to parse; below this, forking and pickling cost more than they save
MAX_WORKERS = 8


def jobs() -> int:
    """How many processes to use: ``PIPSRC_JOBS``, else the cores this process may use."""
    env = os.environ.get("PIPSRC_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return min(int(env), MAX_WORKERS)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def can_fork() -> bool:
    """Whether forking is safe and cheap here: Linux, and no other thread running."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def map_files(load: Callable[[C], R], items: list[C]) -> list[R]:
    """``[load(x) for x in items]``, split across processes for a large list."""
    n = jobs()
    if n <= 1 or len(items) < MIN_FILES or not can_fork():
        return [load(x) for x in items]
    # interleaved shares: each process gets a similar mix of directories and kinds
    shares = [items[k::n] for k in range(n)]
    workers: list[tuple[int, int, int]] = []  # (share index, pid, read end)
    try:
        for k in range(1, n):
            workers.append((k, *_spawn(load, shares[k])))
        results: list[list[R]] = [[] for _ in range(n)]
        results[0] = [load(x) for x in shares[0]]
        for k, pid, fd in workers:
            results[k] = _collect(pid, fd, load, shares[k])
        workers = []
    finally:
        for _, pid, fd in workers:  # an exception in the parent: stop the workers
            _abandon(pid, fd)
    out: list[R] = [None] * len(items)  # type: ignore[list-item]
    for k in range(n):
        out[k::n] = results[k]
    return out


def _spawn(load: Callable[[C], R], share: list[C]) -> tuple[int, int]:
    import pickle

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        code = 1
        try:
            os.close(r)
            data = pickle.dumps([load(x) for x in share], protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(w, view) :]
            code = 0
        except BaseException:  # the parent reads this share itself
            pass
        finally:
            os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
    os.close(w)
    return pid, r


def _collect(pid: int, fd: int, load: Callable[[C], R], share: list[C]) -> list[R]:
    chunks = []
    try:
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    if status == 0:
        import pickle

        try:
            out: list[R] = pickle.loads(b"".join(chunks))
            if len(out) == len(share):
                return out
        except Exception:  # fall through: read the share here
            pass
    return [load(x) for x in share]


def _abandon(pid: int, fd: int) -> None:
    import signal

    try:
        os.close(fd)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
