"""Locate index settings in the TOML project files: ``pyproject.toml`` (``[tool.uv]`` with
``[[tool.uv.index]]`` and ``[tool.uv.pip]``, ``[[tool.poetry.source]]``,
``[[tool.pdm.source]]``, ``[tool.pixi.pypi-options]``), ``uv.toml``, ``Pipfile``,
``pdm.toml``, ``pixi.toml`` and ``poetry.toml``; and tox's ``[tool.tox]``
(:mod:`pipsrc.kinds.toxtoml`).

They are one file kind because they are one syntax read the same way: TOML located by
:mod:`pipsrc.syntax.tomlspans`, each tool's tables read into the shared vocabulary by
:mod:`pipsrc.syntax.tomlsettings`, each tool its own scope. The file's name says which
tables it has.
"""

from __future__ import annotations

import posixpath

from pipsrc.model import Document, FileKind
from pipsrc.syntax.tomldoc import Reader, toml_document
from pipsrc.syntax.tomlsettings import (
    pdm_config_settings,
    pdm_settings,
    pipenv_settings,
    pixi_settings,
    poetry_config_settings,
    poetry_settings,
    uv_settings,
)
from pipsrc.syntax.tomlspans import TomlDocument


def parse(text: str, path: str) -> Document:
    return toml_document(text, path, FileKind.PROJECT, reader(path))


def reader(path: str) -> Reader:
    """The tables a project file of this name holds."""
    name = posixpath.basename(path)
    if name == "uv.toml":
        return lambda d, t: uv_settings(d, t, ())
    if name == "Pipfile":
        return pipenv_settings
    if name in ("pdm.toml", ".pdm.toml"):
        return pdm_config_settings
    if name == "poetry.toml":
        return poetry_config_settings
    if name == "pixi.toml":
        return lambda d, t: pixi_settings(d, t, ())
    return _pyproject


def _pyproject(doc: Document, toml: TomlDocument) -> None:
    uv_settings(doc, toml, ("tool", "uv"))
    poetry_settings(doc, toml)
    pdm_settings(doc, toml)
    pixi_settings(doc, toml, ("tool", "pixi"))
    if toml.under("tool", "tox"):
        from pipsrc.kinds.toxtoml import tox_settings

        tox_settings(doc, toml, ("tool", "tox"))
