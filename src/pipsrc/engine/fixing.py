"""The fix loop: texts in; new texts, changes and findings out; nothing shared is written.

Each file is fixed in passes: lint, apply the wanted fixes (:func:`pipsrc.edits.apply_fixes`),
parse the result again and check that it still means what it meant
(:func:`pipsrc.engine.meaning.why_not`: its shell programs parse, its instructions are the
same, no ``pip config unset`` lost its ``set``, no compose list was emptied), until nothing is
left to apply (at most :data:`MAX_PASSES`). A fix that fails the check is withheld, alone:
its finding stays, saying why, and the other fixes go ahead. A file's
lints see the other files as they were when the round began (:meth:`Context.overlay`), so no
result depends on the order files are fixed in. A fix may change a file that other files read
(the requirements file of a ``pip install -r``, a copied ``pip.conf``): those files are fixed
again in the next round, against the changed one, until a round changes nothing (at most
:data:`MAX_ROUNDS`). The loop's findings are therefore those of the final texts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipsrc.compat import zip_strict
from pipsrc.context import Context
from pipsrc.engine.linting import lint, lintable
from pipsrc.engine.reading import Progress, parse_safely
from pipsrc.engine.results import Change, FileResult, Finding
from pipsrc.model import Applicability, Document, Edit, Fix, Span
from pipsrc.parallel import map_files
from pipsrc.records import field, record
from pipsrc.redaction import redact
from pipsrc.textio import LineIndex

if TYPE_CHECKING:
    from pipsrc.edits import Applied, PositionMap

MAX_PASSES = 10
MAX_ROUNDS = 10

# a fix, by what it does in the text of its pass: (code, title, edits)
FixKey = tuple[str, str, tuple[tuple[int, int, str], ...]]


def wanted(fix_: Fix, unsafe: bool) -> bool:
    return fix_.applicability == Applicability.SAFE or (
        unsafe and fix_.applicability == Applicability.UNSAFE
    )


def fix_key(code: str, fix_: Fix) -> FixKey:
    return code, fix_.title, tuple(sorted((e.start, e.end, e.replacement) for e in fix_.edits))


@record
class FileFix:
    """One file's fix in progress: its document as read, as now, and the edits between."""

    original: Document
    doc: Document
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[tuple[Finding, str]] = field(default_factory=list)
    error: str | None = None
    maps: list[PositionMap] = field(default_factory=list)  # one per applied pass
    # change, its pass, offset in that pass's text, the edit's start and end
    pending: list[tuple[Change, int, int, int, int]] = field(default_factory=list)
    # fixes the meaning check refused, in the current text's offsets, and why
    withheld: dict[FixKey, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.doc is not self.original

    def run(self, view: Context, enabled: set[str], unsafe: bool) -> bool:
        """Fix this file against ``view`` (the other files); whether its text changed."""
        start = self.doc
        for _ in range(MAX_PASSES):
            self._lint(view, enabled)
            if not self.doc.fixable or self.error:
                break
            by_fix = {
                f.fix: f
                for f in self.findings
                if f.fix and wanted(f.fix, unsafe) and fix_key(f.code, f.fix) not in self.withheld
            }
            withheld = len(self.withheld)
            done = self._apply(by_fix) if by_fix else None
            if done is None:
                if len(self.withheld) > withheld:
                    self._lint(view, enabled)  # the findings say why their fix was withheld
                break
            self._record(*done, by_fix)
        else:
            self.error = (
                f"fixes did not converge after {MAX_PASSES} passes; changes kept up to the last one"
            )
            self._lint(view, enabled)
        return self.doc is not start

    def _apply(self, by_fix: dict[Fix, Finding]) -> tuple[Applied, Document] | None:
        """Apply the fixes that keep the file's meaning (:mod:`pipsrc.engine.meaning`); the
        others are withheld, each with why. None when nothing is left to apply."""
        from pipsrc.edits import apply_fixes

        done = self._try(apply_fixes(self.doc.text, by_fix))
        if not isinstance(done, str):
            return done
        applied = apply_fixes(self.doc.text, by_fix).applied
        for fx in applied:  # which fix is it? each one alone
            why = self._try(apply_fixes(self.doc.text, [fx]))
            if isinstance(why, str):
                self.withheld[fix_key(by_fix[fx].code, fx)] = why
        kept: list[Fix] = []
        for fx in applied:  # the rest, one at a time: together they may still clash
            if fix_key(by_fix[fx].code, fx) in self.withheld:
                continue
            if isinstance(self._try(apply_fixes(self.doc.text, [*kept, fx])), tuple):
                kept.append(fx)
        result = self._try(apply_fixes(self.doc.text, kept)) if kept else None
        return result if isinstance(result, tuple) else None

    def _try(self, applied: Applied) -> tuple[Applied, Document] | str | None:
        """The applied fixes and the new document, or why the new text may not be kept
        (None: it changes nothing)."""
        from pipsrc.engine.meaning import why_not

        if not applied.applied or applied.text == self.doc.text:
            return None
        new_doc = parse_safely(self.doc.kind, applied.text, self.doc.path)
        why = why_not(self.doc, new_doc)
        return why if why is not None else (applied, new_doc)

    def _lint(self, view: Context, enabled: set[str]) -> None:
        self.suppressed = []
        ctx = view.overlay({self.doc.path: self.doc})
        self.findings = lint(self.doc, ctx, enabled, self.suppressed)
        if self.withheld:
            for f in self.findings:
                why = self.withheld.get(fix_key(f.code, f.fix)) if f.fix else None
                if why is not None:
                    f.message += f" (fix withheld: {redact(why)})"
                    f.fix, f.applicability = None, None

    def _record(self, applied: Applied, new_doc: Document, by_fix: dict[Fix, Finding]) -> None:
        from pipsrc.edits import PositionMap

        for fx in applied.applied:
            for e in fx.edits:
                change, at = describe(self.doc, self.doc.path, by_fix[fx].code, e)
                self.pending.append((change, len(self.maps), at, e.start, e.end))
        pmap = PositionMap.of(e for fx in applied.applied for e in fx.edits)
        self.maps.append(pmap)
        self.withheld = carry_withheld(self.withheld, pmap)
        self.doc = new_doc

    def changes(self) -> list[Change]:
        """The applied edits, each with its line before and after the fix."""
        return locate_changes(self.original.text, self.pending, self.maps, self.doc)


def fix_all(
    files: list[FileResult],
    ctx: Context,
    enabled: set[str],
    unsafe: bool,
    progress: Progress | None = None,
) -> dict[str, FileFix]:
    """Fix every file (see the module's docstring); the results by path."""
    if not ctx.policy.index:
        _ = ctx.dominant_index  # of the files as read, whatever a fix does to them
    fixes = {r.path: FileFix(r.doc, r.doc) for r in files if r.doc is not None}
    # a file whose text did not come from its bytes (undecodable) has nothing to fix
    editable = {r.path for r in files if r.decoded is not None}
    todo = []
    for path, ff in fixes.items():
        if lintable(ff.doc) and path in editable:
            todo.append(path)
        else:
            ff.findings = lint(ff.doc, ctx, enabled, ff.suppressed)
    snapshot: dict[str, Document] = {}
    for _ in range(MAX_ROUNDS):
        view = ctx.overlay(snapshot)
        changed = _round(fixes, todo, view, enabled, unsafe)
        if progress is not None:
            for n in range(1, len(todo) + 1):
                progress("fixing", n, len(todo))
        if not changed:
            break
        snapshot = {**snapshot, **changed}
        view = ctx.overlay(snapshot)
        todo = [p for p, ff in fixes.items() if reads_any(ff.doc, set(changed), view)]
    return fixes


def _round(
    fixes: dict[str, FileFix], todo: list[str], view: Context, enabled: set[str], unsafe: bool
) -> dict[str, Document]:
    """Fix each file of ``todo`` against ``view``; the new documents of those that changed.

    A file's fix reads the other files only through ``view``, which no fix changes, so
    the files of a large round are shared out to worker processes (:mod:`pipsrc.parallel`)
    like parsing is: each worker sends back the :class:`FileFix` it advanced, which takes
    the place of the one it started from. The result is the same as one process's."""

    def advance(path: str) -> tuple[FileFix, bool]:
        ff = fixes[path]
        return ff, ff.run(view, enabled, unsafe)

    changed: dict[str, Document] = {}
    for path, (ff, moved) in zip_strict(todo, map_files(advance, todo)):
        fixes[path] = ff
        if moved:
            changed[path] = ff.doc
    return changed


def carry_withheld(withheld: dict[FixKey, str], pmap: PositionMap) -> dict[FixKey, str]:
    """The withheld fixes in the next pass's text (a fix whose text a pass changed is
    forgotten: the rule that made it will say what it wants now)."""
    out: dict[FixKey, str] = {}
    for (code, title, edits), why in withheld.items():
        moved = []
        for start, end, replacement in edits:
            new_start, new_end = pmap.forward(start), pmap.forward(end)
            if new_end - new_start != end - start:
                break
            moved.append((new_start, new_end, replacement))
        else:
            out[(code, title, tuple(moved))] = why
    return out


def reads_any(doc: Document, paths: set[str], ctx: Context) -> bool:
    """Whether linting ``doc`` reads one of ``paths``: the requirements files of its
    install sites, the pip.conf files of its scopes and the Dockerfiles its compose build
    args feed (:meth:`Context.find_file`)."""
    names = [n for site in doc.sites for n in site.requirement_files]
    names += [n for scope in doc.scopes for n in scope.config_files]
    names += [arg.dockerfile for arg in doc.build_args]
    for name in names:
        ref = ctx.find_file(doc, name)
        if ref is not None and ref.path in paths:
            return True
    return False


def describe(doc: Document, path: str, code: str, e: Edit) -> tuple[Change, int]:
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


def locate_changes(
    original_text: str,
    pending: list[tuple[Change, int, int, int, int]],
    maps: list[PositionMap],
    final_doc: Document,
) -> list[Change]:
    """Give each change its line in the original file and in the fixed one (and an
    insertion the kind of the setting it added, found in the fixed document)."""
    out: list[Change] = []
    if not pending:
        return out  # most files: nothing changed, no line index to build
    final = final_doc.text
    original = LineIndex(original_text)
    fixed = LineIndex(final)
    for change, n, at, start, end in pending:
        old, a, b = at, start, end
        for pmap in reversed(maps[:n]):
            old = pmap.backward(old)
            a, b = pmap.backward(a), pmap.backward_end(b)
        if n and change.action != "add" and a < b:
            # a later pass: what it replaced is named as the file had it before the fix
            change.before = redact(original_text[a:b])
        if change.action == "add":  # forward() would put it after what was inserted there
            new = next(ns for os_, oe, ns, _ in maps[n].spans if os_ == oe == start)
            new += len(change.after) - len(change.after.lstrip(" \t\\\r\n"))
        else:
            new = maps[n].forward(at)
        written = len(change.after) if change.action != "add" else 0
        gone = False
        for pmap in maps[n + 1 :]:
            # a later pass replaced or removed what this one wrote: that one is reported
            gone = gone or pmap.swallows(new, new + written)
            new = pmap.forward(new)
        if gone:
            continue
        if change.action == "add" and not change.setting:
            end = new + len(change.after)
            added = [x for x in final_doc.settings if new <= x.span.start < end]
            change.setting = added[0].kind.value if added else ""
        change.line = original.line_col(old)[0]
        change.new_line = fixed.line_col(min(new, len(final)))[0]
        out.append(change)
    return out
