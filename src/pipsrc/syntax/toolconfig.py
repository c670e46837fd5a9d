"""Index settings other installers take on their command line: ``pdm config [-l|-g]
pypi.url URL`` (``pypi.NAME.url`` for an extra index), which PDM keeps in its
configuration, and Pipenv's ``--pypi-mirror URL`` (``pipenv install|sync|lock|update``),
which replaces PyPI for that command. They are settings of those tools, judged like any
index setting (PS101/PS102) and fixed in place; no pip or uv install reads them.
"""

from __future__ import annotations

from pipsrc.model import Method, Setting, SettingKind, Tool
from pipsrc.syntax.emit import Ctx
from pipsrc.syntax.words import Tok, value_at

_PDM_FLAGS = frozenset({"-l", "--local", "-g", "--global", "-v", "--verbose", "-q", "--quiet"})
_PIPENV_COMMANDS = frozenset({"install", "sync", "lock", "update", "upgrade"})


def tool_config(ctx: Ctx, words: list[Tok], start: int, bad: bool) -> bool:
    """Record the index setting of a ``pdm config`` or ``pipenv ... --pypi-mirror``
    command at ``start``; whether the command was one of them."""
    base = (value_at(words, start) or "").rsplit("/", 1)[-1]
    if base == "pdm" and value_at(words, start + 1) == "config":
        rest = [w for w in words[start + 2 :] if w.value not in _PDM_FLAGS]
        key = value_at(rest, 0)
        if len(rest) == 2 and key is not None and key.startswith("pypi.") and key.endswith(".url"):
            kind = SettingKind.INDEX if key == "pypi.url" else SettingKind.EXTRA_INDEX
            _emit(ctx, kind, key, rest[1], Method.TOOL_CONFIG, Tool.PDM, bad)
        return True
    if base == "pipenv" and value_at(words, start + 1) in _PIPENV_COMMANDS:
        for i, w in enumerate(words[start + 2 :], start + 2):
            if w.value == "--pypi-mirror" and i + 1 < len(words):
                _emit(ctx, SettingKind.INDEX, "--pypi-mirror", words[i + 1], Method.CLI,
                      Tool.PIPENV, bad)  # fmt: skip
        return True
    return False


def _emit(
    ctx: Ctx, kind: SettingKind, key: str, tok: Tok, method: Method, tool: Tool, bad: bool
) -> None:
    res = ctx.res.resolve(tok.pieces, tok.start)
    value = res.value
    text = ctx.doc.text
    s = Setting(kind, key, text[res.span.start : res.span.end], value, res.span, method,
                ctx.scope, tool, editable=res.exact and not bad and ctx.editable
                and value is not None, use_span=res.use_span)  # fmt: skip
    ctx.add(s)
