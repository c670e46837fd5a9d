"""What a Python script's names and strings mean, and the environment it sets: imports,
module constants, string values, ``os.environ`` assignments and ``env=`` mappings.

The base of the visitor in :mod:`pipsrc.kinds.python`; nodes are libcst's, handled by
their type names so that nothing here imports libcst.
"""

from __future__ import annotations

from typing import Any

from pipsrc.model import Document, Insertion, Method, Scope, Setting, SettingKind, Span
from pipsrc.syntax.emit import Ctx, emit_env
from pipsrc.syntax.pystrings import (
    Chunk,
    body_chunks,
    literal_chunks,
    shell_text,
    split_token,
    value_of,
)
from pipsrc.syntax.words import Resolved, Resolver, SegMap, Tok, VarDef
from pipsrc.textio import line_ending_at
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR, URL_KINDS

_ENVIRON = frozenset({"os.environ"})
# names that mean the module of the same name even when no import is seen (a local import)
_MODULES = frozenset({"os", "subprocess", "sys", "pip", "shlex"})
_STRINGS = frozenset({"SimpleString", "ConcatenatedString", "FormattedString"})


class Reader:
    """Names, strings and environment settings of one script (see the module docstring)."""

    def __init__(self, doc: Document, cst: Any) -> None:
        self.doc = doc
        self.text = doc.text
        self.cst = cst
        self.aliases: dict[str, str] = {}  # a local name -> the dotted name it stands for
        self.consts: dict[str, VarDef] = {}
        self.stmt: Any = None  # the statement line being read
        self.sole: set[int] = set()  # ids of statement lines alone in their block
        # (scope, name) -> the scope of a mapping variable given as env= (see _env_variable)
        self.envs: dict[tuple[str, str], str] = {}

    def where(self, node: Any) -> tuple[int, int]:
        raise NotImplementedError

    def scope_id(self, kind: str, start: int) -> str:
        base = f"{kind}@{self.text.count(chr(10), 0, start) + 1}"
        taken = {sc.id for sc in self.doc.scopes}
        sid, n = base, 2
        while sid in taken:
            sid, n = f"{base}:{n}", n + 1
        return sid

    # -- names ------------------------------------------------------------------------------

    def imports(self, node: Any) -> None:
        """``import x as y`` and ``from x import a as b``: what the local names stand for."""
        names = node.names
        if not isinstance(names, (list, tuple)):
            return  # from x import *
        if type(node).__name__ == "Import":
            for alias in names:
                if alias.asname is not None:
                    self.aliases[alias.asname.name.value] = _dotted(alias.name) or ""
            return
        module = _dotted(node.module) if node.module is not None else None
        if module is None or node.relative:
            return
        for alias in names:
            name = _dotted(alias.name)
            local = alias.asname.name.value if alias.asname is not None else name
            if name and local:
                self.aliases[local] = f"{module}.{name}"

    def qualified(self, node: Any) -> str | None:
        """The dotted name an expression stands for (``sp.run`` -> ``subprocess.run``)."""
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, dot, rest = dotted.partition(".")
        if head in self.aliases:
            return self.aliases[head] + dot + rest
        return dotted if head in _MODULES or head == "dict" else None

    @staticmethod
    def argument(call: Any, index: int, keyword: str) -> Any:
        """The call's argument by position or keyword (None when absent or unpacked)."""
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if index < len(positional):
            return positional[index].value
        for a in call.args:
            if a.keyword is not None and a.keyword.value == keyword:
                return a.value
        return None

    def constants(self, module: Any) -> None:
        """Names bound once at module level to a string: their values and where they are."""
        counts: dict[str, int] = {}
        values: dict[str, Any] = {}
        for stmt in module.body:
            if type(stmt).__name__ != "SimpleStatementLine":
                continue
            for small in stmt.body:
                kind = type(small).__name__
                if kind == "Assign" and len(small.targets) == 1:
                    target = small.targets[0].target
                elif kind == "AnnAssign" and small.value is not None:
                    target = small.target
                else:
                    continue
                if type(target).__name__ == "Name":
                    counts[target.value] = counts.get(target.value, 0) + 1
                    values[target.value] = small.value
        for name, node in values.items():
            chunks = self.chunks(node) if counts[name] == 1 else None
            value = value_of(chunks) if chunks else None
            if chunks and value is not None:
                span = Span(chunks[0].start, chunks[-1].end)
                exact = all(c.exact for c in chunks) and self.text[span.start : span.end] == value
                self.consts[name] = VarDef(value, span, exact)

    # -- strings ----------------------------------------------------------------------------

    def chunks(self, node: Any) -> list[Chunk] | None:
        """The located chunks of a string expression's value (None: not a string)."""
        return string_chunks(node, self._token_at)

    def _token_at(self, node: Any) -> tuple[int, int]:
        s, e = self.where(node)
        if type(node).__name__ == "SimpleString":
            at = self.text.find(node.value, s, e)  # after any parentheses around it
            return (at, at + len(node.value)) if at >= 0 else (s, e)
        return s, e

    def with_constants(self, chunks: list[Chunk]) -> list[Chunk]:
        """Replacement fields naming a module constant take its value (not exact)."""
        out = []
        for c in chunks:
            d = self.consts.get(c.name or "") if c.value is None else None
            out.append(Chunk(c.start, c.end, d.value, False) if d and d.value is not None else c)
        return out

    def decode(self, src: str) -> str | None:
        """The shell text of a string expression's source (an edited literal), or None."""
        try:
            node = self.cst.parse_expression("(" + src + ")")
        except Exception:
            return None
        code = self.cst.Module(body=[]).code_for_node
        chunks = string_chunks(node, lambda n: (0, len(code(n))))
        return None if chunks is None else shell_text(self.with_constants(chunks))[0]

    def resolved(self, node: Any) -> Resolved:
        """The value of an expression, located (a module constant: at its definition)."""
        s, e = self.where(node)
        if type(node).__name__ == "Name" and node.value in self.consts:
            d = self.consts[node.value]
            if d.span is not None:
                raw = self.text[d.span.start : d.span.end]
                return Resolved(d.value, raw, d.span, d.exact, Span(s, e))
        chunks = self.chunks(node)
        value = value_of(self.with_constants(chunks)) if chunks is not None else None
        if chunks is not None and value is not None:
            if not chunks:
                at = self._empty_at(node, s)
                return Resolved("", "", Span(at, at), True)
            span = Span(chunks[0].start, chunks[-1].end)
            raw = self.text[span.start : span.end]
            exact = raw == value and all(c.exact for c in chunks)
            return Resolved(value, raw, span, exact)
        return Resolved(None, self.text[s:e], Span(s, e), False)

    def _empty_at(self, node: Any, s: int) -> int:
        if type(node).__name__ == "SimpleString":
            parts = split_token(node.value)
            if parts is not None:
                return self._token_at(node)[0] + len(parts[0]) + len(parts[1])
        return s

    # -- the environment --------------------------------------------------------------------

    def assign(self, node: Any, scope: str) -> None:
        """``os.environ["PIP_INDEX_URL"] = value``, ``env = {**os.environ, ...}`` (a
        mapping later given as ``env=env``) and ``env["PIP_INDEX_URL"] = value``."""
        for target in node.targets:
            t = target.target
            kind = type(t).__name__
            if kind == "Name" and len(node.targets) == 1:
                self._env_variable(t.value, node, scope)
                continue
            if kind != "Subscript" or len(t.slice) != 1:
                continue
            where = self._target(t.value, scope)
            index = t.slice[0].slice
            if where is None or type(index).__name__ != "Index":
                continue
            name = self._string(index.value)
            if name is None or name not in ENV_VARS:
                continue
            recv = self._source(t.value).replace("{", "{{").replace("}", "}}")
            line = f'{recv}["{{key}}"] = "{{{{value}}}}"'
            self._env(name, node.value, where, self.where(node)[0], self._line(node, line))

    def _target(self, recv: Any, scope: str) -> str | None:
        """The scope whose environment ``recv`` is: ``os.environ`` the running code's, a
        mapping variable its own; None for anything else."""
        if self.qualified(recv) in _ENVIRON:
            return scope
        if type(recv).__name__ == "Name":
            return self.envs.get((scope, recv.value))
        return None

    def _env_variable(self, name: str, node: Any, scope: str) -> None:
        """``NAME = {...}``, ``dict(os.environ, ...)`` or ``os.environ.copy()``: a mapping
        that holds index variables or starts from the environment gets a scope of its own,
        the scope of every call given ``env=NAME`` afterwards."""
        value = node.value
        self.envs.pop((scope, name), None)
        kind = type(value).__name__
        if kind == "Call" and not (self._environ(value) or self.qualified(value.func) == "dict"):
            return
        if kind not in ("Dict", "Call"):
            return
        inherits, opaque, entries = self._mapping(value)
        if not (inherits or any(n in ENV_VARS for n, _v in entries)):
            return
        start, end = self.where(node)
        sid = self.scope_id(f"env:{name}", start)
        parent = scope if inherits else None
        self.doc.scopes.append(Scope(sid, start, end, parent=parent, opaque_config=opaque))
        self.envs[(scope, name)] = sid
        for key, v in entries:
            self._env(key, v, sid, start, (None, None))

    def env_call(self, node: Any, qual: str | None, scope: str) -> None:
        """``os.environ.setdefault(NAME, value)``, ``os.putenv(...)``, ``.update(...)`` (of
        ``os.environ`` or of a mapping variable)."""
        func = node.func
        method = func.attr.value if type(func).__name__ == "Attribute" else None
        if method in ("setdefault", "update", "__setitem__"):
            where = self._target(func.value, scope)
        else:
            where = scope if qual == "os.putenv" else None
        if where is None:
            return
        start = self.where(node)[0]
        if method == "update":
            for entry, item in self._arguments(node)[2]:
                self._env(entry, item, where, start, (None, None))
            return
        key, value = self.argument(node, 0, "key"), self.argument(node, 1, "value")
        name = self._string(key) if key is not None else None
        if name is None or value is None or name not in ENV_VARS:
            return
        source = self._source(func).replace("{", "{{").replace("}", "}}")
        line = f'{source}("{{key}}", "{{{{value}}}}")'
        self._env(name, value, where, start, self._line(node, line, call=True))

    def call_env(self, node: Any, scope: str) -> tuple[str, bool]:
        """The scope of a call's commands (its ``env=`` mapping's, or the caller's), and
        whether that environment holds what pipsrc cannot see."""
        env = next((a.value for a in node.args if a.keyword and a.keyword.value == "env"), None)
        if env is None:
            return scope, False
        if type(env).__name__ == "Name" and (scope, env.value) in self.envs:
            sid = self.envs[(scope, env.value)]
            found = self.doc.scope(sid)
            return sid, found is not None and found.opaque_config
        start, end = self.where(node)
        inherits, opaque, entries = self._mapping(env)
        sid = self.scope_id("env", start)
        parent = scope if inherits else None
        self.doc.scopes.append(Scope(sid, start, end, parent=parent, opaque_config=opaque))
        for name, value in entries:
            self._env(name, value, sid, start, (None, None))
        return sid, opaque

    def _mapping(self, v: Any) -> tuple[bool, bool, list[tuple[str, Any]]]:
        """(starts from os.environ, holds what pipsrc cannot see, literal entries) of an
        ``env=`` value."""
        kind = type(v).__name__
        if self._environ(v) or (kind == "Name" and v.value == "None"):
            return True, False, []
        if kind == "Call" and self.qualified(v.func) == "dict":
            return self._arguments(v)
        if kind != "Dict":
            return True, True, []
        entries: list[tuple[str, Any]] = []
        inherits = opaque = False
        for el in v.elements:
            if type(el).__name__ == "StarredDictElement":
                environ = self._environ(el.value)
                inherits, opaque = inherits or environ, opaque or not environ
                continue
            key = self._string(el.key)
            if key is not None:
                entries.append((key, el.value))
        return inherits, opaque, entries

    def _arguments(self, call: Any) -> tuple[bool, bool, list[tuple[str, Any]]]:
        """The same for the arguments of ``dict(...)`` or of a mapping's ``update(...)``."""
        entries: list[tuple[str, Any]] = []
        inherits = opaque = False
        for a in call.args:
            if a.keyword is not None:
                entries.append((a.keyword.value, a.value))
            elif type(a.value).__name__ == "Dict" and not a.star:
                _inherits, more_opaque, more = self._mapping(a.value)
                opaque, entries = opaque or more_opaque, entries + more
            elif self._environ(a.value):
                inherits = True
            else:
                opaque = True
        return inherits, opaque, entries

    def _environ(self, v: Any) -> bool:
        """``os.environ`` or ``os.environ.copy()``."""
        if self.qualified(v) in _ENVIRON:
            return True
        return type(v).__name__ == "Call" and self.qualified(v.func) == "os.environ.copy"

    def _env(
        self,
        name: str,
        value: Any,
        scope: str,
        position: int,
        edits: tuple[Span | None, str | None],
    ) -> None:
        spec = ENV_VARS.get(name)
        if spec is None:
            return
        removal, line = edits
        sibling = None
        if line is not None and spec.kind in URL_KINDS and spec.tool in TRUSTED_VAR:
            at = removal.end if removal is not None else None
            if at is not None:
                nl = line_ending_at(self.text, position)
                sibling = Insertion(at, line.format(key=TRUSTED_VAR[spec.tool]), nl)
        res = Resolver(self.text, SegMap.shifted(0, len(self.text)), self.consts, self.text)
        ctx = Ctx(self.doc, res, scope)
        made = emit_env(ctx, name, self.resolved(value), Method.PYTHON_ENV, removal=removal,
                        sibling=sibling, position=position)  # fmt: skip
        # a function's (or a call's env=) own assignment wins over the module's, wherever
        # the module's is written: nearer scopes are later in the order of assignments
        depth, sc = 0, self.doc.scope(scope)
        while sc is not None and sc.parent is not None and depth < 1000:
            depth, sc = depth + 1, self.doc.scope(sc.parent)
        for s in made:
            s.assign += depth * (len(self.text) + 1)

    def _line(self, node: Any, template: str, call: bool = False) -> tuple[Span | None, str | None]:
        """The line of a statement alone on it (and not alone in its block), and the
        template of a line like it, indented the same, for a sibling."""
        stmt = self.stmt
        if stmt is None or len(stmt.body) != 1 or id(stmt) in self.sole:
            return None, None
        small = stmt.body[0]
        if small is not node and not (call and getattr(small, "value", None) is node):
            return None, None
        s, e = self.where(node)
        ls = self.text.rfind("\n", 0, s) + 1
        eol = self.text.find("\n", e)
        le = len(self.text) if eol == -1 else eol + 1
        if self.text[ls:s].strip() or self.text[e:le].strip() or eol == -1:
            return None, None
        return Span(ls, le), self.text[ls:s] + template + "{{nl}}"

    def _string(self, node: Any) -> str | None:
        chunks = self.chunks(node)
        return value_of(chunks) if chunks is not None else None

    def _source(self, node: Any) -> str:
        s, e = self.where(node)
        return self.text[s:e]


