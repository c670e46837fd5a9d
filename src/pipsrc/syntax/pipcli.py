"""Recognising pip/uv commands and index variables in already-tokenised words.

This module knows pip's command line (invocation spellings, optparse prefix
abbreviation, which options take a value) and the ``PIP_*``/``UV_*`` variable
names, but nothing about shell or Dockerfile syntax: the shell parser, the
Dockerfile exec form and the PowerShell fallback all hand it :class:`Tok` lists,
so every surface recognises exactly the same commands.

It also recognises the two other commands that set index values: ``pip config
set`` (read by :mod:`pipsrc.syntax.pipconfig`) and an image build's ``--build-arg``
(read by :mod:`pipsrc.syntax.buildargs`). The settings of all of them are recorded
through :mod:`pipsrc.syntax.emit`.
"""

from __future__ import annotations

import re

from pipsrc.model import Insertion, InstallSite, Method, Setting, SettingKind, Tool
from pipsrc.records import record
from pipsrc.syntax.apptools import app_install, changed_dir
from pipsrc.syntax.buildargs import build_args
from pipsrc.syntax.condacli import conda_command
from pipsrc.syntax.devpicli import devpi_command, docker_run_upstream
from pipsrc.syntax.emit import Ctx, command_scope, emit_env
from pipsrc.syntax.pipconfig import pip_config
from pipsrc.syntax.toolconfig import tool_config
from pipsrc.syntax.words import (
    Piece,
    Tok,
    literal_prefix,
    skip_options,
    split_items,
    split_word,
    value_at,
)
from pipsrc.syntax.words import word_removal as _word_removal
from pipsrc.syntax.wrappers import Assign, command_start
from pipsrc.vocabulary import (
    ENV_VARS,
    PIP_INDEX_OPTIONS,
    PIP_INSTALL_COMMANDS,
    PIP_LONG_OPTIONS,
    PIP_SHORT_INDEX_OPTIONS,
    PIP_SHORT_VALUE_OPTIONS,
    PIP_VALUE_OPTIONS,
    PYTHON_NAME,
    REQUIREMENT_FILE_OPTIONS,
    TRUSTED_VAR,
    URL_KINDS,
    UV_INDEX_OPTIONS,
    UV_INSTALL_COMMANDS,
    UV_NAMED_OPTIONS,
    UV_PROJECT_COMMANDS,
    UV_SHORT_VALUE_OPTIONS,
    UV_VALUE_OPTIONS,
)

K = SettingKind

_PIP_NAME = re.compile(r"pip(?:\d+(?:\.\d+)*)?")
# image builders whose --build-arg NAME=VALUE configures the build, not the script
_BUILDERS = frozenset({"docker", "podman", "nerdctl", "buildah"})
_BUILDER_VALUE_OPTS = frozenset(
    {"-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert",
     "--tlscert", "--tlskey", "--connection", "--url", "--root", "--runroot",
     "--storage-driver", "--namespace", "-n", "--address", "-a"}
)  # fmt: skip


Found = tuple[Tool, str, int, list[Assign]]


def _python_m_pip(words: list[Tok], i: int, base: str) -> Found | None:
    """``python [-X...] -m pip`` / ``-mpip`` starting at ``i``."""
    j = i + 1
    while (f := value_at(words, j)) is not None and f.startswith("-") and f not in ("-m", "-mpip"):
        j += 1
    if value_at(words, j) == "-mpip":
        return Tool.PIP, f"{base} -m pip", j + 1, []
    if value_at(words, j) == "-m" and value_at(words, j + 1) == "pip":
        return Tool.PIP, f"{base} -m pip", j + 2, []
    if value_at(words, j) == "-m" and value_at(words, j + 1) == "uv":  # uv's PyPI wheel
        if value_at(words, j + 2) == "pip":
            return Tool.UV, f"{base} -m uv pip", j + 3, []
        if value_at(words, j + 2) in UV_PROJECT_COMMANDS:
            return Tool.UV, f"{base} -m uv", j + 2, []
    return None


