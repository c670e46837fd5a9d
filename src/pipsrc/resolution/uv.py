"""uv's index list: its own options, ``UV_*`` variables and its configuration files (it
reads neither pip's files nor ``PIP_*``).

The default index is, strongest first: ``--default-index``, ``UV_DEFAULT_INDEX``,
``--index-url``, ``UV_INDEX_URL``, the configuration (an ``[[index]]`` with ``default =
true``, then the legacy ``index-url``), then a requirements file's ``-i``; except that for
the project commands (``uv sync``, ``uv lock``) a configured ``[[index]]`` default beats the
legacy ``--index-url`` and ``UV_INDEX_URL``. Extra indexes come
before the default: ``--index``, ``UV_INDEX``, ``--extra-index-url``,
``UV_EXTRA_INDEX_URL``, the requirements files', then the configuration's.

The configuration is the project's (the nearest ``uv.toml``, else a ``pyproject.toml`` with
a ``[tool.uv]`` table, from the directory of the file that runs uv upwards), then the
user's and the system's ``uv.toml`` (only these two for the tool commands, ``uv tool
install`` and ``uvx``, which uv runs at the user level); scalars come from the strongest
file that sets them, lists are joined strongest first. ``[pip]`` tables are read by ``uv
pip`` only, and there they come before the same keys at the top level. ``UV_NO_CONFIG``
reads no file.
"""

from __future__ import annotations

import posixpath
import re

from pipsrc.effective import live
from pipsrc.model import Document, Level, Setting, SettingKind, Tool
from pipsrc.resolution.state import Effective, State
from pipsrc.resolution.view import View
from pipsrc.vocabulary import UV_TOOL_SPELLINGS

K = SettingKind
_UV_TABLE = re.compile(r"^\[\[?tool\.uv\b", re.MULTILINE)
_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_LEVELS = (Level.UV_PROJECT, Level.UV_USER, Level.UV_SYSTEM)


def uv_effective(view: View) -> Effective:
    state = State()
    cli = view.cli()
    layers = _config_layers(view)
    for layer, path in layers:
        for s in layer:
            state.note(s, path)
    pip_interface = view.site.command.startswith("uv pip")
    config = _merged(layers, pip_interface)
    files = view.files()
    for doc, s in files:
        state.note(s, doc.path)
    _default(view, state, cli, config, files)
    extras = [s for s in cli if s.kind is K.EXTRA_INDEX and s.key == "--index"]
    extras += view.env("UV_INDEX") or []
    extras += [s for s in cli if s.kind is K.EXTRA_INDEX and s.key != "--index"]
    extras += view.env("UV_EXTRA_INDEX_URL") or []
    extras += [s for _d, s in files if s.kind is K.EXTRA_INDEX]
    extras += config["extras"]
    state.extras = [state.note(x, state.where.get(id(x), view.doc.path)) for x in extras]
    no_index = [s for s in cli if s.kind is K.NO_INDEX]
    no_index += [s for _d, s in files if s.kind is K.NO_INDEX]
    no_index += config["no-index"]
    if no_index:
        state.no_index = no_index[0]
    return state.result(Tool.UV)


def _default(
    view: View,
    state: State,
    cli: list[Setting],
    config: dict[str, list[Setting]],
    files: list[tuple[Document, Setting]],
) -> None:
    by_key = {k: [s for s in cli if s.key == k] for k in ("--default-index", "-i", "--index-url")}
    legacy: list[tuple[Setting | None, str]] = [
        (_last(by_key["-i"] + by_key["--index-url"]), "cli"),
        (_first(view.env("UV_INDEX_URL")), "env"),
    ]
    entry = (_first(config["default"]), "config")
    defaults: list[tuple[Setting | None, str]] = [
        (_last(by_key["--default-index"]), "cli"),
        (_first(view.env("UV_DEFAULT_INDEX")), "env"),
        *([*legacy, entry] if view.site.command.startswith("uv pip") else [entry, *legacy]),
        (_first(config["legacy"]), "config"),
        (_last([s for _d, s in files if s.kind is K.INDEX]), "requirements"),
    ]
    for default, source in defaults:
        if default is not None:
            state.set_index(default, source, state.where.get(id(default), view.doc.path))
            return


# -- configuration files -------------------------------------------------------------------


def _config_layers(view: View) -> list[tuple[list[Setting], str]]:
    """The uv settings of each configuration file the site reads, strongest file first,
    with the path of the document they are written in."""
    no_config = view.env("UV_NO_CONFIG")
    if no_config and (no_config[0].value or "").lower() in _TRUE:
        return []
    written = [s for s in view.visible if s.tool is Tool.UV and s.written_to]
    layers: list[tuple[list[Setting], str]] = []
    # tool commands (`uv tool install`, `uvx`) read the user's and system's files only
    user_level = view.site.command.startswith(UV_TOOL_SPELLINGS)
    project = None if user_level else _project_file(view)
    if project is not None:
        layers.append(([s for s in live(project.settings) if s.scope == "uv"], project.path))
    levels = (Level.UV_USER, Level.UV_SYSTEM) if user_level else _LEVELS
    for level in levels:
        mine = [s for s in written if s.level == level]
        if mine and not (level == Level.UV_PROJECT and project is not None):
            layers.append((mine, view.doc.path))
    return layers


def _project_file(view: View) -> Document | None:
    """The nearest ``uv.toml``, else ``pyproject.toml`` with a ``[tool.uv]`` table, from the
    directory uv runs in (the file's, or where its ``cd`` went) up to the repository's root."""
    directory = posixpath.dirname(view.doc.path)
    if view.site.cwd:  # after the script's `cd DIR`
        directory = posixpath.normpath(posixpath.join(directory, view.site.cwd))
        directory = "" if directory == "." else directory
    while True:
        for name in ("uv.toml", "pyproject.toml"):
            found = view.ctx.document(posixpath.join(directory, name) if directory else name)
            if found is not None and (name == "uv.toml" or _UV_TABLE.search(found.text)):
                return found
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def _merged(
    layers: list[tuple[list[Setting], str]], pip_interface: bool
) -> dict[str, list[Setting]]:
    """The configuration's default index candidates, extra indexes and no-index flag:
    scalars from the strongest file, lists joined strongest first."""
    tables: list[str | None] = ["pip", None] if pip_interface else [None]
    out: dict[str, list[Setting]] = {"default": [], "legacy": [], "extras": [], "no-index": []}
    for table in tables:
        for layer, _path in layers:
            mine = [s for s in layer if (s.section == "pip") == (table == "pip")]
            out["default"] += [s for s in mine if s.kind is K.INDEX and s.key == "[[index]] url"]
            out["legacy"] += [s for s in mine if s.kind is K.INDEX and s.key != "[[index]] url"]
            out["extras"] += [s for s in mine if s.kind is K.EXTRA_INDEX and not s.pinned]
            out["no-index"] += [s for s in mine if s.kind is K.NO_INDEX]
    return out


def _last(items: list[Setting]) -> Setting | None:
    return items[-1] if items else None


def _first(items: list[Setting] | None) -> Setting | None:
    return items[0] if items else None
