"""Recognising pip/uv commands and index variables in already-tokenised words.

This module knows pip's command line (invocation spellings, optparse prefix
abbreviation, which options take a value) and the ``PIP_*``/``UV_*`` variable
names, but nothing about shell or Dockerfile syntax: the shell parser, the
Dockerfile exec form and the PowerShell fallback all hand it :class:`Tok` lists,
so every surface recognises exactly the same commands.
"""

from __future__ import annotations

import re

from pipsrc.kinds._words import Piece, Resolved, Resolver, Tok, command_removal, split_items
from pipsrc.kinds._words import word_removal as _word_removal
from pipsrc.model import (
    Document,
    Insertion,
    InstallSite,
    Method,
    Scope,
    Setting,
    SettingKind,
    Span,
    Tool,
)
from pipsrc.records import field, record, replace
from pipsrc.textio import line_ending_at

K = SettingKind

# name -> (kind, tool, whitespace list, uv "name=url" items)
ENV_SPECS: dict[str, tuple[SettingKind, Tool, bool, bool]] = {
    "PIP_INDEX_URL": (K.INDEX, Tool.PIP, False, False),
    "PIP_EXTRA_INDEX_URL": (K.EXTRA_INDEX, Tool.PIP, True, False),
    "PIP_TRUSTED_HOST": (K.TRUSTED_HOST, Tool.PIP, True, False),
    "PIP_FIND_LINKS": (K.FIND_LINKS, Tool.PIP, True, False),
    "PIP_NO_INDEX": (K.NO_INDEX, Tool.PIP, False, False),
    "PIP_INDEX": (K.INDEX, Tool.PIP, False, False),
    "UV_INDEX_URL": (K.INDEX, Tool.UV, False, False),
    "UV_DEFAULT_INDEX": (K.INDEX, Tool.UV, False, True),
    "UV_EXTRA_INDEX_URL": (K.EXTRA_INDEX, Tool.UV, True, False),
    "UV_INDEX": (K.EXTRA_INDEX, Tool.UV, True, True),
    "UV_INSECURE_HOST": (K.TRUSTED_HOST, Tool.UV, True, False),
}
TRUSTED_NAME = {Tool.PIP: "PIP_TRUSTED_HOST", Tool.UV: "UV_INSECURE_HOST"}
URL_KINDS = frozenset({K.INDEX, K.EXTRA_INDEX, K.FIND_LINKS})
PIP_INDEX_NOTE = "PIP_INDEX is not read by pip (did you mean PIP_INDEX_URL?)"
_PIP_INDEX_REF = re.compile(r"\$\{?PIP_INDEX(?![A-Za-z0-9_])")

# pip options that decide index settings, and the other long options (for prefixes)
_PIP_INDEX_OPTS = {
    "--index-url": K.INDEX,
    "--extra-index-url": K.EXTRA_INDEX,
    "--trusted-host": K.TRUSTED_HOST,
    "--find-links": K.FIND_LINKS,
    "--no-index": K.NO_INDEX,
}
_PIP_VALUE_OPTS = frozenset(
    [
        "--requirement",
        "--constraint",
        "--editable",
        "--target",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--root",
        "--prefix",
        "--src",
        "--upgrade-strategy",
        "--config-settings",
        "--global-option",
        "--build-option",
        "--no-binary",
        "--only-binary",
        "--progress-bar",
        "--root-user-action",
        "--report",
        "--group",
        "--wheel-dir",
        "--dest",
        "--log",
        "--log-file",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--cert",
        "--client-cert",
        "--cache-dir",
        "--python",
        "--use-feature",
        "--use-deprecated",
        "--keyring-provider",
        "--resume-retries",
    ]
)
_PIP_FLAG_OPTS = frozenset(
    [
        "--no-input",
        "--no-deps",
        "--no-cache-dir",
        "--no-build-isolation",
        "--no-clean",
        "--no-compile",
        "--no-warn-script-location",
        "--no-warn-conflicts",
        "--no-color",
        "--no-use-pep517",
        "--use-pep517",
        "--upgrade",
        "--user",
        "--force-reinstall",
        "--ignore-installed",
        "--ignore-requires-python",
        "--pre",
        "--require-hashes",
        "--quiet",
        "--verbose",
        "--version",
        "--help",
        "--isolated",
        "--compile",
        "--dry-run",
        "--disable-pip-version-check",
        "--break-system-packages",
        "--prefer-binary",
        "--require-virtualenv",
        "--check-build-dependencies",
        "--no-python-version-warning",
        "--debug",
    ]
)
_PIP_LONG = (*_PIP_INDEX_OPTS, *_PIP_VALUE_OPTS, *_PIP_FLAG_OPTS)
_PIP_SHORT_INDEX = {"-i": K.INDEX, "-f": K.FIND_LINKS}
_PIP_SHORT_VALUE = frozenset(["-r", "-c", "-e", "-t", "-d", "-w", "-C"])

