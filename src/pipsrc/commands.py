"""What the commands do, free of click: the command line's parsing lives in :mod:`pipsrc.cli`.

The click layer turns arguments into a ``kw`` dict and calls these functions; so does
the console script's shortcut for the invocations pre-commit makes on every commit,
``pipsrc check FILE...`` and ``pipsrc fix FILE...`` with no options
(:func:`plain_command`). Importing click (and the ``inspect`` it imports) was a third of
such a run (docs/decisions.md), and these invocations need no parsing: their parameters
are the defaults, which a test keeps equal to what click produces.

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
from typing import IO, TYPE_CHECKING, Any

from pipsrc.catalogue import UnknownMirror
from pipsrc.model import Severity
from pipsrc.options import SPEC_BY_NAME, SPECS, Options
from pipsrc.policy import (
    Policy,
    PolicyError,
)
from pipsrc.records import record, replace
from pipsrc.redaction import redact
from pipsrc.runpolicy import UsageProblem, given, index_options, resolve_policy

if TYPE_CHECKING:
    from pipsrc.engine.results import RunResult


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print to stdout (or stderr) and flush, as ``click.echo`` does for text."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n" if nl else text)
    stream.flush()


EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
DEFAULT_FAIL_ON = "warning"  # check fails on warnings and errors; info findings never fail


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())


def _env_list(name: str) -> tuple[str, ...]:
    """A comma- or space-separated list from the environment (``PIPSRC_SELECT=PS1,PS2``)."""
    return _split(tuple(os.environ.get(name, "").split()))


STATISTICS_FORMATS = ("text", "json")  # pipsrc.output.statistics.FORMATS, without importing it
# pipsrc.output.FORMATS' names, without importing the renderers (a test keeps them equal)
FORMAT_NAMES = ("full", "text", "concise", "json", "markdown", "sarif", "github", "gitlab", "junit")


def check_choices(opts: Options) -> None:
    """Options with a fixed set of values, checked here (not by click) so that the message
    names where a bad value came from: the command line or a PIPSRC_* variable."""
    for spec in SPECS:
        value = getattr(opts, spec.name)
        choices = FORMAT_NAMES if spec.name == "fmt" else spec.choices
        if value is not None and choices and value not in choices:
            raise UsageProblem(f"{given(opts, spec.name)}: expected one of {', '.join(choices)}")


def _emit(text: str, output: str | None, color: bool = False) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        echo(text, nl=False)


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


def _progress(quiet: int) -> Progress | None:
    stream = sys.stderr
    if quiet or not stream.isatty() or os.environ.get("TERM") == "dumb":
        return None
    return Progress(stream)


@record(frozen=True)
class Prepared:
    """What every command needs before it reads a file, checked up front."""

    paths: list[str]
    policy: Policy
    selection: Any  # pipsrc.engine.selection.Selection (imported lazily)
    exclude: tuple[str, ...]
    cli_index: bool
    date: str | None


def _prepare(opts: Options) -> Prepared | int:
    """Policy, rule selection, paths and output files, resolved in precedence order
    (defaults < policy < PIPSRC_* < command line); a problem is one line and exit 2."""
    from pipsrc.engine.selection import Selection

    paths = list(opts.paths) or ["."]
    mirror, proxy = index_options(opts)
    try:
        check_choices(opts)
        policy = resolve_policy(paths, opts, mirror, proxy)
        selection = Selection(
            _split(opts.select),
            _split(opts.ignore),
            _env_list("PIPSRC_SELECT"),
            _env_list("PIPSRC_IGNORE"),
        )
        _check_rule_lists(opts)
        selection.enabled(policy)
        date = _date(opts.date)
        for name in ("output", "report_file"):
            if getattr(opts, name):
                _check_output(getattr(opts, name), given(opts, name))
    except (PolicyError, UsageProblem, UnknownMirror) as exc:
        echo(f"pipsrc: {redact(str(exc))}", err=True)
        return EXIT_USAGE
    except KeyError as exc:
        echo(f"pipsrc: {redact(str(exc.args[0]))}", err=True)
        return EXIT_USAGE
    missing = [p for p in paths if not os.path.exists(p) and not os.path.islink(p)]
    if missing:
        echo(f"pipsrc: {missing[0]}: no such file or directory", err=True)
        return EXIT_USAGE
    excl = (*_env_list("PIPSRC_EXCLUDE"), *_split(opts.exclude))
    return Prepared(paths, policy, selection, excl, bool(mirror or proxy), date)


def _check_rule_lists(opts: Options) -> None:
    """An unknown rule in ``--select``/``--ignore`` or their variables is named with the
    option or the variable it was given in (the policy's own: with its file:line)."""
    from pipsrc.engine.selection import check_codes

    for name, envvar in (("select", "PIPSRC_SELECT"), ("ignore", "PIPSRC_IGNORE")):
        flag = SPEC_BY_NAME[name].flags[0]
        for item in _split(getattr(opts, name)):
            check_codes((item,), f"{flag} {item}")
        check_codes(_env_list(envvar), f"{envvar}={os.environ.get(envvar, '')}")


def output_format(opts: Options) -> str:
    """``--format``, else ``full`` on a terminal (as ruff does) and ``text`` elsewhere."""
    if opts.fmt:
        return opts.fmt
    return "full" if opts.output is None and sys.stdout.isatty() else "text"


def _run(kind: str, opts: Options) -> int:
    fmt = output_format(opts)
    if opts.statistics and fmt not in (*STATISTICS_FORMATS, "full"):
        formats = " or ".join(STATISTICS_FORMATS)
        echo(f"pipsrc: --statistics works with --format {formats}", err=True)
        return EXIT_USAGE
    prepared = _prepare(opts)
    if isinstance(prepared, int):
        return prepared
    result = _execute(kind, opts, prepared)
    from pipsrc.discover import nothing_read

    if nothing_read(prepared.paths, result.skipped, len(result.files)):
        echo("\n".join(f"pipsrc: {redact(s.path)}: {s.reason}" for s in result.skipped), err=True)
        return EXIT_USAGE
    _show(result, opts, fmt, prepared)
    if kind == "check":
        from pipsrc.output import SEVERITY_RANK

        fail_on = opts.fail_on or prepared.policy.fail_on or DEFAULT_FAIL_ON
        threshold = SEVERITY_RANK[Severity(fail_on)]
        blocking = [f for f in result.findings if SEVERITY_RANK[f.severity] >= threshold]
        return EXIT_FINDINGS if blocking or result.errors else EXIT_CLEAN
    return EXIT_FINDINGS if result.changed_files or result.errors else EXIT_CLEAN


def _execute(kind: str, opts: Options, prepared: Prepared) -> RunResult:
    """Run the engine, with a progress line on a terminal."""
    from pipsrc.engine import run as engine

    progress = _progress(opts.quiet)
    common: dict[str, Any] = {
        "cli_index": prepared.cli_index, "exclude": prepared.exclude, "progress": progress,
        "docs": opts.include_docs,
    }  # fmt: skip
    try:
        if kind == "check":
            return engine.check(prepared.paths, prepared.policy, prepared.selection, **common)
        return engine.fix(prepared.paths, prepared.policy, prepared.selection,
                          unsafe=opts.unsafe_fixes, write=not opts.diff, **common)  # fmt: skip
    finally:
        if progress is not None:
            progress.close()


def _show(result: RunResult, opts: Options, fmt: str, prepared: Prepared) -> None:
    """Print (or write) what the run found, the diff, the statistics, the report."""
    from pipsrc.output import RenderOptions, render

    stream = sys.stderr if opts.diff else sys.stdout
    color = use_color(opts.color, opts.no_color, opts.output, stream)
    render_opts = RenderOptions(color, opts.unsafe_fixes, opts.quiet, opts.lang, opts.show_fixes)
    if opts.report_file:
        from pipsrc.report import report

        _write_report(opts.report_file, report(result, render_opts.lang, date=prepared.date))
    if opts.diff:
        from pipsrc.output.diff import render_diff

        _emit(render_diff(result), opts.output)
        summary = render(result, fmt, render_opts) if fmt in ("text", "full") else ""
        echo(summary, err=True, nl=False)
    elif opts.statistics:
        from pipsrc.output import statistics as stats

        table = stats.render(result, "text" if fmt == "full" else fmt, render_opts)
        _emit(redact(table), opts.output, color)
    else:
        _emit(render(result, fmt, render_opts), opts.output, color)


def _report(opts: Options) -> int:
    from pipsrc.engine import run as engine
    from pipsrc.report import report

    prepared = _prepare(opts)
    if isinstance(prepared, int):
        return prepared
    policy = prepared.policy
    result = engine.check(
        prepared.paths,
        policy,
        prepared.selection,
        cli_index=prepared.cli_index,
        exclude=prepared.exclude,
        docs=opts.include_docs,
    )
    measured = None
    if opts.probe:
        from pipsrc.effective import dominant_index
        from pipsrc.report.probe import probe as run_probe
        from pipsrc.report.probe import probe_targets

        docs = [r.doc for r in result.files if r.doc is not None]
        target = policy.index or dominant_index(docs, policy)
        measured = run_probe(probe_targets(policy, target))
    text = report(result, opts.lang, probe=measured, date=prepared.date)
    if opts.output:
        _write_report(opts.output, text)
    else:
        echo(text, nl=False)
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


def _check_output(path: str, where: str) -> None:
    """Refuse an output path that cannot be written before any work (and any fix) is done."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageProblem(f"{where}: directory {directory} does not exist")
    if os.path.isdir(path):
        raise UsageProblem(f"{where}: is a directory")
    if not os.access(directory, os.W_OK):
        raise UsageProblem(f"{where}: directory {directory} is not writable")


def _write_report(path: str, text: str) -> None:
    """Write a report atomically, so a failed run never leaves half a report behind."""
    from pipsrc.textio import atomic_write

    atomic_write(path, text.encode("utf-8"))


def _exit(opts: Options, code: int) -> int:
    return EXIT_CLEAN if opts.exit_zero and code == EXIT_FINDINGS else code


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
        echo("pipsrc: interrupted", err=True)
        return 130
    except Exception as exc:  # the one place a bug becomes a one-line message
        echo(f"pipsrc: internal error: {type(exc).__name__}: {redact(str(exc))}", err=True)
        return EXIT_INTERNAL


# --- the commands ------------------------------------------------------------------------


def check(opts: Options) -> int:
    """``pipsrc check``: report settings that disagree with the policy (exit 1 if any)."""
    return _exit(opts, _guard(lambda: _run("check", opts), opts.paths))


def fix(opts: Options) -> int:
    """``pipsrc fix``: fix settings in place (exit 1 if files changed or would change)."""
    return _exit(opts, _guard(lambda: _run("fix", opts), opts.paths))


def report(opts: Options) -> int:
    """``pipsrc report``: the markdown audit report of the tree's current state."""
    return _guard(lambda: _report(opts), opts.paths)


def why(target: str, fmt: str, root: str | None, opts: Options) -> int:
    """``pipsrc why PATH:LINE``: the index an install command uses and why (:mod:`pipsrc.why`);
    exit 0, or 2 when the path is not read or the line holds no install command or setting."""
    return _guard(lambda: _why(target, fmt, root, opts))


def _why(target: str, fmt: str, root: str | None, opts: Options) -> int:
    from pipsrc.engine import run as engine
    from pipsrc.output import shown_paths
    from pipsrc.why import WhyError, default_root, explain, parse_target, render

    try:
        path, line = parse_target(target)
        if not os.path.isfile(path):
            raise WhyError(f"{path}: no such file")
        root = root or default_root(path)
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
        if rel.startswith(".."):
            raise WhyError(f"{path}: not inside the tree {root}")
    except WhyError as exc:
        echo(f"pipsrc: {redact(str(exc))}", err=True)
        return EXIT_USAGE
    prepared = _prepare(replace(opts, paths=(root,)))
    if isinstance(prepared, int):
        return prepared
    result = engine.check(prepared.paths, prepared.policy, prepared.selection,
                          cli_index=prepared.cli_index, exclude=prepared.exclude)  # fmt: skip
    try:
        answer = explain(result, rel.replace(os.sep, "/"), line, shown_paths(result))
    except WhyError as exc:
        echo(f"pipsrc: {redact(str(exc))}", err=True)
        return EXIT_USAGE
    echo(render(answer, fmt), nl=False)
    return EXIT_CLEAN


def proxy_setup(opts: Options, fmt: str) -> int:
    """``pipsrc proxy-setup``: the devpi commands that make the indexes the repository needs
    on its proxy (:mod:`pipsrc.proxysetup`), as a shell script or JSON."""
    return _guard(lambda: _proxy_setup(opts, fmt), opts.paths)


def _proxy_setup(opts: Options, fmt: str) -> int:
    from pipsrc.engine import run as engine
    from pipsrc.proxysetup import NoProxy, as_json, as_shell, plan

    prepared = _prepare(opts)
    if isinstance(prepared, int):
        return prepared
    result = engine.check(prepared.paths, prepared.policy, prepared.selection,
                          cli_index=prepared.cli_index, exclude=prepared.exclude)  # fmt: skip
    try:
        made = plan((r.doc for r in result.files if r.doc is not None), prepared.policy)
    except NoProxy as exc:
        echo(f"pipsrc: {exc}", err=True)
        return EXIT_USAGE
    _emit(as_json(made) if fmt == "json" else as_shell(made), opts.output)
    return EXIT_CLEAN


def init(mirror: str, pyproject: bool, directory: str) -> int:
    """``pipsrc init``: a starter policy (:mod:`pipsrc.starter`)."""
    from pipsrc.starter import StarterRefused, write_starter

    try:
        echo(f"wrote {write_starter(mirror, pyproject, directory)}")
    except StarterRefused as exc:
        echo(f"pipsrc: {exc}", err=True)
        return EXIT_USAGE
    return EXIT_CLEAN
