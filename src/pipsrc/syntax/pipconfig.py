"""``pip config set section.key value``: a command that writes pip's configuration.

The value it sets is located like any command word; the setting belongs to pip's
configuration (``Method.PIP_CONFIG``), not to the command line it is written on.
"""

from __future__ import annotations

from pipsrc.model import Insertion, Method, Setting, Tool
from pipsrc.syntax.emit import Ctx
from pipsrc.syntax.words import Tok, command_removal, skip_options, split_items
from pipsrc.vocabulary import CONFIG_KEYS, LIST_KINDS, URL_KINDS, config_key


def pip_config(
    ctx: Ctx, words: list[Tok], i: int, spelling: str, lstart: int, lend: int, bad: bool
) -> None:
    """``pip config [--global|--user|--site] set section.key value``."""
    i = skip_options(words, i, ("--editor",))
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
    removal = command_removal(text, cmd.start, cmd.end, line_start) if contiguous else None
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
                    use_span=res.use_span, section=section, sibling=sibling)  # fmt: skip
        ctx.add(s)