_UV_INDEX_OPTS = {
    "--index-url": K.INDEX,
    "--default-index": K.INDEX,
    "--extra-index-url": K.EXTRA_INDEX,
    "--index": K.EXTRA_INDEX,
    "--trusted-host": K.TRUSTED_HOST,
    "--allow-insecure-host": K.TRUSTED_HOST,
    "--find-links": K.FIND_LINKS,
    "--no-index": K.NO_INDEX,
}
_UV_VALUE_OPTS = frozenset(
    [
        "--requirement",
        "--constraint",
        "--override",
        "--editable",
        "--python",
        "--target",
        "--prefix",
        "--index-strategy",
        "--keyring-provider",
        "--extra",
        "--group",
        "--config-setting",
        "--python-version",
        "--python-platform",
        "--link-mode",
        "--resolution",
        "--prerelease",
        "--exclude-newer",
        "--no-binary",
        "--only-binary",
        "--cache-dir",
        "--color",
        "--directory",
        "--project",
        "--config-file",
        "--torch-backend",
        "--output-file",
    ]
)
_UV_SHORT_VALUE = frozenset(["-r", "-c", "-e", "-p", "-C", "-o"])
_REQ_OPTS = frozenset({"-r", "--requirement", "-c", "--constraint"})

_PIP_NAME = re.compile(r"pip(?:\d+(?:\.\d+)*)?")
_PY_NAME = re.compile(r"python(?:\d+(?:\.\d+)*)?|py|pypy3?")
_WRAP_RUN = frozenset({"poetry", "pipenv", "pdm", "hatch", "uv", "rye"})
_CONDA = frozenset({"conda", "mamba", "micromamba"})
_PASS = frozenset({"nohup", "time", "exec", "command", "nice", "stdbuf"})
# image builders whose --build-arg NAME=VALUE configures the build, not the script
_BUILDERS = frozenset({"docker", "podman", "nerdctl", "buildah"})
_BUILDER_VALUE_OPTS = frozenset(
    {"-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert",
     "--tlscert", "--tlskey", "--connection", "--url", "--root", "--runroot",
     "--storage-driver", "--namespace", "-n", "--address", "-a"}
)  # fmt: skip
_BUILD_ARG = "--build-arg"


@record
class Ctx:
    """Where and with which variables one command list is being analysed."""

    doc: Document
    res: Resolver
    scope: str
    bad: list[tuple[int, int]] = field(default_factory=list)  # logical error ranges
    exec_form: bool = False  # Dockerfile exec form: no variable expansion
    editable: bool = True  # False for non-POSIX shells and unfixable contexts
    method: Method = Method.ENV

    def is_bad(self, start: int, end: int) -> bool:
        return any(a <= end and start <= b for a, b in self.bad)

    def add(self, setting: Setting, site: InstallSite | None = None) -> Setting:
        self.doc.settings.append(setting)
        if site is not None:
            site.settings.append(setting)
        return setting


