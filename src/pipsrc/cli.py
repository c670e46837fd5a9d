"""The command line: a thin click layer over :mod:`pipsrc.engine` and the renderers.

Exit codes (SPEC §2): check 0 clean / 1 findings; fix 0 nothing to change /
1 files changed (or would change with --diff); 2 usage or policy error; 3 an
internal error, printed as one redacted line, never a bare traceback.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from pipsrc import __version__
from pipsrc.catalogue import UnknownMirror, catalogue
from pipsrc.model import Severity
from pipsrc.output import FORMATS
from pipsrc.policy import FAIL_ON, Policy, PolicyError, find_policy, load_policy
from pipsrc.records import record
from pipsrc.urls import redact

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_FAIL_ON = "warning"  # check fails on warnings and errors; info findings never fail


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())


def _env_list(name: str) -> tuple[str, ...]:
    """A comma- or space-separated list from the environment (``PIPSRC_SELECT=PS1,PS2``)."""
    return _split(tuple(os.environ.get(name, "").split()))


def input_options(func: F) -> F:
    """What to read and how to judge it: shared by check, fix and report."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path()),
        click.option(
            "--mirror",
            metavar="ID|URL",
            envvar="PIPSRC_MIRROR",
            show_envvar=True,
            help="Use this index for this run (catalogue id or URL).",
        ),
        click.option(
            "--proxy",
            metavar="URL",
            envvar="PIPSRC_PROXY",
            show_envvar=True,
            help="Use an internal proxy (http allowed, trusted-host managed).",
        ),
        click.option(
            "--policy",
            "policy_file",
            type=click.Path(dir_okay=False),
            envvar="PIPSRC_POLICY",
            show_envvar=True,
            help="Policy file to use.",
        ),
        click.option(
            "--select",
            multiple=True,
            metavar="CODES",
            help="Only these rules (codes, names or prefixes).  [env var: PIPSRC_SELECT]",
        ),
        click.option(
            "--ignore",
            multiple=True,
            metavar="CODES",
            help="Skip these rules.  [env var: PIPSRC_IGNORE]",
        ),
        click.option(
            "--exclude",
            multiple=True,
            metavar="GLOB",
            help="Skip paths matching GLOB.  [env var: PIPSRC_EXCLUDE]",
        ),
    ]
    for opt in reversed(options):
        func = opt(func)
    return func


def common_options(func: F) -> F:
    """check's and fix's options: the input options and how to print the result."""
    options = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(list(FORMATS)),
            default="text",
            show_default=True,
            envvar="PIPSRC_FORMAT",
            show_envvar=True,
        ),
        click.option(
            "--output",
            "-o",
            "output",
            type=click.Path(dir_okay=False),
            help="Write the output to FILE.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print findings only."),
        click.option(
            "--color",
            type=click.Choice(["auto", "always", "never"]),
            default="auto",
            show_default=True,
            envvar="PIPSRC_COLOR",
            show_envvar=True,
            help="Colour the text output (auto: on a terminal, unless NO_COLOR is set).",
        ),
        click.option("--no-color", is_flag=True, help="No colour (same as --color never)."),
        click.option(
            "--exit-zero", is_flag=True, help="Exit 0 even when there are findings or changes."
        ),
    ]
    for opt in reversed(options):
        func = opt(func)
    return input_options(func)


STATISTICS_FORMATS = ("text", "json")  # pipsrc.output.statistics.FORMATS, without importing it


class UsageProblem(Exception):
    pass


def resolve_policy(
    paths: list[str], policy_file: str | None, mirror: str | None, proxy: str | None
) -> Policy:
    if mirror and proxy:
        raise UsageProblem("--mirror and --proxy cannot be used together")
    if policy_file:
        if not os.path.isfile(policy_file):
            raise UsageProblem(f"{policy_file}: policy file not found")
        policy = load_policy(Path(policy_file))
    else:
        start = Path(paths[0]) if paths else Path(".")
        found = find_policy(start)
        policy = load_policy(found) if found else Policy()
    if mirror:
        policy = policy.with_index(mirror)
    if proxy:
        policy = policy.with_index(proxy, proxy=True)
    return policy


