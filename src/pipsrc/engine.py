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

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipsrc import kinds
from pipsrc.analysis import Context
from pipsrc.discover import Candidate, Skipped, classify, discover, excluded
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
from pipsrc.records import field, record, replace
from pipsrc.rules import ALIASES, ALL_RULES, BY_CODE, Rule, resolve_codes
from pipsrc.suppress import parse_suppressions, suppressed
from pipsrc.textio import (
    Decoded,
    DecodeError,
    FileStamp,
    LineIndex,
    decode,
    read_regular,
)
from pipsrc.urls import redact

if TYPE_CHECKING:
    from pipsrc.edits import PositionMap
    from pipsrc.writing import Pending, Writer

MAX_PASSES = 10

# ``progress(stage, done, total)``: called once per file per stage ("reading", "checking",
# "fixing") so a front end can show how far a long run is. None (the default) costs nothing.
Progress = Callable[[str, int, int], None]

# A primary index is always spelled with "index" (PIP_INDEX_URL, index-url, --default-index ...),
# "-i" (pip's short option; also every prefix of --index-url) or "--pypi-url": files without any
# of these cannot change the repository context, so they are not even parsed for it.
_INDEX_WORDS = re.compile(r"[Ii][Nn][Dd][Ee][Xx]|-i|pypi-url")


@record
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


@record
class Change:
    """One applied edit, for `--report` and the summary."""

    path: str
    code: str
    line: int  # in the original file
    before: str  # redacted
    after: str  # redacted
    new_line: int = 0  # in the fixed file
    setting: str = ""  # the SettingKind value of the setting it edits ("" when none)
    action: str = "replace"  # replace | remove | add

    @property
    def kind(self) -> tuple[str, str]:
        """What kind of change this is, for grouping in the report."""
        return self.action, self.setting


