"""Makefiles: variables, ``export`` lines and recipes read as shell (GNU make's rules).

make reads the whole file before it runs a recipe, so the variables defined anywhere in it
(``VAR = x``, ``:=``, ``?=``, ``+=``, with ``export`` or ``override``) are the ``file``
scope's, which every recipe inherits; an *exported* index variable (``export
PIP_INDEX_URL = ...``, a later ``export PIP_INDEX_URL``, ``.EXPORT_ALL_VARIABLES:``) is a
setting, in the environment of every recipe. A recipe line runs in a shell of its own (a
scope each), unless ``.ONESHELL:`` makes the whole recipe one script.

A recipe line reaches the shell after make's own expansion: the ``@``/``-``/``+``
prefixes and the recipe tab go, ``$$`` becomes ``$``, and ``$(VAR)``/``${VAR}`` become
the variable's value. The logical text handed to the shell analyser keeps a map back to
the file: ``$$`` is the second ``$``, and ``$(VAR)`` becomes the same-length shell
reference ``${VAR}`` that resolves to the variable's definition, so ``pip install -i
$(MIRROR)`` is fixed where ``MIRROR`` is written. Function calls (``$(shell ...)``) and
automatic variables (``$@``) are unresolved values.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipsrc.kinds import shell
from pipsrc.model import Comment, Document, Insertion, Method, Scope, Setting, Span
from pipsrc.syntax.words import Resolved, SegMap, VarDef, split_items
from pipsrc.textio import line_ending_at, majority_newline
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR, URL_KINDS

KIND = "makefile"
_ASSIGN = re.compile(
    r"(?P<pre>(?:(?:export|override|private)[ \t]+)*)(?P<name>[A-Za-z_.][A-Za-z0-9_.-]*)"
    r"[ \t]*(?P<op>[:?+!]?:?=)[ \t]*"
)
_EXPORT = re.compile(r"export[ \t]+(?P<names>[A-Za-z_][A-Za-z0-9_ \t]*)$")
_RULE = re.compile(r"(?P<targets>[^:#=\t][^:#=]*?)[ \t]*::?(?![=])(?P<rest>.*)")
_REF = re.compile(r"\$(?:\((?P<p>[^()$ :]+)\)|\{(?P<b>[^{}$ :]+)\}|(?P<f>[({])|(?P<c>.))", re.S)
_DIRECTIVE = re.compile(
    r"(?:ifn?eq|ifn?def|else|endif|include|-include|sinclude|vpath|define|endef|unexport)\b"
)


def prepare() -> None:
    shell.prepare()


def parse(text: str, path: str) -> Document:
    doc = Document(path, KIND, text)
    doc.scopes.append(Scope("file", 0, len(text), nl=majority_newline(text)))
    _Makefile(doc).read()
    return doc


def recipe_scripts(text: str) -> list[str]:
    """The shell text of each recipe line (each recipe with ``.ONESHELL:``) as pipsrc reads
    it, which is what ``make -n`` prints for it when its variables are defined in the file."""
    reader = _Makefile(Document("Makefile", KIND, text))
    reader.doc.scopes.append(Scope("file", 0, len(text)))
    reader.read()
    return reader.scripts


def _lines(text: str) -> list[tuple[int, int, int]]:
    """Logical lines: (start, end of the last physical line's content, next line's start),
    joined across backslash-newlines."""
    out = []
    pos = 0
    n = len(text)
    while pos < n:
        end = pos
        while True:
            eol = text.find("\n", end)
            eol = n if eol == -1 else eol
            content_end = eol - 1 if eol > end and text[eol - 1] == "\r" else eol
            backslashes = len(text[end:content_end]) - len(text[end:content_end].rstrip("\\"))
            if backslashes % 2 == 1 and eol < n:
                end = eol + 1
                continue
            out.append((pos, content_end, min(eol + 1, n)))
            pos = eol + 1
            break
    return out


class _Makefile:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.vars: dict[str, VarDef] = {}
        self.defs: dict[str, list[tuple[int, int, int, int]]] = {}  # name -> value spans
        self.exported: set[str] = set()
        self.export_all = False
        self.oneshell = False
        self.recipes: list[tuple[str, list[tuple[int, int, int]]]] = []
        self.scripts: list[str] = []  # the logical text of each shell, in order
        self.raws: dict[str, str] = {}  # values that reference other variables, as written

    def read(self) -> None:
        lines = _lines(self.text)
        current: list[tuple[int, int, int]] | None = None
        in_define = False
        for start, end, nxt in lines:
            line = self.text[start:end]
            if in_define:
                in_define = not line.strip().startswith("endef")
                continue
            if line.startswith("\t") and current is not None:
                current.append((start, end, nxt))
                continue
            if not line.strip() or line.lstrip().startswith("#"):
                self._comment(start, end)
                continue
            current = None
            if line.strip().startswith("define"):
                in_define = True
                continue
            current = self._statement(start, end, nxt)
        self._expand_references()
        self._settings()
        for target, recipe in self.recipes:
            self._recipe(target, recipe)

    def _statement(self, start: int, end: int, nxt: int) -> list[tuple[int, int, int]] | None:
        """A variable assignment, an ``export`` or a rule (whose recipe lines follow)."""
        line = self.text[start:end]
        stripped = line.strip()
        self._comment(start, end)
        if _DIRECTIVE.match(stripped):
            return None
        m = _ASSIGN.match(line)
        if m is not None:
            self._assign(m, start, end)
            return None
        m2 = _EXPORT.match(stripped)
        if m2 is not None:
            self.exported.update(m2.group("names").split())
            return None
        if stripped == "export":
            self.export_all = True
            return None
        rule = _RULE.match(line)
        if rule is None:
            return None
        targets = rule.group("targets").split()
        if ".ONESHELL" in targets:
            self.oneshell = True
        if ".EXPORT_ALL_VARIABLES" in targets:
            self.export_all = True
        recipe: list[tuple[int, int, int]] = []
        semi = line.find(";", rule.start("rest"))
        if semi != -1 and "#" not in line[rule.start("rest") : semi]:
            recipe.append((start + semi + 1, end, nxt))
        self.recipes.append((targets[0] if targets else "", recipe))
        return recipe

    def _assign(self, m: re.Match[str], start: int, end: int) -> None:
        name, op = m.group("name"), m.group("op")
        if "export" in m.group("pre").split():
            self.exported.add(name)
        vstart = start + m.end()
        vend = end
        hash_at = _comment_start(self.text, vstart, end)
        if hash_at is not None:
            vend = hash_at
        raw = self.text[vstart:vend].rstrip(" \t")
        vend = vstart + len(raw)
        if op == "?=" and name in self.vars:
            return
        prev = self.vars.get(name)
        if op == "+=" and prev is not None:
            value = None if prev.value is None or "$" in raw else f"{prev.value} {raw}".strip()
            self.vars[name] = VarDef(value, None, False)
        elif "$" in raw or "\\\n" in raw or "\\\r\n" in raw:
            self.vars[name] = VarDef(None)
            self.raws[name] = raw
        else:
            self.vars[name] = VarDef(raw, Span(vstart, vend), True)
        self.defs[name] = [(vstart, vend, start, end)]

    def _expand_references(self) -> None:
        """Values made of other variables (``PIP_INSTALL = $(PIP) install``), expanded with
        the values the file gives them: known, but written nowhere to edit. A function call
        (``$(shell ...)``) or a variable the file does not define leaves it unknown."""
        for _ in range(8):  # nesting deeper than this is left unknown
            changed = False
            for name, raw in self.raws.items():
                if self.vars[name].value is not None:
                    continue
                value = _substitute(raw, self.vars)
                if value is not None:
                    self.vars[name] = VarDef(value, None, False, self.vars[name].exported)
                    changed = True
            if not changed:
                return

    def _comment(self, start: int, end: int) -> None:
        at = _comment_start(self.text, start, end)
        if at is None:
            return
        own = not self.text[start:at].strip()
        self.doc.comments.append(Comment(Span(at, end), self.text[at + 1 : end], own))

    # -- settings of exported variables ---------------------------------------------------

    def _settings(self) -> None:
        """Each exported index variable defined here: a setting of the ``file`` scope."""
        order = 0
        for name, defs in self.defs.items():
            spec = ENV_VARS.get(name)
            if spec is None or not (self.export_all or name in self.exported):
                continue
            self.vars[name].exported = True
            vstart, vend, lstart, lend = defs[-1]
            order += 1
            var = self.vars[name]
            span = var.span or Span(vstart, vend)
            raw = self.text[span.start : span.end]
            removal = _line_removal(self.text, lstart, lend)
            sibling = None
            if spec.tool in TRUSTED_VAR and spec.kind in URL_KINDS:
                nl = line_ending_at(self.text, lstart)
                sibling = Insertion(
                    removal.end if removal else lend,
                    f"export {TRUSTED_VAR[spec.tool]} = {{value}}{{nl}}",
                    nl,
                )
            self._emit(name, var, raw, span, removal, sibling, order)

    def _emit(self, name: str, var: VarDef, raw: str, span: Span, removal: Span | None,
              sibling: Insertion | None, order: int) -> None:  # fmt: skip
        spec = ENV_VARS[name]
        if spec.ineffective and re.search(rf"\$[({{]{name}[)}}]|\$\$\{{?{name}\b", self.text):
            return  # interpolated by hand (-i $(PIP_INDEX)): that use is the setting
        res = Resolved(var.value, raw, span, var.span is not None and raw == var.value)
        items = split_items(res, spec.named) if (spec.split or spec.named) and var.value else []
        if not items:
            items = [(var.value or "", span, res.exact, None)]
        for item, ispan, exact, item_removal in items:
            self.doc.settings.append(
                Setting(
                    spec.kind,
                    name,
                    self.text[ispan.start : ispan.end],
                    item if var.value is not None else None,
                    ispan,
                    Method.ENV,
                    "file",
                    spec.tool,
                    exact and var.value is not None,
                    item_removal if len(items) > 1 else removal,
                    ineffective=spec.ineffective,
                    sibling=sibling,
                    assign=order,
                )
            )

    # -- recipes ----------------------------------------------------------------------------

    def _recipe(self, target: str, recipe: list[tuple[int, int, int]]) -> None:
        if not recipe:
            return
        env = {k: VarDef(v.value, v.span, v.exact, v.exported) for k, v in self.vars.items()}
        groups = [recipe] if self.oneshell else [[line] for line in recipe]
        for group in groups:
            a, b = group[0][0], group[-1][1]
            line_no = self.text.count("\n", 0, a) + 1
            scope = Scope(f"recipe:{target}@{line_no}", a, b, parent="file",
                          nl=line_ending_at(self.text, a))  # fmt: skip
            self.doc.scopes.append(scope)
            logical, segs = _recipe_text(self.text, group, self.vars)
            self.scripts.append(logical)
            if not logical.strip():
                continue
            own_env = {k: VarDef(v.value, v.span, v.exact, v.exported) for k, v in env.items()}
            first = len(self.doc.settings)
            shell.analyze(self.doc, logical, SegMap(segs), own_env, scope, nested=True)
            for s in self.doc.settings[first:]:
                sib = s.sibling
                if sib is not None and not a <= sib.offset <= b:
                    s.sibling = None  # it would land in a variable's definition


def _recipe_text(
    text: str, lines: list[tuple[int, int, int]], env: dict[str, VarDef]
) -> tuple[str, list[tuple[int, int, int]]]:
    """What the shell runs for these recipe lines, and its map into ``text``."""
    out: list[str] = []
    segs: list[tuple[int, int, int]] = []
    pos = 0

    def put(s: str, at: int) -> None:
        nonlocal pos
        if s:
            out.append(s)
            segs.append((pos, at, len(s)))
            pos += len(s)

    for k, (start, end, nxt) in enumerate(lines):
        a = start + 1 if text.startswith("\t", start) else start
        while a < end and text[a] in "@-+ \t":
            a += 1
        physical = a
        while physical < end:
            eol = text.find("\n", physical, end)
            stop = end if eol == -1 else eol + 1
            _expand_into(text, physical, stop, put, env)
            physical = stop
            if physical < end and text[physical] == "\t":
                physical += 1  # make drops the recipe tab of a continuation line
        if k + 1 < len(lines) and end < nxt:
            put("\n", nxt - 1)  # the line feed that ends this recipe line
    return "".join(out), segs


def _expand_into(
    text: str, a: int, b: int, emit: Callable[[str, int], None], env: dict[str, VarDef]
) -> None:
    """Copy ``text[a:b]`` to the logical text with make's ``$`` syntax expanded as make does
    (see the module's docstring for where each expansion maps to)."""
    pos = a
    for m in _REF.finditer(text, a, b):
        if m.start() < pos:
            continue  # inside a function call already copied as one reference
        if m.start() > pos:
            emit(text[pos : m.start()], pos)
        name = m.group("p") or m.group("b")
        if m.group("c") == "$":
            emit("$", m.start() + 1)
        elif name is not None:
            _variable(name, m.start(), m.end(), emit, env)
        elif m.group("f") is not None:
            close = _closing(text, m.end(), b, m.group("f"))
            emit("$" + "_" * (close - m.start() - 1), m.start())
            pos = close
            continue
        else:
            emit("$_", m.start())
        pos = m.end()
    if pos < b:
        emit(text[pos:b], pos)


_URLISH = re.compile(r"[a-z][a-z0-9+.-]*://\S+|(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?")


def _variable(
    name: str, start: int, end: int, emit: Callable[[str, int], None], env: dict[str, VarDef]
) -> None:
    """``$(NAME)``: its value, as make substitutes it. A URL or host written verbatim in
    its definition maps there (a fix edits the definition); any other value maps onto the
    reference (``$(PIP) install`` is reported where it is used, and is not editable); a
    value pipsrc does not know stays a shell reference of the same length."""
    var = env.get(name)
    value = None if var is None else var.value
    if value is None:
        emit("${" + name + "}", start)
    elif var is not None and var.span is not None and var.exact and _URLISH.fullmatch(value):
        emit(value, var.span.start)
    else:
        for k, ch in enumerate(value):
            emit(ch, min(start + k, end - 1))


def _substitute(raw: str, env: dict[str, VarDef]) -> str | None:
    """``raw`` with its ``$(X)``/``${X}`` replaced by known values, ``$$`` by ``$``; None when
    something is not known."""
    out: list[str] = []
    pos = 0
    for m in _REF.finditer(raw):
        out.append(raw[pos : m.start()])
        name = m.group("p") or m.group("b")
        if m.group("c") == "$":
            out.append("$")
        elif name is not None and env.get(name) is not None and env[name].value is not None:
            out.append(env[name].value or "")
        else:
            return None
        pos = m.end()
    out.append(raw[pos:])
    return "".join(out)


def _closing(text: str, pos: int, end: int, opener: str) -> int:
    """The offset after the bracket closing a ``$(`` / ``${`` call (nested ones counted)."""
    close = ")" if opener == "(" else "}"
    depth = 1
    while pos < end and depth:
        if text[pos] == opener:
            depth += 1
        elif text[pos] == close:
            depth -= 1
        pos += 1
    return pos


def _comment_start(text: str, start: int, end: int) -> int | None:
    """A make comment's ``#`` on this logical line (not escaped as ``\\#``)."""
    pos = text.find("#", start, end)
    while pos != -1:
        if pos == start or text[pos - 1] != "\\":
            return pos
        pos = text.find("#", pos + 1, end)
    return None


def _line_removal(text: str, start: int, end: int) -> Span | None:
    """The whole logical line ``start..end`` with its line ending (one physical line only)."""
    if "\n" in text[start:end]:
        return None
    nl = text.find("\n", end)
    return Span(start, len(text) if nl == -1 else nl + 1)


def config_lines(pairs: list[tuple[str, str]], nl: str) -> str:
    """``export NAME = value`` lines (make keeps quotes in a value: none are written)."""
    return "".join(f"export {k} = {v}{nl}" for k, v in pairs)
