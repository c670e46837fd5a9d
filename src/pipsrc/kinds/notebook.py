"""Jupyter notebooks (``*.ipynb``): the shell lines and ``%env`` magics of code cells.

A notebook is JSON; :mod:`json` says whether it is valid and :mod:`pipsrc.syntax.jsonspans`
where each code cell's source strings are. The cell's source is the concatenation of their
decoded values, mapped back to the file character by character (an escape maps to its
backslash). IPython runs these lines of a code cell outside Python, and they are read here:

- ``!cmd`` (``!!cmd``, ``x = !cmd``): a shell of its own runs ``cmd`` (its exports end
  with it; what ``pip config set`` writes stays, for the later cells). A line ending with
  ``\\`` continues on the next, as IPython joins them;
- ``%pip ...``, ``%conda ...`` (``%mamba``, ``%uv``): the same command run by the kernel;
- ``%env NAME=value`` (or ``%env NAME value``): the kernel's environment, from that line on,
  for every later command (``Method.NOTEBOOK_ENV``); the value is taken as written;
- a cell starting with ``%%bash``, ``%%sh`` or ``%%script bash``: one shell script.

``{expr}`` in these lines is a Python expression IPython substitutes: an unresolved value.
Every other line is Python and is not read (a ``#`` line is a comment, for suppressions).
Cells run top to bottom. An edit inside a string literal is kept only where decoding the
edited literal gives the source with the same edit (:class:`_JsonChecker`), and its text
is escaped for JSON (:func:`adapt_edits`); a line is removed or added as a whole list item
where the source is a list of lines, so the JSON outside the edited string stays
byte-identical. The fix loop also checks that only cell sources changed
(:func:`why_not`).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterable

from pipsrc.kinds import shell
from pipsrc.kinds.scriptcheck import EditChecker
from pipsrc.model import (
    Comment,
    Document,
    Edit,
    Insertion,
    Method,
    ParseProblem,
    Scope,
    Span,
)
from pipsrc.syntax import jsonspans
from pipsrc.syntax.emit import Ctx, emit_env
from pipsrc.syntax.words import Resolved, Resolver, SegMap, VarDef
from pipsrc.textio import LineIndex
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR, URL_KINDS

KIND = "notebook"
# a line IPython hands to a shell: its indentation, then the command's first character
_BANG = re.compile(r"[ \t]*(?:[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*)?!!?")
_LINE_MAGIC = re.compile(r"[ \t]*%(?=(?:pip|conda|mamba|micromamba|uv)(?:[ \t]|$))")
_ENV_MAGIC = re.compile(r"[ \t]*%env[ \t]+")
_SHELL_CELL = re.compile(r"%%(?:bash|sh|script[ \t]+(?:/usr)?(?:/bin/)?(?:ba)?sh)[ \t]*(?:\n|$)")
_COMMENT = re.compile(r"[ \t]*#")
# ``{expr}``: substituted by IPython (``${VAR}`` is the shell's)
_PY_EXPR = re.compile(r"(?<![$\\{])\{[^{}\n]+\}")
# what starts an insertion that ends the last line of a source list and adds an item after
NEW_LAST = '\\n",'
_PERSISTED = frozenset({Method.PIP_CONFIG, Method.PIP_CONF})


def prepare() -> None:
    shell.prepare()


def parse(text: str, path: str) -> Document:
    doc = Document(path, KIND, text)
    doc.scopes.append(Scope("file", 0, len(text), ordered=True))
    try:
        nb = json.loads(text)
    except ValueError as exc:
        at = getattr(exc, "pos", 0)
        message = getattr(exc, "msg", str(exc))
        doc.problems.append(ParseProblem(at, f"not valid JSON ({message}): notebook not read"))
        return doc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        doc.problems.append(ParseProblem(0, "not a Jupyter notebook (no list of cells)"))
        return doc
    if not _python(nb):
        return doc
    located = jsonspans.cells(text)
    if len(located) != len(nb["cells"]):
        doc.problems.append(ParseProblem(0, "the cells of the notebook could not be located"))
        return doc
    env: dict[str, VarDef] = {}
    lines = LineIndex(text)  # scope names carry the line: one index, not a count per command
    for n, cell in enumerate(located):
        obj = nb["cells"][n]
        if cell.cell_type == "code" and isinstance(obj, dict):
            _Cell(doc, cell, n, env, lines).read(obj.get("source"))
    return doc


def _python(nb: dict[str, object]) -> bool:
    """Whether the kernel is Python's (IPython reads ``!`` and ``%``); unknown counts as yes."""
    meta = nb.get("metadata")
    if not isinstance(meta, dict):
        return True
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        table = meta.get(key)
        lang = table.get(field) if isinstance(table, dict) else None
        if isinstance(lang, str) and lang.lower() not in ("python", "python3", "ipython"):
            return False
    return True