def _index_options(kw: dict[str, Any]) -> tuple[str | None, str | None]:
    """--mirror/--proxy after precedence: one given on the command line beats both env vars.

    ``PIPSRC_MIRROR`` in a CI job's environment must not turn ``--proxy URL`` on the
    command line into a "cannot be used together" error.
    """
    mirror, proxy = kw["mirror"], kw["proxy"]
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return mirror, proxy
    env = click.core.ParameterSource.ENVIRONMENT
    if mirror and proxy:
        mirror_env = ctx.get_parameter_source("mirror") == env
        proxy_env = ctx.get_parameter_source("proxy") == env
        if mirror_env and not proxy_env:
            mirror = None
        elif proxy_env and not mirror_env:
            proxy = None
    return mirror, proxy


def _emit(text: str, output: str | None, color: bool = False) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        # color=True: click would otherwise strip the escapes we decided to send
        click.echo(text, nl=False, color=color or None)


def use_color(choice: str, no_color: bool, output: str | None, stream: IO[Any]) -> bool:
    """Colour or not: --no-color/--color never > --color always > NO_COLOR > FORCE_COLOR > TTY.

    NO_COLOR and FORCE_COLOR count when set to any non-empty value (no-color.org,
    force-color.org); an explicit command-line choice overrides both, as no-color.org
    asks. Output to a file is never coloured unless asked for with --color always.
    """
    if no_color or choice == "never":
        return False
    if choice == "always":
        return True
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return output is None and stream.isatty() and os.environ.get("TERM") != "dumb"


class Progress:
    """``pipsrc: reading 120/4000 files`` on stderr, only for runs long enough to wonder.

    Nothing is drawn before ``DELAY`` seconds, then at most every ``INTERVAL`` seconds:
    the per-file cost is one clock read. The line is erased when the run ends, so it
    never mixes with the findings. Only created when stderr is a terminal.
    """

    DELAY = 0.5
    INTERVAL = 0.1

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.next = time.monotonic() + self.DELAY
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now < self.next:
            return
        self.next = now + self.INTERVAL
        self.stream.write(f"\r\033[Kpipsrc: {stage} {done}/{total} files")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def _progress(quiet: bool) -> Progress | None:
    stream = sys.stderr
    if quiet or not stream.isatty() or os.environ.get("TERM") == "dumb":
        return None
    return Progress(stream)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipsrc")
def main() -> None:
    """Lint and fix Python package-index configuration across a repository.

    Settings come from, lowest precedence first: defaults, the policy file, PIPSRC_*
    environment variables, the command line.
    """


@record(frozen=True)
class Prepared:
    """What every command needs before it reads a file, checked up front."""

    paths: list[str]
    policy: Policy
    selection: Any  # engine.Selection (the engine is imported lazily)
    exclude: tuple[str, ...]
    cli_index: bool
    date: str | None


def _prepare(kw: dict[str, Any], outputs: list[str]) -> Prepared | int:
    """Policy, rule selection, paths and output files, resolved in precedence order
    (defaults < policy < PIPSRC_* < command line); a problem is one line and exit 2."""
    from pipsrc import engine

    paths = list(kw["paths"]) or ["."]
    mirror, proxy = _index_options(kw)
    try:
        policy = resolve_policy(paths, kw["policy_file"], mirror, proxy)
        selection = engine.Selection(
            _split(kw["select"]),
            _split(kw["ignore"]),
            _env_list("PIPSRC_SELECT"),
            _env_list("PIPSRC_IGNORE"),
        )
        selection.enabled(policy)
        date = _date(kw.get("date"))
        for out in outputs:
            _check_output(out)
    except (PolicyError, UsageProblem, UnknownMirror) as exc:
        click.echo(f"pipsrc: {redact(str(exc))}", err=True)
        return EXIT_USAGE
    except KeyError as exc:
        click.echo(f"pipsrc: {redact(str(exc.args[0]))}", err=True)
        return EXIT_USAGE
    missing = [p for p in paths if not os.path.exists(p) and not os.path.islink(p)]
    if missing:
        click.echo(f"pipsrc: {missing[0]}: no such file or directory", err=True)
        return EXIT_USAGE
    excl = (*_env_list("PIPSRC_EXCLUDE"), *_split(kw["exclude"]))
    return Prepared(paths, policy, selection, excl, bool(mirror or proxy), date)


