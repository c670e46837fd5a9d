"""pip's index list: configuration files by level and section, ``PIP_*``, the command line,
then the requirements and constraints files it reads."""

from __future__ import annotations

from pipsrc.effective import live
from pipsrc.model import Level, Method, Setting, SettingKind, Tool
from pipsrc.records import replace
from pipsrc.resolution.state import Effective, State
from pipsrc.resolution.view import View
from pipsrc.vocabulary import config_level

K = SettingKind
CONFIG_METHODS = frozenset({Method.PIP_CONFIG, Method.PIP_CONF})
# pip's load order of configuration files (later wins, key by key)
_LEVEL_RANK: dict[str, int] = {
    Level.GLOBAL_XDG: 0, Level.GLOBAL: 1, Level.USER_LEGACY: 2, Level.USER: 3, Level.SITE: 4,
    Level.ENV_FILE: 5,
}  # fmt: skip
_USER_RANKS = frozenset({_LEVEL_RANK[Level.USER_LEGACY], _LEVEL_RANK[Level.USER]})
_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
# Where pip takes its index list from, highest precedence first. pip_effective applies them
# in the reverse order (the last one applied wins); the report and the README print this
# order (pipsrc.report.texts.precedence), and tests/test_precedence.py checks pip_effective
# against it, as the differential harness checks it against real pip.
PRECEDENCE: tuple[str, ...] = ("requirements", "cli", "env", "config")
# configuration files by level, highest first (the reverse of pip's load order)
CONFIG_LEVELS: tuple[str, ...] = tuple(
    sorted(_LEVEL_RANK, key=_LEVEL_RANK.__getitem__, reverse=True)
)


def pip_effective(view: View) -> Effective:
    state = State()
    config, opaque = _pip_config(view)
    index = view.env("PIP_INDEX_URL")
    if index:
        state.set_index(index[0], "env", view.doc.path)
    elif config.get("index-url"):
        s = config["index-url"][0]
        path = view.copied.get(id(s))
        if path is None:
            state.set_index(s, "config", view.doc.path)
        else:
            state.set_index(s, "config-file", path, path)
    extras = view.env("PIP_EXTRA_INDEX_URL")
    state.extras = [
        state.note(x, view.copied.get(id(x), view.doc.path))
        for x in extras or config.get("extra-index-url", [])
    ]
    no_index = view.env("PIP_NO_INDEX")
    flag = no_index[0] if no_index else next(iter(config.get("no-index", [])), None)
    if flag is not None and (flag.value or "").lower() in _TRUE:
        state.no_index = flag
    for s in view.cli():
        _pip_option(state, s, "cli", view.doc.path)
    for doc, s in view.files():
        if state.no_index is not None:
            break
        _pip_option(state, s, "requirements", doc.path, replace_all=True)
    if state.index is None and state.no_index is None and opaque is not None:
        state.source, state.detail = opaque
    return state.result(Tool.PIP)


def _pip_option(
    state: State, s: Setting, source: str, path: str, replace_all: bool = False
) -> None:
    """One index option of the command line (``replace_all`` False) or of a requirements
    file, where ``-i`` replaces the whole list."""
    if s.kind is K.NO_INDEX:
        state.no_index = s
    elif s.kind is K.INDEX:
        detail = path if source == "requirements" else ""
        state.set_index(s, source, path, detail)
        if replace_all:
            state.chain += [state.used(x, "replaced") for x in state.extras]
            state.extras = []
    elif s.kind is K.EXTRA_INDEX:
        state.extras.append(state.note(s, path))


def _pip_config(view: View) -> tuple[dict[str, list[Setting]], tuple[str, str] | None]:
    """pip's configuration at the site, for its command: option -> the items of the winning
    value; and what pipsrc cannot see (a source and a detail), if anything."""
    pcf = view.env("PIP_CONFIG_FILE")
    named = (_repo_config(view, pcf[0]) or pcf[0].value or _repo_named(pcf[0])) if pcf else None
    opaque = _opaque(view)
    if named in ("/dev/null", "nul"):
        return {}, None  # pip reads no configuration file at all
    settings = [s for s in view.visible if s.method in CONFIG_METHODS]
    settings += _copied(view)
    settings = _not_overwritten(view, settings)
    settings += _named_file(view, named)
    ranked = _ranked(settings, named, pcf[0].position if pcf else None)
    if pcf and named is None:
        opaque = opaque or ("config-file", f"PIP_CONFIG_FILE={pcf[0].raw}")
    elif named is not None and named in {s.written_to for s in settings}:
        # an existing PIP_CONFIG_FILE hides the user files (global and site stay)
        ranked = [(r, s) for r, s in ranked if r not in _USER_RANKS]
    elif named is not None and _repo_relative(named) is None:
        opaque = opaque or ("config-file", f"PIP_CONFIG_FILE={named}")
    # else: a repository path that is not in the repository; pip ignores a missing file
    return _merge(ranked, view.site.command.rsplit(" ", 1)[-1]), opaque


def _not_overwritten(view: View, settings: list[Setting]) -> list[Setting]:
    """Without what a later write of the whole file replaced. There is one site file
    (``sys.prefix/pip.conf``), so every path pip reads at the site level is that file."""
    writes = [
        (path, at) for scope, path, at in view.doc.overwrites
        if scope in view.chain_ids and at < view.site.span.start
    ]  # fmt: skip
    if not writes:
        return settings

    def same(a: str, b: str | None) -> bool:
        if b is None:
            return False
        return a == b or config_level(a) == config_level(b) == Level.SITE

    return [
        s for s in settings
        if not any(at > s.position and same(path, s.written_to) for path, at in writes)
    ]  # fmt: skip


