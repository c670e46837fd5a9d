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
import stat
from collections.abc import Iterable, Iterator

from pipsrc import kinds
from pipsrc.compat import realpath_strict
from pipsrc.gitfiles import PENDING, git_root, listing
from pipsrc.records import record

DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", ".direnv", ".eggs", ".mypy_cache", ".nox",
        ".pytest_cache", ".ruff_cache", ".tox", ".venv", "venv", ".pyenv", "__pypackages__",
        "__pycache__", "node_modules", "site-packages", "vendor", "third_party",
        ".ipynb_checkpoints",
    }
)  # fmt: skip

HEAD_BYTES = 512  # enough for a shebang, or a licence header and the first FROM
SCREEN_BYTES = 1 << 16  # a screened file this long or longer goes on to the reader (one read each)


@record(frozen=True)
class Candidate:
    path: str  # as shown to the user: relative to the root, posix
    real: str  # absolute path to read
    kind: str  # a kind of the registry (pipsrc.kinds)


def maybe_config(path: str, docs: bool = False) -> bool:
    """False only for paths :func:`classify` certainly rejects: a cheap pre-screen.

    Most files of a monorepo (``.py``, ``.js``, ``.json``...) are dismissed by one
    regex over their name, without a stat, a read or a path object. ``path`` is a
    normalised posix path, as git lists it (no ``.`` or empty components).
    """
    return named_kind(path, docs) is not None


def named_kind(path: str, docs: bool = False) -> str | None:
    """The kind :func:`maybe_config` finds by name; "" for a name without a dot (its kind
    is decided by its first bytes), None for a file of no kind."""
    slash = path.rfind("/")
    if path.find(".", slash + 1) == -1:
        return ""  # no dot in the name: maybe a Dockerfile or a script, decided by content
    parent = path[path.rfind("/", 0, slash) + 1 : slash] if slash > 0 else ""
    return kinds.kind_of_name(path[slash + 1 :], parent, docs)


