"""The options of ``check``, ``fix`` and ``report``: one typed record, one table.

:class:`Options` is the single source of every default; :data:`SPECS` of every flag,
``PIPSRC_*`` variable and help text. The click command line (:mod:`pipsrc.cli`) builds
its options from the table, and the console script's shortcut for the invocations
pre-commit makes (``pipsrc check FILE...``, :func:`plain_options`) builds an
:class:`Options` with the defaults, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipsrc.records import field, record

CHECK, FIX, REPORT = "check", "fix", "report"
_ALL = frozenset({CHECK, FIX, REPORT})
_LINT = frozenset({CHECK, FIX})


@record
class Options:
    """What the command line asked for (defaults: nothing asked)."""

    paths: tuple[str, ...] = ()
    mirror: str | None = None
    proxy: str | None = None
    route_vendors: bool = False
    upstream: str | None = None  # proxy-setup --upstream: the mirror the proxy follows
    conda_mirror: str | None = None
    policy_file: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fmt: str | None = None  # None: "full" on a terminal, else "text"
    output: str | None = None
    quiet: int = 0  # -q: findings only; -qq: nothing
    color: str = "auto"
    no_color: bool = False
    exit_zero: bool = False
    fail_on: str | None = None
    statistics: bool = False
    diff: bool = False
    unsafe_fixes: bool = False
    show_fixes: bool = False
    report_file: str | None = None
    lang: str | None = None
    date: str | None = None
    probe: bool = False
    include_docs: bool = False  # Markdown pages' code blocks too (reported, never fixed)
    # the options whose value came from a PIPSRC_* variable (--mirror/--proxy precedence)
    from_env: frozenset[str] = field(default_factory=frozenset)


@record(frozen=True)
class Spec:
    """One command-line option of :class:`Options`."""

    name: str  # the Options field it sets
    flags: tuple[str, ...]
    help: str
    commands: frozenset[str] = _ALL
    envvar: str | None = None
    choices: tuple[str, ...] | None = None  # None: free text (--format: the renderers')
    flag: bool = False
    count: bool = False  # -q, -qq
    multiple: bool = False
    metavar: str | None = None
    path: bool = False  # a file name


SPECS: tuple[Spec, ...] = (
    Spec("mirror", ("--mirror",), "Use this index for this run (catalogue id or URL).",
         envvar="PIPSRC_MIRROR", metavar="ID|URL"),
    Spec("proxy", ("--proxy",), "Use an internal proxy (http allowed, trusted-host managed).",
         envvar="PIPSRC_PROXY", metavar="URL"),
    Spec("route_vendors", ("--route-vendors",), "Send vendor indexes (PyTorch, NVIDIA ...) "
         "through the proxy's mirror index for each (a devpi proxy).", flag=True),
    Spec("conda_mirror", ("--conda-mirror",), "Use this conda mirror for conda's channels "
         "(catalogue id or base URL).", envvar="PIPSRC_CONDA_MIRROR", metavar="ID|URL"),
    Spec("policy_file", ("--policy",), "Policy file to use.", envvar="PIPSRC_POLICY",
         path=True),
    Spec("select", ("--select",), "Only these rules (codes, names or prefixes).",
         envvar="PIPSRC_SELECT", multiple=True, metavar="CODES"),
    Spec("ignore", ("--ignore",), "Skip these rules.", envvar="PIPSRC_IGNORE", multiple=True,
         metavar="CODES"),
    Spec("exclude", ("--exclude",), "Skip paths matching GLOB.", envvar="PIPSRC_EXCLUDE",
         multiple=True, metavar="GLOB"),
    Spec("fmt", ("--format",), "Output format (default: full on a terminal, else text).",
         _LINT, envvar="PIPSRC_FORMAT"),
    Spec("output", ("--output", "-o"), "Write the output to FILE.", path=True),
    Spec("quiet", ("--quiet", "-q"), "Print findings only; -qq: print nothing.", _LINT,
         count=True),
    Spec("color", ("--color",),
         "Colour the text output (auto: on a terminal, unless NO_COLOR is set).", _LINT,
         envvar="PIPSRC_COLOR", choices=("auto", "always", "never")),
    Spec("no_color", ("--no-color",), "No colour (same as --color never).", _LINT, flag=True),
    Spec("exit_zero", ("--exit-zero",), "Exit 0 even when there are findings or changes.",
         _LINT, flag=True),
    Spec("fail_on", ("--fail-on",), "Exit 1 for findings at least this severe "
         "(default: warning).", frozenset({CHECK}), envvar="PIPSRC_FAIL_ON",
         choices=("error", "warning", "info")),
    Spec("statistics", ("--statistics",), "Count findings per rule instead of listing them.",
         frozenset({CHECK}), flag=True),
    Spec("diff", ("--diff",), "Print a unified diff; write nothing.", frozenset({FIX}),
         flag=True),
    Spec("unsafe_fixes", ("--unsafe-fixes",), "Also apply unsafe fixes.", frozenset({FIX}),
         flag=True),
    Spec("show_fixes", ("--show-fixes",), "List the fixes applied, after the findings left.",
         frozenset({FIX}), flag=True),
    Spec("report_file", ("--report",), "Write the markdown audit report of this run (what "
         "changed, what is left) to FILE.", frozenset({FIX}), metavar="FILE", path=True),
    Spec("lang", ("--lang",), "Language of the markdown report (default: the policy's "
         "report.lang, else en).", envvar="PIPSRC_LANG", choices=("en", "zh")),
    Spec("date", ("--date",), "Put this date in the report (reports carry no date unless "
         "asked, so they diff cleanly).", frozenset({FIX, REPORT}), metavar="YYYY-MM-DD|today"),
    Spec("include_docs", ("--include-docs",), "Also read the code blocks of Markdown pages "
         "(reported, never fixed).", envvar="PIPSRC_INCLUDE_DOCS", flag=True),
    Spec("probe", ("--probe",), "Measure each policy index (time to fetch /pip/): the only "
         "network access pipsrc makes.", frozenset({REPORT}), flag=True),
)  # fmt: skip

SPEC_BY_NAME = {s.name: s for s in SPECS}
# options read as comma- or space-separated lists from their variable (PIPSRC_SELECT=PS1,PS2)
LIST_ENVVARS = frozenset(s.envvar for s in SPECS if s.multiple and s.envvar)


def specs(command: str) -> list[Spec]:
    """The options of ``command``, in the order ``--help`` lists them."""
    return [s for s in SPECS if command in s.commands]


def envvars(command: str) -> tuple[str, ...]:
    """The ``PIPSRC_*`` variables ``command`` reads through its options."""
    return tuple(s.envvar for s in specs(command) if s.envvar)


def plain_options(args: Sequence[str], environ: Mapping[str, str]) -> Options | None:
    """The options of ``pipsrc check PATHS...`` or ``pipsrc fix PATHS...`` with no option
    (none on the command line, no ``--``, none set through the environment), as
    pre-commit's hooks run them; None for anything the command line must parse."""
    if not args or args[0] not in _LINT or any(a.startswith("-") for a in args[1:]):
        return None
    if any(environ.get(name) for name in envvars(args[0])):
        return None
    return Options(paths=tuple(args[1:]))
