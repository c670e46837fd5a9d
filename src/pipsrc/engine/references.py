"""Files read because another file names them, whatever their own name.

``pip install -r deps/base.txt`` makes ``deps/base.txt`` a requirements file and ``COPY
ci/mirror.conf /etc/pip.conf`` makes ``ci/mirror.conf`` a pip.conf, though neither name
is one discovery knows. pip reads their index options all the same, so pipsrc reads,
checks and fixes them as the kind their reference gives them; a file named by a reference
is found beside the file that names it, else from the root (a Dockerfile's build context).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator

from pipsrc.discover import Candidate, excluded
from pipsrc.effective import copied_from, scope_chain
from pipsrc.model import Document
from pipsrc.resolution.view import in_cwd


def references(doc: Document) -> Iterator[tuple[str, str]]:
    """The files ``doc`` makes pip read, each with the kind it is read as."""
    for site in doc.sites:
        for name in (in_cwd(site, n) for n in site.requirement_files):
            if name.startswith("/") and doc.kind == "dockerfile":  # a path in the image
                chain = scope_chain(doc, site.scope)
                name = copied_from(doc, chain, name, site.span.start) or name
            yield name, "requirements"
    if doc.kind in ("requirements", "gitlab-ci"):  # -r files; GitLab's `include: local`
        for name in doc.includes:
            yield name, doc.kind
    if doc.kind == "compose":  # a service's env_file
        for name in doc.includes:
            yield name, "dotenv"
    for scope in doc.scopes:
        for src, _dest, _at in scope.config_copies:
            yield src, "pipconf"


def referenced(
    docs: list[Document], root: str, known: set[str], exclude: tuple[str, ...]
) -> list[Candidate]:
    """The files ``docs`` refer to that are in the repository under ``root`` and not
    ``known`` (already read), once each, in the order they are first named."""
    out: dict[str, Candidate] = {}
    root_real = os.path.realpath(root)
    for doc in docs:
        for name, kind in references(doc):
            rel = _locate(root, root_real, doc.path, name, known)
            fresh = rel is not None and rel not in known and rel not in out
            if fresh and rel is not None and not excluded(rel, exclude):
                out[rel] = Candidate(rel, os.path.join(root, *rel.split("/")), kind)
    return list(out.values())


def _locate(root: str, root_real: str, base_path: str, name: str, known: set[str]) -> str | None:
    """The repository path of a referenced file (beside the referrer first), or None for a
    name with a variable or a URL, or a file outside the repository or not there. A path
    already ``known`` (read, so inside the repository) needs no look at the disk."""
    if not name or "$" in name or "://" in name or name.startswith(("/", "~")):
        return None
    base = posixpath.dirname(base_path)
    for rel in (posixpath.normpath(posixpath.join(base, name)), posixpath.normpath(name)):
        if rel.startswith("../") or rel == "..":
            continue
        if rel in known:
            return rel
        path = os.path.join(root, *rel.split("/"))
        if not os.path.isfile(path):  # one stat; most names tried beside the referrer are not
            continue
        if os.path.realpath(path).startswith(root_real + os.sep):
            return rel
    return None
