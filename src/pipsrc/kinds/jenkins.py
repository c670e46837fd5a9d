"""Jenkinsfiles, declarative and scripted: ``environment {}`` blocks, ``withEnv([...])``,
and ``sh`` steps read as shell.

The file is read as a stream of Groovy tokens (:mod:`pipsrc.syntax.groovy`), following
blocks by their braces. The pipeline's ``environment`` is the ``file`` scope's; a
``stage('name')`` is a scope inheriting from the block around it, whose ``environment``
wins over the pipeline's; a ``withEnv([...])`` block is a scope too. Each ``sh`` step
(``sh '...'``, ``sh \"\"\"...\"\"\"``, ``sh(script: '...')``) runs a shell of its own, in a
scope of its own: its exports end with it. The string's decoded text is what the shell
runs; an edit inside it is kept only where decoding the edited string gives the script
with the same edit (:mod:`pipsrc.kinds.scriptcheck`). ``bat`` and ``powershell`` steps
that mention pip get a note.
"""

from __future__ import annotations

import re

from pipsrc.kinds import shell
from pipsrc.kinds.scriptcheck import EditChecker
from pipsrc.model import Comment, Document, Insertion, Method, ParseProblem, Scope, Setting, Span
from pipsrc.syntax import groovy
from pipsrc.syntax.groovy import Token
from pipsrc.syntax.words import SegMap, VarDef
from pipsrc.textio import line_ending_at, majority_newline
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR, URL_KINDS

KIND = "jenkinsfile"
_SHELLS = frozenset({"sh"})
# blocks followed into: stages and withEnv make scopes, the others are passed through
_BLOCKS = frozenset(
    {"stage", "withEnv", "node", "dir", "container", "timeout", "script", "steps", "pipeline",
     "stages", "parallel", "retry", "ws", "lock", "catchError", "wrap", "withCredentials"}
)  # fmt: skip
_OTHER_SHELLS = frozenset({"bat", "powershell", "pwsh"})
_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.S)


def prepare() -> None:
    shell.prepare()


def parse(text: str, path: str) -> Document:
    doc = Document(path, KIND, text)
    doc.scopes.append(Scope("file", 0, len(text), nl=majority_newline(text)))
    _Jenkinsfile(doc).read()
    return doc


class _Frame:
    """An open block: its scope, the position its env blocks take effect from, its env."""

    def __init__(self, scope: str, start: int, env: dict[str, VarDef]) -> None:
        self.scope, self.start, self.env = scope, start, env