class _Cell:
    """One code cell: its decoded source, mapped to the file, read line by line."""

    def __init__(
        self, doc: Document, cell: jsonspans.Cell, n: int, env: dict[str, VarDef], lines: LineIndex
    ) -> None:
        self.doc, self.cell, self.n, self.env, self.lines = doc, cell, n, env, lines
        parts: list[str] = []
        segs: list[tuple[int, int, int]] = []
        # per string literal: (logical start in the source, literal start, literal end)
        self.items: list[tuple[int, int, int]] = []
        size = 0
        for a, b in cell.strings:
            value, vsegs = jsonspans.decode(doc.text, a, b)
            self.items.append((size, a, b))
            segs.extend((log + size, f, k) for log, f, k in vsegs)
            parts.append(value)
            size += len(value)
        self.source = "".join(parts)
        self.segs = segs
        self.map = SegMap(segs)

    def read(self, parsed: object) -> None:
        expected = "".join(parsed) if isinstance(parsed, list) else parsed
        if expected != self.source:
            at = self.cell.strings[0][0] if self.cell.strings else 0
            self.doc.problems.append(ParseProblem(at, "a cell's source could not be located"))
            return
        src = self.source
        m = _SHELL_CELL.match(src)
        if m is not None:
            self._command(m.end(), len(src))
            return
        pos = 0
        while pos < len(src):
            end = self._line_end(pos)
            pos = self._line(pos, end)

    def _line_end(self, pos: int) -> int:
        end = self.source.find("\n", pos)
        return len(self.source) if end == -1 else end

    def _line(self, a: int, b: int) -> int:
        """Read the line ``a..b``; the offset of the next line to read."""
        line = self.source[a:b]
        head = _BANG.match(line) or _LINE_MAGIC.match(line)
        if head is not None:
            end = b
            while end < len(self.source) and self.source[a:end].endswith("\\"):
                end = self._line_end(end + 1)  # IPython joins a command's continued lines
            if end > a + head.end():
                self._command(a + head.end(), end)
            return end + 1
        env = _ENV_MAGIC.match(line)
        if env is not None:
            self._env(a, a + env.end(), b)
        elif _COMMENT.match(line):
            self._comment(a + line.index("#"), b)
        return b + 1

    # -- shell lines -------------------------------------------------------------------

    def _command(self, a: int, b: int) -> None:
        """The shell command (or ``%%bash`` script) ``source[a:b]``, in a scope of its own."""
        doc = self.doc
        logical = _PY_EXPR.sub(_unresolved, self.source[a:b])
        segmap = _narrow(self.segs, a, b)
        fa, fb = self.map.orig(a), self._file_end(b)
        line = self.lines.line_col(fa)[0]
        sid = f"cell:{self.n + 1}@{line}"
        k = 2
        while doc.scope(sid) is not None:
            sid, k = f"cell:{self.n + 1}@{line}:{k}", k + 1
        scope = Scope(sid, fa, max(fa, fb), parent="file")
        doc.scopes.append(scope)
        first = len(doc.settings)
        shell.analyze(doc, logical, segmap, dict(self.env), scope, nested=True)
        # the literals the command is written in (a list's lines: one, or a few continued)
        checkers = [self._checker(i) for i in range(len(self.items)) if self._meets(i, a, b)]
        for s in doc.settings[first:]:
            for checker in checkers:
                checker.check(s)
            if s.method in _PERSISTED and s.scope == sid and s.site is None:
                s.scope = "file"  # a configuration file stays written for the later cells
        doc.unsets[:] = [("file" if sc == sid else sc, key, at) for sc, key, at in doc.unsets]

    def _meets(self, i: int, a: int, b: int) -> bool:
        start = self.items[i][0]
        stop = self.items[i + 1][0] if i + 1 < len(self.items) else len(self.source)
        return start <= b and a <= stop

    def _checker(self, i: int) -> _JsonChecker:
        start, a, b = self.items[i]
        stop = self.items[i + 1][0] if i + 1 < len(self.items) else len(self.source)
        value = self.source[start:stop]
        return _JsonChecker(self.doc.text, a + 1, b - 1, value, _narrow(self.segs, start, stop))

    def _file_end(self, b: int) -> int:
        """The file offset just after logical character ``b - 1`` (an escape included)."""
        if not self.items:
            return 0
        if b >= len(self.source):
            return self.items[-1][2] - 1
        k = bisect.bisect_right([s for s, _a, _b in self.items], b) - 1
        if k > 0 and self.items[k][0] == b:
            return self.items[k - 1][2] - 1  # the literal before this one ends there
        return self.map.orig(b)

    # -- %env and comments -------------------------------------------------------------

    def _env(self, a: int, v: int, b: int) -> None:
        """``%env NAME=value`` or ``%env NAME value`` (``v``: where NAME starts)."""
        param = self.source[v:b]
        sep = "=" if "=" in param else " "
        if sep not in param:
            return  # `%env NAME` shows a value
        key, rest = param.split(sep, 1)
        name = key.strip()
        lead = len(rest) - len(rest.lstrip())
        value = rest.strip()
        va = v + len(key) + 1 + lead
        vb = va + len(value)
        span, contiguous = self.map.span(va, vb)
        if vb == va:
            span = Span(self.map.orig(va), self.map.orig(va))
        raw = self.doc.text[span.start : span.end]
        dynamic = _PY_EXPR.search(value) is not None or "$" in value
        exact = contiguous and raw == value and not dynamic
        self.env[name] = VarDef(None if dynamic else value, span if exact else None, exact, True)
        if name not in ENV_VARS:
            return
        ctx = Ctx(self.doc, Resolver(self.doc.text, SegMap([]), {}, ""), "file")
        spec = ENV_VARS[name]
        sibling = None
        if spec.kind in URL_KINDS and spec.tool in TRUSTED_VAR:
            sibling = self._line_after(a, b, f"%env {TRUSTED_VAR[spec.tool]}={{value}}")
        res = Resolved(None if dynamic else value, raw, span, exact)
        emit_env(ctx, name, res, Method.NOTEBOOK_ENV, removal=self._line_removal(a, b),
                 sibling=sibling, position=self.map.orig(a))  # fmt: skip

    def _comment(self, a: int, b: int) -> None:
        span, contiguous = self.map.span(a, b)
        if contiguous and self.doc.text[span.start : span.end] == self.source[a:b]:
            # alone on its line of the file only as a list item: one string holds the
            # whole cell on one line of the file, which the comment then covers
            own = self._whole_item(a, b) is not None
            self.doc.comments.append(Comment(span, self.source[a + 1 : b], own))

    def _whole_item(self, a: int, b: int) -> tuple[int, int] | None:
        """The literal ``(start, end)`` that is exactly the line ``a..b`` (with its newline),
        when the source is a list of lines."""
        for start, la, lb in self.items:
            stop = start + len(jsonspans.decode(self.doc.text, la, lb)[0])
            if start == a and stop in (b, b + 1) and _in_list(self.doc.text, la):
                return la, lb
        return None

    def _line_removal(self, a: int, b: int) -> Span | None:
        """What removes the line ``a..b``: its list item, or its text and newline inside the
        literal (None: the line is split across literals)."""
        item = self._whole_item(a, b)
        if item is not None:
            return item_removal(self.doc.text, *item)
        stop = b + 1 if b < len(self.source) else b
        if not self._one_literal(a, stop):
            return None
        return Span(self.map.orig(a), self._file_end(stop))

    def _one_literal(self, a: int, b: int) -> bool:
        starts = [s for s, _la, _lb in self.items]
        return not any(a < s < b for s in starts)

    def _line_after(self, a: int, b: int, line: str) -> Insertion | None:
        """Where a new line goes after the line ``a..b``: a list item after its item (when
        that one ends with a newline), else the text of the line inside the literal."""
        item = self._whole_item(a, b)
        if item is not None:
            la, lb = item
            ls = self.doc.text.rfind("\n", 0, la) + 1
            indent = self.doc.text[ls:la]
            if indent.strip():
                return None
            # the line has no brace but ``{value}``: escaped, it is still the template
            new = f'"{jsonspans.escape(line)}'
            if self.source[b : b + 1] == "\n":
                return Insertion(lb, f',{{nl}}{indent}{new}\\n"', "\n")
            # after a last line: it gets a newline, the new line becomes the last one
            return Insertion(lb - 1, f"{NEW_LAST}{{nl}}{indent}{new}", "\n")
        if not self._one_literal(a, b + 1):
            return None
        if b < len(self.source):
            return Insertion(self._file_end(b + 1), line + "{nl}", "\n")
        return Insertion(self._file_end(b), "{nl}" + line, "\n")


