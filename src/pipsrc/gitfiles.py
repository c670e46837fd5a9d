"""git plumbing for discovery: the work tree of a path, and file listings started early.

Kept apart from :mod:`pipsrc.discover` (and free of pipsrc imports) so that the command
line can start ``git ls-files`` before it imports anything heavy: git then walks the
work tree while Python loads the engine.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from subprocess import Popen


# A repository's own .git/config is not trusted: `core.fsmonitor` names a program that
# `git ls-files` runs (an unpacked archive or a CI cache can carry such a config).
GIT = ("git", "-c", "core.fsmonitor=false")


@functools.lru_cache(maxsize=64)
def git_root(path: str) -> str | None:
    """The work tree containing ``path`` (cached: the engine and discovery both ask)."""
    import subprocess

    try:
        out = subprocess.run(
            [*GIT, "-C", path, "rev-parse", "--show-toplevel"],
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return os.fsdecode(out.stdout.strip()) or None


def work_tree_of(path: str) -> str | None:
    """The work tree containing ``path``, found as git finds it: the nearest ancestor
    holding ``.git`` (a directory, or a file in a linked worktree or submodule).

    Costs a few ``stat`` calls instead of starting git, which matters when pre-commit
    runs pipsrc on three files. With ``GIT_DIR``/``GIT_WORK_TREE`` set, git is asked.
    """
    if "GIT_DIR" in os.environ or "GIT_WORK_TREE" in os.environ:
        return git_root(path)
    here = os.path.abspath(path)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return os.path.realpath(here)  # git reports the resolved path too
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


class GitListing:
    """``git ls-files`` for a directory, as two concurrent processes.

    Tracked files come from the index in milliseconds; untracked-but-not-ignored ones
    need a walk of the whole work tree. Started together, the tracked list (nearly
    every file) is screened while git is still walking for the untracked ones.
    """

    def __init__(self, top: str, sub: str) -> None:
        import subprocess

        base = [*GIT, "-C", top, "ls-files", "-z"]
        spec = ["--", sub or "."]
        self.procs: list[Popen[bytes]] = []
        for args in (["--cached"], ["--others", "--exclude-standard"]):
            try:
                self.procs.append(
                    subprocess.Popen(
                        [*base, *args, *spec],
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                    )
                )
            except OSError:
                self.close()
                return

    def parts(self) -> Iterator[list[str] | None]:
        """The tracked, then the untracked paths (relative to ``top``); None on failure."""
        import subprocess

        if len(self.procs) != 2:
            yield None
            return
        for proc in self.procs:
            try:
                out, _ = proc.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                self.close()
                yield None
                return
            if proc.returncode != 0:
                self.close()
                yield None
                return
            # one decode for the whole listing instead of one per path (tens of thousands)
            yield [p for p in os.fsdecode(out).split("\0") if p]

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self.procs = []


def listing(top: str, directory: str) -> GitListing:
    sub = os.path.relpath(directory, top)
    return GitListing(top, "" if sub == "." else sub)


# listings started ahead of discovery by `prefetch`, by absolute directory
PENDING: dict[str, GitListing] = {}


@contextlib.contextmanager
def prefetch(paths: list[str]) -> Iterator[None]:
    """Start git listing the directories among ``paths`` while the caller does other work.

    The CLI wraps a run in this, so that git walks the work tree while Python imports
    the engine and loads the policy. A listing that discovery did not use (the run
    stopped on a usage error) is stopped on exit, never left for a later run.
    """
    for given in paths:
        directory = os.path.abspath(given)
        if directory in PENDING or not os.path.isdir(directory):
            continue
        top = git_root(directory)
        if top is not None:
            PENDING[directory] = listing(top, directory)
    try:
        yield
    finally:
        while PENDING:
            PENDING.popitem()[1].close()
