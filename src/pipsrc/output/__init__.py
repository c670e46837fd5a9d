"""Output formats: one renderer module per format, each ``render(result, opts) -> str``.

``FORMATS`` is the registry: the ``--format`` choice list is built from it, and the
secret-leak test runs over every entry, so a new format is one line here plus its
module. Modules are imported only when chosen (a plain ``check`` never loads the XML
or SARIF code).

Renderers receive findings whose strings are already redacted by the engine,
and :func:`render` runs :func:`pipsrc.redaction.redact` once more over what they emit, so
that no format can leak a credential even if a new field forgets the first pass.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipsrc.model import Applicability, Severity
from pipsrc.records import record
from pipsrc.redaction import redact
from pipsrc.textio import LineIndex

if TYPE_CHECKING:  # the CLI imports FORMATS for --help without loading the engine
    from pipsrc.engine.results import Finding, RunResult

FORMATS = {
    "full": "pipsrc.output.full",
    "text": "pipsrc.output.text",
    "concise": "pipsrc.output.concise",
    "json": "pipsrc.output.json_format",
    "markdown": "pipsrc.output.markdown",
    "sarif": "pipsrc.output.sarif",
    "github": "pipsrc.output.github",
    "gitlab": "pipsrc.output.gitlab",
    "junit": "pipsrc.output.junit",
}

# where each rule's page lives (the rules/ folder of the repository, as README links it)
RULES_URL = "https://github.com/pipsrc/pipsrc/blob/main/rules/{code}.md"
HOME_URL = "https://github.com/pipsrc/pipsrc"

SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@record(frozen=True)
class RenderOptions:
    color: bool = False
    unsafe_fixes: bool = False
    quiet: int = 0  # 1: findings only (no summary), 2: nothing
    lang: str | None = None  # the report's language (markdown); None: the policy's
    show_fixes: bool = False  # fix: list the fixes applied


def shown_paths(result: RunResult) -> Callable[[str], str]:
    """``path -> the path as the user should see it``: relative to the current directory,
    as ruff prints them (an editor or terminal can open it from where the user stands),
    or absolute for a file outside it. Findings carry paths relative to the run's root;
    CI formats use :func:`repo_paths` instead (their readers resolve from the repository)."""
    cwd = os.path.realpath(os.getcwd())
    root = os.path.realpath(result.root)

    def show(path: str) -> str:
        full = os.path.normpath(os.path.join(root, path))
        rel = os.path.relpath(full, cwd)
        if rel == ".." or rel.startswith(".." + os.sep):
            return full.replace(os.sep, "/")
        return rel.replace(os.sep, "/")

    return show


def render(result: RunResult, fmt: str, opts: RenderOptions) -> str:
    from pipsrc.redaction import redact

    module = importlib.import_module(FORMATS[fmt])
    out: str = module.render(result, opts)
    return redact(out)


def safe_path(path: str) -> str:
    """A path fit for a terminal or CI log: control characters escaped, and never a
    leading ``::`` (a line starting so is a GitHub Actions workflow command)."""
    if path.startswith("::"):
        path = "./" + path
    if path.isprintable():
        return path
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in path)


def applies(f: Finding, unsafe_fixes: bool) -> bool:
    """Whether ``pipsrc fix`` (with ``--unsafe-fixes`` when given) would apply f's fix."""
    return f.applicability == Applicability.SAFE or (
        unsafe_fixes and f.applicability == Applicability.UNSAFE
    )


def repo_base(result: RunResult) -> tuple[str, str]:
    """The repository root, and the prefix that makes a finding's path relative to it.

    Findings are relative to the directory the user named (``pipsrc check sub/`` shows
    ``Dockerfile``), which reads well in a terminal. Code scanning, GitLab and workflow
    annotations resolve paths against the repository root, so CI formats prefix the
    sub-directory, or an annotation would point at a file that does not exist.
    """
    from pipsrc.gitfiles import git_root

    root = os.path.realpath(result.root)
    top = git_root(result.root)
    if top is None:
        return root, ""
    rel = os.path.relpath(root, os.path.realpath(top))
    if rel == "." or rel.startswith(".."):
        return root, ""
    return os.path.realpath(top), rel.replace(os.sep, "/") + "/"


def repo_paths(result: RunResult) -> Callable[[str], str]:
    """``path -> repository-relative path`` (see :func:`repo_base`)."""
    prefix = repo_base(result)[1]
    return lambda p: prefix + p


_SPACES = re.compile(r"\s+")


def fingerprints(result: RunResult, path_of: Callable[[str], str]) -> dict[int, str]:
    """A fingerprint per finding (keyed by ``id(finding)``), stable across unrelated edits.

    It hashes the rule code, the path and the finding's line with its whitespace
    normalised, never the line number, so inserting lines above keeps it (code scanning
    and GitLab then track the same alert instead of closing one and opening another).
    Identical lines in one file are told apart by their order. The line is redacted
    first so the hash input is never a secret.
    """
    from hashlib import sha256  # only the CI formats fingerprint findings

    texts = {r.path: r.doc.text for r in result.files if r.doc is not None}
    indexes: dict[str, LineIndex] = {}
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for f in result.findings:
        text = texts.get(f.path, "")
        index = indexes.get(f.path)
        if index is None:
            index = indexes[f.path] = LineIndex(text)
        if 1 <= f.line <= len(index.starts) and text:
            content = index.line_text(f.line)
        else:
            content = f"{f.message}\0{f.value}"
        content = _SPACES.sub(" ", redact(content)).strip()
        key = "\0".join((f.code, path_of(f.path), content))
        digest = sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        n = seen.get(digest, 0)
        seen[digest] = n + 1
        out[id(f)] = sha256(f"{digest}:{n}".encode()).hexdigest()
    return out