class _Jenkinsfile:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.toks = [t for t in groovy.tokens(self.text) if t.kind != "comment"]
        for t in groovy.tokens(self.text):
            if t.kind == "comment" and self.text.startswith("//", t.start):
                own = not self.text[self.text.rfind("\n", 0, t.start) + 1 : t.start].strip()
                self.doc.comments.append(
                    Comment(Span(t.start, t.end), self.text[t.start + 1 : t.end], own)
                )

    def _is(self, i: int, kind: str, value: str | None = None) -> bool:
        if i >= len(self.toks) or self.toks[i].kind != kind:
            return False
        t = self.toks[i]
        return value is None or self.text[t.start : t.end] == value

    def _word(self, i: int) -> str:
        t = self.toks[i]
        return self.text[t.start : t.end]

    def _close(self, i: int, opener: str, closer: str) -> int:
        """The index of the token closing the bracket at ``i``."""
        depth = 0
        for k in range(i, len(self.toks)):
            if self._is(k, "punct", opener):
                depth += 1
            elif self._is(k, "punct", closer):
                depth -= 1
                if depth == 0:
                    return k
        return len(self.toks) - 1

    def read(self) -> None:
        stack = [_Frame("file", 0, {})]
        ends: list[int] = []  # token index closing each pushed frame
        i = 0
        while i < len(self.toks):
            while ends and i > ends[-1]:
                ends.pop()
                stack.pop()
            frame = stack[-1]
            if self._is(i, "name"):
                word = self._word(i)
                nxt = self._open_after(i)
                if word == "environment" and nxt is not None:
                    end = self._close(nxt, "{", "}")
                    frame.env.update(self._environment(nxt + 1, end, frame))
                    i = end + 1
                    continue
                if word in _BLOCKS and nxt is not None:
                    stack.append(self._frame(word, i, nxt, frame))
                    ends.append(self._close(nxt, "{", "}"))
                    i = nxt + 1
                    continue
                if word in _SHELLS or word in _OTHER_SHELLS:
                    i = self._step(i, word, frame)
                    continue
            i += 1

    def _open_after(self, i: int) -> int | None:
        """The index of the ``{`` opening the block of the call at ``i`` (``x {``, ``x(...) {``)."""
        k = i + 1
        if self._is(k, "punct", "("):
            k = self._close(k, "(", ")") + 1
        return k if self._is(k, "punct", "{") else None

    def _frame(self, word: str, i: int, brace: int, parent: _Frame) -> _Frame:
        start = self.toks[i].start
        end = self.toks[self._close(brace, "{", "}")].end
        line = self.text.count("\n", 0, start) + 1
        if word == "stage":
            args = [t for t in self.toks[i + 1 : brace] if t.kind == "str"]
            name = groovy.decode(self.text, args[0])[0] if args else str(line)
            sid = f"stage:{name}"
        elif word == "withEnv":
            sid = f"withEnv@{line}"
        else:
            return _Frame(parent.scope, parent.start, parent.env)
        self.doc.scopes.append(Scope(sid, start, end, parent=parent.scope))
        frame = _Frame(sid, start, dict(parent.env))
        if word == "withEnv":
            for t in self.toks[i + 1 : brace]:
                if t.kind == "str":
                    self._entry_string(t, frame)
        return frame

    # -- environment ----------------------------------------------------------------------

    def _environment(self, a: int, b: int, frame: _Frame) -> dict[str, VarDef]:
        """``NAME = 'value'`` entries of an ``environment { }`` block (tokens ``a..b``)."""
        out: dict[str, VarDef] = {}
        k = a
        while k + 2 < b:
            if self._is(k, "name") and self._is(k + 1, "punct", "="):
                name = self._word(k)
                if self._is(k + 2, "str") and not self._is(k + 3, "punct", "+"):
                    out[name] = self._value(name, self.toks[k], self.toks[k + 2], frame)
                else:
                    out[name] = VarDef(None, exported=True)
                    self._unresolved(name, self.toks[k], frame)
                k += 3
                continue
            k += 1
        return out

    def _value(self, name: str, key: Token, tok: Token, frame: _Frame) -> VarDef:
        value = groovy.decode(self.text, tok)[0]
        a, b = tok.body
        exact = self.text[a:b] == value
        unresolved = "$" in value and tok.quote[0] == '"'
        var = VarDef(None if unresolved else value, Span(a, b) if exact else None, exact, True)
        spec = ENV_VARS.get(name)
        if spec is not None:
            span = Span(a, b)
            removal = _line_of(self.text, key.start, tok.end)
            sibling = None
            if spec.kind in URL_KINDS and spec.tool in TRUSTED_VAR and removal is not None:
                indent = self.text[removal.start : key.start]
                line = f"{indent}{TRUSTED_VAR[spec.tool]} = {tok.quote}{{value}}{tok.quote}{{nl}}"
                sibling = Insertion(removal.end, line, line_ending_at(self.text, key.start))
            self._setting(name, span, var.value, exact and not unresolved, removal, sibling, frame)
        return var

    def _unresolved(self, name: str, key: Token, frame: _Frame) -> None:
        if name in ENV_VARS:
            self._setting(name, Span(key.start, key.end), None, False, None, None, frame)

    def _entry_string(self, tok: Token, frame: _Frame) -> None:
        """A ``'NAME=value'`` item of ``withEnv([...])``."""
        value = groovy.decode(self.text, tok)[0]
        m = _ENTRY.fullmatch(value)
        if m is None:
            return
        name = m.group(1)
        a, b = tok.body
        exact = self.text[a:b] == value and "$" not in value
        v0 = a + m.start(2)
        frame.env[name] = VarDef(m.group(2) if exact else None,
                                 Span(v0, b) if exact else None, exact, True)  # fmt: skip
        if name in ENV_VARS:
            self._setting(name, Span(v0, b) if exact else Span(a, b),
                          m.group(2) if exact else None, exact, None, None, frame)  # fmt: skip

    def _setting(
        self,
        name: str,
        span: Span,
        value: str | None,
        exact: bool,
        removal: Span | None,
        sibling: Insertion | None,
        frame: _Frame,
    ) -> None:
        spec = ENV_VARS[name]
        ineffective = spec.ineffective
        if ineffective and re.search(rf"\$\{{?{name}\b", self.text):
            return  # interpolated by hand: that use is the setting
        items = value.split() if value and spec.split else [value]
        if len(items) > 1:
            exact, removal = False, None  # a list in one string: edited as a whole, not per item
        for item in items:
            self.doc.settings.append(
                Setting(
                    spec.kind,
                    name,
                    self.text[span.start : span.end],
                    item,
                    span,
                    Method.CI_ENV,
                    frame.scope,
                    spec.tool,
                    exact and item is not None,
                    removal,
                    ineffective=ineffective,
                    position=frame.start,
                    sibling=sibling if spec.kind in URL_KINDS else None,
                )
            )

    # -- sh steps ---------------------------------------------------------------------------

    def _step(self, i: int, word: str, frame: _Frame) -> int:
        """``sh 'x'``, ``sh(script: 'x', ...)``, ``sh script: 'x'``: the script string."""
        k = i + 1
        end = k
        if self._is(k, "punct", "("):
            end = self._close(k, "(", ")")
            strings = self._script_arg(k + 1, end)
        else:
            strings = self._script_arg(k, min(k + 3, len(self.toks)))
            end = k
        if not strings:
            return i + 1
        tok = strings[0]
        if word in _OTHER_SHELLS:
            value = groovy.decode(self.text, tok)[0]
            if re.search(r"pip|PIP_|UV_", value):
                msg = f"a `{word}` step is not analysed: its pip commands are not checked"
                self.doc.problems.append(ParseProblem(tok.start, msg, False))
            return end + 1
        self._sh(tok, frame)
        return end + 1

    def _script_arg(self, a: int, b: int) -> list[Token]:
        """The script string among the tokens ``a..b``: after ``script:``, else the first."""
        toks = self.toks[a:b]
        for n, t in enumerate(toks):
            named = t.kind == "name" and self.text[t.start : t.end] == "script"
            if named and n + 2 < len(toks) and toks[n + 2].kind == "str":
                return [toks[n + 2]]
        first = toks[0] if toks else None
        return [first] if first is not None and first.kind == "str" else []

    def _sh(self, tok: Token, frame: _Frame) -> None:
        value, segs = groovy.decode(self.text, tok)
        line = self.text.count("\n", 0, tok.start) + 1
        sid = f"sh@{line}"
        n = 2
        while self.doc.scope(sid) is not None:
            sid, n = f"sh@{line}:{n}", n + 1
        scope = Scope(
            sid, tok.start, tok.end, parent=frame.scope, nl=line_ending_at(self.text, tok.start)
        )
        self.doc.scopes.append(scope)
        segmap = SegMap(segs) if segs else SegMap.shifted(tok.body[0], 0)
        first = len(self.doc.settings)
        env = {k: VarDef(v.value, v.span, v.exact, v.exported) for k, v in frame.env.items()}
        shell.analyze(self.doc, value, segmap, env, scope, nested=True)
        a, b = tok.body
        checker = EditChecker(self.text, a, b, value, segmap, lambda body: _decode_body(body, tok))
        for s in self.doc.settings[first:]:
            checker.check(s)


def _decode_body(body: str, tok: Token) -> str | None:
    """The value of a string literal of ``tok``'s kind whose content is ``body``."""
    q = tok.quote
    text = q + body + q
    again = groovy.tokens(text)
    if len(again) != 1 or again[0].kind != "str" or again[0].end != len(text):
        return None
    return groovy.decode(text, again[0])[0]


def _line_of(text: str, start: int, end: int) -> Span | None:
    """The whole line(s) ``start..end`` when nothing else is on them."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le == -1 else le + 1
    if text[ls:start].strip() or text[end:le].strip():
        return None
    return Span(ls, le)