def pip_index_ineffective(text: str) -> str | None:
    """PS401 note for ``PIP_INDEX`` unless the file interpolates it by hand."""
    return None if _PIP_INDEX_REF.search(text) else PIP_INDEX_NOTE


def emit_env(
    ctx: Ctx,
    name: str,
    res: Resolved,
    method: Method,
    *,
    removal: Span | None,
    sibling: Insertion | None,
    site: InstallSite | None = None,
    position: int = -1,
    ineffective: str | None = None,
    ok: bool = True,
) -> list[Setting]:
    """Settings for one ``NAME=value`` of an index variable (one per list item)."""
    spec = ENV_SPECS.get(name)
    if spec is None:
        return []
    kind, tool, is_list, named = spec
    if name == "PIP_INDEX" and ineffective is None:
        ineffective = pip_index_ineffective(ctx.doc.text)
        if ineffective is None:
            return []
    out: list[Setting] = []
    if res.value == "" and kind is not K.NO_INDEX:
        note = ineffective or f"an empty {name} is ignored: it does not clear configured values"
        s = Setting(
            kind,
            name,
            res.raw,
            "",
            res.span,
            method,
            ctx.scope,
            tool,
            False,
            removal,
            res.use_span,
            note,
            position=position,
        )
        return [ctx.add(s, site)]
    items = split_items(res, named) if is_list or named else []
    if not items:
        items = [(res.value or "", res.span, res.exact, None)] if res.value is not None else []
    if res.value is None:
        items = [("", res.span, False, None)]
    for item, span, exact, item_removal in items:
        raw = ctx.doc.text[span.start : span.end]
        value = item if res.value is not None else None
        s = Setting(
            kind, name, raw, value, span, method, ctx.scope, tool,
            editable=exact and ok and ctx.editable and value is not None,
            removal=item_removal if len(items) > 1 else removal,
            use_span=res.use_span,
            ineffective=ineffective,
            sibling=sibling if kind in URL_KINDS else None,
            position=position,
            site=site.index if site is not None else None,
        )  # fmt: skip
        out.append(ctx.add(s, site))
    return out


@record
class Assign:
    """A ``NAME=value`` word: prefix of a command or an ``export`` argument."""

    name: str
    value: Tok
    start: int  # logical range of the whole assignment
    end: int


def find_pip(ctx: Ctx, words: list[Tok]) -> tuple[Tool, str, int, list[Assign]] | None:
    """(tool, spelling, index after the pip words, env-assignments) or None."""
    i = 0
    extra: list[Assign] = []

    def val(j: int) -> str | None:
        return words[j].value if j < len(words) else None

    while i < len(words):
        v = words[i].value
        if v is None:
            tok = words[i]
            one_var = len(tok.pieces) == 1 and tok.pieces[0].var
            if one_var and val(i + 1) == "-m" and val(i + 2) == "pip":
                src = ctx.res.logical[tok.start : tok.end].strip("\"'")
                return Tool.PIP, f"{src} -m pip", i + 3, extra
            return None
        base = v.rsplit("/", 1)[-1]
        nxt = val(i + 1)
        if base == "sudo":
            i += 1
            while (f := val(i)) is not None and f.startswith("-"):
                i += 2 if f in ("-u", "-g", "-C", "-D", "-h", "-p", "-U", "-r", "-t") else 1
        elif base == "env":
            i += 1
            while (f := val(i)) is not None and (f.startswith("-") or "=" in f):
                if "=" in f and not f.startswith("-"):
                    name = f.split("=", 1)[0]
                    w = words[i]
                    extra.append(Assign(name, Tok(w.start, w.end, w.tail(len(name) + 1)),
                                        w.start, w.end))  # fmt: skip
                i += 2 if f in ("-u", "-C", "-S") else 1
        elif base in _PASS:
            i += 1
        elif base in _CONDA and nxt == "run":
            i += 2
            while (f := val(i)) is not None and f.startswith("-"):
                i += 2 if f in ("-n", "--name", "-p", "--prefix", "--cwd") else 1
        elif base in _WRAP_RUN and nxt == "run":
            i += 2
            while (f := val(i)) is not None and f.startswith("-"):
                i += 2 if f in ("--with", "--python", "-p", "-e", "--env") else 1
        elif base == "uv" and nxt == "pip":
            return Tool.UV, "uv pip", i + 2, extra
        elif _PIP_NAME.fullmatch(base):
            return Tool.PIP, base, i + 1, extra
        elif _PY_NAME.fullmatch(base):
            j = i + 1
            while (f := val(j)) is not None and f.startswith("-") and f not in ("-m", "-mpip"):
                j += 1
            if val(j) == "-mpip":
                return Tool.PIP, f"{base} -m pip", j + 1, extra
            if val(j) == "-m" and val(j + 1) == "pip":
                return Tool.PIP, f"{base} -m pip", j + 2, extra
            return None
        else:
            return None
    return None