def _unresolved(m: re.Match[str]) -> str:
    """A ``{expr}`` IPython substitutes, as text of the same length: the interpreter for
    ``{sys.executable}``, else an unresolved ``$___`` reference."""
    expr = m.group(0)
    if expr == "{sys.executable}":
        return "python".ljust(len(expr))
    return "$" + "_" * (len(expr) - 1)


def _in_list(text: str, literal_start: int) -> bool:
    """Whether the literal at ``literal_start`` is an item of an array."""
    k = literal_start - 1
    while k >= 0 and text[k] in " \t\r\n":
        k -= 1
    return k >= 0 and text[k] in "[,"


def item_removal(text: str, start: int, end: int) -> Span:
    """The span removing the array item ``text[start:end]`` and one comma beside it."""
    k = end
    while k < len(text) and text[k] in " \t\r\n":
        k += 1
    if k < len(text) and text[k] == ",":
        k += 1
        while k < len(text) and text[k] in " \t\r\n":
            k += 1
        return Span(start, k)
    j = start - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    if j >= 0 and text[j] == ",":
        k = j - 1
        while k >= 0 and text[k] in " \t\r\n":
            k -= 1
        if text[k - 2 : k + 1] == '\\n"' and text[k - 3 : k - 2] != "\\":
            # the last line goes: the line before it loses its newline, as Jupyter writes
            # a source whose last line has none
            return Span(k - 2, end - 1)
        return Span(j, end)
    return Span(start, end)


