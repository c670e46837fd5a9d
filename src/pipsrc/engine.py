"""The engine: read, parse, lint, and fix files; one place for all of it.

Per file: read the bytes (regular files only, size-capped), decode strictly,
skip parsing when no byte of interest occurs, parse with the file kind's own
parser, run the enabled rules, drop suppressed findings, and redact every
string a finding carries (the one redaction choke point for findings).

Fixing loops lint -> apply -> re-parse until nothing is left to apply (at most
``MAX_PASSES``). If a fix makes a file unparsable, the file is reverted and an
error is reported; a file is written only if its new text encodes back to
bytes that decode to exactly that text, atomically, and only if it did not
change on disk meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from pipsrc import kinds
from pipsrc.analysis import Context
from pipsrc.discover import Candidate, Skipped, discover
from pipsrc.gitfiles import git_root, work_tree_of
from pipsrc.model import (
    Applicability,
    Document,
    Edit,
    FileKind,
    Fix,
    ParseProblem,
    Severity,
    Span,
)
from pipsrc.parallel import MIN_FILES, can_fork, jobs, map_files
from pipsrc.policy import Policy
from pipsrc.rules import ALIASES, ALL_RULES, BY_CODE, Rule, resolve_codes
from pipsrc.suppress import parse_suppressions, suppressed
from pipsrc.textio import (
    ChangedOnDisk,
    Decoded,
    DecodeError,
    FileStamp,
    LineIndex,
    atomic_write,
    decode,
    read_regular,
)
from pipsrc.urls import redact

MAX_PASSES = 10

# The prefilter: a file in which none of these occurs holds nothing any parser would
# locate, so no parser runs on it. It searches the decoded text, not the bytes, so that
# a UTF-16 file is not skipped for its interleaved NULs. ``pip`` followed by a
# lower-case letter is not pip (``pipefail``, ``pipeline``, ``pipenv``), and the
# compose parser locates only PIP_*/UV_* variables; ``pipsrc`` keeps suppressions.
_INTERESTING = re.compile(
    r"pip(?![a-z])|pipsrc|PIP_|UV_|index|INDEX|trusted|TRUSTED|find-links|FIND_LINKS"
)
_INTERESTING_BY_KIND = {
    FileKind.REQUIREMENTS: re.compile(r"(?:^|\s)-|pipsrc", re.MULTILINE),
    FileKind.COMPOSE: re.compile(r"PIP_|UV_|pipsrc"),
}


@dataclass
class Finding:
    code: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str  # redacted
    value: str  # redacted
    applicability: Applicability | None
    fix: Fix | None = field(default=None, repr=False, compare=False)
    span: Span = field(default=Span(0, 0), repr=False, compare=False)

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


@dataclass
class Change:
    """One applied edit, for `--report` and the summary."""

    path: str
    code: str
    line: int
    before: str  # redacted
    after: str  # redacted


@dataclass
class FileResult:
    path: str
    kind: FileKind
    doc: Document | None = None
    original: str | None = None
    fixed: str | None = None  # new text when a fix changed the file
    findings: list[Finding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    error: str | None = None  # could not read / write (redacted)
    decoded: Decoded | None = field(default=None, repr=False)
    stamp: FileStamp | None = field(default=None, repr=False)
    real: str = ""
    decode_error_line: int | None = None

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


@dataclass
class RunResult:
    root: str
    policy: Policy
    files: list[FileResult]
    skipped: list[Skipped]
    mode: str = "check"  # check | fix | diff

    @property
    def findings(self) -> list[Finding]:
        out = [f for r in self.files for f in r.findings]
        return sorted(out, key=Finding.sort_key)

    @property
    def changed_files(self) -> list[FileResult]:
        return [r for r in self.files if r.changed]

    @property
    def errors(self) -> list[str]:
        return [f"{r.path}: {r.error}" for r in self.files if r.error]


@dataclass
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def enabled(self, policy: Policy) -> set[str]:
        chosen = self.select or policy.select
        codes = resolve_codes(chosen) if chosen else set(BY_CODE)
        return codes - resolve_codes((*policy.ignore, *self.ignore))


_RULE_INSTANCES: dict[str, Rule] = {}


def _rules(enabled: set[str]) -> list[Rule]:
    out = []
    for cls in ALL_RULES:
        if cls.code in enabled:
            if cls.code not in _RULE_INSTANCES:
                _RULE_INSTANCES[cls.code] = cls()
            out.append(_RULE_INSTANCES[cls.code])
    return out


def lint(doc: Document, ctx: Context, enabled: set[str]) -> list[Finding]:
    """All findings for one parsed document, suppressions applied, strings redacted."""
    if not (doc.settings or doc.sites or doc.comments or doc.problems):
        return []  # every rule reads only these: the common case of a monorepo costs nothing
    lines = LineIndex(doc.text)
    sups = parse_suppressions(doc.comments, lines, ALIASES)
    ignored = (
        resolve_codes(ctx.policy.ignored_for(doc.path)) if ctx.policy.per_file_ignores else set()
    )
    out: list[Finding] = []
    seen: set[tuple[str, int, int]] = set()
    for rule in _rules(enabled):
        if rule.code in ignored:
            continue
        for v in rule.check(doc, ctx):
            key = (rule.code, v.span.start, v.span.end)
            if key in seen:
                continue
            seen.add(key)
            line, col = lines.line_col(v.span.start)
            if suppressed(sups, rule.code, line):
                continue
            end_line, end_col = lines.line_col(v.span.end)
            out.append(
                Finding(
                    rule.code,
                    rule.name,
                    v.severity or rule.severity,
                    doc.path,
                    line,
                    col,
                    end_line,
                    end_col,
                    redact(v.message),
                    redact(v.value),
                    v.fix.applicability if v.fix else None,
                    v.fix,
                    v.span,
                )
            )
    if "PS901" in enabled and "PS901" not in ignored:
        for s in sups:
            if s.used:
                continue
            if s.codes is not None and not s.codes <= enabled:
                continue  # a deselected rule might have used it
            line, col = lines.line_col(s.span.start)
            fix = Fix(
                (Edit.delete(_comment_removal(doc.text, s.span)),), Applicability.SAFE, "Remove it"
            )
            rule_cls = BY_CODE["PS901"]
            out.append(
                Finding(
                    "PS901",
                    rule_cls.name,
                    rule_cls.severity,
                    doc.path,
                    line,
                    col,
                    *lines.line_col(s.span.end),
                    "suppression comment suppresses nothing",
                    "",
                    Applicability.SAFE,
                    fix,
                    s.span,
                )
            )
    return out


def _comment_removal(text: str, span: Span) -> Span:
    """The comment alone on its line: the whole line; after code: from the preceding blanks."""
    line_start = text.rfind("\n", 0, span.start) + 1
    if text[line_start : span.start].strip() == "":
        nl = text.find("\n", span.end)
        return Span(line_start, len(text) if nl == -1 else nl + 1)
    start = span.start
    while start > line_start and text[start - 1] in " \t":
        start -= 1
    end = span.end
    while end < len(text) and text[end] not in "\r\n":
        end += 1
    return Span(start, end)


# --- loading ------------------------------------------------------------------


def load(cand: Candidate) -> FileResult:
    """Read and parse one file; a problem becomes an error or a PS900 finding."""
    result = read(cand)
    if result.doc is None and result.original is not None:
        result.doc = parse_safely(cand.kind, result.original, cand.path)
    return result


def read(cand: Candidate) -> FileResult:
    """:func:`load` up to the parser: the result's ``doc`` is left None (with ``original``
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
    if not _INTERESTING_BY_KIND.get(cand.kind, _INTERESTING).search(text):
        result.doc = Document(cand.path, cand.kind, text)
    return result