def find_pip(ctx: Ctx, words: list[Tok]) -> Found | None:
    """(tool, spelling, index after the pip words, env-assignments) or None."""
    extra: list[Assign] = []
    i = command_start(words, extra)
    if i >= len(words):
        return None
    v = words[i].value
    if v is None:
        return _variable_pip(ctx, words, i, extra)
    base = v.rsplit("/", 1)[-1]
    if base == "uv" and value_at(words, i + 1) == "pip":
        return Tool.UV, "uv pip", i + 2, extra
    if base == "uv" and value_at(words, i + 1) in UV_PROJECT_COMMANDS:
        return Tool.UV, "uv", i + 1, extra
    if _PIP_NAME.fullmatch(base):
        return Tool.PIP, base, i + 1, extra
    if PYTHON_NAME.fullmatch(base):
        found = _python_m_pip(words, i, base)
        return None if found is None else (*found[:3], extra)
    return None


_VAR_WORD = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?((?:/[\w.+-]+)*)")


def _variable_pip(ctx: Ctx, words: list[Tok], i: int, extra: list[Assign]) -> Found | None:
    """pip named through a variable: ``"$PYTHON" -m pip``, ``$VENV/bin/pip``, or
    ``$PIP_CMD install`` (a variable whose name says pip, before a pip subcommand)."""
    tok = words[i]
    src = ctx.res.logical[tok.start : tok.end].strip("\"'")
    resolved = ctx.res.resolve(tok.pieces, tok.start).value
    m = _VAR_WORD.fullmatch(src)
    base = (resolved or (m.group(2) if m else "")).rsplit("/", 1)[-1]
    python = m is not None or bool(resolved and PYTHON_NAME.fullmatch(base))
    if python and value_at(words, i + 1) == "-m" and value_at(words, i + 2) == "pip":
        return Tool.PIP, f"{src} -m pip", i + 3, extra
    if _PIP_NAME.fullmatch(base):
        return Tool.PIP, src, i + 1, extra
    named_pip = m is not None and not m.group(2) and "pip" in m.group(1).lower()
    if resolved and _PIP_NAME.fullmatch(resolved.split()[0].rsplit("/", 1)[-1]):
        named_pip = True  # PIP="pip3 --no-cache-dir": the value is pip with its options
    if named_pip and value_at(words, i + 1) in (*PIP_INSTALL_COMMANDS, "config"):
        return Tool.PIP, src, i + 1, extra
    return None


def _long_option(name: str, tool: Tool) -> str | None:
    """Resolve an abbreviated pip long option the way optparse does (uv: exact only)."""
    if tool is Tool.UV:
        return name if name in UV_INDEX_OPTIONS or name in UV_VALUE_OPTIONS else None
    if name in PIP_LONG_OPTIONS:
        return name
    hits = [o for o in PIP_LONG_OPTIONS if o.startswith(name)]
    return hits[0] if len(hits) == 1 else None


