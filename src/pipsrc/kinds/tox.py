"""The tox kind: ``tox.ini``, ``setup.cfg`` (its tox sections and ``[easy_install]``) and
``tox.toml``; the INI files are read by :mod:`pipsrc.kinds.toxini`, ``tox.toml`` (tox 4's
native TOML) by :mod:`pipsrc.kinds.toxtoml`.
"""

from __future__ import annotations

import posixpath

from pipsrc.kinds.toxini import read_ini
from pipsrc.model import Document, FileKind, ParseProblem, Scope
from pipsrc.textio import majority_newline


def parse(text: str, path: str) -> Document:
    name = posixpath.basename(path)
    if name == "tox.toml":
        from pipsrc.kinds.toxtoml import tox_toml_document

        return tox_toml_document(text, path)
    doc = Document(path=path, kind=FileKind.TOX, text=text)
    read_ini(doc, 0, len(text), setup_cfg=name == "setup.cfg")
    _cross_check(doc)
    nl = majority_newline(text)
    if not any(s.id == "file" for s in doc.scopes):
        doc.scopes.append(Scope(id="file", start=0, end=len(text), nl=nl))
    return doc


def _cross_check(doc: Document) -> None:
    """configparser (what tox 4 and setuptools read these files with) must load the file."""
    import configparser

    if any(p.blocks_fix for p in doc.problems):
        return
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    try:
        parser.read_string(doc.text)
    except configparser.Error as exc:
        first = str(exc).split("\n", 1)[0]
        doc.problems.append(ParseProblem(0, f"tox cannot load the file: {first}", True))
