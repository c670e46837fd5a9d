"""Python scripts that call pip: ``subprocess`` and ``os.system`` commands, ``pip.main``,
and ``PIP_*``/``UV_*`` variables set in ``os.environ`` or passed as ``env=``.

The script is parsed with libcst (imported here, on the first script that passes the
kind's prefilter); string literals are read by :mod:`pipsrc.syntax.pystrings`, so each
character of a value is located in the file. A command given as a list
(``[sys.executable, "-m", "pip", "install", "-i", URL]``, ``pip.main([...])``) is one
command whose words are the list's items; a command given as a string (``os.system``,
``shell=True``, ``"...".split()``) is read as shell, and an edit inside it is kept only
where reading the edited literal again gives the command with the same edit. A name bound
once at module level to a string (``MIRROR = "https://..."``) is resolved, and an edit of
its value is made where it is defined.

Scopes: the module (``file``), each function (``def:NAME@LINE``, inheriting the module's
settings: a function runs after the module has set ``os.environ``), and a call given
``env=`` (``env@LINE``: a fresh environment, or the caller's when the mapping starts from
``os.environ``); a shell string runs in a scope of its own (``sh@LINE``).
"""

from __future__ import annotations

import bisect
from typing import Any

from pipsrc.kinds import pyenv
from pipsrc.kinds.pyenv import Reader
from pipsrc.model import Comment, Document, ParseProblem, Scope, Span
from pipsrc.syntax.emit import Ctx
from pipsrc.syntax.pipcli import analyze_command
from pipsrc.syntax.pystrings import Chunk, shell_text
from pipsrc.syntax.words import Piece, Resolver, SegMap, Tok
from pipsrc.textio import majority_newline

KIND = "python"

