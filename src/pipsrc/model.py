"""The shared vocabulary every file kind is parsed into (SPEC §5).

Parsers *locate*: they turn the text of one file into :class:`Setting` and
:class:`InstallSite` records whose spans are offsets into the decoded text of
that file. Rules read only this vocabulary, so each rule is written once for
every file kind. Fixes are :class:`Edit` records over the same offsets, applied
by one engine (:mod:`pipsrc.edits`) that copies every other character verbatim.

Offsets are ``str`` offsets into the decoded text (BOM excluded, line endings
kept exactly as they are in the file: the text is decoded without newline
translation). Line and column numbers are derived only for reporting.
"""

from __future__ import annotations

import re

from pipsrc.compat import StrEnum
from pipsrc.records import field, record

_TEMPLATE = re.compile(r"\{\{|\{%")  # Jinja and the like: no URL or host has one


class FileKind(StrEnum):
    """The file kinds pipsrc reads."""

    DOCKERFILE = "dockerfile"
    SHELL = "shell"
    REQUIREMENTS = "requirements"
    PIPCONF = "pipconf"
    COMPOSE = "compose"
    PROJECT = "project"  # pyproject.toml, uv.toml, Pipfile, pdm.toml, pixi.toml
    LOCKFILE = "lockfile"
    CONDARC = "condarc"
    CONDA_ENV = "conda-env"
    TOX = "tox"  # tox.ini, tox.toml, setup.cfg


class SettingKind(StrEnum):
    """What a setting configures (one value each: lists are split into items)."""

    INDEX = "index"
    EXTRA_INDEX = "extra-index"
    TRUSTED_HOST = "trusted-host"
    FIND_LINKS = "find-links"
    NO_INDEX = "no-index"
    CONFIG_FILE = "config-file"  # PIP_CONFIG_FILE: which pip.conf pip reads (or /dev/null)
    LOCKED_INDEX = "locked-index"  # an index a lock file was resolved against (never edited)
    # conda (Tool.CONDA): never read by pip or uv, so the pip rules never see them
    CHANNEL = "channel"  # an item of `channels:` or `-c`: a name, `defaults`, or a URL
    DEFAULT_CHANNEL = "default-channel"  # an item of `default_channels:` (what defaults is)
    CHANNEL_ALIAS = "channel-alias"  # the base URL bare channel names are resolved against
    CUSTOM_CHANNEL = "custom-channel"  # `custom_channels.NAME: BASE` (NAME is appended)
    OVERRIDE_CHANNELS = "override-channels"  # --override-channels: configured channels unused
    # a caching proxy's set-up (Tool.PROXY): never read by a client, so pip's rules never see
    # them; ``section`` names the proxy's index they configure (``root/pypi``) when known
    PROXY_UPSTREAM = "proxy-upstream"  # devpi ``mirror_url=``, a SOURCE_MIRROR_URL variable
    PROXY_WEB_FMT = "proxy-web-url-fmt"  # devpi ``mirror_web_url_fmt=`` (links to {name})


class Level(StrEnum):
    """Where pip reads a configuration file from, in its load order (later wins, key by
    key): global (each $XDG_CONFIG_DIRS/pip/pip.conf, then /etc/pip.conf), the legacy user
    file, the user file, the site file (sys.prefix/pip.conf), then PIP_CONFIG_FILE's."""

    GLOBAL_XDG = "global-xdg"
    GLOBAL = "global"
    USER_LEGACY = "user-legacy"
    USER = "user"
    SITE = "site"
    ENV_FILE = "env-file"  # the file PIP_CONFIG_FILE names
    AUTO = "auto"  # `pip config set` without a flag: the site file if one exists, else user
    OTHER = "other"  # a path pip reads only through PIP_CONFIG_FILE
    # uv's configuration files (uv.toml): the project's, the user's, the system's
    UV_PROJECT = "uv-project"
    UV_USER = "uv-user"
    UV_SYSTEM = "uv-system"


