"""The rest of the repository, for runs on named files, and the rules' context."""

from __future__ import annotations

import os

from pipsrc.context import Context
from pipsrc.discover import Candidate, classify, discover, excluded
from pipsrc.engine.reading import context_doc
from pipsrc.engine.results import FileResult
from pipsrc.gitfiles import work_tree_of
from pipsrc.model import Document
from pipsrc.policy import Policy


class RepositoryContext:
    """The rest of the repository, read only as far as a rule asks for it.

    pre-commit passes just the files of a commit, but some facts belong to the whole
    repository: the files a named file refers to (`pip install -r requirements.txt`,
    `COPY pip.conf`), which decide PS104, and the dominant index that PS105 measures against
    in consistency mode. So when explicit files are given inside a git work tree, the rules'
    `Context` can reach the other files of the repository: a referenced file is read on its
    own when a rule looks it up, and the whole repository (`git ls-files`, the same discovery
    and excludes as a full run) only when the dominant index is needed. Only files whose
    bytes hold an index word are parsed; none of them gets findings or is ever written. A
    pre-commit run with a policy index therefore reads one or two extra files, not the tree.
    """

    def __init__(self, root: str, named: set[str], exclude: tuple[str, ...]) -> None:
        self.root = root
        self.root_real = os.path.realpath(root)
        self.named = named
        self.exclude = exclude
        self._docs: dict[str, Document | None] = {}
        self._complete = False

    def get(self, rel: str, kind: str | None = None) -> Document | None:
        """The context document at ``rel`` (a posix path relative to the root), if any;
        ``kind`` is the kind a reference gives a file that discovery would not read."""
        if rel in self.named:
            return None
        if rel not in self._docs or (self._docs[rel] is None and kind is not None):
            self._docs[rel] = self._load(rel, kind)
        return self._docs.get(rel)

    def _load(self, rel: str, hint: str | None = None) -> Document | None:
        if rel.startswith(("/", "../")) or rel == ".." or excluded(rel, self.exclude):
            return None
        real = os.path.join(self.root, *rel.split("/"))
        resolved = os.path.realpath(real)
        if not resolved.startswith(self.root_real + os.sep) or not os.path.isfile(real):
            return None  # never read through a link out of the repository
        kind = classify(rel) or hint
        return context_doc(Candidate(rel, real, kind)) if kind is not None else None

    def documents(self) -> list[Document]:
        """Every context document of the repository (read once, on first use)."""
        if not self._complete:
            cands, _ = discover([self.root], self.root, self.exclude)
            for cand in cands:
                if cand.path not in self.named and cand.path not in self._docs:
                    self._docs[cand.path] = context_doc(cand)
            self._complete = True
        return self.loaded

    @property
    def loaded(self) -> list[Document]:
        """The context documents read so far."""
        return [d for d in self._docs.values() if d is not None]


def repository_context(
    paths: list[str], root: str, files: list[FileResult], exclude: tuple[str, ...]
) -> RepositoryContext | None:
    """A lazy view of the rest of the repository when file paths are given (see
    :class:`RepositoryContext`); None for directory targets or outside a git work tree."""
    if not any(os.path.isfile(p) for p in paths):
        return None  # directories only: the context is what the user named
    top = work_tree_of(root)  # stat calls, not a git process: pre-commit names a few files
    if top is None or os.path.realpath(top) != os.path.realpath(root):
        return None
    return RepositoryContext(top, {r.path for r in files}, exclude)


def make_context(
    files: list[FileResult],
    policy: Policy,
    cli_index: bool,
    repository: RepositoryContext | None = None,
) -> Context:
    """The shared context: the checked files, and the rest of the repository if given."""
    docs = {r.path: r.doc for r in files if r.doc is not None}
    return Context(policy, docs, cli_index=cli_index, repository=repository)
