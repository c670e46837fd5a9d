"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding.

GitHub turns each line into an annotation on the pull request's diff. Escaping follows
the Actions toolkit (``command.ts``): in the message ``%``, CR and LF become ``%25``,
``%0D`` and ``%0A``; property values additionally escape ``:`` and ``,``. ``col`` and
``endColumn`` are only sent for a single-line range, as the toolkit requires. Paths are
relative to the repository root, which is where GitHub resolves them.
"""

from __future__ import annotations

from pipsrc.engine.results import RunResult
from pipsrc.model import Severity
from pipsrc.output import RenderOptions, repo_paths
from pipsrc.output.text import mark

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: str | int) -> str:
    body = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
    return (
        f"::{name} {body}::{escape_data(message)}" if body else f"::{name}::{escape_data(message)}"
    )


def render(result: RunResult, opts: RenderOptions) -> str:
    path_of = repo_paths(result)
    lines = []
    for f in result.findings:
        props: dict[str, str | int] = {"file": path_of(f.path), "line": f.line}
        if f.end_line == f.line:
            props["col"] = f.column
            props["endLine"] = f.end_line
            props["endColumn"] = f.end_column
        else:
            props["endLine"] = f.end_line
        props["title"] = f"pipsrc {f.code} ({f.name})"
        lines.append(command(COMMANDS[f.severity], f"{f.code}{mark(f, opts)} {f.message}", **props))
    for r in result.files:
        if r.error:
            lines.append(command("error", r.error, file=path_of(r.path), title="pipsrc"))
    for s in result.skipped:
        lines.append(command("warning", s.reason, file=path_of(s.path), title="pipsrc"))
    return "".join(line + "\n" for line in lines)
