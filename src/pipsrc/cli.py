"""The command line: a thin argparse layer over :mod:`pipsrc.engine` and the renderers.

Exit codes (SPEC §2): check 0 clean / 1 findings; fix 0 nothing to change /
1 files changed (or would change with --diff); 2 usage or policy error; 3 an
internal error, printed as one redacted line, never a bare traceback.

argparse rather than click: pre-commit starts pipsrc for every commit, and importing
click took a fifth of a run on three Dockerfiles (see bench/RESULTS.md). Commands are
plain functions registered with their options (:func:`command`); :data:`main` is the
console script and also answers ``main.main(args=...)``, the call click's test runner
makes, so tests drive it as they drove the former click group.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pipsrc import __version__
from pipsrc.gitfiles import prefetch

if TYPE_CHECKING:
    from pipsrc.policy import Policy

# The rest of pipsrc is imported by the commands that need it: parsing the command line
# and starting git (see check) come first, so git walks the work tree meanwhile.

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())


# An option is argparse's add_argument(*flags, **settings); "append" options become
# tuples after parsing.
Option = tuple[tuple[str, ...], dict[str, Any]]


def _file_arg(value: str) -> str:
    if os.path.isdir(value):
        raise argparse.ArgumentTypeError(f"{value!r} is a directory")
    return value


def _dir_arg(value: str) -> str:
    if os.path.exists(value) and not os.path.isdir(value):
        raise argparse.ArgumentTypeError(f"{value!r} is a file")
    return value


def common_options() -> list[Option]:
    """The options of ``check`` and ``fix``."""
    return [
        (("paths",), {"nargs": "*", "metavar": "PATHS"}),
        (
            ("--mirror",),
            {"metavar": "ID|URL", "help": "Use this index for this run (catalogue id or URL)."},
        ),
        (
            ("--proxy",),
            {
                "metavar": "URL",
                "help": "Use an internal proxy (http allowed, trusted-host managed).",
            },
        ),
        (
            ("--policy",),
            {
                "dest": "policy_file",
                "metavar": "FILE",
                "type": _file_arg,
                "help": "Policy file to use.",
            },
        ),
        (
            ("--select",),
            {
                "action": "append",
                "metavar": "CODES",
                "help": "Only these rules (codes, names or prefixes).",
            },
        ),
        (("--ignore",), {"action": "append", "metavar": "CODES", "help": "Skip these rules."}),
        (
            ("--exclude",),
            {"action": "append", "metavar": "GLOB", "help": "Skip paths matching GLOB."},
        ),
        (
            ("--format",),
            {
                "dest": "fmt",
                "choices": ["text", "json"],
                "default": "text",
                "help": "Output format (default: text).",
            },
        ),
        (
            ("--output", "-o"),
            {
                "dest": "output",
                "metavar": "FILE",
                "type": _file_arg,
                "help": "Write the output to FILE.",
            },
        ),
        (("--quiet", "-q"), {"action": "store_true", "help": "Print findings only."}),
        (("--no-color",), {"action": "store_true", "help": "No colour (also NO_COLOR)."}),
        (
            ("--exit-zero",),
            {
                "action": "store_true",
                "help": "Exit 0 even when there are findings or changes.",
            },
        ),
    ]


COMMANDS: dict[str, tuple[Callable[..., None], list[Option]]] = {}


def command(
    name: str, options: Sequence[Option] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a command: its function gets every option as a keyword argument."""

    def register(func: Callable[..., None]) -> Callable[..., None]:
        COMMANDS[name] = (func, list(options))
        return func

    return register


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Write to stdout (or stderr), looked up at call time: test runners swap them."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n" if nl else text)
    stream.flush()


class UsageProblem(Exception):
    pass


def resolve_policy(
    paths: list[str], policy_file: str | None, mirror: str | None, proxy: str | None
) -> Policy:
    from pathlib import Path

    from pipsrc.policy import Policy, find_policy, load_policy

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
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        echo(text, nl=False)


def _color(no_color: bool, output: str | None) -> bool:
    return (
        not no_color and not os.environ.get("NO_COLOR") and output is None and sys.stdout.isatty()
    )


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized without importing shutil (argparse builds one to
    check every option it is given; shutil and its compression modules cost more than
    parsing the command line)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        try:
            width = int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            try:
                width = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):
                width = 80
        super().__init__(prog, indent_increment, max_help_position, width=max(width, 40) - 2)