def _parse_read(r: FileResult) -> Document:
    assert r.original is not None
    return parse_safely(r.kind, r.original, r.path)


def parse_safely(kind: FileKind, text: str, path: str) -> Document:
    """Parse, turning any parser crash into a located PS900 problem instead of a traceback."""
    try:
        return kinds.parse(kind, text, path)
    except RecursionError:
        doc = Document(path, kind, text)
        doc.problems.append(ParseProblem(0, "too deeply nested to parse"))
        return doc
    except Exception as exc:  # a parser bug must not stop the run
        doc = Document(path, kind, text)
        doc.problems.append(
            ParseProblem(
                0, f"internal error while parsing ({type(exc).__name__}); file not checked"
            )
        )
        return doc


# --- running ------------------------------------------------------------------


def collect(
    paths: list[str], policy: Policy, exclude: tuple[str, ...] = ()
) -> tuple[str, list[FileResult], list[Skipped]]:
    root = _root_for(paths)
    cands, skipped = discover(paths, root, (*policy.exclude, *exclude))
    git_root.cache_clear()  # shared by this run's steps only: a later run asks git again
    files = [read(c) for c in cands]
    # Parsing is the costly part: only it is shared out to worker processes on a large
    # tree. Workers inherit the texts (fork) and send back documents; the parsers of the
    # kinds to parse are loaded first, so that no process loads them again.
    todo = [r for r in files if r.doc is None and r.original is not None]
    if len(todo) >= MIN_FILES:
        for kind in {r.kind for r in todo}:
            kinds.prepare(kind)
    for r, doc in zip(todo, map_files(_parse_read, todo), strict=True):
        r.doc = doc
    return root, files, skipped