def _dotted(node: Any) -> str | None:
    """``a.b.c`` of a Name/Attribute chain, None for anything else."""
    parts = []
    while type(node).__name__ == "Attribute":
        parts.append(node.attr.value)
        node = node.value
    if type(node).__name__ != "Name":
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def string_chunks(node: Any, at: Any) -> list[Chunk] | None:
    """The chunks of a string expression; ``at(node)`` gives a token's or a part's offsets."""
    kind = type(node).__name__
    if kind == "SimpleString":
        return literal_chunks(node.value, at(node)[0])
    if kind == "ConcatenatedString":
        left, right = string_chunks(node.left, at), string_chunks(node.right, at)
        return None if left is None or right is None else left + right
    if kind != "FormattedString":
        return None
    low = node.start.lower()
    if "t" in low:
        return None
    raw = "r" in low
    out: list[Chunk] = []
    for part in node.parts:
        s, e = at(part)
        if type(part).__name__ == "FormattedStringText":
            out += body_chunks(part.value, s, raw, braces=True)
            continue
        expr = part.expression
        bare = type(expr).__name__ == "Name" and part.conversion is None
        name = expr.value if bare and part.format_spec is None else None
        out.append(Chunk(s, e, None, False, name))
    return out


def list_edits(settings: list[Setting], words: list[Tok]) -> None:
    """Removals and trusted-host insertions of a command's flags written as list items:
    whole items with their commas (a shell's word removal would break the list)."""
    for s in settings:
        if s.method is not Method.CLI or s.site is None:
            continue
        at = (s.use_span or s.span).start
        k = next((i for i, w in enumerate(words) if w.start <= at < max(w.end, w.start + 1)), None)
        if k is None:
            continue
        attached = s.kind is SettingKind.NO_INDEX or (words[k].value or "").startswith("-")
        flag = k if attached else k - 1
        if k + 1 < len(words):
            s.removal = Span(words[flag].start, words[k + 1].start)
        elif flag >= 1 and words[flag - 1].end > words[flag - 1].start:
            s.removal = Span(words[flag - 1].end, words[k].end)
        else:
            s.removal = None
        if s.sibling is not None:
            s.sibling = Insertion(words[k].end, ', "--trusted-host", "{value}"')