def _run(
    kind: str,
    kw: dict[str, Any],
    unsafe: bool = False,
    diff: bool = False,
    report_file: str | None = None,
    statistics: bool = False,
) -> int:
    from pipsrc import engine
    from pipsrc.output import SEVERITY_RANK, RenderOptions, render

    if statistics and kw["fmt"] not in STATISTICS_FORMATS:
        formats = " or ".join(STATISTICS_FORMATS)
        click.echo(f"pipsrc: --statistics works with --format {formats}", err=True)
        return EXIT_USAGE
    prepared = _prepare(kw, [report_file] if report_file else [])
    if isinstance(prepared, int):
        return prepared
    paths, policy, selection = prepared.paths, prepared.policy, prepared.selection
    excl, cli_index, date = prepared.exclude, prepared.cli_index, prepared.date
    progress = _progress(kw["quiet"])
    try:
        if kind == "check":
            result = engine.check(
                paths, policy, selection, cli_index=cli_index, exclude=excl, progress=progress
            )
        else:
            result = engine.fix(
                paths,
                policy,
                selection,
                unsafe=unsafe,
                write=not diff,
                cli_index=cli_index,
                exclude=excl,
                progress=progress,
            )
    finally:
        if progress is not None:
            progress.close()
    stream = sys.stderr if diff else sys.stdout
    color = use_color(kw["color"], kw["no_color"], kw["output"], stream)
    opts = RenderOptions(color, unsafe, kw["quiet"], kw.get("lang"))
    if report_file:
        from pipsrc.report import report

        _write_report(report_file, report(result, opts.lang, date=date))
    if diff:
        from pipsrc.output.diff import render_diff

        _emit(render_diff(result), kw["output"])
        summary = render(result, "text", opts) if kw["fmt"] == "text" else ""
        click.echo(summary, err=True, nl=False, color=color or None)
    elif statistics:
        from pipsrc.output import statistics as stats

        _emit(redact(stats.render(result, kw["fmt"], opts)), kw["output"], color)
    else:
        _emit(render(result, kw["fmt"], opts), kw["output"], color)
    if kind == "check":
        threshold = SEVERITY_RANK[Severity(kw["fail_on"] or policy.fail_on or DEFAULT_FAIL_ON)]
        blocking = [f for f in result.findings if SEVERITY_RANK[f.severity] >= threshold]
        return EXIT_FINDINGS if blocking or result.errors else EXIT_CLEAN
    return (
        EXIT_FINDINGS if result.changed_files else (EXIT_FINDINGS if result.errors else EXIT_CLEAN)
    )


_LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    envvar="PIPSRC_LANG",
    show_envvar=True,
    help="Language of the markdown report (default: the policy's report.lang, else en).",
)
_DATE = click.option(
    "--date",
    metavar="YYYY-MM-DD|today",
    help="Put this date in the report (reports carry no date unless asked, so they diff cleanly).",
)


@main.command()
@common_options
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    envvar="PIPSRC_FAIL_ON",
    show_envvar=True,
    help="Exit 1 for findings at least this severe (default: warning).",
)
@_LANG
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
def check(statistics: bool, **kw: Any) -> None:
    """Report settings that disagree with the policy (exit 1 if any)."""
    sys.exit(_exit(kw, _guard(lambda: _run("check", kw, statistics=statistics), kw["paths"])))


