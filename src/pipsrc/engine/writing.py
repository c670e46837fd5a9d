"""Writing the files a fix changed: atomically, durably, and only once a run has succeeded.

The plain, trusted pattern: after the fix loop has finished for every file, each changed
file is staged (a temporary file in its own directory, written and fsynced), then every
staged file is renamed over its original, then each directory that got a rename is
fsynced once. A run stopped before the renames (an error, Ctrl-C) leaves every original,
and no temporary file, behind; a file that changed on disk since it was read, or that
cannot be written, is reported on its own and left alone. A check run never imports this.
"""

from __future__ import annotations

import os

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


def write_all(results: list[FileResult]) -> None:
    """Write every changed result; record each failure on its result (``error``)."""
    staged = _stage_all(results)
    directories = _commit_all(staged)
    for path in directories.values():
        sync_directory_of(path)


def _stage_all(results: list[FileResult]) -> list[tuple[FileResult, Staged]]:
    """Stage every changed result that can be written. Anything unexpected (Ctrl-C, an
    internal error) discards what was staged so far: no original was touched yet, and no
    temporary file is left behind."""
    staged: list[tuple[FileResult, Staged]] = []
    try:
        for r in results:
            data = encoded(r)
            if data is None:
                continue
            try:
                staged.append((r, stage(r.real, data, r.stamp)))
            except (HardLinked, OSError) as exc:
                _failed(r, _message(exc))
    except BaseException:
        for _, st in staged:
            discard(st)
        raise
    return staged


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