@record
class FileResult:
    path: str
    kind: str  # a kind of the registry (pipsrc.kinds)
    doc: Document | None = None
    original: str | None = None
    fixed: str | None = None  # new text when a fix changed the file
    findings: list[Finding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    error: str | None = None  # could not read / write (redacted)
    decoded: Decoded | None = field(default=None, repr=False)
    stamp: FileStamp | None = field(default=None, repr=False)
    # findings a suppression comment accepted, with its reason (for the report)
    suppressed: list[tuple[Finding, str]] = field(default_factory=list, repr=False)
    real: str = ""
    decode_error_line: int | None = None

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


@record
class RunResult:
    root: str
    policy: Policy
    files: list[FileResult]
    skipped: list[Skipped]
    mode: str = "check"  # check | fix | diff
    # the rest of the repository when files were named (context only)
    repository: RepositoryContext | None = field(default=None, repr=False)

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


@record
class Selection:
    """Which rules run: ``select``/``ignore`` layers over the policy's own.

    Layers apply in precedence order: policy file < environment (``env_*``) < command
    line. A layer's ``select`` replaces the rules chosen below it; its ``ignore`` removes
    rules. An ignore from a lower layer is carried over a higher ``select`` unless that
    select names the rule at least as specifically (as ruff does): a policy that ignores
    PS104 keeps it ignored under ``--select PS1``, but ``--select PS104`` brings it back.
    Without this, a narrow command-line select would silently undo the repository's
    deliberate ignores, or could never override them.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    env_select: tuple[str, ...] = ()
    env_ignore: tuple[str, ...] = ()

    def enabled(self, policy: Policy) -> set[str]:
        codes = set(BY_CODE)
        ignored: dict[str, int] = {}  # code -> specificity of the selector that ignored it
        for select, ignore in (
            (policy.select, policy.ignore),
            (self.env_select, self.env_ignore),
            (self.select, self.ignore),
        ):
            if select:
                chosen = _specificity(select)
                ignored = {c: s for c, s in ignored.items() if chosen.get(c, -1) < s}
                codes = set(chosen)
            for c, s in _specificity(ignore).items():
                ignored[c] = max(ignored.get(c, -1), s)
        return codes - set(ignored)


def _specificity(items: tuple[str, ...]) -> dict[str, int]:
    """Codes chosen by ``items``, each with how specific its most specific selector is.

    A code or rule name is the most specific (100), ``ALL`` the least (0), a prefix such
    as ``PS2`` counts its length. Unknown selectors raise KeyError (reported as exit 2).
    """
    out: dict[str, int] = {}
    for item in items:
        key = item.strip()
        if not key:
            continue
        codes = resolve_codes((key,))
        if key.upper() == "ALL":
            spec = 0
        elif len(codes) == 1 and (key.upper() in BY_CODE or key.lower() in ALIASES):
            spec = 100
        else:
            spec = len(key)
        for c in codes:
            out[c] = max(out.get(c, -1), spec)
    return out


_RULE_INSTANCES: dict[str, Rule] = {}


def _rules(enabled: set[str]) -> list[Rule]:
    out = []
    for cls in ALL_RULES:
        if cls.code in enabled:
            if cls.code not in _RULE_INSTANCES:
                _RULE_INSTANCES[cls.code] = cls()
            out.append(_RULE_INSTANCES[cls.code])
    return out


def lintable(doc: Document) -> bool:
    """Whether any rule could find anything in ``doc``: rules read only these."""
    return bool(doc.settings or doc.sites or doc.comments or doc.problems)


def lint(
    doc: Document,
    ctx: Context,
    enabled: set[str],
    suppressed_out: list[tuple[Finding, str]] | None = None,
) -> list[Finding]:
    """All findings for one parsed document, suppressions applied, strings redacted.

    Suppressed findings are dropped, or, when ``suppressed_out`` is given, put
    there with the suppression's reason (the report lists them as accepted).
    """
    if not lintable(doc):
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
            sup = suppressed(sups, rule.code, line)
            if sup is not None and suppressed_out is None:
                continue
            end_line, end_col = lines.line_col(v.span.end)
            finding = Finding(
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
                v.fix.applicability if v.fix and doc.fixable else None,
                v.fix if doc.fixable else None,  # a file that failed to parse is not edited
                v.span,
            )
            if sup is not None and suppressed_out is not None:
                suppressed_out.append((finding, redact(sup.reason)))
            else:
                out.append(finding)
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


def read(cand: Candidate) -> FileResult:
    """Read one file up to the parser (:func:`_parse_read` is the rest): a problem becomes
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


def _parse_read(r: FileResult) -> Document:
    """Parse a file :func:`read` left unparsed (in a worker process on a large tree)."""
    assert r.original is not None
    doc = parse_safely(r.kind, r.original, r.path)
    if r.kind == FileKind.PIPCONF and r.decoded is not None and r.decoded.bom:
        # pip reads config files in the locale encoding and keeps the BOM as a character:
        # "File contains no section headers", and the whole file is ignored
        doc.problems.append(ParseProblem(0, _PIPCONF_BOM, blocks_fix=False))
    return doc


_PIPCONF_BOM = (
    "byte order mark before the first section: pip cannot read this file "
    '("File contains no section headers"); save it without a BOM'
)


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
        doc.problems.append(
            ParseProblem(
                0, f"internal error while parsing ({type(exc).__name__}); file not checked"
            )
        )
        return doc


# --- running ------------------------------------------------------------------


def collect(
    paths: list[str],
    policy: Policy,
    exclude: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> tuple[str, list[FileResult], list[Skipped]]:
    root = _root_for(paths)
    cands, skipped = discover(paths, root, (*policy.exclude, *exclude))
    git_root.cache_clear()  # shared by this run's steps only: a later run asks git again
    files = []
    for i, c in enumerate(cands, 1):
        files.append(read(c))
        if progress is not None:
            progress("reading", i, len(cands))
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


class RepositoryContext:
    """The rest of the repository, read only as far as a rule asks for it.

    pre-commit passes just the files of a commit, but some facts belong to the whole
    repository: the files a named file refers to (`pip install -r requirements.txt`,
    `COPY pip.conf`), which decide PS104, and the dominant index that PS105 measures against
    in consistency mode. So when explicit files are given inside a git work tree, the rules'
    `Context` can reach the other files of the repository: a referenced file is read on its
    own when a rule looks it up, and the whole repository (`git ls-files`, the same discovery
    and excludes as a full run) only when the dominant index is needed. Only files whose
    bytes hold an index word are parsed; none of them gets findings or is ever written. A
    pre-commit run with a policy index therefore reads one or two extra files, not the tree.
    """

    def __init__(self, root: str, named: set[str], exclude: tuple[str, ...]) -> None:
        self.root = root
        self.root_real = os.path.realpath(root)
        self.named = named
        self.exclude = exclude
        self._docs: dict[str, Document | None] = {}
        self._complete = False

    def get(self, rel: str) -> Document | None:
        """The context document at ``rel`` (a posix path relative to the root), if any."""
        if rel in self.named:
            return None
        if rel not in self._docs and not self._complete:
            self._docs[rel] = self._load(rel)
        return self._docs.get(rel)

    def _load(self, rel: str) -> Document | None:
        if rel.startswith(("/", "../")) or rel == ".." or excluded(rel, self.exclude):
            return None
        real = os.path.join(self.root, *rel.split("/"))
        resolved = os.path.realpath(real)
        if not resolved.startswith(self.root_real + os.sep) or not os.path.isfile(real):
            return None  # never read through a link out of the repository
        kind = classify(rel)
        return _context_doc(Candidate(rel, real, kind)) if kind is not None else None

    def documents(self) -> list[Document]:
        """Every context document of the repository (read once, on first use)."""
        if not self._complete:
            cands, _ = discover([self.root], self.root, self.exclude)
            for cand in cands:
                if cand.path not in self.named and cand.path not in self._docs:
                    self._docs[cand.path] = _context_doc(cand)
            self._complete = True
        return self.loaded

    @property
    def loaded(self) -> list[Document]:
        """The context documents read so far."""
        return [d for d in self._docs.values() if d is not None]


def repository_context(
    paths: list[str], root: str, files: list[FileResult], exclude: tuple[str, ...]
) -> RepositoryContext | None:
    """A lazy view of the rest of the repository when file paths are given (see
    :class:`RepositoryContext`); None for directory targets or outside a git work tree."""
    if not any(os.path.isfile(p) for p in paths):
        return None  # directories only: the context is what the user named
    top = work_tree_of(root)  # stat calls, not a git process: pre-commit names a few files
    if top is None or os.path.realpath(top) != os.path.realpath(root):
        return None
    return RepositoryContext(top, {r.path for r in files}, exclude)


def _context_doc(cand: Candidate) -> Document | None:
    """A context-only document, read as any checked file is (same encodings and limits);
    problems reading it are reported when it is checked itself."""
    r = read(cand)
    if r.doc is not None or r.original is None or not _INDEX_WORDS.search(r.original):
        return None  # unreadable, undecodable, or nothing a rule could use
    return _parse_read(r)


def make_context(
    files: list[FileResult],
    policy: Policy,
    cli_index: bool,
    repository: RepositoryContext | None = None,
) -> Context:
    """The shared context: the checked files, and the rest of the repository if given."""
    docs = {r.path: r.doc for r in files if r.doc is not None}
    return Context(policy, docs, cli_index=cli_index, repository=repository)


def check(
    paths: list[str],
    policy: Policy,
    selection: Selection | None = None,
    *,
    cli_index: bool = False,
    exclude: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> RunResult:
    root, files, skipped = collect(paths, policy, exclude, progress)
    repository = repository_context(paths, root, files, (*policy.exclude, *exclude))
    ctx = make_context(files, policy, cli_index, repository)
    _lint_all(files, ctx, (selection or Selection()).enabled(policy), progress)
    return RunResult(root, policy, files, skipped, repository=repository)


def _lint_all(
    files: list[FileResult], ctx: Context, enabled: set[str], progress: Progress | None = None
) -> None:
    for i, r in enumerate(files, 1):
        if r.doc is not None:
            r.suppressed = []
            r.findings = _with_line_hint(r, lint(r.doc, ctx, enabled, r.suppressed))
        if progress is not None:
            progress("checking", i, len(files))


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
    progress: Progress | None = None,
) -> RunResult:
    root, files, skipped = collect(paths, policy, exclude, progress)
    repository = repository_context(paths, root, files, (*policy.exclude, *exclude))
    ctx = make_context(files, policy, cli_index, repository)
    enabled = (selection or Selection()).enabled(policy)
    final: list[tuple[FileResult, list[Finding] | None]] = []
    changed_at: dict[str, int] = {}  # path -> its place in `final`, for files fix changed
    if write:
        from pipsrc.writing import Writer  # only a fix that writes needs it

        writer: Writer | None = Writer()
    else:
        writer = None
    try:
        speculated = _speculate(files, ctx, enabled, unsafe, writer)
        # paths a speculation changed: a file that read one of them is fixed again here
        touched = {r.path for r, sp in zip(files, speculated, strict=True) if sp and sp.fixed}
        for n, (r, sp) in enumerate(zip(files, speculated, strict=True), 1):
            if progress is not None:
                progress("fixing", n, len(files))
            if r.doc is None:
                continue
            staged = None
            if sp is not None and not any(p in touched or p in changed_at for p in sp.lookups):
                last = sp.adopt(r, ctx)
                staged = sp.staged
            else:
                if sp is not None and sp.staged is not None and writer is not None:
                    writer.drop(sp.staged)
                last = _fix_loop(r, ctx, enabled, unsafe)
            final.append((r, last))
            if r.changed:
                changed_at[r.path] = len(final) - 1
                if writer is not None:
                    writer.submit(r, staged)  # its text is final (checked to encode back exactly)
        # Findings against the final state of every file. The fix loop's last lint already
        # is that for a file, unless the file reads another file's settings (-r, a copied
        # pip.conf) that fix changed after that lint: only those are linted again.
        for i, (r, last) in enumerate(final):
            assert r.doc is not None
            if last is None or _reads_changed(r.doc, ctx, changed_at, i):
                r.suppressed = []
                last = lint(r.doc, ctx, enabled, r.suppressed)
            r.findings = _with_line_hint(r, last)
            if progress is not None:
                progress("checking", i + 1, len(final))
    except BaseException:
        if writer is not None:
            writer.abort()  # a run that stops early changes nothing: no file, no temp file
        raise
    if writer is not None:
        writer.close()  # only a run that got this far writes anything
    mode = "fix" if write else "diff"
    return RunResult(root, policy, files, skipped, mode=mode, repository=repository)


@record
class _Speculation:
    """A file's fix loop run in a worker process against the unfixed repository.

    Sequentially, each file is fixed seeing the files before it already fixed. A
    speculation saw every other file unfixed, so it is adopted only if it read no file
    that any fix changes (``lookups``: what :meth:`Context.find_file` returned to it);
    otherwise the file is fixed again, in order, in the parent. The result is the
    sequential one either way.
    """

    findings: list[Finding] | None
    suppressed: list[tuple[Finding, str]]
    lookups: set[str]
    error: str | None
    fixed: str | None = None  # with doc and changes, when the fix changed the file
    doc: Document | None = None
    changes: list[Change] = field(default_factory=list)
    # the fixed file already staged (speculations run by the parent process only)
    staged: Pending | None = field(default=None, repr=False, compare=False)

    def adopt(self, r: FileResult, ctx: Context) -> list[Finding] | None:
        r.suppressed, r.error = self.suppressed, self.error
        if self.fixed is not None and self.doc is not None:
            r.fixed, r.doc, r.changes = self.fixed, self.doc, self.changes
            ctx.docs[r.path] = self.doc
        return self.findings


# below this many files to fix, a worker process costs more than it saves
MIN_SPECULATE = 200


def _speculate(
    files: list[FileResult],
    ctx: Context,
    enabled: set[str],
    unsafe: bool,
    writer: Writer | None = None,
) -> list[_Speculation | None]:
    """Every file's fix loop on all cores (:func:`pipsrc.parallel.map_files`), each
    against the unfixed repository; all None for a small run or a single process.

    The parent process, once it has forked its workers, stages the files its own share
    changes as it goes (``writer``): the disk works while the processes compute. A
    speculation that is not adopted has its staged file discarded.
    """
    # a file with nothing to lint costs nothing to fix in order: not worth sending back
    todo = [i for i, r in enumerate(files) if r.doc is not None and lintable(r.doc)]
    out: list[_Speculation | None] = [None] * len(files)
    if jobs() <= 1 or len(todo) < MIN_SPECULATE or not can_fork():
        return out
    if not ctx.policy.index:
        _ = ctx.dominant_index  # of the unfixed repository, as the first sequential lint sees

    parent = os.getpid()
    from pipsrc.writing import encode

    def one(i: int) -> _Speculation:
        # on a copy, and the repository put back: this runs in the parent too (its share)
        original = files[i]
        r = replace(original, findings=[], changes=[], suppressed=[])
        ctx.lookups = set()
        try:
            findings = _fix_loop(r, ctx, enabled, unsafe)
            sp = _Speculation(findings, r.suppressed, ctx.lookups, r.error)
        finally:
            ctx.lookups = None
            ctx.docs[r.path] = original.doc  # type: ignore[assignment]
        if r.doc is not original.doc and r.fixed is not None:
            sp.fixed, sp.doc, sp.changes = r.fixed, r.doc, r.changes
            if writer is not None and os.getpid() == parent and r.changed:
                data = encode(r)
                if isinstance(data, bytes):
                    sp.staged = writer.prestage(r.real, data, r.stamp)
        return sp

    for i, sp in zip(todo, map_files(one, todo), strict=True):
        out[i] = sp
    return out


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
    # only fix runs need these (fewer dataclasses to build at start-up)
    from pipsrc.edits import PositionMap, apply_fixes

    doc = r.doc
    assert doc is not None
    if not doc.fixable or r.decoded is None:
        return None
    maps: list[PositionMap] = []
    # change, its pass, offset in that pass's text, the edit's start
    pending: list[tuple[Change, int, int, int]] = []
    findings: list[Finding] | None = None
    for _ in range(MAX_PASSES):
        r.suppressed = []
        findings = lint(doc, ctx, enabled, r.suppressed)
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
        pmap = PositionMap.of(e for fx in applied.applied for e in fx.edits)
        for fx in applied.applied:
            code = by_fix[fx].code
            for e in fx.edits:
                change, at = _describe(doc, r.path, code, e)
                pending.append((change, len(maps), at, e.start))
        maps.append(pmap)
        doc = new_doc
        ctx.docs[r.path] = doc
    else:
        r.error = (
            f"fixes did not converge after {MAX_PASSES} passes; changes kept up to the last one"
        )
        findings = None  # those of the text before the last pass
    _locate_changes(r, pending, maps, doc)
    if doc.text != r.original:
        r.fixed = doc.text
        r.doc = doc
    return findings


def _describe(doc: Document, path: str, code: str, e: Edit) -> tuple[Change, int]:
    """A redacted Change for one edit, and the offset that names its line.

    The line is that of the setting the edit touches (a removal that starts
    with the previous line's continuation still belongs to its own line).
    """
    before = doc.text[e.start : e.end]
    action = "add" if not before else ("remove" if not e.replacement else "replace")
    edit_span = Span(e.start, e.end)
    target = None
    for s in doc.settings:
        if s.removal == edit_span or (
            s.span.start < max(e.end, e.start + 1) and e.start < max(s.span.end, s.span.start + 1)
        ):
            target = s
            break
    if target is not None:
        at = max(target.span.start, e.start) if action == "replace" else target.span.start
    else:
        stripped = len(before) - len(before.lstrip(" \t\\\r\n"))
        at = e.start + stripped
    setting = target.kind.value if target is not None else ""
    return Change(path, code, 0, redact(before), redact(e.replacement), 0, setting, action), at


def _locate_changes(
    r: FileResult,
    pending: list[tuple[Change, int, int, int]],
    maps: list[PositionMap],
    final_doc: Document,
) -> None:
    """Give each change its line in the original file and in the fixed one (and an
    insertion the kind of the setting it added, found in the fixed document)."""
    if not pending:
        return  # most files: nothing changed, no line index to build
    final = final_doc.text
    original = LineIndex(r.original or "")
    fixed = LineIndex(final)
    for change, n, at, start in pending:
        old = at
        for pmap in reversed(maps[:n]):
            old = pmap.backward(old)
        if change.action == "add":  # forward() would put it after what was inserted there
            new = next(ns for os_, oe, ns, _ in maps[n].spans if os_ == oe == start)
            new += len(change.after) - len(change.after.lstrip(" \t\\\r\n"))
        else:
            new = maps[n].forward(at)
        for pmap in maps[n + 1 :]:
            new = pmap.forward(new)
        if change.action == "add" and not change.setting:
            end = new + len(change.after)
            added = [x for x in final_doc.settings if new <= x.span.start < end]
            change.setting = added[0].kind.value if added else ""
        change.line = original.line_col(old)[0]
        change.new_line = fixed.line_col(min(new, len(final)))[0]
        r.changes.append(change)
