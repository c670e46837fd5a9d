"""The file kinds pipsrc reads: one module each, one entry each in :data:`REGISTRY`.

A :class:`KindSpec` is everything pipsrc must know about a kind *before* parsing a file
of it: which names it has, how to recognise an extension-less one by its first bytes,
which words a file must contain to hold anything the parser would locate, how its
comments start, and where its parser lives. Discovery, classification, the engine's
prefilter and the pre-commit hooks' ``files:`` pattern (``python -m pipsrc.docs hooks``)
are all derived from this table, so adding a kind is one module plus one entry here.

The parser module is imported on first use (``module``), so a run that meets no YAML
never imports the YAML library. It provides:

- ``parse(text: str, path: str) -> Document``: locate settings; never rewrite text;
- ``config_lines(pairs: list[tuple[str, str]], nl: str) -> str`` (optional): the lines
  that set environment variables in this kind's syntax, inserted by PS104's fix at a
  scope's ``insert_at`` (scopes name the kind in ``insert_style``).
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType

from pipsrc.model import Document, Edit, Fix, Span
from pipsrc.records import record
from pipsrc.vocabulary import INSTALLER_WORDS


@record(frozen=True)
class KindSpec:
    """What pipsrc knows about a file kind before parsing a file of it."""

    kind: str  # the kind's name, as in Document.kind ("dockerfile" ...)
    module: str  # the parser module, imported on first use
    # regexes over the end of a posix path ("name" or "dir/name"): the names of this kind
    # (pre-commit's ``files:`` uses them in verbose mode: no spaces, no "#")
    names: tuple[str, ...]
    # a file holds nothing the parser would locate unless this regex matches its text
    words: str
    # an extension-less file whose first bytes match this is of this kind
    sniff: str | None = None
    comment: str = "#"  # line comments (suppressions live in them)
    # whether its files hold pip or uv settings (the PS1xx-PS4xx rules apply to it); a
    # .condarc holds only conda's channels
    pip: bool = True
    # read only when asked for (``--include-docs``: Markdown pages); never edited
    opt_in: bool = False
    # groups of literal strings: a file must contain one string of each group before
    # ``words`` is tried (for kinds whose files are many, Python sources: a substring test
    # costs a fraction of a regex)
    quick: tuple[tuple[str, ...], ...] = ()


# Order matters: the first entry whose names match decides (``Dockerfile.in`` is a
# Dockerfile template, ``requirements.in`` a requirements file).
_INDEX_WORDS = (
    r"pip(?![a-z])|pipsrc|PIP_|UV_|index|INDEX|trusted|TRUSTED|find-links|FIND_LINKS|conda|mamba"
    rf"|{INSTALLER_WORDS}|uv\.toml|pipx\b|PDM_PYPI_URL|PIPENV_PYPI_MIRROR"
)
# names with "dockerfile" in them that are something else (dockerfile.py, Dockerfile.md)
_NOT_DOCKERFILE = r"py|pyc|pyi|md|rst|txt|json|ya?ml|toml|js|ts|go|rs|java|html|css|lock|cfg"
REGISTRY: list[KindSpec] = [
    KindSpec(
        "dockerfile",
        "pipsrc.kinds.dockerfile",
        names=(rf"(?i:(?![^/]*\.(?:{_NOT_DOCKERFILE})$)[^/]*(?:docker|container)file[^/]*)",),
        words=_INDEX_WORDS,
        # a first instruction (after comments and blank lines) that only a Dockerfile
        # has, upper-case as Dockerfiles write it (a Python script may start "from x")
        sniff=r"(?!#!)(?:(?:#[^\n]*|[ \t]*)\r?\n)*[ \t]*(?:FROM|ARG)[ \t]+\S",
    ),
    KindSpec(
        "shell",
        "pipsrc.kinds.shell",
        names=(r"[^/]*\.(?i:sh|bash)",),
        words=_INDEX_WORDS,
        sniff=r"#![^\n]*\b(?:ba|da|k|z)?sh\b",
    ),
    KindSpec(
        "pipconf",
        "pipsrc.kinds.pipconf",
        names=(r"(?i:pip\.(?:conf|ini))", r"\.?pip/[^/]*\.(?i:conf)"),
        words=_INDEX_WORDS,
    ),
    KindSpec(
        "requirements",
        "pipsrc.kinds.requirements",
        names=(
            r"(?i:[^/]*requirements[^/]*|constraints[^/]*)\.(?i:txt)",
            r"requirements/[^/]*\.(?i:txt)",
            r"(?i:[^/]*(?:requirements|constraints)[^/]*\.in)",
        ),
        words=r"(?:^|\s)-|pipsrc",
    ),
    KindSpec(
        "github-actions",
        "pipsrc.kinds.github",
        names=(r"workflows/[^/]*\.ya?ml", r"action\.ya?ml"),
        words=_INDEX_WORDS,
    ),
    KindSpec(
        "gitlab-ci",
        "pipsrc.kinds.gitlab",
        names=(r"[^/]*gitlab-ci[^/]*\.ya?ml",),
        words=_INDEX_WORDS,
    ),
    KindSpec(
        "ci-yaml",
        "pipsrc.kinds.ciyaml",
        names=(r"\.travis\.ya?ml", r"azure-pipelines[^/]*\.ya?ml", r"\.circleci/config\.ya?ml"),
        words=_INDEX_WORDS,
    ),
    KindSpec(
        "jenkinsfile",
        "pipsrc.kinds.jenkins",
        names=(r"Jenkinsfile(?:[._-][^/]*)?", r"[^/]*\.(?i:jenkinsfile)"),
        words=_INDEX_WORDS,
        comment="//",
    ),
    KindSpec(
        "makefile",
        "pipsrc.kinds.makefile",
        names=(r"(?:GNU)?[Mm]akefile", r"[^/]*\.mk"),
        words=_INDEX_WORDS,
    ),
    KindSpec(
        "dotenv",
        "pipsrc.kinds.dotenv",
        names=(r"\.env(?:\.[^/]*)?", r"[^/]*\.env"),
        words=r"PIP_|UV_|PIPENV_|PDM_|pipsrc|MIRROR_URL|UPSTREAM|(?i:devpi)",
    ),
    KindSpec(
        "notebook",
        "pipsrc.kinds.notebook",
        names=(r"[^/]*\.(?i:ipynb)",),
        # most notebooks never run pip: those are not even decoded as JSON
        words=r"pip(?![a-z])|PIP_|UV_|pipsrc|conda|mamba",
    ),
    KindSpec(
        "markdown",
        "pipsrc.kinds.markdown",
        names=(r"[^/]*\.(?i:md|markdown)",),
        # what a block pipsrc reads would have to hold: most pages hold none of it
        words=r"pip(?![a-z])|PIP_|UV_|index-url|index_url|trusted-host|tool\.(?:uv|poetry|pdm|pixi)"
        r"|pipsrc|\[global\]",
        opt_in=True,
    ),
    KindSpec(
        "compose",
        "pipsrc.kinds.compose",
        names=(r"(?i:(?:docker-)?compose[^/]*\.ya?ml)",),
        # args: compose build.args linked to the ARGs of the Dockerfile they build
        # devpi: a proxy service's upstream variable (pipsrc.syntax.proxyvars)
        words=r"PIP_|UV_|PIPENV_|PDM_|pipsrc|pip(?![a-z])|env_file|args|(?i:devpi)",
    ),
    KindSpec(
        "lockfile",
        "pipsrc.kinds.lockfile",
        names=(r"uv\.lock", r"poetry\.lock", r"Pipfile\.lock", r"pdm\.lock", r"pixi\.lock"),
        words=r"registry|package\.source|_meta|url|indexes",
    ),
    KindSpec(
        "project",
        "pipsrc.kinds.project",
        names=(
            r"pyproject\.toml",
            r"uv\.toml",
            r"Pipfile",
            r"\.?pdm\.toml",
            r"pixi\.toml",
            r"poetry\.toml",
        ),
        # pyproject.toml files are many and mostly about other tools: parsed only when
        # they hold a table of a tool that installs
        words=r"tool\.(?:uv|poetry|pdm|pixi|tox)\b"
        r"|^\[\[?(?:source|index|pip|pypi|pypi-options|repositories)\b"
        # dotted keys at the top level: pdm.toml's `pypi.url = ...`, poetry.toml's
        # `repositories.corp.url = ...`, uv.toml's `pip.index-url = ...`
        r"|^(?:pypi|repositories|pip)\."
        r"|^(?:extra-)?index-url|find-links|allow-insecure-host|pipsrc",
    ),
    KindSpec(
        "tox",
        "pipsrc.kinds.tox",
        names=(r"tox\.ini", r"setup\.cfg", r"tox\.toml"),
        words=r"install_command|set_?env|indexserver|index[_-]url|find[_-]links|pip(?![a-z])"
        r"|PIP_|UV_|legacy_tox_ini|dependency_links",
    ),
    KindSpec(
        "condarc",
        "pipsrc.kinds.condarc",
        names=(r"(?i:\.?condarc(?:\.ya?ml)?|\.mambarc)", r"condarc\.d/[^/]*\.(?i:ya?ml)"),
        words=r"channel|pipsrc",
        pip=False,
    ),
    KindSpec(
        "conda-env",
        "pipsrc.kinds.condaenv",
        names=(
            r"(?i:(?:[^/]*[-_.])?environments?(?:[-_.][^/]*)?\.ya?ml)",
            # conda.yaml: `conda env export > conda.yaml`, MLflow projects
            r"(?i:env(?:[-_.][^/]*)?\.ya?ml|conda(?:[-_.]?env[^/]*)?\.ya?ml)",
        ),
        words=r"channels|pip|::|pipsrc",
    ),
    KindSpec(
        "python",
        "pipsrc.kinds.python",
        names=(r"[^/]*\.py",),
        # a script that calls pip or sets an index variable: a pip word or PIP_/UV_, and a
        # way to run a command or set the environment (libcst is imported only past this)
        words=r"pip(?![a-z])|PIP_|UV_",
        quick=(
            ("pip", "PIP_", "UV_"),
            ("subprocess", "system", "popen", "Popen", "environ", "putenv", "main(", "pipsrc:"),
        ),
    ),
]


# what a finding in a page of an opt-in kind says instead of offering its fix
NOT_FIXED = "not fixed: Markdown pages are read with --include-docs and never edited"


class _Tables:
    """Compiled forms of the registry, rebuilt whenever it changes."""

    def __init__(self, specs: list[KindSpec]) -> None:
        self.by_kind = {s.kind: s for s in specs}
        # every kind's names in one regex, a group per kind in table order: one call
        # classifies a file, and dismisses the many files of no kind. Names that say their
        # directory ("workflows/x.yml") are tried first, on "dir/name"; the others on the
        # name alone, and the answer is kept per name (a monorepo repeats its names).
        self.dir_names = _names_regex(specs, lambda n: "/" in n.replace("[^/]", ""))
        self.file_names = _names_regex(specs, lambda n: "/" not in n.replace("[^/]", ""))
        self.kinds = {f"k{i}": s.kind for i, s in enumerate(specs)}
        self.by_name: dict[str, str | None] = {}
        self.sniffs = [(re.compile(s.sniff.encode()), s.kind) for s in specs if s.sniff]
        self.words: dict[str, re.Pattern[str]] = {}  # compiled when a file of the kind is read
        self.quick = {s.kind: s.quick for s in specs if s.quick}
        self.quick_bytes = {
            kind: tuple(tuple(q.encode() for q in group) for group in groups)
            for kind, groups in self.quick.items()
        }


def _names_regex(specs: list[KindSpec], which: Callable[[str], bool]) -> re.Pattern[str]:
    groups = [
        f"(?P<k{i}>{'|'.join(names)})"
        for i, s in enumerate(specs)
        if (names := [n for n in s.names if which(n)])
    ]
    return re.compile("|".join(groups) or "(?!)")


_tables: _Tables | None = None


def tables() -> _Tables:
    global _tables
    if _tables is None:
        _tables = _Tables(REGISTRY)
    return _tables


def spec(kind: str) -> KindSpec:
    return tables().by_kind[kind]


def kind_of_name(name: str, parent: str = "", docs: bool = False) -> str | None:
    """The kind whose names match a file called ``name`` in a directory called ``parent``
    (an opt-in kind, such as Markdown pages, only with ``docs``)."""
    t = tables()
    m = t.dir_names.fullmatch(f"{parent}/{name}") if parent else None
    if m is not None and m.lastgroup is not None:
        kind: str | None = t.kinds[m.lastgroup]
    elif name in t.by_name:
        kind = t.by_name[name]
    else:
        m = t.file_names.fullmatch(name)
        kind = t.by_name[name] = None if m is None or m.lastgroup is None else t.kinds[m.lastgroup]
    if kind is not None and not docs and t.by_kind[kind].opt_in:
        return None
    return kind


def kind_of_head(head: bytes) -> str | None:
    """The kind an extension-less file is, from its first bytes (shebang, FROM ...)."""
    for pattern, kind in tables().sniffs:
        if pattern.match(head):
            return kind
    return None


def screened(kind: str) -> bool:
    """Whether ``kind``'s files are screened by literal strings first (``quick``): kinds
    whose files are many and mostly about something else."""
    return kind in tables().quick


# text that a byte search for ASCII strings cannot see: UTF-16 or UTF-32, with a BOM
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def may_be_interesting(kind: str, data: bytes) -> bool:
    """False only when the file bytes ``data`` cannot hold a string of each of a screened
    kind's ``quick`` groups: discovery's test, before a file becomes a candidate. Every
    encoding pipsrc decodes without a BOM (UTF-8, GB18030) keeps ASCII as its bytes, so a
    string in the text is a string in the bytes; wide text is always let through."""
    if data.startswith(_WIDE_BOMS):
        return True
    for group in tables().quick_bytes.get(kind, ()):
        for q in group:  # no generator: this runs for every source file of a monorepo
            if q in data:
                break
        else:
            return False
    return True


def interesting(kind: str, text: str) -> bool:
    """Whether ``text`` may hold anything the parser of ``kind`` would locate."""
    t = tables()
    for group in t.quick.get(kind, ()):
        if not any(q in text for q in group):
            return False
    words = t.words.get(kind)
    if words is None:
        words = t.words[kind] = re.compile(t.by_kind[kind].words, re.MULTILINE)
    return words.search(text) is not None


def hook_pattern() -> str:
    """The pre-commit ``files:`` regex: every name of every kind, and extension-less
    names when some kind recognises those by content (pre-commit cannot look inside)."""
    alternatives = [n for s in REGISTRY if not s.opt_in for n in s.names]
    if any(s.sniff for s in REGISTRY):
        alternatives.insert(0, r"[^/.]+")
    body = "\n  | ".join(alternatives)
    return f"(?x)(^|/)(\n    {body}\n)$\n"


def module(kind: str) -> ModuleType:
    """The parser module of ``kind``, imported on first use."""
    return importlib.import_module(spec(kind).module)


def prepare(kind: str) -> None:
    """Load the parser of ``kind`` ahead of use: its module, and the library it always
    needs (the module's ``prepare``), e.g. before forking workers that will use it."""
    ready: Callable[[], None] | None = getattr(module(kind), "prepare", None)
    if ready is not None:
        ready()


def parse(kind: str, text: str, path: str) -> Document:
    """Parse ``text`` as ``kind``; parse failures become ``Document.problems``."""
    from pipsrc.syntax.pipconfig import keep_unset_keys

    doc: Document = module(kind).parse(text, path)
    for i, site in enumerate(doc.sites):
        site.index = i
    keep_unset_keys(doc)
    return doc


def adapt_fix(kind: str, text: str, fix: Fix) -> Fix:
    """``fix`` with its edits as the kind writes them into ``text`` (a notebook escapes text
    inserted inside a JSON string); most kinds write them as they are."""
    loaded = sys.modules.get(spec(kind).module) if kind in tables().by_kind else None
    adapt: Callable[[str, tuple[Edit, ...]], list[Edit]] | None = getattr(
        loaded, "adapt_edits", None
    )  # a kind whose parser never ran has no fix to adapt
    if adapt is None:
        return fix
    return Fix(tuple(adapt(text, fix.edits)), fix.applicability, fix.title)


def comment_removal(kind: str, text: str, span: Span) -> Span | None:
    """The span that removes the comment at ``span`` in the kind's own syntax (a notebook's
    comment is a line of a JSON string), or None for the usual line-based removal."""
    loaded = sys.modules.get(spec(kind).module) if kind in tables().by_kind else None
    remove: Callable[[str, Span], Span | None] | None = getattr(loaded, "comment_removal", None)
    return None if remove is None else remove(text, span)


def config_lines(kind: str | None, pairs: list[tuple[str, str]], nl: str) -> str | None:
    """Lines setting the environment variables ``pairs`` in ``kind``'s syntax, if it has one."""
    if kind is None or kind not in tables().by_kind:
        return None
    render: Callable[[list[tuple[str, str]], str], str] | None = getattr(
        module(kind), "config_lines", None
    )
    return None if render is None else render(pairs, nl)


@contextmanager
def registered(entry: KindSpec, first: bool = False) -> Iterator[None]:
    """Register a kind for the duration of a ``with`` block (tests, plugins)."""
    global _tables
    REGISTRY.insert(0 if first else len(REGISTRY), entry)
    _tables = None
    try:
        yield
    finally:
        REGISTRY.remove(entry)
        _tables = None