class Method(StrEnum):
    """How a setting is written: the report's "method" column."""

    ENV = "env var"  # Dockerfile ENV, shell export / VAR=x cmd
    BUILD_ARG = "build arg"  # Dockerfile ARG named like PIP_* (exported to RUN)
    PIP_CONFIG = "pip config"  # pip config set ...
    CLI = "CLI flag"  # pip install -i URL ...
    REQUIREMENTS = "requirements option"
    PIP_CONF = "pip.conf"  # pip.conf/pip.ini, also bodies written by echo/printf/heredoc
    COMPOSE_ENV = "compose env"
    COMPOSE_ARG = "compose build arg"
    PROJECT = "project file"  # pyproject.toml, uv.toml, Pipfile, pdm.toml, pixi.toml
    LOCK = "lock file"  # uv.lock, poetry.lock, Pipfile.lock, pdm.lock, pixi.lock
    CONDARC = ".condarc"
    CONDA_ENV = "environment.yml"
    CONDA_CLI = "conda CLI flag"  # conda/mamba/micromamba install|create -c
    CONDA_CONFIG = "conda config"  # conda config --add/--set ..., micromamba config ...
    CI_ENV = "CI env"  # a CI file's env/variables/environment block (workflow, job, step)
    DOTENV = ".env file"  # KEY=VALUE lines of a .env file (compose env_file)
    NOTEBOOK_ENV = "%env magic"  # %env NAME=value in a Jupyter notebook cell
    DEVPI = "devpi index"  # devpi index [-c] NAME mirror_url=URL ... (devpi-client)
    TOX_ENV = "tox set_env"  # a tox environment's set_env/setenv (its commands' environment)
    TOX = "tox config"  # tox 3's indexserver
    SETUP_CFG = "setup.cfg"  # setuptools' [easy_install] (setup_requires)
    PYTHON_ENV = "os.environ"  # a Python script's os.environ[...] = / env={...} of subprocess
    TOOL_CONFIG = "tool config"  # pdm config pypi.url URL (another installer's own config)


class Tool(StrEnum):
    """Which installer a setting is read by (uv ignores pip.conf and PIP_*)."""

    PIP = "pip"
    UV = "uv"
    BOTH = "both"
    PIPENV = "pipenv"
    PDM = "pdm"
    POETRY = "poetry"
    PIXI = "pixi"
    CONDA = "conda"  # conda, mamba and micromamba (channels, not indexes)
    PROXY = "proxy"  # a caching proxy's own upstream (devpi): what it fetches from