def _narrow(segs: list[tuple[int, int, int]], a: int, b: int) -> SegMap:
    """The map of ``source[a:b]``."""
    out = []
    for log, file, n in segs:
        lo, hi = max(log, a), min(log + n, b)
        if lo < hi:
            out.append((lo - a, file + (lo - log), hi - lo))
    return SegMap(out)


class _JsonChecker(EditChecker):
    """An :class:`EditChecker` for one JSON string literal: the edit's text is escaped as
    :func:`adapt_edits` will write it, and the edited literal is decoded by :mod:`json`."""

    def __init__(self, text: str, start: int, end: int, logical: str, segmap: SegMap) -> None:
        super().__init__(text, start, end, logical, segmap, _loads)

    def _same(self, span: Span, new: str) -> bool:
        if span.start < self.start or span.end > self.end:
            return False
        a, b = self._logical(span.start), self._logical(span.end)
        expected = self.logical[:a] + new + self.logical[b:]
        body = self.text[self.start : self.end]
        edited = body[: span.start - self.start] + jsonspans.escape(new)
        return _loads(edited + body[span.end - self.start :]) == expected


def _loads(body: str) -> str | None:
    try:
        value = json.loads(f'"{body}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


# --- the fix loop's hooks ------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _bodies(text: str) -> tuple[tuple[int, int], ...]:
    """The contents (without quotes) of every cell source literal of ``text``."""
    try:
        json.loads(text)
    except ValueError:
        return ()
    return tuple((a + 1, b - 1) for c in jsonspans.cells(text) for a, b in c.strings)


def adapt_edits(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """Edits as written into the file: the text of one inside a string literal escaped for
    JSON (an edit between literals is JSON already: a list item added or removed)."""
    bodies = _bodies(text)
    out = []
    for e in edits:
        inside = any(a <= e.start and e.end <= b for a, b in bodies)
        if e.start == e.end and e.replacement.startswith(NEW_LAST):
            inside = False  # a new last item of a source list: JSON already
        out.append(Edit(e.start, e.end, jsonspans.escape(e.replacement)) if inside else e)
    return out


def comment_removal(text: str, span: Span) -> Span | None:
    """What removes the comment line at ``span``: its list item, or the line and its newline
    inside the literal; None when neither is exact."""
    for a, b in _bodies(text):
        if a <= span.start and span.end <= b:
            value, segs = jsonspans.decode(text, a - 1, b + 1)
            smap = SegMap(segs)
            for log, f, n in segs:
                if f <= span.start < f + n:
                    la = log + span.start - f
                    break
            else:
                return None
            ls = value.rfind("\n", 0, la) + 1
            le = value.find("\n", la)
            le = len(value) if le == -1 else le + 1
            if value[ls:la].strip():
                return None
            if ls == 0 and le == len(value) and _in_list(text, a - 1):
                return item_removal(text, a - 1, b + 1)
            end = smap.orig(le) if le < len(value) else b
            new = text[a : smap.orig(ls)] + text[end:b]
            return Span(smap.orig(ls), end) if _loads(new) == value[:ls] + value[le:] else None
    return None


def why_not(before: str, after: str) -> str | None:
    """Why ``after`` may not replace ``before``: anything but a cell's source changed."""
    try:
        old, new = json.loads(before), json.loads(after)
    except ValueError as exc:
        return f"the notebook would no longer be valid JSON ({exc})"
    for nb in (old, new):
        for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
            if isinstance(cell, dict):
                cell.pop("source", None)
    return None if old == new else "the notebook would change outside its cells' sources"