def _parser(prog: str, only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, of that one command (all of them cost a pre-commit run
    a tenth of its time, most of it in gettext looking up translations of help texts)."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Lint and fix Python package-index configuration across a repository.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"pipsrc, version {__version__}")
    sub = parser.add_subparsers(dest="_command", metavar="COMMAND")
    for name, (func, options) in COMMANDS.items():
        if only is not None and name != only:
            continue
        doc = (func.__doc__ or "").strip()
        cmd = sub.add_parser(
            name, help=doc.split("\n", 1)[0], description=doc, formatter_class=_Formatter
        )
        for flags, settings in options:
            cmd.add_argument(*flags, **settings)
    return parser


class Program:
    """The ``pipsrc`` program: ``main()`` as a console script, ``main.main(args=[...])``."""

    name = "pipsrc"

    def __call__(self) -> None:
        """The console script: run without the garbage collector, then leave without
        tearing the interpreter down.

        By the time a command returns, its output is written, every file it changed is
        written and every process it started has been waited for; freeing the objects
        of a large run one by one only made the shell wait longer (20-30 ms on the
        benchmark's monorepo). The streams are flushed, then the process exits with the
        command's status. ``main.main(...)`` (tests, embedding) exits normally.
        """
        # No cyclic garbage collection either: a run builds tens of thousands of objects
        # that live until it ends and form few cycles, and the collector's passes over
        # them cost a tenth of a monorepo run (and, in forked workers, copied pages).
        gc.disable()
        try:
            self.main()
        except SystemExit as exc:
            if exc.code is not None and not isinstance(exc.code, int):
                raise
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
            os._exit(exc.code or 0)

    def main(
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **_: Any
    ) -> None:
        """Parse ``args`` (default: sys.argv), run the command, exit with its status."""
        argv = list(sys.argv[1:] if args is None else args)
        parser = _parser(prog_name or self.name, argv[0] if argv and argv[0] in COMMANDS else None)
        ns = parser.parse_args(argv)
        kw = vars(ns)
        name = kw.pop("_command")
        if name is None:
            parser.print_help()
            sys.exit(EXIT_USAGE)
        func, options = COMMANDS[name]
        for flags, settings in options:
            if settings.get("action") == "append":
                dest = settings.get("dest") or flags[0].lstrip("-").replace("-", "_")
                kw[dest] = tuple(kw[dest] or ())
        func(**kw)
        sys.exit(EXIT_CLEAN)


main = Program()


def _run(kind: str, kw: dict[str, Any], unsafe: bool = False, diff: bool = False) -> int:
    from pipsrc import engine
    from pipsrc.catalogue import UnknownMirror
    from pipsrc.output import RenderOptions, render
    from pipsrc.output.diff import render_diff
    from pipsrc.policy import PolicyError
    from pipsrc.urls import redact

    paths = list(kw["paths"]) or ["."]
    try:
        policy = resolve_policy(paths, kw["policy_file"], kw["mirror"], kw["proxy"])
        selection = engine.Selection(_split(kw["select"]), _split(kw["ignore"]))
        selection.enabled(policy)
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
    opts = RenderOptions(_color(kw["no_color"], kw["output"]), unsafe, kw["quiet"])
    if diff:
        _emit(render_diff(result), kw["output"])
        echo(render(result, "text", opts) if kw["fmt"] == "text" else "", err=True, nl=False)
    else:
        _emit(render(result, kw["fmt"], opts), kw["output"])
    if kind == "check":
        blocking = [f for f in result.findings if f.severity.value != "info"]
        return EXIT_FINDINGS if blocking or result.errors else EXIT_CLEAN
    return (
        EXIT_FINDINGS if result.changed_files else (EXIT_FINDINGS if result.errors else EXIT_CLEAN)
    )


@command("check", common_options())
def check(**kw: Any) -> None:
    """Report settings that disagree with the policy (exit 1 if any)."""
    with prefetch(list(kw["paths"]) or ["."]):  # git lists files while the engine loads
        code = _guard(lambda: _run("check", kw))
    sys.exit(_exit(kw, code))


@command(
    "fix",
    [
        *common_options(),
        (("--diff",), {"action": "store_true", "help": "Print a unified diff; write nothing."}),
        (("--unsafe-fixes",), {"action": "store_true", "help": "Also apply unsafe fixes."}),
    ],
)
def fix(diff: bool, unsafe_fixes: bool, **kw: Any) -> None:
    """Fix settings in place (exit 1 if files changed or would change)."""
    with prefetch(list(kw["paths"]) or ["."]):
        code = _guard(lambda: _run("fix", kw, unsafe=unsafe_fixes, diff=diff))
    sys.exit(_exit(kw, code))


@command("rules")
def rules_cmd() -> None:
    """List the rules."""
    from pipsrc.docs import fix_label
    from pipsrc.rules import ALL_RULES

    for r in ALL_RULES:
        echo(f"{r.code}  {r.name:<26} {r.severity.value:<8} fix: {fix_label(r):<7} {r.summary}")


@command("rule", [(("code",), {"metavar": "CODE"})])
def rule_cmd(code: str) -> None:
    """Explain one rule (code or name)."""
    from pipsrc.docs import rule_markdown
    from pipsrc.rules import get

    rule = get(code)
    if rule is None:
        echo(f"pipsrc: unknown rule {code!r} (see `pipsrc rules`)", err=True)
        sys.exit(EXIT_USAGE)
    echo(rule_markdown(rule), nl=False)


@command(
    "mirrors", [(("--format",), {"dest": "fmt", "choices": ["text", "json"], "default": "text"})]
)
def mirrors(fmt: str) -> None:
    """List the mirror catalogue."""
    import json

    from pipsrc.catalogue import catalogue

    cat = catalogue()
    if fmt == "json":
        rows = [
            {"id": m.id, "name_en": m.name_en, "name_zh": m.name_zh, "url": m.url,
             "conda": m.conda, "kind": m.kind}
            for m in cat.mirrors
        ]  # fmt: skip
        echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for m in cat.mirrors:
        conda = f"  conda: {m.conda}" if m.conda else ""
        echo(f"{m.id:<12} {m.kind:<7} {m.name_en} / {m.name_zh}\n{'':<21}{m.url}{conda}")


@command(
    "init",
    [
        (("--mirror",), {"metavar": "ID|URL", "default": "aliyun", "help": "(default: aliyun)"}),
        (
            ("--pyproject",),
            {"action": "store_true", "help": "Write [tool.pipsrc] into pyproject.toml."},
        ),
        (("directory",), {"nargs": "?", "default": ".", "type": _dir_arg}),
    ],
)
def init(mirror: str, pyproject: bool, directory: str) -> None:
    """Write a starter policy (pipsrc.toml, or [tool.pipsrc] in pyproject.toml)."""
    from pathlib import Path

    from pipsrc.catalogue import UnknownMirror, catalogue

    try:
        url = catalogue().resolve(mirror)
    except UnknownMirror as exc:
        echo(f"pipsrc: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    value = mirror if catalogue().get(mirror) else url
    body = STARTER.format(index=value)
    target = Path(directory) / ("pyproject.toml" if pyproject else "pipsrc.toml")
    if pyproject:
        existing = target.read_text(encoding="utf-8") if target.exists() else ""
        if "[tool.pipsrc]" in existing:
            echo(f"pipsrc: {target} already has [tool.pipsrc]", err=True)
            sys.exit(EXIT_USAGE)
        sep = (
            ""
            if not existing or existing.endswith("\n\n")
            else ("\n" if existing.endswith("\n") else "\n\n")
        )
        target.write_text(existing + sep + "[tool.pipsrc]\n" + body, encoding="utf-8")
    else:
        if target.exists():
            echo(f"pipsrc: {target} already exists", err=True)
            sys.exit(EXIT_USAGE)
        target.write_text(
            "# pipsrc policy: see `pipsrc rules` and README.md\n" + body, encoding="utf-8"
        )
    echo(f"wrote {target}")


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
        echo("pipsrc: interrupted", err=True)
        return 130
    except Exception as exc:  # the one place a bug becomes a one-line message
        from pipsrc.urls import redact

        echo(f"pipsrc: internal error: {type(exc).__name__}: {redact(str(exc))}", err=True)
        return EXIT_INTERNAL
