"""Reading and writing file text without changing a byte we did not mean to.

Files are decoded strictly (UTF-8, or UTF-8/UTF-16/UTF-32 with a BOM, or GB18030
when UTF-8 fails) without newline translation, so ``\\r\\n`` stays in the text and
every offset maps back to the original bytes. Encoding back must reproduce the
original bytes exactly; a file that would not round-trip is read and checked but
never written (``Decoded.mismatch_line``).
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import os
import stat

from pipsrc.records import record

MAX_FILE_BYTES = 2 * 1024 * 1024


class DecodeError(Exception):
    """The bytes are not text pipsrc can edit safely."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@record(frozen=True)
class Decoded:
    text: str
    encoding: str  # codec used to encode the text back
    bom: bytes
    # the first line whose bytes do not come back from encoding the text (None: exact).
    # Such a file is checked but never written: an edit elsewhere would change it.
    mismatch_line: int | None = None

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> Decoded:
    """Decode file bytes; raise :class:`DecodeError` with the failing line."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(enc)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {enc} text", _line_of(body, exc.start)) from None
            return Decoded(text, enc, bom)
    if b"\x00" in data[:1024]:
        raise DecodeError("binary file (NUL byte)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        legacy = _decode_gb18030(data)
        if legacy is None:
            raise DecodeError("neither UTF-8 nor GB18030 text: not read", line) from None
        return legacy
    return Decoded(text, "utf-8", b"")


def _decode_gb18030(data: bytes) -> Decoded | None:
    """Chinese Windows editors save GBK/GB18030 (a superset of GBK): read it if every
    non-UTF-8 byte sequence decodes cleanly.

    GB18030 is ASCII-compatible and stateless, so the ASCII URL bytes pipsrc edits map
    one to one, and encoding the text back reproduces each untouched character on its
    own. The whole file's round trip is still verified: if any byte would come back
    different, the file is checked but not written (``mismatch_line``).
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return Decoded(text, "gb18030", b"", _mismatch(data, text.encode("gb18030")))


def _mismatch(original: bytes, again: bytes) -> int | None:
    if original == again:
        return None
    n = min(len(original), len(again))
    first = next((i for i in range(n) if original[i] != again[i]), n)
    return _line_of(original, first)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


class LineIndex:
    """Offset -> (line, column), both 1-based; columns count characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        # str.find runs in C: this is built for every file linted
        self.starts = [0]
        at = text.find("\n")
        while at != -1:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")


def line_ending_at(text: str, offset: int) -> str:
    """The line terminator of the line containing ``offset`` (file majority if none)."""
    end = text.find("\n", offset)
    if end != -1:
        return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"
    return majority_newline(text)


def majority_newline(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


@record(frozen=True)
class FileStamp:
    ino: int
    size: int
    mtime_ns: int


def stamp(path: str) -> FileStamp:
    st = os.stat(path)
    return FileStamp(st.st_ino, st.st_size, st.st_mtime_ns)


def read_regular(path: str, limit: int = MAX_FILE_BYTES) -> tuple[bytes, FileStamp]:
    """Read a regular file without ever blocking on a FIFO or device."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise OSError("not a regular file (FIFO, socket or device): skipped, never opened")
    if st.st_size > limit:
        raise OSError(f"file is larger than {limit // 1024} KiB: skipped")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    # plain os.read: a buffered file object costs five times the read itself, per file
    parts: list[bytes] = []
    total = 0
    want = st.st_size + 1  # one read to EOF, unless the file grew meanwhile
    try:
        while total <= limit:
            chunk = os.read(fd, want)
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
            want = 65536
    finally:
        os.close(fd)
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    if len(data) > limit:
        raise OSError(f"file is larger than {limit // 1024} KiB: skipped")
    return data, FileStamp(st.st_ino, st.st_size, st.st_mtime_ns)


class ChangedOnDisk(Exception):
    """The file changed between our read and our write."""


class HardLinked(Exception):
    """The file has other hard links: replacing it would silently split them."""


class Staged:
    """A file's new bytes in a fsynced temporary file beside it, not yet in its place."""

    __slots__ = ("expected", "path", "tmp")

    def __init__(self, path: str, tmp: str, expected: FileStamp | None) -> None:
        self.path = path
        self.tmp = tmp
        self.expected = expected


def stage(path: str, data: bytes, expected: FileStamp | None = None) -> Staged:
    """The first half of :func:`atomic_write`: write ``data`` to a temporary file in
    ``path``'s directory (same file system), with ``path``'s mode bits, and fsync it.

    Nothing visible changes until :func:`commit`; :func:`discard` removes it. A file with
    other hard links is refused here: a replacement would turn them into stale copies.
    """
    import tempfile  # only a fix that changes a file needs it

    directory = os.path.dirname(os.path.abspath(path))
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:  # a new file (a report): the mode a plain open() would give
        st = None
    if st is not None and st.st_nlink > 1:
        raise HardLinked(f"has {st.st_nlink} hard links; not written (a rewrite would split them)")
    if st is not None:
        mode, owner = stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode, owner = 0o666 & ~umask, None
    fd, tmp = tempfile.mkstemp(prefix=".pipsrc-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            if owner is not None:
                with contextlib.suppress(OSError):
                    os.fchown(fh.fileno(), *owner)
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Staged(path, tmp, expected)


def commit(staged: Staged, *, sync_directory: bool = True) -> None:
    """Put a staged file in its place with ``os.replace``, and fsync the directory
    (unless the caller syncs directories itself, once each: :func:`sync_directory_of`).

    If the file changed since it was read (``expected``), nothing is written and the
    temporary file is removed, as on any failure.
    """
    path = staged.path
    try:
        if staged.expected is not None and stamp(path) != staged.expected:
            raise ChangedOnDisk(f"{path}: changed while pipsrc was processing it; not written")
        os.replace(staged.tmp, path)
    except BaseException:
        discard(staged)
        raise
    if sync_directory:
        sync_directory_of(path)


def sync_directory_of(path: str) -> None:
    """fsync the directory holding ``path``, so a rename in it survives a crash."""
    with contextlib.suppress(OSError):
        dfd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def discard(staged: Staged) -> None:
    """Remove a staged temporary file that will not be committed."""
    with contextlib.suppress(OSError):
        os.unlink(staged.tmp)


def atomic_write(path: str, data: bytes, expected: FileStamp | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its mode bits: :func:`stage`,
    then :func:`commit`. The original is intact unless the whole write succeeded."""
    commit(stage(path, data, expected))