def analyze_command(
    ctx: Ctx, words: list[Tok], assigns: list[Assign], lstart: int, lend: int
) -> None:
    """Record the install site, CLI flags, prefixes and ``pip config set`` of one command."""
    found = find_pip(ctx, words) if words else None
    bad = ctx.is_bad(lstart, lend)
    if found is None:
        if value_at(words, 0) == "cd":
            ctx.cwd = changed_dir(ctx.cwd, words[1:])
            return
        _command_prefixes(ctx, assigns, lstart, lend, bad)
        if conda_command(ctx, words, lstart, lend, bad):
            return
        if devpi_command(ctx, words, lstart, lend, bad):
            return
        if docker_run_upstream(ctx, words, lstart, lend, bad):
            return
        build = find_image_build(words)
        if build is not None:
            build_args(ctx, words, build, lstart, lend, bad)
        extra: list[Assign] = []
        start = command_start(words, extra)
        if tool_config(ctx, words, start, bad):  # pdm config pypi.url, pipenv --pypi-mirror
            return
        app = app_install(words, start)
        if app is not None:  # pipx's pip, uv's tool commands: the options they read
            site = _site(ctx, app[0], app[1], assigns + extra, lstart, lend, bad)
            _flags(ctx, app[2], 0, app[1], site, bad)
        return
    tool, spelling, i, extra = found
    assigns = assigns + extra
    i = skip_options(words, i, UV_VALUE_OPTIONS if tool is Tool.UV else PIP_VALUE_OPTIONS)
    sub = value_at(words, i)
    installs = UV_INSTALL_COMMANDS if tool is Tool.UV else PIP_INSTALL_COMMANDS
    if sub == "config" and tool is Tool.PIP:
        pip_config(ctx, words, i + 1, spelling, lstart, lend, bad)
    if sub not in installs:
        _command_prefixes(ctx, assigns, lstart, lend, bad)
        return
    site = _site(ctx, f"{spelling} {sub}", tool, assigns, lstart, lend, bad)
    _flags(ctx, words, i + 1, tool, site, bad)


def _site(
    ctx: Ctx, command: str, tool: Tool, assigns: list[Assign], lstart: int, lend: int, bad: bool
) -> InstallSite:
    """A new install site for the command at ``lstart:lend``, with its ``VAR=x`` prefixes."""
    span, _ = ctx.res.fspan(lstart, lend)
    site = InstallSite(span, ctx.scope, command, tool, cwd=ctx.cwd)
    site.index = len(ctx.doc.sites)
    ctx.doc.sites.append(site)
    for a in assigns:
        _prefix(ctx, a, site, bad)
    return site


def _prefix(ctx: Ctx, a: Assign, site: InstallSite | None, bad: bool) -> None:
    spec = ENV_VARS.get(a.name)
    if spec is None:
        return
    res = ctx.res.resolve(a.value.pieces, a.value.start)
    fs, contiguous = ctx.res.fspan(a.start, a.end)
    removal = _word_removal(ctx.doc.text, fs.start, fs.end) if contiguous else None
    sib = None
    if contiguous and spec.tool in TRUSTED_VAR:
        sib = Insertion(fs.start, TRUSTED_VAR[spec.tool] + "={value} ")
    emit_env(ctx, a.name, res, Method.ENV, removal=removal, sibling=sib, site=site,
             ok=not bad)  # fmt: skip


def _command_prefixes(ctx: Ctx, assigns: list[Assign], lstart: int, lend: int, bad: bool) -> None:
    """``PIP_INDEX_URL=x cmd`` for a command that is not a pip install: that command only."""
    own = [a for a in assigns if a.name in ENV_VARS]
    if not own:
        return
    cmd = command_scope(ctx, "cmd", lstart, lend)
    for a in own:
        _prefix(cmd, a, None, bad)


def find_image_build(words: list[Tok]) -> int | None:
    """Index of the first argument of ``docker build`` (``buildx build``, ``podman build``...)."""
    i = command_start(words)
    v = value_at(words, i)
    if v is None or v.rsplit("/", 1)[-1] not in _BUILDERS:
        return None
    i = skip_options(words, i + 1, _BUILDER_VALUE_OPTS)
    sub = value_at(words, i)
    if sub in ("build", "bud"):
        return i + 1
    if sub in ("buildx", "image", "builder") and value_at(words, i + 1) == "build":
        return i + 2
    return None


@record
class _Option:
    """An index option recognised in a word: its key, kind and where its value starts."""

    key: str
    kind: SettingKind
    attached: int | None = None  # value characters start here in the same word
    eq_bad: bool = False  # -i=URL: pip reads "=URL"


def _option_word(w: Tok) -> tuple[str, bool] | None:
    """The literal option text of a word, and whether a variable follows it."""
    if w.value is not None:
        return w.value, False
    v = literal_prefix(w)  # -i$IDX, --index-url=${URL}: the option is literal
    if not v.startswith("-"):
        return None
    if (not v.startswith("--") and len(v) != 2) or (v.startswith("--") and not v.endswith("=")):
        return None
    return v, True