@main.command()
@common_options
@click.option("--diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply unsafe fixes.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write the markdown audit report of this run (what changed, what is left) to FILE.",
)
@_LANG
@_DATE
def fix(diff: bool, unsafe_fixes: bool, report_file: str | None, **kw: Any) -> None:
    """Fix settings in place (exit 1 if files changed or would change)."""
    sys.exit(
        _exit(
            kw,
            _guard(
                lambda: _run("fix", kw, unsafe=unsafe_fixes, diff=diff, report_file=report_file),
                kw["paths"],
            ),
        )
    )


@main.command("report")
@input_options
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE.")
@_LANG
@_DATE
@click.option(
    "--probe",
    is_flag=True,
    help="Measure each policy index (time to fetch /pip/): the only network access pipsrc makes.",
)
def report_cmd(probe: bool, **kw: Any) -> None:
    """Write the markdown audit report of the tree's current state (exit 0; 2 on bad usage).

    Lists each file's settings, exceptions kept, files depending on configuration from
    elsewhere, the standard patterns for the index, the index every pip install uses, what
    is left to fix and a file status table. Use `pipsrc fix --report FILE` for a report
    that also lists the changes a fix made.
    """
    sys.exit(_guard(lambda: _report(kw, probe), kw["paths"]))


def _report(kw: dict[str, Any], probe: bool) -> int:
    from pipsrc import engine
    from pipsrc.report import report

    prepared = _prepare(kw, [kw["output"]] if kw["output"] else [])
    if isinstance(prepared, int):
        return prepared
    policy = prepared.policy
    result = engine.check(
        prepared.paths,
        policy,
        prepared.selection,
        cli_index=prepared.cli_index,
        exclude=prepared.exclude,
    )
    measured = None
    if probe:
        from pipsrc.analysis import dominant_index
        from pipsrc.report.probe import probe as run_probe
        from pipsrc.report.probe import probe_targets

        docs = [r.doc for r in result.files if r.doc is not None]
        target = policy.index or dominant_index(docs, policy)
        measured = run_probe(probe_targets(policy, target))
    text = report(result, kw["lang"], probe=measured, date=prepared.date)
    if kw["output"]:
        _write_report(kw["output"], text)
    else:
        click.echo(text, nl=False)
    return EXIT_CLEAN


def _date(value: str | None) -> str | None:
    """``--date``: an ISO date, or ``today`` (local date)."""
    import datetime

    if value is None:
        return None
    if value == "today":
        return datetime.date.today().isoformat()
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageProblem(f"--date {value!r}: expected YYYY-MM-DD or 'today'") from None