def _long_option(name: str, tool: Tool) -> str | None:
    """Resolve an abbreviated pip long option the way optparse does (uv: exact only)."""
    if tool is Tool.UV:
        return name if name in _UV_INDEX_OPTS or name in _UV_VALUE_OPTS else None
    if name in _PIP_LONG:
        return name
    hits = [o for o in _PIP_LONG if o.startswith(name)]
    return hits[0] if len(hits) == 1 else None


def analyze_command(
    ctx: Ctx, words: list[Tok], assigns: list[Assign], lstart: int, lend: int
) -> None:
    """Record the install site, CLI flags, prefixes and ``pip config set`` of one command."""
    found = find_pip(ctx, words) if words else None
    bad = ctx.is_bad(lstart, lend)
    if found is None:
        _command_prefixes(ctx, assigns, lstart, lend, bad)
        build = find_image_build(words)
        if build is not None:
            _build_args(ctx, words, build, lstart, lend, bad)
        return
    tool, spelling, i, extra = found
    assigns = assigns + extra
    value_opts = _UV_VALUE_OPTS if tool is Tool.UV else _PIP_VALUE_OPTS
    while i < len(words) and (v := words[i].value) is not None and v.startswith("-"):
        i += 2 if v in value_opts else 1
    sub = words[i].value if i < len(words) else None
    installs = ("install", "sync") if tool is Tool.UV else ("install", "download", "wheel")
    if sub == "config" and tool is Tool.PIP:
        _pip_config(ctx, words, i + 1, spelling, lstart, lend, bad)
        _command_prefixes(ctx, assigns, lstart, lend, bad)
        return
    if sub not in installs:
        _command_prefixes(ctx, assigns, lstart, lend, bad)
        return
    span, _ = ctx.res.fspan(lstart, lend)
    site = InstallSite(span, ctx.scope, f"{spelling} {sub}", tool)
    site.index = len(ctx.doc.sites)
    ctx.doc.sites.append(site)
    for a in assigns:
        _prefix(ctx, a, site, bad)
    _flags(ctx, words, i + 1, tool, site, bad)


def _prefix(ctx: Ctx, a: Assign, site: InstallSite | None, bad: bool) -> None:
    if a.name not in ENV_SPECS:
        return
    res = ctx.res.resolve(a.value.pieces, a.value.start)
    fs, contiguous = ctx.res.fspan(a.start, a.end)
    removal = _word_removal(ctx.doc.text, fs.start, fs.end) if contiguous else None
    sib = None
    if contiguous:
        sib = Insertion(fs.start, TRUSTED_NAME[ENV_SPECS[a.name][1]] + "={value} ")
    emit_env(ctx, a.name, res, Method.ENV, removal=removal, sibling=sib, site=site,
             ok=not bad)  # fmt: skip


