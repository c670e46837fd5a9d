"""One module per file kind: each turns text into a located :class:`~pipsrc.model.Document`.

Every module exposes ``parse(text: str, path: str) -> Document``. Parsers only
locate; they never rewrite text. Heavy libraries (tree-sitter, ruamel.yaml) are
imported inside the module that needs them, so a run that meets no YAML never
imports the YAML library.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from pipsrc.model import Document, FileKind

_MODULES = {
    FileKind.DOCKERFILE: "pipsrc.kinds.dockerfile",
    FileKind.SHELL: "pipsrc.kinds.shell",
    FileKind.REQUIREMENTS: "pipsrc.kinds.requirements",
    FileKind.PIPCONF: "pipsrc.kinds.pipconf",
    FileKind.COMPOSE: "pipsrc.kinds.compose",
}


def module(kind: FileKind) -> ModuleType:
    """The parser module of ``kind``, imported on first use."""
    return importlib.import_module(_MODULES[kind])


def prepare(kind: FileKind) -> None:
    """Load the parser of ``kind`` ahead of use: its module, and the library it always
    needs (the module's ``prepare``), e.g. before forking workers that will use it."""
    ready = getattr(module(kind), "prepare", None)
    if ready is not None:
        ready()


def parse(kind: FileKind, text: str, path: str) -> Document:
    """Parse ``text`` as ``kind``; parse failures become ``Document.problems``."""
    doc: Document = module(kind).parse(text, path)
    for i, site in enumerate(doc.sites):
        site.index = i
    return doc