def _repo_config(view: View, pcf: Setting) -> str | None:
    """``PIP_CONFIG_FILE="$PWD/ci/pip.conf"`` or ``ci/pip.conf``: a file of the repository,
    named from where the script runs (a Dockerfile's build context copied to its WORKDIR);
    its settings are added at PIP_CONFIG_FILE's level (None: not such a file)."""
    rel = _repo_relative(pcf.raw)
    found = None if rel is None else view.ctx.find_file(view.doc, rel, "pipconf")
    if found is None:
        return None
    view.named_doc = found
    return pcf.raw.strip("\"'")


def _repo_named(pcf: Setting) -> str | None:
    return pcf.raw.strip("\"'") if _repo_relative(pcf.raw) is not None else None


def _repo_relative(raw: str) -> str | None:
    """The repository path a ``PIP_CONFIG_FILE`` value names from the working directory."""
    raw = raw.strip("\"'")
    for prefix in ("$PWD/", "${PWD}/", "./", ""):
        rest = raw[len(prefix) :]
        if raw.startswith(prefix) and rest and not rest.startswith(("/", "~", "$")):
            return rest
    return None


def _ranked(
    settings: list[Setting], named: str | None, named_at: int | None
) -> list[tuple[int, Setting]]:
    """Configuration settings with the rank of the file pip reads them from (None: a file
    pip does not read); ``pip config set`` without a flag writes the site file when there
    is one, else the user file, and with ``PIP_CONFIG_FILE`` set (``named_at``) that file
    whatever its flag."""
    out = []
    named_since = 1 << 62 if named_at is None else named_at
    has_site = [s.position for s in settings if s.level == Level.SITE]
    for s in settings:
        level = s.level
        set_later = s.method is Method.PIP_CONFIG and s.position > named_since
        if set_later or (named is not None and s.written_to == named):
            level = Level.ENV_FILE
        elif level == Level.AUTO:
            level = Level.SITE if any(p < s.position for p in has_site) else Level.USER
        rank = _LEVEL_RANK.get(level or "")
        if rank is not None:
            out.append((rank, s))
    return out


def _merge(ranked: list[tuple[int, Setting]], command: str) -> dict[str, list[Setting]]:
    """Key by key, the last file wins; then the command's section beats ``[global]``."""
    values: dict[tuple[str, str], list[Setting]] = {}
    order = sorted(ranked, key=lambda rs: (rs[0], rs[1].position, rs[1].assign))
    for _rank, s in order:
        key = (s.section or "global", s.kind.value)
        current = values.get(key)
        if current is not None and current[0].assign != s.assign:
            current = None
        values[key] = [*(current or []), s]
    out: dict[str, list[Setting]] = {}
    names = {K.INDEX.value: "index-url", K.EXTRA_INDEX.value: "extra-index-url",
             K.NO_INDEX.value: "no-index"}  # fmt: skip
    for (section, kind), items in values.items():
        if kind in names and section == "global" and names[kind] not in out:
            out[names[kind]] = items
    for (section, kind), items in values.items():
        if kind in names and section == command:
            out[names[kind]] = items
    return out


def _named_file(view: View, named: str | None) -> list[Setting]:
    """The settings of the repository file PIP_CONFIG_FILE names, written to that name."""

    found = view.named_doc
    if found is None or named is None:
        return []
    out = []
    for s in live(found.settings):
        if s.method is Method.PIP_CONF:
            copy = replace(
                s, written_to=named, level=Level.ENV_FILE, position=-1, assign=-1 - s.assign
            )
            view.copied[id(copy)] = found.path
            out.append(copy)
    return out


def _copied(view: View) -> list[Setting]:
    """The settings of repository pip.conf files COPY'd into the scope before the site,
    at the level of their destination."""

    out = []
    for scope_id in view.chain_ids:
        scope = view.doc.scope(scope_id)
        if scope is None:
            continue
        for src, dest, at in scope.config_copies:
            if scope_id == view.site.scope and at >= view.site.span.start:
                continue
            found = view.ctx.find_file(view.doc, src, "pipconf")
            if found is None:
                continue
            level = config_level(dest)
            for s in live(found.settings):
                if s.method is Method.PIP_CONF:
                    # one file is one value per key to pip: its items share the copy's offset
                    copy = replace(s, level=level, written_to=dest, position=at, assign=at)
                    view.copied[id(copy)] = found.path
                    out.append(copy)
    return out


def _opaque(view: View) -> tuple[str, str] | None:
    """Configuration pipsrc cannot read: a pip.conf copied from outside the repository or
    mounted as a secret, a Dockerfile fragment, a base image the policy says is configured."""
    if view.site.opaque_config:
        return "config-file", "a pip.conf mounted into the RUN"
    for scope_id in view.chain_ids:
        scope = view.doc.scope(scope_id)
        if scope is None:
            continue
        missing = [src for src, _d, _a in scope.config_copies
                   if view.ctx.find_file(view.doc, src, "pipconf") is None]  # fmt: skip
        if missing or scope.opaque_config:
            return "config-file", ", ".join(missing) or "pip configuration from outside"
        if scope.fragment:
            return "inherited", "fragment without FROM"
        if scope.parent is None and view.ctx.policy.image_configured(scope.base_image):
            return "image", scope.base_image or ""
    return None