def _root_for(paths: list[str]) -> str:
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


def make_context(files: list[FileResult], policy: Policy, cli_index: bool) -> Context:
    docs = {r.path: r.doc for r in files if r.doc is not None}
    return Context(policy, docs, cli_index=cli_index)


def check(
    paths: list[str],
    policy: Policy,
    selection: Selection | None = None,
    *,
    cli_index: bool = False,
    exclude: tuple[str, ...] = (),
) -> RunResult:
    root, files, skipped = collect(paths, policy, exclude)
    ctx = make_context(files, policy, cli_index)
    _lint_all(files, ctx, (selection or Selection()).enabled(policy))
    return RunResult(root, policy, files, skipped)


def _lint_all(files: list[FileResult], ctx: Context, enabled: set[str]) -> None:
    for r in files:
        if r.doc is not None:
            r.findings = _with_line_hint(r, lint(r.doc, ctx, enabled))


def _with_line_hint(r: FileResult, findings: list[Finding]) -> list[Finding]:
    hint = r.decode_error_line
    if hint is not None:
        for f in findings:
            if f.code == "PS900":
                f.line = f.end_line = hint
    return findings


def fix(
    paths: list[str],
    policy: Policy,
    selection: Selection | None = None,
    *,
    unsafe: bool = False,
    write: bool = True,
    cli_index: bool = False,
    exclude: tuple[str, ...] = (),
) -> RunResult:
    root, files, skipped = collect(paths, policy, exclude)
    ctx = make_context(files, policy, cli_index)
    enabled = (selection or Selection()).enabled(policy)
    final: list[tuple[FileResult, list[Finding] | None]] = []
    changed_at: dict[str, int] = {}  # path -> its place in `final`, for files fix changed
    writer = _Writer() if write else None
    try:
        for r in files:
            if r.doc is None:
                continue
            final.append((r, _fix_loop(r, ctx, enabled, unsafe)))
            if r.changed:
                changed_at[r.path] = len(final) - 1
                if writer is not None:
                    # its text is final: write it while the other files are being fixed
                    writer.submit(r)
        # Findings against the final state of every file. The fix loop's last lint already
        # is that for a file, unless the file reads another file's settings (-r, a copied
        # pip.conf) that fix changed after that lint: only those are linted again.
        for i, (r, last) in enumerate(final):
            assert r.doc is not None
            if last is None or _reads_changed(r.doc, ctx, changed_at, i):
                last = lint(r.doc, ctx, enabled)
            r.findings = _with_line_hint(r, last)
    finally:
        if writer is not None:
            writer.close()
    return RunResult(root, policy, files, skipped, mode="fix" if write else "diff")