def _long_index_option(
    site: InstallSite, words: list[Tok], i: int, v: str, tool: Tool, ctx: Ctx
) -> tuple[_Option | None, int]:
    """A ``--long[=value]`` option at ``words[i-1]``: the index option, and the next index."""
    name, eq, rest = v.partition("=")
    full = _long_option(name, tool)
    opts = UV_INDEX_OPTIONS if tool is Tool.UV else PIP_INDEX_OPTIONS
    if full is None:
        return None, i
    if full in opts:
        return _Option(name, opts[full], len(name) + 1 if eq else None), i
    value_opts = UV_VALUE_OPTIONS if tool is Tool.UV else PIP_VALUE_OPTIONS
    if not eq and full in REQUIREMENT_FILE_OPTIONS | value_opts:
        if full in REQUIREMENT_FILE_OPTIONS and i < len(words):
            _read_file(site, _word_text(ctx, words[i]), full == "--constraint")
        elif full == "--editable" and i < len(words):
            site.targets.append(_word_text(ctx, words[i]))  # what it installs: a source tree
        return None, i + 1
    if eq and full == "--editable":
        site.targets.append(rest)
    if eq and full in REQUIREMENT_FILE_OPTIONS:
        _read_file(site, rest, full == "--constraint")
    return None, i


def _read_file(site: InstallSite, name: str, constraint: bool) -> None:
    """A ``-r``/``-c`` file the install reads options from (constraints are read first)."""
    site.requirement_files.append(name)
    if constraint:
        site.constraint_files.append(name)


def _short_index_option(
    site: InstallSite, words: list[Tok], i: int, v: str, tool: Tool, ctx: Ctx
) -> tuple[_Option | None, int]:
    """A ``-x[value]`` option at ``words[i-1]``: the index option, and the next index."""
    short = v[:2]
    if short in PIP_SHORT_INDEX_OPTIONS:
        opt = _Option(short, PIP_SHORT_INDEX_OPTIONS[short])
        if len(v) > 2:
            opt.eq_bad = v[2] == "=" and tool is Tool.PIP
            opt.attached = 3 if opt.eq_bad else 2
        return opt, i
    short_value = UV_SHORT_VALUE_OPTIONS if tool is Tool.UV else PIP_SHORT_VALUE_OPTIONS
    if short in short_value:
        if len(v) == 2 and i < len(words):
            if short in ("-r", "-c"):
                _read_file(site, _word_text(ctx, words[i]), short == "-c")
            elif short == "-e":
                site.targets.append(_word_text(ctx, words[i]))  # an editable source tree
            return None, i + 1
        if short in ("-r", "-c"):
            _read_file(site, v[2:], short == "-c")
    return None, i


def _flags(ctx: Ctx, words: list[Tok], i: int, tool: Tool, site: InstallSite, bad: bool) -> None:
    while i < len(words):
        w = words[i]
        i += 1
        if w.value is None and w.pieces and w.pieces[0].array and w.pieces[0].var:
            arr = ctx.res.env.get(w.pieces[0].var)  # pip install "${ARGS[@]}"
            if arr is not None and arr.array:
                _flags(ctx, list(arr.array), 0, tool, site, bad)
            continue
        split = _split_variable(ctx, w)
        if split is not None:  # M="-i URL"; pip install x $M: the shell makes two words
            _flags(ctx, split, 0, tool, site, bad)
            continue
        word = _option_word(w)
        if word is None:
            site.targets.append(None)  # $PKGS, "$WHEEL": not known here
            continue
        v, partial = word
        if v == "--":
            break
        if not v.startswith("-") or v == "-":
            site.targets.append(v)
            continue
        if v.startswith("--"):
            site.options.append(_long_option(v.partition("=")[0], tool) or v)
        read = _long_index_option if v.startswith("--") else _short_index_option
        opt, i = read(site, words, i, v, tool, ctx)
        if opt is None:
            continue
        if partial:
            opt.attached = len(v)
            opt.eq_bad = v == "-i=" and tool is Tool.PIP
        i = _flag_setting(ctx, words, i, w, opt, tool, site, bad)


