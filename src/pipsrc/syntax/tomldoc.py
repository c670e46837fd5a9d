"""A TOML project file as a :class:`~pipsrc.model.Document`: located, then read by the
settings readers of the tools it configures (:mod:`pipsrc.syntax.tomlsettings`)."""

from __future__ import annotations

from collections.abc import Callable

from pipsrc.model import Comment, Document, ParseProblem, Scope, Span
from pipsrc.syntax.tomlspans import TomlDocument, TomlError, locate
from pipsrc.textio import majority_newline

Reader = Callable[[Document, TomlDocument], None]


def toml_document(text: str, path: str, kind: str, read: Reader) -> Document:
    """The settings ``read`` finds in ``text``; a file that is not TOML is one PS900
    problem (the tools that read it refuse it too) and has no settings."""
    doc = Document(path=path, kind=kind, text=text)
    try:
        toml = locate(text)
    except TomlError as exc:
        doc.problems.append(ParseProblem(exc.offset, str(exc)))
        return doc
    for at, end, own in toml.comments:
        doc.comments.append(Comment(Span(at, end), text[at + 1 : end], own))
    read(doc, toml)
    nl = majority_newline(text)
    for scope_id in dict.fromkeys(s.scope for s in doc.settings):
        if doc.scope(scope_id) is None:  # a reader may have made it (tox's environments)
            doc.scopes.append(Scope(id=scope_id, start=0, end=len(text), nl=nl))
    if not doc.scopes:
        doc.scopes.append(Scope(id="file", start=0, end=len(text), nl=nl))
    return doc
