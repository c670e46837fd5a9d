"""Writing the files a fix changed: atomically, durably, and only once a run has succeeded.

Kept apart from :mod:`pipsrc.engine` so that a check run never imports it. The
engine hands a :class:`Writer` each file whose fixed text is final; the writer stages
it beside the original and commits every staged file at the end (docs/decisions.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from pipsrc.parallel import jobs
from pipsrc.textio import (
    ChangedOnDisk,
    DecodeError,
    FileStamp,
    HardLinked,
    Staged,
    commit,
    decode,
    discard,
    make_durable,
    stage,
    sync_available,
    sync_directory_of,
    sync_filesystem,
)

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from pipsrc.engine import FileResult

    # a file being staged on a thread, staged, or why it could not be
    Pending: TypeAlias = Future[Staged | str] | Staged | str

R = TypeVar("R")


class Writer:
    """Writes the changed files: staged as soon as their text is known, put in place at
    the end, only once the whole run has succeeded.

    Each write stays atomic and durable: :func:`pipsrc.textio.stage` writes a temporary
    file beside the original, :func:`pipsrc.textio.commit` replaces the original with it.
    Durability costs a journal commit per fsync, and a few hundred files with their
    directories took longer one by one than the rest of the run. On Linux the temporary
    files are therefore flushed together, one ``syncfs`` per file system before any
    rename and one after the renames (:func:`pipsrc.textio.sync_filesystem`); elsewhere,
    or if that fails, each file and then each directory is fsynced, on threads (the
    fsyncs wait on the disk, not on the interpreter). A run that fails or is interrupted
    before the end leaves every original, and no temporary file, behind. The writes run
    in this process, so each failure is reported on its file.
    """

    def __init__(self) -> None:
        self.pool: ThreadPoolExecutor | None = None
        self.items: list[tuple[FileResult, Pending]] = []
        self.early: list[Pending] = []  # staged, not yet adopted
        self.batch = sync_available()  # stage without fsync; sync each file system once

    def _stage(
        self, real: str, data: bytes, stamp: FileStamp | None, busy: bool = False
    ) -> Pending:
        """Stage one file; ``busy``: this process is computing meanwhile (speculating),
        and a write without fsync is cheaper than threads contending with it."""
        durable = not self.batch  # batch: no fsync here, one syncfs before the renames
        if jobs() <= 1 or (self.batch and busy):
            return _stage(real, data, stamp, durable)
        # on threads: creating a file waits on the file system, not on the interpreter
        return self._pool().submit(_stage, real, data, stamp, durable)

    def prestage(self, real: str, data: bytes, stamp: FileStamp | None) -> Pending:
        """Stage a file whose fixed text may yet be dropped (:meth:`drop`)."""
        item = self._stage(real, data, stamp, busy=True)
        self.early.append(item)
        return item

    def drop(self, item: Pending) -> None:
        """Discard a file staged early that will not be written after all."""
        self.early.remove(item)
        _discard(item)

    def submit(self, r: FileResult, staged: Pending | None = None) -> None:
        if staged is not None:
            self.early.remove(staged)
            self.items.append((r, staged))
            return
        data = encoded(r)
        if data is not None:
            self.items.append((r, self._stage(r.real, data, r.stamp)))

    def close(self) -> None:
        """Put every staged file in place and record each outcome on its result."""
        try:
            for item in self.early:  # none is left unless a caller forgot one
                _discard(item)
            self.early = []
            staged = [_outcome(item) for _, item in self.items]
            if self.batch:
                staged = _durable(staged)
            errors = self._map(_commit, staged)
        except BaseException:
            self.abort()
            raise
        written = [r.real for (r, _), error in zip(self.items, errors, strict=True) if not error]
        if not (self.batch and _sync_filesystems(written)):
            directories = {os.path.dirname(os.path.abspath(p)): p for p in written}
            self._map(sync_directory_of, list(directories.values()))
        for (r, _), error in zip(self.items, errors, strict=True):
            _written(r, error)
        self._shutdown()

    def _map(self, fn: Callable[[Any], R], items: list[Any]) -> list[R]:
        """``fn`` over ``items``, on threads when there are many: renames and fsyncs in
        different directories proceed side by side in the kernel."""
        if len(items) > 16 and jobs() > 1:
            # in a few chunks: a task per item costs more interpreter time than its syscall
            chunks = [items[k::8] for k in range(8)]
            done = list(self._pool().map(lambda chunk: [fn(x) for x in chunk], chunks))
            out: list[R] = [None] * len(items)  # type: ignore[list-item]
            for k, results in enumerate(done):
                out[k::8] = results
            return out
        return [fn(x) for x in items]

    def _pool(self) -> ThreadPoolExecutor:
        if self.pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="pipsrc-write")
        return self.pool

    def abort(self) -> None:
        """Discard everything staged (waiting for staging in progress): nothing is written."""
        for _, item in self.items:
            _discard(item)
        for item in self.early:
            _discard(item)
        self._shutdown()

    def _shutdown(self) -> None:
        self.items = []
        self.early = []
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None


def _sync_filesystems(paths: list[str]) -> bool:
    """One ``syncfs`` for each file system holding ``paths``; False if any failed."""
    by_device: dict[int, str] = {}
    for path in paths:
        try:
            by_device.setdefault(os.stat(os.path.dirname(os.path.abspath(path))).st_dev, path)
        except OSError:
            return False
    return all(sync_filesystem(path) for path in by_device.values())


def _durable(staged: list[Staged | str]) -> list[Staged | str]:
    """Make files staged without fsync durable before any is committed: a ``syncfs`` per
    file system, else an fsync each (a file that cannot be made durable is not written)."""
    if _sync_filesystems([st.path for st in staged if isinstance(st, Staged)]):
        return staged
    out: list[Staged | str] = []
    for st in staged:
        if isinstance(st, Staged):
            try:
                make_durable(st)
            except OSError as exc:
                discard(st)
                out.append(f"cannot write: {exc.strerror or exc}")
                continue
        out.append(st)
    return out


def _discard(item: Pending) -> None:
    try:
        outcome = _outcome(item)
    except BaseException:  # that write failed: nothing to discard
        return
    if isinstance(outcome, Staged):
        discard(outcome)


def _outcome(item: Pending) -> Staged | str:
    return item if isinstance(item, Staged | str) else item.result()


def encoded(r: FileResult) -> bytes | None:
    """The bytes of the fixed text, or None (recorded on ``r``) if they do not round-trip."""
    data = encode(r)
    if isinstance(data, str):
        r.error = data
        r.fixed = None
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


def _stage(real: str, data: bytes, stamp: FileStamp | None, durable: bool = True) -> Staged | str:
    """Stage ``data`` for ``real`` (:func:`pipsrc.textio.stage`); the error message, or
    the staged file."""
    try:
        return stage(real, data, stamp, durable=durable)
    except HardLinked as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot write: {exc.strerror or exc}"


def _commit(staged: Staged | str) -> str | None:
    """Put a staged file in place; the error message (the staging's, if it failed), or None."""
    if isinstance(staged, str):
        return staged
    try:
        commit(staged, sync_directory=False)  # each directory is synced once, after
    except ChangedOnDisk:
        return "changed on disk while pipsrc was processing it; not written"
    except OSError as exc:
        return f"cannot write: {exc.strerror or exc}"
    return None


def _written(r: FileResult, error: str | None) -> None:
    if error is not None:
        r.error = error
        r.fixed = None
