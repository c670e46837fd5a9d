"""The command line: a thin click layer over :mod:`pipsrc.commands` and the library.

Options and their parsing live here; what each command does lives in
:mod:`pipsrc.commands`, which does not import click. Exit codes are documented there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from pipsrc import __version__, commands
from pipsrc.catalogue import catalogue
from pipsrc.commands import EXIT_USAGE
from pipsrc.options import CHECK, FIX, REPORT, Options, Spec, specs
from pipsrc.output import FORMATS

F = TypeVar("F", bound=Callable[..., Any])
_DEFAULTS = Options()


def _click_option(spec: Spec) -> Callable[[F], F]:
    """The click option of one :data:`pipsrc.options.SPECS` entry; its default is
    :class:`~pipsrc.options.Options`' own. A list option's variable is read as a layer of
    its own (PIPSRC_SELECT under --select), so click is not told about it."""
    kw: dict[str, Any] = {"help": spec.help, "default": getattr(_DEFAULTS, spec.name)}
    if spec.flag:
        kw["is_flag"] = True
    if spec.count:
        kw["count"] = True
    if spec.multiple:
        kw["multiple"] = True
        kw["help"] += f"  [env var: {spec.envvar}]" if spec.envvar else ""
    elif spec.envvar:
        kw.update(envvar=spec.envvar, show_envvar=True)
    choices = tuple(FORMATS) if spec.name == "fmt" else spec.choices
    if choices:
        # checked by pipsrc.commands, whose message names the option or the variable
        kw.update(metavar="[" + "|".join(choices) + "]", shell_complete=_completing(choices))
        kw["show_default"] = kw["default"] is not None
    elif spec.path:
        kw["type"] = click.Path(dir_okay=False)
    if spec.metavar:
        kw["metavar"] = spec.metavar
    if spec.name in _COMPLETE:
        kw["shell_complete"] = _COMPLETE[spec.name]
    option: Callable[[F], F] = click.option(*spec.flags, spec.name, **kw)
    return option


def _mirror_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Completion of --mirror: the catalogue's PyPI mirrors."""
    return [m.id for m in catalogue().mirrors if not m.is_vendor and m.id.startswith(incomplete)]


