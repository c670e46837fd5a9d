"""The command line: a thin click layer over :mod:`pipsrc.commands` and the library.

Options and their parsing live here; what each command does lives in
:mod:`pipsrc.commands`, which does not import click. Exit codes are documented there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipsrc import __version__, commands
from pipsrc.catalogue import UnknownMirror, catalogue
from pipsrc.commands import EXIT_USAGE
from pipsrc.output import FORMATS
from pipsrc.policy import FAIL_ON

F = TypeVar("F", bound=Callable[..., Any])


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipsrc")
def main() -> None:
    """Lint and fix Python package-index configuration across a repository.

    Settings come from, lowest precedence first: defaults, the policy file, PIPSRC_*
    environment variables, the command line.
    """


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
    sys.exit(commands.check(_with_sources(kw, statistics=statistics)))


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
    sys.exit(commands.fix(_with_sources(kw), diff, unsafe_fixes, report_file))


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
    sys.exit(commands.report(_with_sources(kw), probe))


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


def _with_sources(kw: dict[str, Any], **more: Any) -> dict[str, Any]:
    """The command's ``kw`` for :mod:`pipsrc.commands`, with the options whose value came
    from the environment (``from_env``: --mirror/--proxy precedence needs to know)."""
    ctx = click.get_current_context()
    env = click.core.ParameterSource.ENVIRONMENT
    from_env = frozenset(n for n in ("mirror", "proxy") if ctx.get_parameter_source(n) == env)
    return {**kw, **more, "from_env": from_env}
