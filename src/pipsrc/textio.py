"""Reading and writing file text without changing a byte we did not mean to.

Files are decoded strictly (UTF-8, or UTF-8/UTF-16 with a BOM) without newline
translation, so ``\\r\\n`` stays in the text and every offset maps back to the
original bytes. Encoding back must reproduce the original bytes exactly; a
file that would not round-trip is never written.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import os
import stat
from dataclasses import dataclass

MAX_FILE_BYTES = 2 * 1024 * 1024


class DecodeError(Exception):
    """The bytes are not text pipsrc can edit safely."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # codec used to encode the text back
    bom: bytes

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
        hint = " (looks like GBK/GB18030)" if _looks_gbk(data) else ""
        raise DecodeError(f"not UTF-8{hint}: not read", _line_of(data, exc.start)) from None
    return Decoded(text, "utf-8", b"")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _looks_gbk(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


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


@dataclass(frozen=True)
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
        raise OSError(f"{path}: not a regular file")
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


def atomic_write(path: str, data: bytes, expected: FileStamp | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its mode bits.

    The temporary file lives in the same directory (same file system), is
    fsynced, and replaces the original with ``os.replace``. If the file changed
    since it was read (``expected``), nothing is written.
    """
    import tempfile  # only a fix that changes a file needs it

    directory = os.path.dirname(os.path.abspath(path))
    st = os.stat(path)
    fd, tmp = tempfile.mkstemp(prefix=".pipsrc-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError):
                os.fchown(fh.fileno(), st.st_uid, st.st_gid)
            os.fsync(fh.fileno())
        if expected is not None and stamp(path) != expected:
            raise ChangedOnDisk(f"{path}: changed while pipsrc was processing it; not written")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
