"""From paths to parsed documents: discover, read, decode, prefilter, parse.

Per file: read the bytes (regular files only, size-capped), decode strictly, skip
parsing when none of the kind's words occurs (:func:`pipsrc.kinds.interesting`), and
parse with the kind's own parser. Parsing is the costly part of a large tree, so only it
is shared out to worker processes (:mod:`pipsrc.parallel`). A file that cannot be read
becomes an error on its result, one that cannot be decoded or parsed a PS900 problem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from pipsrc import kinds
from pipsrc.compat import zip_strict
from pipsrc.discover import Candidate, Skipped, discover
from pipsrc.engine.results import FileResult
from pipsrc.gitfiles import git_root, work_tree_of
from pipsrc.model import Document, ParseProblem
from pipsrc.parallel import MIN_FILES, map_files
from pipsrc.redaction import redact
from pipsrc.textio import DecodeError, decode, read_regular

# ``progress(stage, done, total)``: called once per file per stage ("reading", "checking",
# "fixing") so a front end can show how far a long run is. None (the default) costs nothing.
Progress = Callable[[str, int, int], None]

# A primary index is spelled with "index" (PIP_INDEX_URL, index-url, --default-index ...),
# "-i" (pip's short option; also every prefix of --index-url), "pypi" (--pypi-url, pdm.toml's
# [pypi] url, a PDM source named pypi, PIPENV_PYPI_MIRROR) or as a source's `url =` (Poetry,
# Pipfile): files without any of these cannot change the repository context, so they are
# not even parsed for it.
INDEX_WORDS = re.compile(r"[Ii][Nn][Dd][Ee][Xx]|-i|[Pp][Yy][Pp][Ii]|\burl\s*=")


def read(cand: Candidate) -> FileResult:
    """Read one file up to the parser (:func:`parse_read` is the rest): a problem becomes
    an error or a PS900 finding; the result's ``doc`` is left None (with ``original``
    set) exactly when the file's text needs parsing."""
    result = FileResult(cand.path, cand.kind, real=cand.real)
    try:
        data, result.stamp = read_regular(cand.real)
    except OSError as exc:
        result.error = redact(exc.strerror or str(exc)) if exc.strerror else redact(str(exc))
        return result
    try:
        result.decoded = decode(data)
    except DecodeError as exc:
        # checked as an empty document carrying one PS900 problem at the bad line
        result.doc = Document(cand.path, cand.kind, "")
        result.doc.problems.append(ParseProblem(0, str(exc)))
        result.original = ""
        result.decode_error_line = exc.line
        return result
    text = result.decoded.text
    result.original = text
    if not kinds.interesting(cand.kind, text):
        result.doc = Document(cand.path, cand.kind, text)
    return result


def _nothing_to_check(r: FileResult) -> bool:
    """A file of a kind most of whose files are not about packages (Python sources) that
    holds nothing its parser would locate: dropped at once, not kept, linted and counted
    as a file checked (a monorepo has tens of thousands of them)."""
    unparsed = r.doc is not None and not r.doc.problems and r.error is None
    return unparsed and kinds.screened(r.kind)


def parse_read(r: FileResult) -> Document:
    """Parse a file :func:`read` left unparsed (in a worker process on a large tree)."""
    assert r.original is not None
    doc = parse_safely(r.kind, r.original, r.path)
    bom_note: str | None = getattr(kinds.module(r.kind), "BOM_PROBLEM", None)
    if bom_note and r.decoded is not None and r.decoded.bom:
        doc.problems.append(ParseProblem(0, bom_note, blocks_fix=False))
    return doc


def parse_safely(kind: str, text: str, path: str) -> Document:
    """Parse, turning any parser crash into a located PS900 problem instead of a traceback."""
    try:
        return kinds.parse(kind, text, path)
    except RecursionError:
        doc = Document(path, kind, text)
        doc.problems.append(ParseProblem(0, "too deeply nested to parse"))
        return doc
    except Exception as exc:  # a parser bug must not stop the run
        doc = Document(path, kind, text)
        message = f"internal error while parsing ({type(exc).__name__}); file not checked"
        doc.problems.append(ParseProblem(0, message))
        return doc


def collect(
    paths: list[str],
    exclude: tuple[str, ...] = (),
    progress: Progress | None = None,
    docs: bool = False,
) -> tuple[str, list[FileResult], list[Skipped]]:
    """The root the paths are shown relative to, every file read and parsed, and the
    paths skipped (with why)."""
    root = root_for(paths)
    cands, skipped = discover(paths, root, exclude, docs)
    git_root.cache_clear()  # shared by this run's steps only: a later run asks git again
    files = []
    for i, c in enumerate(cands, 1):
        r = read(c)
        if not _nothing_to_check(r):
            files.append(r)
        if progress is not None:
            progress("reading", i, len(cands))
    # Workers inherit the texts (fork) and send back documents; the parsers of the kinds
    # to parse are loaded first, so that no process loads them again.
    todo = [r for r in files if r.doc is None and r.original is not None]
    if len(todo) >= MIN_FILES:
        for kind in {r.kind for r in todo}:
            kinds.prepare(kind)
    for r, doc in zip_strict(todo, map_files(parse_read, todo)):
        r.doc = doc
    if any(os.path.isdir(p) for p in paths):
        files = _with_referenced(files, root, exclude)
    return root, files, skipped


def _with_referenced(
    files: list[FileResult], root: str, exclude: tuple[str, ...]
) -> list[FileResult]:
    """``files`` and the files they name that discovery did not find (``-r deps.txt``,
    ``COPY ci/mirror.conf /etc/pip.conf``), read as the kind the reference gives them,
    and the files those name in turn (:mod:`pipsrc.engine.references`)."""
    from pipsrc.engine.references import referenced

    known = {r.path for r in files}
    batch = files
    added: list[FileResult] = []
    while True:
        docs = [r.doc for r in batch if r.doc is not None]
        cands = referenced(docs, root, known, exclude)
        if not cands:
            break
        batch = [read(c) for c in cands]
        for r in batch:
            if r.doc is None and r.original is not None:
                r.doc = parse_read(r)
        known.update(c.path for c in cands)
        added += batch
    return sorted([*files, *added], key=lambda r: r.path) if added else files


def root_for(paths: list[str]) -> str:
    """The directory paths are shown relative to: the target directory, else the work tree."""
    first = os.path.abspath(paths[0] if paths else ".")
    base = first if os.path.isdir(first) else os.path.dirname(first)
    if paths and not any(os.path.isdir(p) for p in paths):
        top = work_tree_of(base)  # file names only (pre-commit): no git process needed
    else:
        top = git_root(base)
    if top is not None and len(paths) <= 1 and os.path.isdir(first):
        # a sub-directory target: show paths relative to it, as the user named it
        return first
    return top or base


def context_doc(cand: Candidate) -> Document | None:
    """A context-only document, read as any checked file is (same encodings and limits);
    problems reading it are reported when it is checked itself."""
    r = read(cand)
    if r.doc is not None or r.original is None or not INDEX_WORDS.search(r.original):
        return None  # unreadable, undecodable, or nothing a rule could use
    return parse_read(r)
