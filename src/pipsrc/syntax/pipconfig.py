"""``pip config set section.key value``: a command that writes pip's configuration.

The value it sets is located like any command word; the setting belongs to pip's
configuration (``Method.PIP_CONFIG``), not to the command line it is written on.
"""

from __future__ import annotations

from pipsrc.model import Document, Insertion, Level, Method, Setting, Tool
from pipsrc.syntax.emit import Ctx
from pipsrc.syntax.words import Tok, command_removal, skip_options, split_items
from pipsrc.vocabulary import CONFIG_KEYS, LIST_KINDS, URL_KINDS, config_key


def pip_config(
    ctx: Ctx, words: list[Tok], i: int, spelling: str, lstart: int, lend: int, bad: bool
) -> None:
    """``pip config [--global|--user|--site] set section.key value``."""
    flags = {w.value for w in words[i:] if w.value in _LEVEL_FLAGS}
    level = _LEVEL_FLAGS[sorted(flags)[0]] if len(flags) == 1 else Level.AUTO
    words = words[:i] + [w for w in words[i:] if w.value not in _LEVEL_FLAGS]
    i = skip_options(words, i, ("--editor",))
    unset = words[i + 1].value if i + 1 < len(words) and words[i].value == "unset" else None
    if unset:
        at = ctx.res.fspan(lstart, lend)[0].start
        ctx.doc.unsets.append((ctx.scope, config_key_of(unset), at))
        return
    if i + 2 >= len(words) or words[i].value != "set":
        return
    key = words[i + 1].value
    if key is None or "." not in key:
        return
    section, _, name = key.partition(".")
    kind = CONFIG_KEYS.get(config_key(name))
    if kind is None:
        return
    vtok = words[i + 2]
    res = ctx.res.resolve(vtok.pieces, vtok.start)
    text = ctx.doc.text
    cmd, contiguous = ctx.res.fspan(lstart, lend)
    line_start = text.rfind("\n", 0, cmd.start) + 1
    removable = contiguous and not ctx.sole
    removal = command_removal(text, cmd.start, cmd.end, line_start) if removable else None
    kept = "it is the only command of its block" if ctx.sole else None
    sibling = None
    if kind in URL_KINDS:
        pip = spelling.replace("{", "{{").replace("}", "}}")
        sibling = Insertion(cmd.end, f" && {pip} config set {section}.trusted-host {{value}}")
    items = split_items(res) if kind in LIST_KINDS else []
    if not items:
        items = [(res.value or "", res.span, res.exact, None)]
    for item, span, exact, item_removal in items:
        value = item if res.value is not None else None
        s = Setting(kind, key, text[span.start : span.end], value, span, Method.PIP_CONFIG,
                    ctx.scope, Tool.PIP,
                    editable=exact and not bad and ctx.editable and value is not None,
                    removal=item_removal if len(items) > 1 else removal,
                    use_span=res.use_span, section=section, sibling=sibling,
                    kept=kept, level=level, assign=cmd.start)  # fmt: skip
        ctx.add(s)


# which file `pip config set` writes (`--user` writes PIP_CONFIG_FILE's file when it is set)
_LEVEL_FLAGS = {"--global": Level.GLOBAL, "--user": Level.USER, "--site": Level.SITE}


def config_key_of(key: str) -> str:
    """``global.index_url`` -> ``global.index-url``: how pip compares configuration keys."""
    section, _, name = key.partition(".")
    return f"{section}.{config_key(name)}"


def keep_unset_keys(doc: Document) -> None:
    """A ``pip config set`` of a key that a later ``pip config unset`` removes must not be
    removed by a fix: the unset would fail with "No such key" and stop the build. Such a
    setting keeps no removal span, so a rule rewrites it instead (or leaves it)."""
    if not doc.unsets:
        return
    for s in doc.settings:
        if s.method is not Method.PIP_CONFIG or s.removal is None:
            continue
        key = config_key_of(s.key)
        if any(k == key and at > s.position and _same_scope(doc, scope, s.scope)
               for scope, k, at in doc.unsets):  # fmt: skip
            s.removal = None
            s.kept = "a later `pip config unset` of this key needs it"


def _same_scope(doc: Document, unset_scope: str, set_scope: str) -> bool:
    """Whether an unset in ``unset_scope`` sees what a set in ``set_scope`` wrote: the same
    scope, or a Dockerfile stage built FROM the setting's stage."""
    current: str | None = unset_scope
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current == set_scope:
            return True
        seen.add(current)
        scope = doc.scope(current)
        current = scope.parent if scope is not None else None
    return False