def _may_hold(path: str, kind: str) -> bool:
    """Whether a file of a screened kind (Python sources) may hold what its parser locates
    (:func:`pipsrc.kinds.may_be_interesting`), from its bytes: a monorepo's ten thousand
    sources are dismissed with a read each, before a stat, a path or a record is made.
    A file that cannot be read here, or is too large, goes on: the reader says why."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return True
    try:
        data = os.read(fd, SCREEN_BYTES)
    except OSError:  # a directory (a submodule), a FIFO without a writer ...
        return True
    finally:
        os.close(fd)
    return len(data) == SCREEN_BYTES or kinds.may_be_interesting(kind, data)


def classify(rel: str, head: bytes | None = None, docs: bool = False) -> str | None:
    """The file kind from the name (and, for extension-less files, the first bytes)."""
    # the last two components, as PurePosixPath would see them ("a//b/./c" -> b, c)
    parts = [part for part in rel.split("/") if part not in ("", ".")]
    name = parts[-1] if parts else ""
    parent = parts[-2] if len(parts) > 1 else ""
    return _kind(name, parent, head, docs=docs)


def _kind(
    name: str, parent: str, head: bytes | None, any_name: bool = False, docs: bool = False
) -> str | None:
    """By name, else by the first bytes: for extension-less names, or for any name when the
    path was given explicitly (``pipsrc check build.docker`` with a FROM line)."""
    kind = kinds.kind_of_name(name, parent, docs)
    if kind is None and ("." not in name or any_name) and head is not None:
        kind = kinds.kind_of_head(head)
    return kind


def _head(path: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return os.read(fd, HEAD_BYTES)
    except OSError:
        return b""
    finally:
        os.close(fd)


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


@record
class Skipped:
    path: str
    reason: str


# an explicit path of no kind pipsrc reads: said, so that `pipsrc check notes.md` is not
# mistaken for a clean result
NOT_A_KIND = (
    "not a file kind pipsrc reads (Dockerfiles, scripts, requirements, pip.conf, compose,"
    " project, lock, conda and CI files, notebooks; Markdown with --include-docs): skipped"
)


def nothing_read(paths: list[str], skipped: list[Skipped], n_read: int) -> bool:
    """Only files were given, and none of a kind pipsrc reads (each said so): a usage
    error, not a clean result."""
    return (
        bool(paths)
        and all(os.path.isfile(p) for p in paths)
        and n_read == 0
        and any(s.reason == NOT_A_KIND for s in skipped)
    )


class _Finder:
    """Turns listed paths into candidates; the per-file work is kept to string operations.

    In a monorepo almost every listed file is dismissed by its name
    (:func:`maybe_config`) before any path arithmetic or system call. A candidate then
    costs one ``lstat`` (symlinks, submodule gitlinks) and, for an extension-less
    name, one 128-byte read for the shebang. Its real path is its resolved directory
    (cached per directory) plus its name, unless the file itself is a symlink.
    """

    def __init__(self, root: str, patterns: tuple[str, ...], docs: bool = False) -> None:
        self.docs = docs  # Markdown pages too (--include-docs)
        self.root_abs = os.path.abspath(root)
        self.root_real = os.path.realpath(root)
        self.prefix = self.root_abs.rstrip("/") + "/"
        self.patterns = patterns
        self.found: dict[str, Candidate] = {}
        self.skipped: list[Skipped] = []
        self.seen_real: set[str] = set()
        self.real_dirs: dict[str, str] = {}

    def rel(self, abs_path: str) -> str:
        if abs_path.startswith(self.prefix):
            return abs_path[len(self.prefix) :]
        rel = os.path.relpath(abs_path, self.root_abs).replace(os.sep, "/")
        return abs_path.replace(os.sep, "/") if rel.startswith("../") else rel

    def add(
        self, abs_path: str, explicit: bool, within: str | None = None, named: str | None = None
    ) -> None:
        """Consider one file; ``abs_path`` is absolute and normalised. A symlink is followed
        only to a file inside ``within`` (the given directory it was found under; default the
        root): pipsrc never writes outside the paths it is given. ``named``: the kind its
        name gives it, if known (a listed file of a screened kind is screened here)."""
        rel = self.rel(abs_path)
        # explicit paths (pre-commit passes file names) honour only the user's excludes
        if explicit:
            if _user_excluded(rel, self.patterns):
                return
        elif excluded(rel, self.patterns):
            return
        if named and kinds.screened(named) and not _may_hold(abs_path, named):
            return
        directory, name = os.path.split(abs_path)
        mode: int | None = None
        problem = ""
        try:
            mode = os.lstat(abs_path).st_mode
        except OSError as exc:
            problem = f"cannot resolve: {exc.strerror or exc}"
        if mode is not None and not explicit and stat.S_ISDIR(mode):
            return  # a submodule's gitlink
        head = _head(abs_path) if "." not in name or explicit else None
        kind = _kind(name, os.path.basename(directory), head, explicit, self.docs)
        if kind is None:
            if explicit and mode is not None and stat.S_ISREG(mode):
                self.skipped.append(Skipped(rel, NOT_A_KIND))
            return
        if mode is None:  # listed by git but gone from the work tree
            self.skipped.append(Skipped(rel, problem))
            return
        real = self._real_path(abs_path, rel, stat.S_ISLNK(mode), within)
        if real is None or real in self.seen_real:
            return
        self.seen_real.add(real)
        self.found[rel] = Candidate(rel, real, kind)

    def _real_path(self, abs_path: str, rel: str, is_link: bool, within: str | None) -> str | None:
        """The path to read, or None (recorded as skipped) when it cannot be resolved or is
        a symlink to a file outside the repository or outside the paths given."""
        try:
            if is_link:
                real = realpath_strict(abs_path)
            else:
                directory, name = os.path.split(abs_path)
                real = os.path.join(self.real_dir(directory), name)
        except OSError as exc:
            self.skipped.append(Skipped(rel, f"cannot resolve: {exc.strerror or exc}"))
            return None
        if is_link and not (real + os.sep).startswith(self.root_real + os.sep):
            self.skipped.append(Skipped(rel, "symlink points outside the repository: skipped"))
            return None
        if is_link and within is not None and not (real + os.sep).startswith(within + os.sep):
            self.skipped.append(Skipped(rel, "symlink points outside the given paths: skipped"))
            return None
        return real

    def real_dir(self, directory: str) -> str:
        """``os.path.realpath(directory, strict=True)``, one ``lstat`` per new directory.

        realpath resolves every component of every path again; here a directory that
        is no symlink resolves to its parent's resolved path plus its name.
        """
        real = self.real_dirs.get(directory)
        if real is None:
            parent, name = os.path.split(directory)
            if not name or parent == directory or stat.S_ISLNK(os.lstat(directory).st_mode):
                real = realpath_strict(directory)
            else:
                real = os.path.join(self.real_dir(parent), name)
            self.real_dirs[directory] = real
        return real

    def add_listed(self, base: str, names: Iterable[str], within: str | None = None) -> None:
        """Consider ``base/name`` for each listed (posix, normalised) relative name."""
        base = base.rstrip("/") + "/"
        for f in names:
            kind = named_kind(f, self.docs)
            if kind is not None:
                self.add(base + f, False, within, kind)


def discover(
    paths: list[str], root: str, exclude: Iterable[str] = (), docs: bool = False
) -> tuple[list[Candidate], list[Skipped]]:
    """The files under ``paths`` that pipsrc reads, relative to ``root`` (Markdown pages
    only with ``docs``: without it they are not even opened)."""
    finder = _Finder(root, tuple(exclude), docs)
    for given in paths:
        abs_given = os.path.abspath(given)
        if os.path.isfile(abs_given) or (
            os.path.islink(abs_given) and not os.path.isdir(abs_given)
        ):
            finder.add(abs_given, True)
            continue
        if not os.path.isdir(abs_given):
            finder.skipped.append(Skipped(given, "no such file or directory"))
            continue
        top = git_root(abs_given)
        listed = False
        within = os.path.realpath(abs_given)
        if top is not None:
            files = PENDING.pop(abs_given, None) or listing(top, abs_given)
            for part in files.parts():
                if part is None:
                    listed = False
                    break
                finder.add_listed(top, part, within)
                listed = True
        if not listed:  # no git, or git failed: walk (files listed already are deduplicated)
            for f in _walk(abs_given):
                kind = named_kind(f.replace(os.sep, "/"), docs)
                if kind is not None:
                    finder.add(f, False, within, kind)
    return sorted(finder.found.values(), key=lambda c: c.path), finder.skipped
