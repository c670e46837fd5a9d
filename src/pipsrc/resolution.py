"""Which indexes an install command really uses, in the order its installer reads them.

pip and uv disagree on almost everything here, and the model follows each client, as the
differential harness (tests/oracle) shows it behaves:

pip builds ``[index] + extras`` from, weakest first: its configuration files (global,
legacy user, user, site, then ``PIP_CONFIG_FILE``'s file, merged key by key; a command's
section beats ``[global]`` at any level; an existing ``PIP_CONFIG_FILE`` hides the user
files and ``/dev/null`` hides them all), the ``PIP_*`` variables (an empty one is ignored),
the command line (``-i`` replaces, ``--extra-index-url`` appends), and last the
requirements and constraints files it reads (constraints first, nested files in place),
where ``-i`` replaces the whole list, command line included, and ``--no-index`` ends it.

uv reads neither pip's files nor ``PIP_*``. Its default index is, strongest first:
``--default-index``, ``UV_DEFAULT_INDEX``, ``--index-url``, ``UV_INDEX_URL``, then a
requirements file's ``-i``; its extra indexes come before the default, ``--index`` and
``UV_INDEX`` before ``--extra-index-url`` and ``UV_EXTRA_INDEX_URL``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipsrc.effective import live, scope_chain
from pipsrc.model import Document, InstallSite, Level, Method, Setting, SettingKind, Tool
from pipsrc.records import field, record
from pipsrc.urls import identity

if TYPE_CHECKING:
    from pipsrc.context import Context

K = SettingKind
PYPI = "https://pypi.org/simple"
ENV_METHODS = frozenset(
    {Method.ENV, Method.BUILD_ARG, Method.COMPOSE_ENV, Method.COMPOSE_ARG, Method.CI_ENV,
     Method.DOTENV}
)  # fmt: skip
CONFIG_METHODS = frozenset({Method.PIP_CONFIG, Method.PIP_CONF})
# pip's load order of configuration files (later wins, key by key)
_LEVEL_RANK: dict[str, int] = {
    Level.GLOBAL_XDG: 0, Level.GLOBAL: 1, Level.USER_LEGACY: 2, Level.USER: 3, Level.SITE: 4,
    Level.ENV_FILE: 5,
}  # fmt: skip
_USER_RANKS = frozenset({_LEVEL_RANK[Level.USER_LEGACY], _LEVEL_RANK[Level.USER]})
_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})


@record
class Used:
    """One setting an install's indexes come from, and what it did."""

    setting: Setting
    path: str  # the document it is written in
    role: str  # index | extra | no-index | replaced (a later source took its place)


@record
class Effective:
    """The indexes an install site uses, and where they come from."""

    # cli | requirements | env | config | config-file | image | inherited | no-index | default
    source: str
    setting: Setting | None = None  # the primary (default) index, when one is set
    detail: str = ""
    tool: Tool = Tool.PIP
    extras: list[Setting] = field(default_factory=list)  # in the order the client reads them
    chain: list[Used] = field(default_factory=list)

    @property
    def implicit_pypi(self) -> bool:
        return self.source == "default"

    @property
    def indexes(self) -> list[str | None]:
        """Index URLs in the order the client reads them (None: not resolved); a URL
        given twice is read once, where it first appears (pip and uv both do so)."""
        if self.source == "no-index":
            return []
        primary = self.setting.value if self.setting is not None else None
        if primary is None and self.source == "default":
            primary = PYPI
        extras = [s.value for s in self.extras]
        ordered = [*extras, primary] if self.tool is Tool.UV else [primary, *extras]
        out: list[str | None] = []
        seen: set[str] = set()
        for url in ordered:
            key = identity(url) if url else None
            if key is None or key not in seen:
                out.append(url)
            if key is not None:
                seen.add(key)
        return out


@record
class _State:
    """The index list as a client builds it, source by source."""

    index: Setting | None = None
    source: str = "default"
    detail: str = ""
    extras: list[Setting] = field(default_factory=list)
    no_index: Setting | None = None
    chain: list[Used] = field(default_factory=list)
    where: dict[int, str] = field(default_factory=dict)  # id of a setting -> its document

    def note(self, s: Setting, path: str) -> Setting:
        self.where[id(s)] = path
        return s

    def set_index(self, s: Setting, source: str, path: str, detail: str = "") -> None:
        if self.index is not None:
            self.chain.append(self.used(self.index, "replaced"))
        self.index, self.source, self.detail = self.note(s, path), source, detail

    def used(self, s: Setting, role: str) -> Used:
        return Used(s, self.where.get(id(s), ""), role)

    def result(self, tool: Tool) -> Effective:
        chain = list(self.chain)
        if self.no_index is not None:
            return Effective("no-index", self.no_index, tool=tool, chain=chain)
        if self.index is not None:
            chain.append(self.used(self.index, "index"))
        chain += [self.used(s, "extra") for s in self.extras]
        return Effective(self.source, self.index, self.detail, tool, list(self.extras), chain)


def visible_settings(doc: Document, site: InstallSite, ctx: Context) -> list[Setting]:
    """The live settings of ``doc`` that reach ``site`` from its scope and the scopes it
    inherits from (not its own flags and prefixes)."""
    return _View(doc, site, ctx).visible