def _check_output(path: str) -> None:
    """Refuse a report path that cannot be written before any work (and any fix) is done."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageProblem(f"{path}: directory {directory} does not exist")
    if os.path.isdir(path):
        raise UsageProblem(f"{path}: is a directory")


def _write_report(path: str, text: str) -> None:
    """Write a report atomically, so a failed run never leaves half a report behind."""
    from pipsrc.textio import atomic_write

    atomic_write(path, text.encode("utf-8"))


@main.command("rules")
def rules_cmd() -> None:
    """List the rules."""
    from pipsrc.docs import fix_label
    from pipsrc.rules import ALL_RULES

    for r in ALL_RULES:
        click.echo(
            f"{r.code}  {r.name:<26} {r.severity.value:<8} fix: {fix_label(r):<7} {r.summary}"
        )


@main.command("rule")
@click.argument("code")
def rule_cmd(code: str) -> None:
    """Explain one rule (code or name)."""
    from pipsrc.docs import rule_markdown
    from pipsrc.rules import get

    rule = get(code)
    if rule is None:
        click.echo(f"pipsrc: unknown rule {code!r} (see `pipsrc rules`)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(rule_markdown(rule), nl=False)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def mirrors(fmt: str) -> None:
    """List the mirror catalogue."""
    import json

    cat = catalogue()
    if fmt == "json":
        rows = [
            {"id": m.id, "name_en": m.name_en, "name_zh": m.name_zh, "url": m.url,
             "conda": m.conda, "kind": m.kind}
            for m in cat.mirrors
        ]  # fmt: skip
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for m in cat.mirrors:
        conda = f"  conda: {m.conda}" if m.conda else ""
        click.echo(f"{m.id:<12} {m.kind:<7} {m.name_en} / {m.name_zh}\n{'':<21}{m.url}{conda}")


@main.command()
@click.option("--mirror", metavar="ID|URL", default="aliyun", show_default=True)
@click.option("--pyproject", is_flag=True, help="Write [tool.pipsrc] into pyproject.toml.")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def init(mirror: str, pyproject: bool, directory: str) -> None:
    """Write a starter policy (pipsrc.toml, or [tool.pipsrc] in pyproject.toml)."""
    try:
        url = catalogue().resolve(mirror)
    except UnknownMirror as exc:
        click.echo(f"pipsrc: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    value = mirror if catalogue().get(mirror) else url
    body = STARTER.format(index=value)
    target = Path(directory) / ("pyproject.toml" if pyproject else "pipsrc.toml")
    if pyproject:
        existing = target.read_text(encoding="utf-8") if target.exists() else ""
        if "[tool.pipsrc]" in existing:
            click.echo(f"pipsrc: {target} already has [tool.pipsrc]", err=True)
            sys.exit(EXIT_USAGE)
        sep = (
            ""
            if not existing or existing.endswith("\n\n")
            else ("\n" if existing.endswith("\n") else "\n\n")
        )
        target.write_text(existing + sep + "[tool.pipsrc]\n" + body, encoding="utf-8")
    else:
        if target.exists():
            click.echo(f"pipsrc: {target} already exists", err=True)
            sys.exit(EXIT_USAGE)
        target.write_text(
            "# pipsrc policy: see `pipsrc rules` and README.md\n" + body, encoding="utf-8"
        )
    click.echo(f"wrote {target}")


STARTER = """index = "{index}"
extra-indexes = []
trusted-host = "auto"
allow-http = []
require-index = true
known-exceptions = true
exceptions = []
configured-images = []
exclude = []
"""


def _exit(kw: dict[str, Any], code: int) -> int:
    return EXIT_CLEAN if kw.get("exit_zero") and code == EXIT_FINDINGS else code


def _guard(fn: Callable[[], int], paths: tuple[str, ...] | None = None) -> int:
    """Run a command: a bug becomes one redacted line (exit 3), Ctrl-C exit 130. With
    ``paths``, git starts listing their files first, so it walks the work tree while
    Python imports the engine and loads the policy."""
    try:
        if paths is None:
            return fn()
        from pipsrc.gitfiles import prefetch

        with prefetch(list(paths) or ["."]):
            return fn()
    except KeyboardInterrupt:
        click.echo("pipsrc: interrupted", err=True)
        return 130
    except Exception as exc:  # the one place a bug becomes a one-line message
        click.echo(f"pipsrc: internal error: {type(exc).__name__}: {redact(str(exc))}", err=True)
        return EXIT_INTERNAL


def run() -> None:
    """The ``pipsrc`` console script: the click command line, in a short-lived process.

    A run allocates a great many small objects (documents, spans, findings) that live
    until it ends, so the cyclic garbage collector's passes find almost nothing while
    costing several percent of a monorepo run (bench/RESULTS.md). The objects created by
    start-up are frozen out of its view and its first threshold raised; memory stays
    bounded by reference counting, and library callers of :func:`main` are unaffected.
    """
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 50, 50)
    main()
