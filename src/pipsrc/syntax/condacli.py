"""conda, mamba and micromamba on a command line: the channels a command uses or writes.

``conda install|create|update -c CH [--override-channels]`` solves from ``CH`` (and from
the configured channels unless ``--override-channels``); ``conda config --add|--prepend|
--append channels CH``, ``--set channel_alias URL``, ``--set custom_channels.NAME URL``
and micromamba's ``config append|prepend|set`` write the configuration. Each value is a
setting of :data:`Tool.CONDA` located like any command word (a variable resolves to its
literal; ``-cCH``, ``--channel=CH`` are cut at the option). ``--remove`` writes nothing a
rule judges. A command is recognised behind ``sudo``/``env``/``time`` and by its path
(``/opt/conda/bin/conda``); ``conda run ... pip install`` is pip's (:mod:`pipcli`).
"""

from __future__ import annotations

from pipsrc.model import Method, Setting, SettingKind, Tool
from pipsrc.syntax.emit import Ctx
from pipsrc.syntax.words import Piece, Tok, command_removal, literal_prefix, value_at
from pipsrc.syntax.words import word_removal as _word_removal
from pipsrc.vocabulary import (
    CONDA_CONFIG_ACTIONS,
    CONDA_INSTALL_COMMANDS,
    CONDA_PROGRAMS,
    CONDA_VALUE_OPTIONS,
    MICROMAMBA_CONFIG_ACTIONS,
    conda_config_key,
)

K = SettingKind
_PASS = frozenset({"sudo", "nohup", "time", "exec", "command", "nice", "stdbuf", "env"})


def find_conda(words: list[Tok]) -> tuple[str, int] | None:
    """(program, index of its subcommand) for a conda/mamba/micromamba command."""
    i = 0
    while (v := value_at(words, i)) is not None:
        base = v.rsplit("/", 1)[-1]
        if base in CONDA_PROGRAMS:
            if value_at(words, i + 1) == "run":
                return None  # `conda run -n x CMD`: CMD is another command
            return base, i + 1
        if base not in _PASS and not (i and (v.startswith("-") or "=" in v)):
            return None
        i += 1
    return None


def conda_command(ctx: Ctx, words: list[Tok], lstart: int, lend: int, bad: bool) -> bool:
    """Record the channel settings of a conda command; whether it was one."""
    found = find_conda(words)
    if found is None:
        return False
    program, i = found
    # global options before the subcommand (`conda --no-plugins install`)
    while (v := value_at(words, i)) is not None and v.startswith("-"):
        i += 1
    sub = value_at(words, i)
    if sub in CONDA_INSTALL_COMMANDS or (sub == "env" and value_at(words, i + 1) == "create"):
        _channel_flags(ctx, words, i + 1, bad)
    elif sub == "config":
        _config(ctx, words, i + 1, program, lstart, lend, bad)
    return True


def _channel_flags(ctx: Ctx, words: list[Tok], i: int, bad: bool) -> None:
    """``-c CH``, ``-cCH``, ``--channel CH``, ``--channel=CH``, ``--override-channels``."""
    while i < len(words):
        w = words[i]
        i += 1
        head = literal_prefix(w)
        if head == "--":
            break
        name, eq, _ = head.partition("=")
        if name == "--override-channels":
            _flag(ctx, w, bad)
        elif name in ("-c", "--channel") and not eq and w.value is not None:
            if i < len(words):
                _value(ctx, K.CHANNEL, name, words[i].pieces, words[i].start, w, words[i], bad)
                i += 1
        elif name == "--channel" and eq:
            _value(ctx, K.CHANNEL, name, w.tail(len(name) + 1), w.end, w, w, bad)
        elif head.startswith("-c") and not head.startswith("--") and len(head) > 2:
            _value(ctx, K.CHANNEL, "-c", w.tail(2), w.end, w, w, bad)
        elif name in CONDA_VALUE_OPTIONS and not eq:
            i += 1


def _flag(ctx: Ctx, w: Tok, bad: bool) -> None:
    span, contiguous = ctx.res.fspan(w.start, w.end)
    removal = _word_removal(ctx.doc.text, span.start, span.end) if contiguous else None
    ctx.add(Setting(K.OVERRIDE_CHANNELS, "--override-channels", ctx.doc.text[span.start : span.end],
                    "true", span, Method.CONDA_CLI, ctx.scope, Tool.CONDA,
                    editable=False, removal=None if bad else removal))  # fmt: skip


def _value(
    ctx: Ctx, kind: SettingKind, key: str, pieces: list[Piece], at: int, flag: Tok, vtok: Tok,
    bad: bool, method: Method = Method.CONDA_CLI,
) -> Setting:  # fmt: skip
    """One located value (``at``: where it starts when ``pieces`` is empty)."""
    res = ctx.res.resolve(pieces, at if not pieces else pieces[0].start)
    text = ctx.doc.text
    removal = None
    whole, contiguous = ctx.res.fspan(flag.start, vtok.end)
    if method is Method.CONDA_CLI and contiguous and not ctx.exec_form:
        removal = _word_removal(text, whole.start, whole.end)
    dollar = ctx.exec_form and any(p.value and "$" in p.value for p in pieces)
    s = Setting(kind, key, text[res.span.start : res.span.end], res.value, res.span, method,
                ctx.scope, Tool.CONDA,
                editable=res.exact and not bad and ctx.editable and res.value is not None
                and not dollar,
                removal=removal, use_span=res.use_span)  # fmt: skip
    return ctx.add(s)


def _config(
    ctx: Ctx, words: list[Tok], i: int, program: str, lstart: int, lend: int, bad: bool
) -> None:
    """``conda config --add channels X --set channel_alias U ...`` and micromamba's
    ``config append|prepend|set KEY VALUE``."""
    if program == "micromamba" and value_at(words, i) in MICROMAMBA_CONFIG_ACTIONS:
        _config_value(ctx, words, i + 1, (lstart, lend), bad, True)
        return
    single = sum(w.value in CONDA_CONFIG_ACTIONS for w in words[i:]) == 1
    while i < len(words):
        action = value_at(words, i)
        if action in ("--add", "--prepend", "--append", "--set"):
            _config_value(ctx, words, i + 1, (lstart, lend), bad, single)
        i += 1 + CONDA_CONFIG_ACTIONS.get(action or "", 0)


def _config_value(
    ctx: Ctx, words: list[Tok], i: int, command: tuple[int, int], bad: bool, single: bool
) -> None:
    """One ``KEY VALUE`` a config command writes; the whole command is its removal when it
    writes nothing else."""
    key = value_at(words, i)
    if key is None or i + 1 >= len(words):
        return
    found = conda_config_key(key)
    if found is None:
        return
    kind, _name = found
    vtok = words[i + 1]
    s = _value(ctx, kind, key, vtok.pieces, vtok.start, vtok, vtok, bad, Method.CONDA_CONFIG)
    cmd, contiguous = ctx.res.fspan(*command)
    if contiguous and not ctx.sole and single:
        line_start = ctx.doc.text.rfind("\n", 0, cmd.start) + 1
        s.removal = command_removal(ctx.doc.text, cmd.start, cmd.end, line_start)
    elif ctx.sole:
        s.kept = "it is the only command of its block"