def _reads_changed(doc: Document, ctx: Context, changed_at: dict[str, int], i: int) -> bool:
    """Whether ``doc`` (fixed i-th) reads a file that fix changed later.

    Linting consults other documents only through :meth:`Context.find_file`, for the
    requirement files of install sites and the pip.conf files of scopes.
    """
    if not changed_at:
        return False
    names = [n for site in doc.sites for n in site.requirement_files]
    names += [n for scope in doc.scopes for n in scope.config_files]
    for name in names:
        ref = ctx.find_file(doc, name)
        if ref is not None and changed_at.get(ref.path, -1) > i:
            return True
    return False


class _Writer:
    """Writes changed files while the fix loop goes on, in a forked writer process.

    Each write stays atomic and durable (:func:`pipsrc.textio.atomic_write` fsyncs the
    file and its directory). One after another, a few hundred such writes took longer
    than the rest of the run; threads in this process made the fix loop wait for the
    interpreter lock. So a forked process writes each file as soon as its text is final
    (on threads of its own: concurrent fsyncs share the journal's commits) and reports
    each outcome at the end; results are applied to ``fixed``/``error`` by
    :meth:`close`, after the fix loop. Where forking is not possible (or one process
    is asked for, ``PIPSRC_JOBS=1``), the files are written on threads once the loop is
    over.
    """

    def __init__(self) -> None:
        self.pending: list[FileResult] = []
        self.data: list[bytes] = []
        self.pid = 0
        self.jobs: BinaryIO | None = None  # the pipe the writer process reads (pickled jobs)
        self.done = -1  # the pipe it answers on

    def submit(self, r: FileResult) -> None:
        data = _encoded(r)
        if data is None:
            return
        if not self.pending and jobs() > 1 and can_fork():
            self._start()
        self.pending.append(r)
        self.data.append(data)
        if self.jobs is not None:
            import pickle

            try:
                pickle.dump((r.real, data, r.stamp), self.jobs, protocol=pickle.HIGHEST_PROTOCOL)
                self.jobs.flush()
            except OSError:  # the writer process is gone: close() reports what it wrote
                self._hang_up()

    def _start(self) -> None:
        jobs_r, jobs_w = os.pipe()
        done_r, done_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer process: never returns
            code = 1
            try:
                os.close(jobs_w)
                os.close(done_r)
                _write_jobs(jobs_r, done_w)
                code = 0
            finally:
                os._exit(code)
        os.close(jobs_r)
        os.close(done_w)
        self.pid, self.jobs, self.done = pid, os.fdopen(jobs_w, "wb"), done_r

    def _hang_up(self) -> None:
        if self.jobs is not None:
            with contextlib.suppress(OSError):
                self.jobs.close()
            self.jobs = None

    def close(self) -> None:
        """Wait for every write and record its outcome on its result."""
        errors: list[str | None] | None = None
        if self.pid:
            import pickle

            self._hang_up()
            chunks = []
            while chunk := os.read(self.done, 1 << 16):
                chunks.append(chunk)
            os.close(self.done)
            _, status = os.waitpid(self.pid, 0)
            try:
                errors = pickle.loads(b"".join(chunks)) if status == 0 else None
            except Exception:  # the writer process failed: see what it wrote
                errors = None
            if errors is None or len(errors) != len(self.pending):
                errors = [_outcome(r, d) for r, d in zip(self.pending, self.data, strict=True)]
        elif len(self.pending) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=16, thread_name_prefix="pipsrc-write") as pool:
                errors = list(
                    pool.map(lambda rd: _write(rd[0].real, rd[1], rd[0].stamp),
                             zip(self.pending, self.data, strict=True))
                )  # fmt: skip
        else:
            pairs = zip(self.pending, self.data, strict=True)
            errors = [_write(r.real, d, r.stamp) for r, d in pairs]
        for r, error in zip(self.pending, errors, strict=True):
            _written(r, error)