def command_scope(ctx: Ctx, kind: str, lstart: int, lend: int) -> Ctx:
    """A context whose settings belong to a new scope covering one command only.

    The id is ``<kind>@<line>`` (with ``:2``, ``:3``... for more commands on
    that line); the scope has no insertion point and no parent, so nothing in
    it counts as configuration of the file's own install sites.
    """
    span, _ = ctx.res.fspan(lstart, lend)
    text = ctx.doc.text
    base = f"{kind}@{text.count(chr(10), 0, span.start) + 1}"
    taken = {sc.id for sc in ctx.doc.scopes}
    sid, n = base, 2
    while sid in taken:
        sid, n = f"{base}:{n}", n + 1
    ctx.doc.scopes.append(Scope(sid, span.start, span.end, nl=line_ending_at(text, span.start)))
    return replace(ctx, scope=sid)


def _command_prefixes(ctx: Ctx, assigns: list[Assign], lstart: int, lend: int, bad: bool) -> None:
    """``PIP_INDEX_URL=x cmd`` for a command that is not a pip install: that command only."""
    own = [a for a in assigns if a.name in ENV_SPECS]
    if not own:
        return
    cmd = command_scope(ctx, "cmd", lstart, lend)
    for a in own:
        _prefix(cmd, a, None, bad)


def find_image_build(words: list[Tok]) -> int | None:
    """Index of the first argument of ``docker build`` (``buildx build``, ``podman build``...)."""

    def val(j: int) -> str | None:
        return words[j].value if j < len(words) else None

    i = 0
    while (v := val(i)) is not None:
        base = v.rsplit("/", 1)[-1]
        if base == "sudo":
            i += 1
            while (f := val(i)) is not None and f.startswith("-"):
                i += 2 if f in ("-u", "-g", "-C", "-D", "-h", "-p", "-U", "-r", "-t") else 1
        elif base in _PASS:
            i += 1
        elif base in _BUILDERS:
            break
        else:
            return None
    else:
        return None
    i += 1
    while (f := val(i)) is not None and f.startswith("-"):
        i += 2 if f in _BUILDER_VALUE_OPTS else 1
    sub = val(i)
    if sub in ("build", "bud"):
        return i + 1
    if sub in ("buildx", "image", "builder") and val(i + 1) == "build":
        return i + 2
    return None


def _build_args(ctx: Ctx, words: list[Tok], i: int, lstart: int, lend: int, bad: bool) -> None:
    """``--build-arg NAME=VALUE`` / ``--build-arg=NAME=VALUE`` of an image build command.

    All URL build args of one installer share one trusted-host insertion point
    (after the first one), so two http indexes never add two same-named build
    args (docker keeps only the last); none is offered when the command already
    passes one: a rule edits that one instead.
    """
    found: list[tuple[str, bool, Tok, Tok, list[Piece]]] = []
    while i < len(words):
        flag = words[i]
        head = _literal_prefix(flag)
        i += 1
        if head == _BUILD_ARG and flag.value == head:
            if i >= len(words):
                break
            arg = words[i]
            pieces = arg.pieces
            i += 1
        elif head.startswith(_BUILD_ARG + "="):
            arg = flag
            pieces = flag.tail(len(_BUILD_ARG) + 1)
        else:
            continue
        name, sep, _ = _literal_prefix(Tok(arg.start, arg.end, pieces)).partition("=")
        found.append((name, sep == "=", flag, arg, pieces))
    passed = {name for name, *_ in found}  # "--build-arg NAME" passes the caller's value
    siblings: dict[Tool, Insertion | None] = {}
    cmd: Ctx | None = None
    text = ctx.doc.text
    for name, has_value, flag, arg, pieces in found:
        if not has_value or name not in ENV_SPECS or name == "PIP_INDEX":
            continue  # PIP_INDEX: the Dockerfile (not seen here) may interpolate it by hand
        kind, tool = ENV_SPECS[name][0], ENV_SPECS[name][1]
        if cmd is None:
            cmd = command_scope(ctx, "docker-build", lstart, lend)
        whole, contiguous = ctx.res.fspan(flag.start, arg.end)
        clean = contiguous and not bad and not ctx.exec_form
        removal = _word_removal(text, whole.start, whole.end) if clean else None
        trusted = TRUSTED_NAME[tool]
        if clean and kind in URL_KINDS and tool not in siblings:
            siblings[tool] = None
            if trusted not in passed:
                siblings[tool] = Insertion(whole.end, f" {_BUILD_ARG} {trusted}={{value}}")
        value = Tok(arg.start, arg.end, pieces).tail(len(name) + 1)
        res = ctx.res.resolve(value, _after_name(pieces, len(name) + 1, arg.end))
        emit_env(cmd, name, res, Method.BUILD_ARG, removal=removal,
                 sibling=siblings.get(tool), ok=not bad and not ctx.exec_form)  # fmt: skip