_RUNNERS = frozenset(
    {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
     "subprocess.Popen"}
)  # fmt: skip
_SHELL_CALLS = frozenset(
    {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"}
)
_PIP_MAIN = frozenset({"pip.main", "pip._internal.main", "pip._internal.cli.main.main"})
_PYTHONS = frozenset({"sys.executable"})


def prepare() -> None:
    """Load libcst and the shell parser now (every Python script parsed needs them)."""
    import libcst  # noqa: F401

    from pipsrc.kinds import shell

    shell.prepare()


def parse(text: str, path: str) -> Document:
    """Locate the index settings and pip commands of a Python script."""
    import libcst as cst
    from libcst.metadata import ByteSpanPositionProvider, MetadataWrapper

    doc = Document(path, KIND, text)
    doc.scopes.append(Scope("file", 0, len(text), nl=majority_newline(text)))
    if _too_deep(text, path):
        doc.problems.append(ParseProblem(0, "too deeply nested to parse"))
        return doc
    try:
        module = cst.parse_module(text)
    except Exception as exc:  # ParserSyntaxError, CSTValidationError
        line = int(getattr(exc, "raw_line", 1) or 1)
        offset = _line_start(text, line)
        doc.problems.append(ParseProblem(offset, f"Python syntax error on line {line}"))
        return doc
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    spans = wrapper.resolve(ByteSpanPositionProvider)
    walker: Any = _visitor_type(cst)(doc, cst, spans, _Bytes(text))
    walker.constants(module)
    module.visit(walker)
    return doc


_VISITOR: list[type[_Walker]] = []


def _visitor_type(cst: Any) -> type[_Walker]:
    """The walker as a libcst visitor (made once: libcst is not imported with this module)."""
    if not _VISITOR:
        _VISITOR.append(type("PipCallVisitor", (_Walker, cst.CSTVisitor), {}))
    return _VISITOR[0]


def _too_deep(text: str, path: str) -> bool:
    """Whether the script nests deeper than CPython accepts. libcst's native parser
    overflows its stack (a crash, not an exception) on expressions nested thousands deep,
    which CPython refuses (its limit on brackets is 200; deep expressions raise
    RecursionError or MemoryError), so CPython's parser, about a tenth of libcst's time, is
    asked first. Its other syntax errors are left to libcst, which reads syntax newer than
    the running interpreter."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid escape sequence" is not pipsrc's to say
            compile(text, path, "exec", ast.PyCF_ONLY_AST)
    except (RecursionError, MemoryError):
        return True
    except (SyntaxError, ValueError) as exc:
        return "nested" in str(exc) or "too complex" in str(exc)
    return False


def _line_start(text: str, line: int) -> int:
    pos = 0
    for _ in range(line - 1):
        nxt = text.find("\n", pos)
        if nxt == -1:
            break
        pos = nxt + 1
    return pos


class _Bytes:
    """UTF-8 byte offsets (libcst's spans, whatever the file's coding line) to ``str``
    offsets."""

    def __init__(self, text: str) -> None:
        self.ascii = text.isascii()
        self.cum: list[int] = []
        if not self.ascii:
            total, cum = 0, [0]
            for ch in text:
                total += 1 if ch < "\x80" else len(ch.encode("utf-8", "surrogatepass"))
                cum.append(total)
            self.cum = cum

    def __call__(self, b: int) -> int:
        if self.ascii:
            return b
        return bisect.bisect_left(self.cum, b)


class _Walker(Reader):
    """The visitor's methods (made a libcst ``CSTVisitor`` by :func:`_visitor_type`)."""

    def __init__(self, doc: Document, cst: Any, spans: Any, conv: _Bytes) -> None:
        super().__init__(doc, cst)
        self._spans = spans
        self._conv = conv
        self._scopes = ["file"]

    def where(self, node: Any) -> tuple[int, int]:
        s = self._spans[node]
        return self._conv(s.start), self._conv(s.start + s.length)

    # -- the visitor protocol ---------------------------------------------------------------

    def on_visit(self, node: Any) -> bool:
        name = type(node).__name__
        if name == "FunctionDef":
            self._function(node)
        elif name == "Call":
            self._call(node)
        elif name == "Assign":
            self.assign(node, self._scopes[-1])
        elif name in ("Import", "ImportFrom"):
            self.imports(node)
        elif name == "Comment":
            self._comment(node)
        elif name == "SimpleStatementLine":
            self.stmt = node
        elif name == "IndentedBlock" and len(node.body) == 1:
            self.sole.add(id(node.body[0]))
        return True

    def on_leave(self, original_node: Any) -> None:
        if type(original_node).__name__ == "FunctionDef":
            self._scopes.pop()

    # -- scopes and comments ----------------------------------------------------------------

    def _function(self, node: Any) -> None:
        start, end = self.where(node)
        sid = self.scope_id(f"def:{node.name.value}", start)
        self.doc.scopes.append(Scope(sid, start, end, parent=self._scopes[-1]))
        self._scopes.append(sid)

    def _comment(self, node: Any) -> None:
        start, end = self.where(node)
        line_start = self.text.rfind("\n", 0, start) + 1
        own = not self.text[line_start:start].strip()
        self.doc.comments.append(Comment(Span(start, end), self.text[start + 1 : end], own))

    # -- calls ------------------------------------------------------------------------------

    def _call(self, node: Any) -> None:
        qual = self.qualified(node.func)
        scope = self._scopes[-1]
        if qual in _RUNNERS:
            args = self.argument(node, 0, "args")
            if args is not None:
                sid, opaque = self.call_env(node, scope)
                mark = len(self.doc.sites)
                self._command(args, sid)
                for site in self.doc.sites[mark:]:
                    site.opaque_config = site.opaque_config or opaque
        elif qual in _SHELL_CALLS:
            args = self.argument(node, 0, "cmd")
            if args is not None:
                self._command(args, scope)
        elif qual in _PIP_MAIN:
            args = self.argument(node, 0, "args")
            if args is not None and type(args).__name__ in ("List", "Tuple"):
                at = self.where(node)[0]
                self._argv(args, scope, Tok(at, at, [Piece(at, at, "pip", False)]))
        else:
            self.env_call(node, qual, scope)

    def _command(self, node: Any, scope: str) -> None:
        """A command: a list of words, or a string read as shell (``"...".split()`` and
        ``shlex.split("...")`` too: their words are the shell's for a simple command)."""
        kind = type(node).__name__
        if kind in ("List", "Tuple"):
            self._argv(node, scope, None)
            return
        if kind == "Call":
            func = node.func
            if self.qualified(func) == "shlex.split" and node.args:
                node = node.args[0].value
            elif type(func).__name__ == "Attribute" and func.attr.value == "split":
                node = func.value
            else:
                return
        chunks = self.chunks(node)
        if chunks is not None:
            self._shell(node, chunks, scope)

    def _word(self, node: Any) -> Tok:
        """One item of a command list as a word of pieces (file offsets)."""
        start, end = self.where(node)
        if self.qualified(node) in _PYTHONS:
            return Tok(start, end, [Piece(start, end, "python", False)])
        if type(node).__name__ == "Name" and node.value in self.consts:
            return Tok(start, end, [Piece(start, end, None, False, node.value)])
        chunks = self.chunks(node)
        if chunks is None:
            return Tok(start, end, [Piece(start, end)])
        pieces = []
        for c in chunks:
            if c.value is not None:
                pieces.append(Piece(c.start, c.end, c.value, c.exact))
            elif c.name is not None and len(chunks) == 1:
                pieces.append(Piece(c.start, c.end, None, False, c.name))
            elif c.name is not None and (const := self.consts.get(c.name)) is not None:
                # a module constant inside an f-string; another name (a parameter) is unknown
                pieces.append(Piece(c.start, c.end, const.value, False))
            else:
                pieces.append(Piece(c.start, c.end))
        return Tok(start, end, pieces)

    def _argv(self, node: Any, scope: str, first: Tok | None) -> None:
        items = [el.value for el in node.elements]
        if any(type(el).__name__ == "StarredElement" for el in node.elements):
            items = [el.value for el in node.elements if type(el).__name__ == "Element"]
        words = ([first] if first is not None else []) + [self._word(v) for v in items]
        start, end = self.where(node)
        res = Resolver(self.text, SegMap.shifted(0, len(self.text)), self.consts, self.text)
        ctx = Ctx(self.doc, res, scope, exec_form=True)
        mark = len(self.doc.settings)
        analyze_command(ctx, words, [], start, end)
        pyenv.list_edits(self.doc.settings[mark:], words)

    def _shell(self, node: Any, chunks: list[Chunk], scope: str) -> None:
        from pipsrc.kinds import shell
        from pipsrc.kinds.scriptcheck import EditChecker

        chunks = self.with_constants(chunks)
        logical, segs, _inexact = shell_text(chunks)
        if not logical.strip():
            return
        start, end = self.where(node)
        sid = self.scope_id("sh", start)
        sc = Scope(sid, start, end, parent=scope, nl=self.doc.scopes[0].nl)
        self.doc.scopes.append(sc)
        mark = len(self.doc.settings)
        shell.analyze(self.doc, logical, SegMap(segs), {}, sc, nested=True, comments=False)
        checker = EditChecker(self.text, start, end, logical, SegMap(segs), self.decode)
        for s in self.doc.settings[mark:]:
            checker.check(s)