def _split_variable(ctx: Ctx, w: Tok) -> list[Tok] | None:
    """The words an unquoted ``$VAR`` holding several words splits into (the shell splits
    it at blanks), each located at the reference and never edited there; None for any
    other word."""
    if len(w.pieces) != 1 or ctx.res.logical[w.start : w.start + 1] in ("'", '"'):
        return None
    p = w.pieces[0]
    d = ctx.res.env.get(p.var) if p.var is not None and not p.array and p.op is None else None
    parts = d.value.split() if d is not None and d.value is not None else []
    if len(parts) < 2:
        return None
    return split_word(w, parts)


def _flag_setting(
    ctx: Ctx, words: list[Tok], i: int, w: Tok, opt: _Option, tool: Tool, site: InstallSite,
    bad: bool,
) -> int:  # fmt: skip
    """Record the setting of one index option; return the index after its value."""
    if opt.kind is K.NO_INDEX:
        span, contiguous = ctx.res.fspan(w.start, w.end)
        raw = ctx.doc.text[span.start : span.end]
        removal = _word_removal(ctx.doc.text, span.start, span.end) if contiguous else None
        s = Setting(opt.kind, opt.key, raw, "true", span, Method.CLI, ctx.scope, tool,
                    editable=contiguous and not bad and ctx.editable, removal=removal,
                    site=site.index)  # fmt: skip
        ctx.add(s, site)
        return i
    if opt.attached is not None:
        value_tok, pieces, at = w, w.tail(opt.attached), w.end
    elif i < len(words):
        value_tok = words[i]
        pieces, at = value_tok.pieces, value_tok.start
        i += 1
    else:
        return i
    _cli_setting(ctx, opt, tool, site, pieces, at, w, value_tok, bad)
    return i


def _word_text(ctx: Ctx, w: Tok) -> str:
    v = w.value
    return v if v is not None else ctx.res.logical[w.start : w.end]


_EXEC_NOTE = "exec-form RUN does not expand variables"


def _cli_setting(
    ctx: Ctx,
    opt: _Option,
    tool: Tool,
    site: InstallSite,
    pieces: list[Piece],
    at: int,
    flag: Tok,
    value_tok: Tok,
    bad: bool,
) -> None:
    res = ctx.res.resolve(pieces, at)
    named = tool is Tool.UV and opt.key in UV_NAMED_OPTIONS
    items = split_items(res, named) if named else []
    whole, contiguous = ctx.res.fspan(flag.start, value_tok.end)
    removal = None
    if contiguous and not ctx.exec_form:
        removal = _word_removal(ctx.doc.text, whole.start, whole.end)
    end, _ = ctx.res.fspan(value_tok.start, value_tok.end)
    sibling = Insertion(end.end, " --trusted-host {value}") if opt.kind in URL_KINDS else None
    note = None
    if opt.eq_bad:
        note = "-i=URL passes '=URL' to pip"
    elif ctx.exec_form and any(p.value and "$" in p.value for p in pieces):
        note = _EXEC_NOTE
    if not items:
        items = [(res.value or "", res.span, res.exact, None)]
    for item, span, exact, _r in items:
        value = item if res.value is not None else None
        s = Setting(opt.kind, opt.key, ctx.doc.text[span.start : span.end], value, span,
                    Method.CLI, ctx.scope, tool,
                    editable=exact and not bad and ctx.editable and value is not None
                    and note != _EXEC_NOTE,
                    removal=removal, use_span=res.use_span, ineffective=note,
                    sibling=sibling, site=site.index)  # fmt: skip
        ctx.add(s, site)
