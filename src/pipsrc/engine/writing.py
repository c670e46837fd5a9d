"""Writing the files a fix changed: atomically, durably, and only once a run has succeeded.

The plain, trusted pattern: after the fix loop has finished for every file, each changed
file is staged (a temporary file in its own directory, written and fsynced), then every
staged file is renamed over its original, then each directory that got a rename is
fsynced once. A run stopped before the renames (an error, Ctrl-C) leaves every original,
and no temporary file, behind; a file that changed on disk since it was read, or that
cannot be written, is reported on its own and left alone. A check run never imports this.

The stagings and the directory fsyncs are each done by a pool of threads: an fsync waits
for the disk, and concurrent ones share the file system's journal commits, so a fix that
changes two thousand files spends a third of the time waiting (bench/RESULTS.md). The
renames stay in one thread, in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from pipsrc.engine.results import FileResult
from pipsrc.textio import (
    ChangedOnDisk,
    DecodeError,
    HardLinked,
    Staged,
    commit,
    decode,
    discard,
    stage,
    sync_directory_of,
)

# threads waiting on the disk at once (fsync); more buys little on one disk
WRITERS = 16

A = TypeVar("A")
R = TypeVar("R")


def write_all(results: list[FileResult]) -> None:
    """Write every changed result; record each failure on its result (``error``)."""
    staged = _stage_all(results)
    directories = _commit_all(staged)
    if len(directories) > 1:
        _in_pool(sync_directory_of, list(directories.values()), lambda _: None)
    else:
        for path in directories.values():
            sync_directory_of(path)


def _stage_all(results: list[FileResult]) -> list[tuple[FileResult, Staged]]:
    """Stage every changed result that can be written. Anything unexpected (Ctrl-C, an
    internal error) discards what was staged so far: no original was touched yet, and no
    temporary file is left behind."""
    todo = [(r, data) for r in results if (data := encoded(r)) is not None]
    staged = _in_pool(lambda item: stage(item[0].real, item[1], item[0].stamp), todo, discard)
    out: list[tuple[FileResult, Staged]] = []
    for (r, _), done in zip(todo, staged):
        if isinstance(done, Staged):
            out.append((r, done))
        else:
            _failed(r, _message(done))
    return out


def _in_pool(
    work: Callable[[A], R], items: list[A], undo: Callable[[R], None]
) -> list[R | HardLinked | OSError]:
    """``work`` on every item in a pool of threads: each result, or the error the item
    raised (HardLinked, OSError), in the items' order. Anything else raised (Ctrl-C in
    this thread, an internal error) waits for the items under way, undoes every result
    and is raised again."""
    with ThreadPoolExecutor(min(WRITERS, max(1, len(items)))) as pool:
        futures = [pool.submit(work, item) for item in items]
        try:
            return [_outcome(f) for f in futures]
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            for result in _results(futures):
                undo(result)
            raise


def _outcome(future: Future[Any]) -> Any:
    try:
        return future.result()
    except (HardLinked, OSError) as exc:
        return exc


def _results(futures: Iterable[Future[R]]) -> list[R]:
    """The results of the futures that finished without an error."""
    done = [f for f in futures if f.done() and not f.cancelled() and f.exception() is None]
    return [f.result() for f in done]


def _commit_all(staged: list[tuple[FileResult, Staged]]) -> dict[str, str]:
    """Rename each staged file over its original; return one renamed file per directory
    (each directory is fsynced once). A file that changed on disk since it was read, or
    cannot be renamed, is reported on its own; anything unexpected discards the staged
    files not renamed yet."""
    directories: dict[str, str] = {}
    for i, (r, st) in enumerate(staged):
        try:
            commit(st, sync_directory=False)
        except ChangedOnDisk:
            _failed(r, "changed on disk while pipsrc was processing it; not written")
        except OSError as exc:
            _failed(r, _message(exc))
        except BaseException:
            for _, rest in staged[i + 1 :]:
                discard(rest)
            raise
        else:
            directories.setdefault(os.path.dirname(os.path.abspath(r.real)), r.real)
    return directories


def _message(exc: BaseException) -> str:
    if isinstance(exc, HardLinked):
        return str(exc)
    if isinstance(exc, OSError):
        return f"cannot write: {exc.strerror or exc}"
    return str(exc)


def _failed(r: FileResult, error: str) -> None:
    r.error = error
    r.fixed = None


def encoded(r: FileResult) -> bytes | None:
    """The bytes of the fixed text, or None (recorded on ``r``) if they do not round-trip."""
    data = encode(r)
    if isinstance(data, str):
        _failed(r, data)
        return None
    return data


def encode(r: FileResult) -> bytes | str:
    """The bytes of ``r``'s fixed text, or why they must not be written."""
    assert r.decoded is not None and r.fixed is not None
    if r.decoded.mismatch_line is not None:
        return (
            f"line {r.decoded.mismatch_line} would not be written back byte for byte in "
            f"{r.decoded.encoding}; not written"
        )
    data = r.decoded.encode(r.fixed)
    try:
        if decode(data).text != r.fixed:
            raise DecodeError("re-encoding changed the text")
    except DecodeError:
        return (
            "internal error: the fixed text does not round-trip in the file's encoding; not written"
        )
    return data
