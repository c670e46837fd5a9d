"""Finding the files to read, and deciding what kind each one is (SPEC §4).

Discovery is git-aware: inside a work tree the file list comes from
``git ls-files -z`` (tracked plus untracked-but-not-ignored), so ``.gitignore``
is honoured exactly as git does; elsewhere an iterative walk that never
follows directory symlinks. Vendored and tool directories are skipped, and a
file symlink is read only when its target stays inside the root.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from pipsrc.model import FileKind

DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", ".direnv", ".eggs", ".mypy_cache", ".nox",
        ".pytest_cache", ".ruff_cache", ".tox", ".venv", "venv", ".pyenv", "__pypackages__",
        "__pycache__", "node_modules", "site-packages", "vendor", "third_party",
        ".ipynb_checkpoints",
    }
)  # fmt: skip

_SHEBANG = re.compile(rb"^#![^\n]*\b(?:ba|da|k|z)?sh\b")
_REQ = re.compile(r"(?:.*requirements.*|constraints.*)\.txt")


@dataclass(frozen=True)
class Candidate:
    path: str  # as shown to the user: relative to the root, posix
    real: str  # absolute path to read
    kind: FileKind


def classify(rel: str, head: bytes | None = None) -> FileKind | None:
    """The file kind from the name (and, for extension-less files, the shebang)."""
    p = PurePosixPath(rel)
    name = p.name
    lower = name.lower()
    if (
        name in ("Dockerfile", "Containerfile")
        or name.startswith(("Dockerfile.", "Containerfile."))
        or lower.endswith(".dockerfile")
        or lower == "dockerfile"
    ):
        return FileKind.DOCKERFILE
    if lower.endswith((".sh", ".bash")):
        return FileKind.SHELL
    if lower in ("pip.conf", "pip.ini") or (
        lower.endswith(".conf") and p.parent.name in ("pip", ".pip")
    ):
        return FileKind.PIPCONF
    if _REQ.fullmatch(lower) or (p.parent.name == "requirements" and lower.endswith(".txt")):
        return FileKind.REQUIREMENTS
    if lower.endswith(".in") and not lower.startswith("dockerfile"):
        return FileKind.REQUIREMENTS if "requirements" in lower or "constraints" in lower else None
    if re.fullmatch(r"(?:docker-)?compose[^/]*\.ya?ml", lower):
        return FileKind.COMPOSE
    if "." not in name and head is not None and _SHEBANG.match(head):
        return FileKind.SHELL
    return None


def _needs_head(rel: str) -> bool:
    return "." not in PurePosixPath(rel).name


def _head(path: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    try:
        if not _is_regular_fd(fd):
            return b""
        return os.read(fd, 128)
    except OSError:
        return b""
    finally:
        os.close(fd)


def _is_regular_fd(fd: int) -> bool:
    import stat

    return stat.S_ISREG(os.fstat(fd).st_mode)


# A repository's own .git/config is not trusted: `core.fsmonitor` names a program that
# `git ls-files` runs (an unpacked archive or a CI cache can carry such a config).
_GIT = ("git", "-c", "core.fsmonitor=false")


def git_root(path: str) -> str | None:
    try:
        out = subprocess.run(
            [*_GIT, "-C", path, "rev-parse", "--show-toplevel"],
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return os.fsdecode(out.stdout.strip()) or None


def _git_files(top: str, sub: str) -> list[str] | None:
    try:
        out = subprocess.run(
            [*_GIT, "-C", top, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
             "--", sub or "."],
            capture_output=True,
            check=False,
            timeout=120,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return [os.fsdecode(p) for p in out.stdout.split(b"\0") if p]


def _walk(top: str) -> Iterator[str]:
    stack = [top]
    while stack:
        d = stack.pop()
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                if e.name not in DEFAULT_EXCLUDED_DIRS:
                    stack.append(e.path)
            else:
                yield e.path


def excluded(rel: str, patterns: Iterable[str]) -> bool:
    parts = rel.split("/")
    if any(part in DEFAULT_EXCLUDED_DIRS for part in parts[:-1]):
        return True
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatchcase(rel, pat) or fnmatch.fnmatchcase(rel, pat + "/*"):
            return True
        if "/" not in pat and any(fnmatch.fnmatchcase(part, pat) for part in parts):
            return True
    return False


def _user_excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    return bool(patterns) and any(
        fnmatch.fnmatchcase(rel, p.rstrip("/")) or fnmatch.fnmatchcase(rel, p.rstrip("/") + "/*")
        for p in patterns
    )


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


@dataclass
class Skipped:
    path: str
    reason: str


def discover(
    paths: list[str], root: str, exclude: Iterable[str] = ()
) -> tuple[list[Candidate], list[Skipped]]:
    """The files under ``paths`` that pipsrc reads, relative to ``root``."""
    root_real = os.path.realpath(root)
    patterns = tuple(exclude)
    found: dict[str, Candidate] = {}
    skipped: list[Skipped] = []
    seen_real: set[str] = set()

    root_abs = os.path.abspath(root)

    def add(abs_path: str, explicit: bool, within: str = root_real) -> None:
        rel = os.path.relpath(os.path.abspath(abs_path), root_abs).replace(os.sep, "/")
        if rel.startswith("../"):
            rel = os.path.abspath(abs_path).replace(os.sep, "/")
        # explicit paths (pre-commit passes file names) honour only the user's excludes
        if excluded(rel, patterns) if not explicit else _user_excluded(rel, patterns):
            return
        head = _head(abs_path) if _needs_head(rel) else None
        kind = classify(rel, head)
        if kind is None:
            return
        try:
            real = os.path.realpath(abs_path, strict=True)
        except OSError as exc:
            skipped.append(Skipped(rel, f"cannot resolve: {exc.strerror or exc}"))
            return
        if os.path.islink(abs_path):
            # a link is followed only to a file inside the directory it was found under:
            # pipsrc never writes outside the paths it is given
            if not _inside(real, root_real):
                skipped.append(Skipped(rel, "symlink points outside the repository: skipped"))
                return
            if not _inside(real, within):
                skipped.append(Skipped(rel, "symlink points outside the given paths: skipped"))
                return
        if real in seen_real:
            return
        seen_real.add(real)
        found[rel] = Candidate(rel, real, kind)

    for given in paths:
        abs_given = os.path.abspath(given)
        if os.path.isfile(abs_given) or (
            os.path.islink(abs_given) and not os.path.isdir(abs_given)
        ):
            add(abs_given, True)
            continue
        if not os.path.isdir(abs_given):
            skipped.append(Skipped(given, "no such file or directory"))
            continue
        top = git_root(abs_given)
        files = None
        if top is not None:
            sub = os.path.relpath(abs_given, top)
            listed = _git_files(top, "" if sub == "." else sub)
            if listed is not None:
                files = [os.path.join(top, f) for f in listed]
        if files is None:
            files = list(_walk(abs_given))
        within = os.path.realpath(abs_given)
        for f in files:
            if os.path.isdir(f) and not os.path.islink(f):
                continue  # a submodule's gitlink
            add(f, False, within)
    return sorted(found.values(), key=lambda c: c.path), skipped