def effective_index(doc: Document, site: InstallSite, ctx: Context) -> Effective:
    """The indexes ``site`` uses (see the module's docstring)."""
    view = _View(doc, site, ctx)
    return _uv(view) if site.tool is Tool.UV else _pip(view)


class _View:
    """What an install site can see: the environment at the site, the pip configuration
    written or copied before it, and the requirements files it reads."""

    def __init__(self, doc: Document, site: InstallSite, ctx: Context) -> None:
        self.doc, self.site, self.ctx = doc, site, ctx
        self.chain_ids = scope_chain(doc, site.scope)
        self.visible = [s for s in live(doc.settings) if self._sees(s)]
        self.copied: dict[int, str] = {}  # id of a setting of a COPY'd pip.conf -> its path
        self.named_doc: Document | None = None  # the repository file PIP_CONFIG_FILE names

    def _sees(self, s: Setting) -> bool:
        if s.site is not None:
            return False  # a flag or prefix of some command: see ``prefix``/``cli``
        if s.scope == self.site.scope:
            return s.position < self.site.span.start
        if s.scope not in self.chain_ids[1:] or s.method is Method.BUILD_ARG:
            return False
        scope = self.doc.scope(s.scope)
        return scope is None or not scope.ordered or s.position < self.site.span.start

    def env(self, name: str) -> list[Setting] | None:
        """The items of the last assignment of ``name`` at the site (a ``VAR=x`` prefix of
        the command itself last); [] for an empty one, None when it is never set. In a
        Dockerfile an ENV beats an ARG of the same name whatever their order."""
        prefix = [s for s in self.site.settings if s.method is Method.ENV and s.key == name]
        pool = prefix or [s for s in self.visible if s.method in ENV_METHODS and s.key == name]
        if not prefix and any(s.method is Method.ENV for s in pool):
            pool = [s for s in pool if s.method is not Method.BUILD_ARG]
        empty = [s for s in self._all_env(name) if s.value == "" and self._after(s, pool)]
        if empty:
            return []
        if not pool:
            return None
        last = max(s.assign for s in pool)
        return [s for s in pool if s.assign == last and s.value != ""]

    def _all_env(self, name: str) -> list[Setting]:
        """Every assignment of ``name`` the site sees, the empty ones included (they are
        'ineffective' settings, kept out of ``visible``)."""
        own = [s for s in self.site.settings if s.key == name and s.method is Method.ENV]
        return own or [
            s for s in self.doc.settings
            if s.key == name and s.method in ENV_METHODS and s.site is None and self._sees(s)
        ]  # fmt: skip

    @staticmethod
    def _after(empty: Setting, pool: list[Setting]) -> bool:
        return not pool or empty.assign > max(s.assign for s in pool)

    def cli(self) -> list[Setting]:
        return [s for s in self.site.settings if s.method is Method.CLI and s.ineffective is None]

    def files(self) -> list[tuple[Document, Setting]]:
        """The options of the requirements and constraints files the site reads, in the
        order pip reads them: constraints first, each file's nested files in place."""
        names = [n for n in self.site.requirement_files if n in self.site.constraint_files]
        names += [n for n in self.site.requirement_files if n not in self.site.constraint_files]
        out: list[tuple[Document, Setting]] = []
        seen: set[str] = set()
        for name in names:
            self._file(self.doc, name, out, seen)
        return out

    def _file(
        self, base: Document, name: str, out: list[tuple[Document, Setting]], seen: set[str]
    ) -> None:
        found = self.ctx.find_file(base, name, "requirements")
        if found is None or found.path in seen:
            return
        seen.add(found.path)
        items: list[tuple[int, Setting | str]] = [
            (s.position, s) for s in live(found.settings) if s.method is Method.REQUIREMENTS
        ]
        items += [(at, nested) for at, nested, _c in found.include_marks]
        for _at, item in sorted(items, key=lambda x: x[0]):
            if isinstance(item, str):
                self._file(found, item, out, seen)
            else:
                out.append((found, item))


# --- pip -------------------------------------------------------------------------------


def _pip(view: _View) -> Effective:
    state = _State()
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
    state: _State, s: Setting, source: str, path: str, replace_all: bool = False
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


def _pip_config(view: _View) -> tuple[dict[str, list[Setting]], tuple[str, str] | None]:
    """pip's configuration at the site, for its command: option -> the items of the winning
    value; and what pipsrc cannot see (a source and a detail), if anything."""
    pcf = view.env("PIP_CONFIG_FILE")
    named = (_repo_config(view, pcf[0]) or pcf[0].value or _repo_named(pcf[0])) if pcf else None
    opaque = _opaque(view)
    if named in ("/dev/null", "nul"):
        return {}, None  # pip reads no configuration file at all
    settings = [s for s in view.visible if s.method in CONFIG_METHODS]
    settings += _copied(view)
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


def _repo_config(view: _View, pcf: Setting) -> str | None:
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


def _named_file(view: _View, named: str | None) -> list[Setting]:
    """The settings of the repository file PIP_CONFIG_FILE names, written to that name."""
    from pipsrc.records import replace

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


def _copied(view: _View) -> list[Setting]:
    """The settings of repository pip.conf files COPY'd into the scope before the site,
    at the level of their destination."""
    from pipsrc.records import replace
    from pipsrc.vocabulary import config_level

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


def _opaque(view: _View) -> tuple[str, str] | None:
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


# --- uv --------------------------------------------------------------------------------


def _uv(view: _View) -> Effective:
    state = _State()
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