def _after_name(pieces: list[Piece], k: int, default: int) -> int:
    """Logical offset just after the first ``k`` value characters (for empty values)."""
    for p in pieces:
        if p.value is None:
            break
        if len(p.value) >= k:
            return p.start + k if p.exact else p.end
        k -= len(p.value)
    return default


def _flags(ctx: Ctx, words: list[Tok], i: int, tool: Tool, site: InstallSite, bad: bool) -> None:
    opts = _UV_INDEX_OPTS if tool is Tool.UV else _PIP_INDEX_OPTS
    short_value = _UV_SHORT_VALUE if tool is Tool.UV else _PIP_SHORT_VALUE
    while i < len(words):
        w = words[i]
        v = w.value
        i += 1
        if v is None:
            if w.pieces and w.pieces[0].array and w.pieces[0].var:
                arr = ctx.res.env.get(w.pieces[0].var)
                if arr is not None and arr.array:
                    _flags(ctx, list(arr.array), 0, tool, site, bad)
                continue
            v = _literal_prefix(w)  # -i$IDX, --index-url=${URL}: the option is literal
            partial = True
            if (
                not v.startswith("-")
                or (not v.startswith("--") and len(v) != 2)
                or (v.startswith("--") and not v.endswith("="))
            ):
                continue
        else:
            partial = False
        if v == "--":
            break
        if not v.startswith("-") or v == "-":
            continue
        key, kind, attached, eq_bad = v, None, None, False
        if v.startswith("--"):
            name, eq, rest = v.partition("=")
            full = _long_option(name, tool)
            if full is None:
                continue
            key = name
            if full in opts:
                kind = opts[full]
                if eq:
                    attached = len(name) + 1
            elif not eq and full in _REQ_OPTS | (
                _UV_VALUE_OPTS if tool is Tool.UV else _PIP_VALUE_OPTS
            ):
                if full in _REQ_OPTS and i < len(words):
                    site.requirement_files.append(_word_text(ctx, words[i]))
                i += 1
                continue
            elif eq and full in _REQ_OPTS:
                site.requirement_files.append(rest)
        else:
            short = v[:2]
            if short in ("-i", "-f"):
                kind = _PIP_SHORT_INDEX[short]
                key = short
                if len(v) > 2:
                    attached = 2
                    eq_bad = v[2] == "=" and tool is Tool.PIP
                    if eq_bad:
                        attached = 3
            elif short in short_value:
                if len(v) == 2 and i < len(words):
                    if short in ("-r", "-c"):
                        site.requirement_files.append(_word_text(ctx, words[i]))
                    i += 1
                elif short in ("-r", "-c"):
                    site.requirement_files.append(v[2:])
                continue
        if kind is None:
            continue
        if partial:
            attached = len(v)
            eq_bad = v == "-i=" and tool is Tool.PIP
        flag_tok = w
        if kind is K.NO_INDEX:
            span, contiguous = ctx.res.fspan(w.start, w.end)
            raw = ctx.doc.text[span.start : span.end]
            s = Setting(kind, key, raw, "true", span, Method.CLI, ctx.scope, tool,
                        editable=contiguous and not bad and ctx.editable,
                        removal=_word_removal(ctx.doc.text, span.start, span.end)
                        if contiguous else None, site=site.index)  # fmt: skip
            ctx.add(s, site)
            continue
        if attached is not None:
            pieces: list[Piece] = w.tail(attached)
            end_tok = w
            at = w.end
        else:
            if i >= len(words):
                continue
            end_tok = words[i]
            pieces = end_tok.pieces
            at = end_tok.start
            i += 1
        _cli_setting(ctx, key, kind, tool, site, pieces, at, flag_tok, end_tok, bad, eq_bad)