def _write_jobs(jobs: int, done: int) -> None:
    """The writer process: write every job read from ``jobs``, answer on ``done``."""
    import pickle
    from concurrent.futures import ThreadPoolExecutor

    futures = []
    with os.fdopen(jobs, "rb") as inp, ThreadPoolExecutor(max_workers=16) as pool:
        while True:
            try:
                real, data, stamp = pickle.load(inp)
            except EOFError:
                break
            futures.append(pool.submit(_write, real, data, stamp))
    answer = memoryview(pickle.dumps([f.result() for f in futures]))
    while answer:
        answer = answer[os.write(done, answer) :]
    os.close(done)


def _outcome(r: FileResult, data: bytes) -> str | None:
    """What became of a write whose report was lost: the file holds the new bytes or not."""
    try:
        with open(r.real, "rb") as fh:
            if fh.read() == data:
                return None
    except OSError:
        pass
    return "internal error: the writer process failed; not written"


def wanted(fix_: Fix, unsafe: bool) -> bool:
    return fix_.applicability == Applicability.SAFE or (
        unsafe and fix_.applicability == Applicability.UNSAFE
    )


def fix_file(r: FileResult, ctx: Context, enabled: set[str], unsafe: bool) -> None:
    """The fix loop for one file; updates ``r`` (and ``ctx.docs``) in place."""
    _fix_loop(r, ctx, enabled, unsafe)


def _fix_loop(r: FileResult, ctx: Context, enabled: set[str], unsafe: bool) -> list[Finding] | None:
    """:func:`fix_file`, returning the findings of the file's final text when its last
    lint was of that text (None when they must be computed again)."""
    from pipsrc.edits import apply_fixes  # only fix runs need it (one dataclass less to build)

    doc = r.doc
    assert doc is not None
    if not doc.fixable or r.decoded is None:
        return None
    findings: list[Finding] | None = None
    for _ in range(MAX_PASSES):
        findings = lint(doc, ctx, enabled)
        by_fix = {f.fix: f for f in findings if f.fix is not None and wanted(f.fix, unsafe)}
        if not by_fix:
            break
        applied = apply_fixes(doc.text, by_fix)
        if applied.text == doc.text:
            break
        new_doc = parse_safely(r.kind, applied.text, r.path)
        if not new_doc.fixable:
            r.error = "internal error: a fix made the file unparsable; all changes reverted"
            r.fixed = None
            ctx.docs[r.path] = r.doc  # type: ignore[assignment]
            return None
        lines = LineIndex(doc.text)
        for fx in applied.applied:
            code = by_fix[fx].code
            for e in fx.edits:
                r.changes.append(
                    Change(r.path, code, lines.line_col(e.start)[0],
                           redact(doc.text[e.start : e.end]), redact(e.replacement))
                )  # fmt: skip
        doc = new_doc
        ctx.docs[r.path] = doc
    else:
        r.error = (
            f"fixes did not converge after {MAX_PASSES} passes; changes kept up to the last one"
        )
        findings = None  # those of the text before the last pass
    if doc.text != r.original:
        r.fixed = doc.text
        r.doc = doc
    return findings


def write_result(r: FileResult) -> None:
    """Write one fixed file; a failure is recorded on ``r`` (``error``, ``fixed`` = None)."""
    data = _encoded(r)
    if data is not None:
        _written(r, _write(r.real, data, r.stamp))


def _encoded(r: FileResult) -> bytes | None:
    """The bytes of the fixed text, or None (recorded on ``r``) if they do not round-trip."""
    assert r.decoded is not None and r.fixed is not None
    data = r.decoded.encode(r.fixed)
    try:
        if decode(data).text != r.fixed:
            raise DecodeError("re-encoding changed the text")
    except DecodeError:
        r.error = (
            "internal error: the fixed text does not round-trip in the file's encoding; not written"
        )
        r.fixed = None
        return None
    return data


def _write(real: str, data: bytes, stamp: FileStamp | None) -> str | None:
    """Write ``data`` to ``real`` atomically; the error message, or None."""
    try:
        atomic_write(real, data, stamp)
    except ChangedOnDisk:
        return "changed on disk while pipsrc was processing it; not written"
    except OSError as exc:
        return f"cannot write: {exc.strerror or exc}"
    return None


def _written(r: FileResult, error: str | None) -> None:
    if error is not None:
        r.error = error
        r.fixed = None
