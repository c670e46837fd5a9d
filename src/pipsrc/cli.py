"""The command line: a thin click layer over :mod:`pipsrc.engine` and the renderers.

Exit codes (SPEC §2): check 0 clean / 1 findings; fix 0 nothing to change /
1 files changed (or would change with --diff); 2 usage or policy error; 3 an
internal error, printed as one redacted line, never a bare traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipsrc import __version__
from pipsrc.catalogue import UnknownMirror, catalogue
from pipsrc.output import FORMATS
from pipsrc.policy import Policy, PolicyError, find_policy, load_policy
from pipsrc.urls import redact

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())


def common_options(func: F) -> F:
    options = [
        click.argument("paths", nargs=-1, type=click.Path()),
        click.option(
            "--mirror", metavar="ID|URL", help="Use this index for this run (catalogue id or URL)."
        ),
        click.option(
            "--proxy",
            metavar="URL",
            help="Use an internal proxy (http allowed, trusted-host managed).",
        ),
        click.option(
            "--policy", "policy_file", type=click.Path(dir_okay=False), help="Policy file to use."
        ),
        click.option(
            "--select",
            multiple=True,
            metavar="CODES",
            help="Only these rules (codes, names or prefixes).",
        ),
        click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB."),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(list(FORMATS)),
            default="text",
            show_default=True,
        ),
        click.option(
            "--output",
            "-o",
            "output",
            type=click.Path(dir_okay=False),
            help="Write the output to FILE.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print findings only."),
        click.option("--no-color", is_flag=True, help="No colour (also NO_COLOR)."),
        click.option(
            "--exit-zero", is_flag=True, help="Exit 0 even when there are findings or changes."
        ),
    ]
    for opt in reversed(options):
        func = opt(func)
    return func


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


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _color(no_color: bool, output: str | None) -> bool:
    return (
        not no_color and not os.environ.get("NO_COLOR") and output is None and sys.stdout.isatty()
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipsrc")
def main() -> None:
    """Lint and fix Python package-index configuration across a repository."""


def _run(
    kind: str,
    kw: dict[str, Any],
    unsafe: bool = False,
    diff: bool = False,
    report_file: str | None = None,
) -> int:
    from pipsrc import engine
    from pipsrc.output import RenderOptions, render
    from pipsrc.output.diff import render_diff

    paths = list(kw["paths"]) or ["."]
    try:
        policy = resolve_policy(paths, kw["policy_file"], kw["mirror"], kw["proxy"])
        selection = engine.Selection(_split(kw["select"]), _split(kw["ignore"]))
        selection.enabled(policy)
        date = _date(kw.get("date"))
        if report_file:
            _check_output(report_file)
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
    cli_index = bool(kw["mirror"] or kw["proxy"])
    excl = _split(kw["exclude"])
    if kind == "check":
        result = engine.check(paths, policy, selection, cli_index=cli_index, exclude=excl)
    else:
        result = engine.fix(
            paths,
            policy,
            selection,
            unsafe=unsafe,
            write=not diff,
            cli_index=cli_index,
            exclude=excl,
        )
    opts = RenderOptions(_color(kw["no_color"], kw["output"]), unsafe, kw["quiet"], kw.get("lang"))
    if report_file:
        from pipsrc.report import report

        _write_report(report_file, report(result, opts.lang, date=date))
    if diff:
        _emit(render_diff(result), kw["output"])
        click.echo(render(result, "text", opts) if kw["fmt"] == "text" else "", err=True, nl=False)
    else:
        _emit(render(result, kw["fmt"], opts), kw["output"])
    if kind == "check":
        blocking = [f for f in result.findings if f.severity.value != "info"]
        return EXIT_FINDINGS if blocking or result.errors else EXIT_CLEAN
    return (
        EXIT_FINDINGS if result.changed_files else (EXIT_FINDINGS if result.errors else EXIT_CLEAN)
    )


_LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    help="Language of the markdown report (default: the policy's report.lang, else en).",
)
_DATE = click.option(
    "--date",
    metavar="YYYY-MM-DD|today",
    help="Put this date in the report (reports carry no date unless asked, so they diff cleanly).",
)


@main.command()
@common_options
@_LANG
def check(**kw: Any) -> None:
    """Report settings that disagree with the policy (exit 1 if any)."""
    sys.exit(_exit(kw, _guard(lambda: _run("check", kw))))


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
                lambda: _run("fix", kw, unsafe=unsafe_fixes, diff=diff, report_file=report_file)
            ),
        )
    )


@main.command("report")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--mirror", metavar="ID|URL", help="Use this index for this run.")
@click.option("--proxy", metavar="URL", help="Use an internal proxy as the index.")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), help="Policy file.")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE.")
@_LANG
@_DATE
@click.option(
    "--probe",
    is_flag=True,
    help="Measure each policy index (time to fetch /pip/): the only network access pipsrc makes.",
)
def report_cmd(probe: bool, **kw: Any) -> None:
    """Write the markdown audit report of the tree's current state (SPEC §8)."""
    sys.exit(_guard(lambda: _report(kw, probe)))


def _report(kw: dict[str, Any], probe: bool) -> int:
    from pipsrc import engine
    from pipsrc.report import report

    paths = list(kw["paths"]) or ["."]
    try:
        policy = resolve_policy(paths, kw["policy_file"], kw["mirror"], kw["proxy"])
        selection = engine.Selection(_split(kw["select"]), _split(kw["ignore"]))
        selection.enabled(policy)
        date = _date(kw["date"])
        if kw["output"]:
            _check_output(kw["output"])
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
    cli_index = bool(kw["mirror"] or kw["proxy"])
    result = engine.check(
        paths, policy, selection, cli_index=cli_index, exclude=_split(kw["exclude"])
    )
    measured = None
    if probe:
        from pipsrc.analysis import dominant_index
        from pipsrc.report.probe import probe as run_probe
        from pipsrc.report.probe import probe_targets

        docs = [r.doc for r in result.files if r.doc is not None]
        target = policy.index or dominant_index(docs, policy)
        measured = run_probe(probe_targets(policy, target))
    text = report(result, kw["lang"], probe=measured, date=date)
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


def _guard(fn: Callable[[], int]) -> int:
    try:
        return fn()
    except KeyboardInterrupt:
        click.echo("pipsrc: interrupted", err=True)
        return 130
    except Exception as exc:  # the one place a bug becomes a one-line message
        click.echo(f"pipsrc: internal error: {type(exc).__name__}: {redact(str(exc))}", err=True)
        return EXIT_INTERNAL