def _rule_codes(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Completion of --select/--ignore: rule codes and names."""
    from pipsrc.rules import ALL_RULES

    words = [w for r in ALL_RULES for w in (r.code, r.name)]
    return [w for w in words if w.lower().startswith(incomplete.lower())]


def _conda_mirror_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Completion of --conda-mirror: the catalogue's mirrors with a conda mirror."""
    ids = [m.id for m in catalogue().mirrors if m.conda and m.conda_status != "redirect"]
    return [i for i in ids if i.startswith(incomplete)]


_COMPLETE = {
    "mirror": _mirror_ids,
    "conda_mirror": _conda_mirror_ids,
    "select": _rule_codes,
    "ignore": _rule_codes,
}


def _completing(choices: tuple[str, ...]) -> Callable[..., list[str]]:
    """Shell completion of a fixed set of values (``pipsrc check --format <TAB>``)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete)]

    return complete


def options_of(command: str) -> Callable[[F], F]:
    """Decorate a command with the paths argument and every option of ``command``."""

    def decorate(func: F) -> F:
        for spec in reversed(specs(command)):
            func = _click_option(spec)(func)
        return click.argument("paths", nargs=-1, type=click.Path())(func)

    return decorate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipsrc")
def main() -> None:
    """Lint and fix Python package-index configuration across a repository.

    Settings come from, lowest precedence first: defaults, the policy file, PIPSRC_*
    environment variables, the command line.
    """


@main.command()
@options_of(CHECK)
def check(**kw: Any) -> None:
    """Report settings that disagree with the policy (exit 1 if any)."""
    sys.exit(commands.check(_options(kw)))


@main.command()
@options_of(FIX)
def fix(**kw: Any) -> None:
    """Fix settings in place (exit 1 if files changed or would change)."""
    sys.exit(commands.fix(_options(kw)))


@main.command("report")
@options_of(REPORT)
def report_cmd(**kw: Any) -> None:
    """Write the markdown audit report of the tree's current state (exit 0; 2 on bad usage).

    Lists each file's settings, exceptions kept, files depending on configuration from
    elsewhere, the standard patterns for the index, the index every pip install uses, what
    is left to fix and a file status table. Use `pipsrc fix --report FILE` for a report
    that also lists the changes a fix made.
    """
    sys.exit(commands.report(_options(kw)))


@main.command("proxy-setup")
@click.option(
    "--proxy",
    metavar="URL",
    envvar="PIPSRC_PROXY",
    help="The proxy's simple index (default: the policy's [proxy] url).",
)
@click.option(
    "--upstream",
    metavar="ID|URL",
    help="The mirror the proxy follows (default: the policy's [proxy] upstream).",
)
@click.option("--format", "fmt", type=click.Choice(["sh", "json"]), default="sh", show_default=True)
@click.option("--policy", "policy_file", metavar="FILE", help="Policy file to use.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB.")
@click.option("--output", "-o", metavar="FILE", help="Write the commands to FILE.")
@click.argument("paths", nargs=-1, type=click.Path())
def proxy_setup_cmd(
    proxy: str | None,
    upstream: str | None,
    fmt: str,
    policy_file: str | None,
    exclude: tuple[str, ...],
    output: str | None,
    paths: tuple[str, ...],
) -> None:
    """Print the devpi commands that make the indexes this repository needs on its proxy.

    The proxy's PyPI mirror index on the policy's upstream, one mirror index per vendor
    index the files name (root/torch-cu118 ...), and the user index the proxy URL names,
    inheriting from them. Each command modifies an index, or creates it when it is missing.
    """
    opts = Options(
        paths=paths,
        proxy=proxy,
        upstream=upstream,
        policy_file=policy_file,
        exclude=exclude,
        output=output,
    )
    sys.exit(commands.proxy_setup(opts, fmt))


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
@click.argument("code", shell_complete=_rule_codes)
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
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", help="Language of notes.")
def mirrors(fmt: str, lang: str) -> None:
    """List the mirror catalogue: ids, names, URLs, status and notes."""
    import json

    cat = catalogue()
    if fmt == "json":
        rows = [
            {"id": m.id, "name_en": m.name_en, "name_zh": m.name_zh, "url": m.url,
             "conda": m.conda, "conda_status": m.conda_status if m.conda else None,
             "conda_channels": list(m.conda_channels), "kind": m.kind, "status": m.status,
             "note_en": m.note_en, "note_zh": m.note_zh}
            for m in cat.mirrors
        ]  # fmt: skip
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for m in cat.mirrors:
        conda = f"  conda: {m.conda}" if m.conda else ""
        if m.conda and m.conda_status != "verified":
            conda += f" ({m.conda_status})"
        status = "" if m.reliable else f"  [{m.status}]"
        click.echo(f"{m.id:<12} {m.kind:<7} {m.name_en} / {m.name_zh}{status}")
        click.echo(f"{'':<21}{m.url}{conda}")
        if m.note(lang):
            click.echo(f"{'':<21}note: {m.note(lang)}")


@main.command("why")
@click.argument("target", metavar="PATH:LINE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--root", type=click.Path(file_okay=False, exists=True),
              help="The tree whose settings count (default: the git work tree of PATH, "
              "else the current directory).")  # fmt: skip
@click.option("--mirror", help="Judge against this index (catalogue id or URL).")
@click.option("--proxy", help="Judge against this internal proxy.")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), help="Policy file.")
def why_cmd(
    target: str, fmt: str, root: str | None, mirror: str | None, proxy: str | None,
    policy_file: str | None,
) -> None:  # fmt: skip
    """Explain the index the install command at PATH:LINE really uses: every setting
    behind it (file:line, method), the precedence pip or uv applies, the effective index
    and the rules that judge it. For a setting's line: the install commands it reaches."""
    opts = Options(mirror=mirror, proxy=proxy, policy_file=policy_file)
    sys.exit(commands.why(target, fmt, root, opts))


@main.command()
@click.option(
    "--mirror", metavar="ID|URL", default="aliyun", show_default=True, shell_complete=_mirror_ids
)
@click.option("--pyproject", is_flag=True, help="Write [tool.pipsrc] into pyproject.toml.")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def init(mirror: str, pyproject: bool, directory: str) -> None:
    """Write a starter policy (pipsrc.toml, or [tool.pipsrc] in pyproject.toml)."""
    sys.exit(commands.init(mirror, pyproject, directory))


def _options(kw: dict[str, Any]) -> Options:
    """The parsed options, with those whose value came from the environment (``from_env``:
    --mirror/--proxy precedence needs to know)."""
    ctx = click.get_current_context()
    env = click.core.ParameterSource.ENVIRONMENT
    from_env = frozenset(n for n in kw if ctx.get_parameter_source(n) == env)
    return Options(**kw, from_env=from_env)