class Applicability(StrEnum):
    """Fix safety, as in ruff: safe fixes keep meaning and intent."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY = "display-only"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@record(frozen=True, order=True)
class Span:
    """Half-open ``[start, end)`` range of ``str`` offsets into a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@record(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement`` (an insertion when start == end)."""

    start: int
    end: int
    replacement: str

    @classmethod
    def replace(cls, span: Span, text: str) -> Edit:
        return cls(span.start, span.end, text)

    @classmethod
    def delete(cls, span: Span) -> Edit:
        return cls(span.start, span.end, "")

    @classmethod
    def insert(cls, at: int, text: str) -> Edit:
        return cls(at, at, text)

    @staticmethod
    def joined(edits: list[Edit]) -> list[Edit]:
        """``edits`` with overlapping deletions made one: each item of a list removes its
        separator with it, so removing two neighbours takes the separator between them
        twice (one fix must never overlap itself: the engine would never apply it)."""
        out: list[Edit] = []
        for e in sorted(edits, key=lambda e: (e.start, e.end)):
            last = out[-1] if out else None
            if last and not last.replacement and not e.replacement and e.start < last.end:
                out[-1] = Edit(last.start, max(last.end, e.end), "")
            else:
                out.append(e)
        return out


@record(frozen=True)
class Fix:
    """One coherent change: all of its edits are applied together or not at all."""

    edits: tuple[Edit, ...]
    applicability: Applicability
    title: str


@record(frozen=True)
class Insertion:
    """Where and how to add a sibling option next to a setting.

    ``template`` is formatted with ``key`` (the option/variable name to add, e.g.
    ``trusted-host``) and ``value``; the parser chooses the spelling that its file
    kind needs (``" --trusted-host {value}"`` on a command line,
    ``"\\ntrusted-host = {value}"`` in pip.conf ...). Templates use ``{nl}`` for the
    line ending of the surrounding line.
    """

    offset: int
    template: str
    nl: str = "\n"
    # when above ``offset``: the text up to here is replaced (a Pipfile's ``verify_ssl =
    # true`` becomes ``false``: the key is required, a second one is not TOML)
    end: int = -1

    def render(self, value: str) -> str:
        return self.template.format(value=value, nl=self.nl)


@record
class Setting:
    """One located index setting, one value each.

    ``span`` is the exact span of the literal to rewrite: slicing the document's
    text at it gives ``raw``, the value as written (without surrounding quotes).
    When the value reaches the setting through a variable (``-i $IDX`` with
    ``ARG IDX=https://...``), ``span`` is the literal at its definition and
    ``use_span`` is where it is used; when the value cannot be resolved,
    ``value`` is ``None`` and ``editable`` is False.
    """

    kind: SettingKind
    key: str  # the name as written: PIP_INDEX_URL, --index-url, -i, index-url, global.index-url
    raw: str
    value: str | None
    span: Span
    method: Method
    scope: str  # a Scope.id of the same document
    tool: Tool = Tool.PIP
    editable: bool = True
    # span to delete to remove this entry cleanly (with its flag, key, separator
    # or whole line); None when it cannot be removed safely.
    removal: Span | None = None
    use_span: Span | None = None
    # why pip ignores this setting entirely (PS401); rules other than PS401/PS301 skip it.
    ineffective: str | None = None
    section: str | None = None  # pip.conf section ([global], [install]...)
    # where a trusted-host for this index would be added (PS202)
    sibling: Insertion | None = None
    # offset from which the setting takes effect in its scope (order for the
    # effective-index model); defaults to the use or literal position.
    position: int = -1
    # the install site this setting is a flag of, for CLI flags
    site: int | None = None
    # why it has no ``removal`` although its command could be deleted (said by the rules
    # that would remove it): removing it would break the script or the build
    kept: str | None = None
    # pip configuration (pip.conf, ``pip config set``): which file pip reads it from, and
    # the path it was written to (matched against PIP_CONFIG_FILE)
    level: str | None = None
    written_to: str | None = None
    # the assignment this item belongs to: items of one list value share it (pip takes a
    # list from one source whole); defaults to the item's own position
    assign: int = -1
    # an index read only for the packages that name it (a uv ``explicit`` index, a Poetry
    # ``explicit`` source, a Pipfile source after the first): not a dependency-confusion risk
    pinned: bool = False
    # not written: what the tool uses when the file says nothing (an environment file's
    # channels are followed by conda's configured ones unless it lists `nodefaults`);
    # ``span`` is where the file would say it, ``sibling`` how to say otherwise
    implied: bool = False

    def __post_init__(self) -> None:
        if self.value is not None and "{" in self.value and _TEMPLATE.search(self.value):
            # a placeholder a template engine fills in ({{ PYPI_URL }}, {% ... %}): unknown
            self.value, self.editable = None, False
        if self.position < 0:
            self.position = (self.use_span or self.span).start
        if self.assign < 0:
            self.assign = self.position


@record
class InstallSite:
    """A ``pip``/``pip3``/``python -m pip``/``uv pip`` install, download or wheel command."""

    span: Span  # the command
    scope: str
    command: str  # "pip install", "uv pip install", "pip3 download" ...
    tool: Tool
    # settings written on this command line (CLI flags and VAR=x prefixes)
    settings: list[Setting] = field(default_factory=list)
    requirement_files: list[str] = field(default_factory=list)  # -r / -c arguments as written
    constraint_files: list[str] = field(default_factory=list)  # those given with -c
    index: int = -1  # its position in Document.sites, filled in by Document
    # configured by something pipsrc cannot see (a RUN --mount of a pip.conf)
    opaque_config: bool = False
    # what it installs (None: a word with a variable) and the long options it is given
    targets: list[str | None] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    # the directory it runs in, relative to its file's directory, after the script's
    # `cd DIR` ("": that directory; None: not known, as after `cd "$DIR"` or `cd /abs`)
    cwd: str | None = ""


@record
class Scope:
    """A region whose settings apply to the install sites inside it.

    Dockerfile stages (``stage:N``), a Dockerfile fragment without ``FROM``,
    a shell script or a requirements/pip.conf/compose file (``file``).
    """

    id: str
    start: int
    end: int
    name: str | None = None  # stage alias (FROM x AS name)
    base_image: str | None = None  # FROM image as written
    parent: str | None = None  # scope id this one inherits from (FROM <earlier stage>)
    fragment: bool = False  # Dockerfile text without FROM: configuration comes from elsewhere
    # where PS104's fix inserts configuration, and in which syntax
    insert_at: int | None = None
    insert_style: str | None = None  # "dockerfile" | "shell"
    nl: str = "\n"
    # facts the effective-index model needs beyond settings:
    config_files: list[str] = field(default_factory=list)  # pip.conf paths COPY'd/written here
    # the build context's files a Dockerfile stage COPYs in: (source, destination, offset)
    copies: list[tuple[str, str, int]] = field(default_factory=list)
    # repository pip.conf files COPY'd in: (source in the repository, destination path, offset)
    config_copies: list[tuple[str, str, int]] = field(default_factory=list)
    opaque_config: bool = False  # config from somewhere pipsrc cannot see (PIP_CONFIG_FILE ...)
    # a CI job on a provider's hosted runner (GitHub's ubuntu-/windows-/macos- images): it
    # runs outside the network a mirror policy is made for
    hosted: bool = False
    # its settings reach the scopes that inherit from it only from their position on (a CI
    # job's `pip config set` reaches the later steps, not the earlier ones)
    ordered: bool = False
    # a program a command of the parent scope runs (``bash -c '...'``): configuration the
    # parent gets reaches it, so PS104 configures the parent for it
    inline: bool = False
    # pip.conf paths written here -> the section their text ends in, so that an append
    # (``>>``) in a later RUN of the same stage continues it
    written_sections: dict[str, str | None] = field(default_factory=dict)


@record
class Comment:
    """A comment, for suppressions (``# pipsrc: ignore[PS101] reason``)."""

    span: Span
    text: str  # the comment text without the leading marker
    own_line: bool  # the comment is alone on its line


@record
class ParseProblem:
    """A place the parser could not read (PS900) or a warning about the file."""

    offset: int
    message: str
    blocks_fix: bool = True  # whether the file must not be edited


@record
class BuildArg:
    """A compose ``build.args`` entry not named like an index variable: what it means depends
    on the Dockerfile the service builds (``dockerfile``: its path relative to the compose
    file's directory), where an ``ARG`` of that name may feed an index setting."""

    scope: str
    dockerfile: str
    name: str
    raw: str  # the value as written at ``span``
    value: str | None  # None: not a literal (a ``${VAR}``, an escape)
    span: Span


@record
class Document:
    """The located settings of one file (or of a document embedded in one)."""

    path: str  # posix path relative to the root
    kind: str  # a kind of the registry (pipsrc.kinds)
    text: str
    settings: list[Setting] = field(default_factory=list)
    sites: list[InstallSite] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    # references to other files: (-r/-c) includes, COPY sources ...
    includes: list[str] = field(default_factory=list)
    # ``-r``/``-c`` lines of a requirements file, in order: (offset, name, is a constraint)
    include_marks: list[tuple[int, str, bool]] = field(default_factory=list)
    # ``pip config unset SECTION.KEY`` commands: (scope id, key, offset). A ``set`` of a key
    # that is unset later must stay (pip fails "No such key" otherwise).
    unsets: list[tuple[str, str, int]] = field(default_factory=list)
    # configuration files written whole (``>``, ``cat >``, ``COPY``): (scope id, path, offset);
    # what an earlier write put in the same file is gone after it
    overwrites: list[tuple[str, str, int]] = field(default_factory=list)
    # compose ``build.args`` whose meaning the Dockerfile they build decides
    build_args: list[BuildArg] = field(default_factory=list)

    def scope(self, scope_id: str) -> Scope | None:
        for s in self.scopes:
            if s.id == scope_id:
                return s
        return None

    @property
    def fixable(self) -> bool:
        return not any(p.blocks_fix for p in self.problems)
