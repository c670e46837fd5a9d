"""What a rule may consult besides the document it checks: the policy, the other files.

The documents are read-only for rules. The fix loop gives each file a view in which
that file's current text replaces its original (:meth:`Context.overlay`), so linting
never writes into state another file's lint reads.
"""

from __future__ import annotations

import posixpath
import re
from collections import ChainMap
from collections.abc import Mapping
from typing import Protocol

from pipsrc.effective import dominant_index
from pipsrc.model import Document, Method, Setting
from pipsrc.policy import Policy
from pipsrc.records import field, record


class _Shared:
    """Facts of a whole run, computed at most once and shared by every overlay."""

    __slots__ = ("dominant", "dominant_known")

    def __init__(self) -> None:
        self.dominant: str | None = None
        self.dominant_known = False


class Repository(Protocol):
    """Documents of the repository beyond the ones being checked, read on demand."""

    def get(self, rel: str, kind: str | None = None) -> Document | None: ...

    def documents(self) -> list[Document]: ...


@record
class Context:
    """Everything a rule may consult besides the document it checks."""

    policy: Policy
    docs: Mapping[str, Document] = field(default_factory=dict)
    cli_index: bool = False  # --mirror/--proxy given: PS104's insertion is applied by fix
    # the rest of the repository, when only some of its files are checked (pre-commit)
    repository: Repository | None = None
    # facts of the whole run, shared by every view of it (:meth:`overlay`)
    shared: _Shared = field(default_factory=lambda: _Shared(), repr=False, compare=False)

    def overlay(self, docs: Mapping[str, Document]) -> Context:
        """The same context with ``docs`` in place of the documents of the same paths: the
        fix loop lints a file's new text against the other files as they were."""
        if not docs:
            return self
        merged = ChainMap(dict(docs), self.docs)  # type: ignore[arg-type]
        return Context(self.policy, merged, self.cli_index, self.repository, self.shared)

    # -- the policy index, or in consistency mode the repository's dominant one
    @property
    def target_index(self) -> str | None:
        return self.policy.index or self.dominant_index

    @property
    def dominant_index(self) -> str | None:
        """The repository's most common index, computed once per run (before any fix, so
        that it does not depend on the order files are fixed in)."""
        shared = self.shared
        if not shared.dominant_known:
            docs = list(self.docs.values())
            if self.repository is not None:
                docs += self.repository.documents()
            shared.dominant = dominant_index(docs, self.policy)
            shared.dominant_known = True
        return shared.dominant

    def find_file(self, doc: Document, name: str, kind: str | None = None) -> Document | None:
        """A file a document refers to (``-r x.txt``, ``COPY pip.conf ...``) if pipsrc read it;
        ``kind`` is what the reference makes it, for a file whose name says nothing."""
        if "$" in name or "://" in name:
            return None
        base = posixpath.dirname(doc.path)
        for candidate in (posixpath.normpath(posixpath.join(base, name)), posixpath.normpath(name)):
            found = self.document(candidate, kind)
            if found is not None:
                return found
        return None

    def document(self, rel: str, kind: str | None = None) -> Document | None:
        """The document at the repository path ``rel``, if pipsrc read it (or can)."""
        found = self.docs.get(rel)
        if found is None and self.repository is not None:
            found = self.repository.get(rel, kind)
        return found

    def linked_settings(self, doc: Document) -> list[Setting]:
        """Settings a compose file holds only through the Dockerfile a service builds: a
        ``build.args`` entry (any name) for an ``ARG`` that feeds an index setting there
        (``ARG PIP_MIRROR=...`` then ``pip install -i $PIP_MIRROR``). Each reads as a setting
        of what it feeds, at the compose value, so the rules judge and fix it with the
        Dockerfile's default (``docker compose build`` would pass the old index otherwise)."""
        out: list[Setting] = []
        seen: set[tuple[int, str]] = set()
        for arg in doc.build_args:
            target = self.find_file(doc, arg.dockerfile, "dockerfile")
            if target is None:
                continue
            for fed in target.settings:
                if arg_name(target.text, fed) != arg.name:
                    continue
                if (arg.span.start, fed.kind) in seen:
                    continue
                seen.add((arg.span.start, fed.kind))
                fields = (arg.name, arg.raw, arg.value, arg.span, Method.COMPOSE_ARG, arg.scope)
                out.append(Setting(fed.kind, *fields, fed.tool, editable=arg.value is not None))
        return out


_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_ARG_BEFORE = re.compile(r"(?:^|[\s])([A-Za-z_][A-Za-z0-9_]*)=[\"']?$")


def arg_name(text: str, s: Setting) -> str | None:
    """The Dockerfile ``ARG`` a setting takes its value from: the one whose default it was
    resolved from (its literal then sits in that ``ARG``), or the variable it names when it
    could not be resolved."""
    if s.use_span is not None:
        line_start = text.rfind("\n", 0, s.span.start) + 1
        head = text[line_start : s.span.start]
        if re.match(r"[ \t]*ARG[ \t]", head, re.IGNORECASE):
            m = _ARG_BEFORE.search(head)
            return m.group(1) if m else None
        return None
    if s.value is None:
        m = _VAR.match(s.raw)
        return m.group(1) if m else None
    return None
