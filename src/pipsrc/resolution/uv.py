"""uv's index list: its own options, ``UV_*`` variables and uv.toml/``[tool.uv]``
configuration (it reads neither pip's files nor ``PIP_*``)."""

from __future__ import annotations

from pipsrc.model import Setting, SettingKind, Tool
from pipsrc.resolution.state import Effective, State
from pipsrc.resolution.view import View

K = SettingKind


def uv_effective(view: View) -> Effective:
    state = State()
    cli = view.cli()
    by_key = {k: [s for s in cli if s.key == k] for k in ("--default-index", "-i", "--index-url")}
    defaults: list[tuple[Setting | None, str]] = [
        (_last(by_key["--default-index"]), "cli"),
        (_first(view.env("UV_DEFAULT_INDEX")), "env"),
        (_last(by_key["-i"] + by_key["--index-url"]), "cli"),
        (_first(view.env("UV_INDEX_URL")), "env"),
    ]
    files = view.files()
    for doc, s in files:
        state.note(s, doc.path)
    defaults.append((_last([s for _d, s in files if s.kind is K.INDEX]), "requirements"))
    for default, source in defaults:
        if default is not None:
            state.set_index(default, source, state.where.get(id(default), view.doc.path))
            break
    extras = [s for s in cli if s.kind is K.EXTRA_INDEX and s.key == "--index"]
    extras += view.env("UV_INDEX") or []
    extras += [s for s in cli if s.kind is K.EXTRA_INDEX and s.key != "--index"]
    extras += view.env("UV_EXTRA_INDEX_URL") or []
    extras += [s for _d, s in files if s.kind is K.EXTRA_INDEX]
    state.extras = [state.note(x, state.where.get(id(x), view.doc.path)) for x in extras]
    no_index = [s for s in cli if s.kind is K.NO_INDEX]
    no_index += [s for _d, s in files if s.kind is K.NO_INDEX]
    if no_index:
        state.no_index = no_index[0]
    return state.result(Tool.UV)


def _last(items: list[Setting]) -> Setting | None:
    return items[-1] if items else None


def _first(items: list[Setting] | None) -> Setting | None:
    return items[0] if items else None