def _literal_prefix(w: Tok) -> str:
    out = []
    for p in w.pieces:
        if p.value is None:
            break
        out.append(p.value)
    return "".join(out)


def _word_text(ctx: Ctx, w: Tok) -> str:
    v = w.value
    return v if v is not None else ctx.res.logical[w.start : w.end]


def _cli_setting(
    ctx: Ctx,
    key: str,
    kind: SettingKind,
    tool: Tool,
    site: InstallSite,
    pieces: list[Piece],
    at: int,
    flag: Tok,
    value_tok: Tok,
    bad: bool,
    eq_bad: bool,
) -> None:
    res = ctx.res.resolve(pieces, at)
    named = tool is Tool.UV and key in ("--index", "--default-index")
    items = split_items(res, named) if named else []
    whole, contiguous = ctx.res.fspan(flag.start, value_tok.end)
    removal = None
    if contiguous and not ctx.exec_form:
        removal = _word_removal(ctx.doc.text, whole.start, whole.end)
    end, _ = ctx.res.fspan(value_tok.start, value_tok.end)
    sibling = Insertion(end.end, " --trusted-host {value}") if kind in URL_KINDS else None
    note = None
    if eq_bad:
        note = "-i=URL passes '=URL' to pip"
    elif ctx.exec_form and any(p.value and "$" in p.value for p in pieces):
        note = "exec-form RUN does not expand variables"
    if not items:
        items = [(res.value or "", res.span, res.exact, None)]
    for item, span, exact, _r in items:
        raw = ctx.doc.text[span.start : span.end]
        value = item if res.value is not None else None
        s = Setting(kind, key, raw, value, span, Method.CLI, ctx.scope, tool,
                    editable=exact and not bad and ctx.editable and value is not None,
                    removal=removal, use_span=res.use_span, ineffective=note,
                    sibling=sibling, site=site.index)  # fmt: skip
        if note and note.startswith("exec-form"):
            s.editable = False
        ctx.add(s, site)


_CONFIG_KEYS = {
    "index-url": K.INDEX,
    "extra-index-url": K.EXTRA_INDEX,
    "trusted-host": K.TRUSTED_HOST,
    "find-links": K.FIND_LINKS,
    "no-index": K.NO_INDEX,
}


def _pip_config(
    ctx: Ctx, words: list[Tok], i: int, spelling: str, lstart: int, lend: int, bad: bool
) -> None:
    """``pip config [--global|--user|--site] set section.key value``."""
    while i < len(words) and (v := words[i].value) is not None and v.startswith("-"):
        i += 2 if v == "--editor" else 1
    if i + 2 >= len(words) or words[i].value != "set":
        return
    key = words[i + 1].value
    if key is None or "." not in key:
        return
    section, _, name = key.partition(".")
    kind = _CONFIG_KEYS.get(name.replace("_", "-").lower())
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
    is_list = kind in (K.EXTRA_INDEX, K.TRUSTED_HOST, K.FIND_LINKS)
    items = split_items(res) if is_list else []
    if not items:
        items = [(res.value or "", res.span, res.exact, None)]
    for item, span, exact, item_removal in items:
        raw = text[span.start : span.end]
        value = item if res.value is not None else None
        s = Setting(kind, key, raw, value, span, Method.PIP_CONFIG, ctx.scope, Tool.PIP,
                    editable=exact and not bad and ctx.editable and value is not None,
                    removal=item_removal if len(items) > 1 else removal,
                    use_span=res.use_span, section=section, sibling=sibling)  # fmt: skip
        ctx.add(s)
