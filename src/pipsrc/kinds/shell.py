"""Shell scripts: locate pip commands, index variables and pip.conf writes with tree-sitter-bash.

tree-sitter-bash is used because it is lossless and error tolerant: it keeps
comments, heredoc bodies, ``case`` and arrays (bashlex does not) and parses
5,000 nested ``$(`` without recursion. Being error tolerant, it also parses
broken scripts, so every setting that overlaps an ``ERROR``/``MISSING`` node is
made non-editable and a blocking :class:`ParseProblem` is recorded.

:func:`analyze` is the entry point shared with the Dockerfile parser: it takes
*logical* text (a ``RUN`` with its continuations removed) plus a
:class:`SegMap` back to the file, the variables defined so far and a scope id.
"""

from __future__ import annotations

import os
import posixpath
import re
from array import array
from typing import TYPE_CHECKING, Any

from pipsrc.kinds.embedded import merge_pipconf, rebase
from pipsrc.model import (
    Comment,
    Document,
    FileKind,
    Insertion,
    Method,
    ParseProblem,
    Scope,
    Setting,
    Span,
)
from pipsrc.syntax.emit import Ctx, emit_env
from pipsrc.syntax.pipcli import Assign, analyze_command
from pipsrc.syntax.words import (
    Content,
    Piece,
    Resolver,
    SegMap,
    Tok,
    VarDef,
    build_content,
    command_removal,
    literal_pieces,
    var_piece,
    word_removal,
)
from pipsrc.textio import line_ending_at
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR

if TYPE_CHECKING:
    pass

MAX_DEPTH = 400  # tree levels; ~100 nested $( ... ) in practice
_PARSER: Any = None

_WORDS = frozenset(
    {"word", "number", "string", "raw_string", "concatenation", "simple_expansion",
     "expansion", "command_substitution", "ansi_c_string", "translated_string",
     "arithmetic_expansion", "process_substitution", "brace_expression"}
)  # fmt: skip
_DQ_ESC = re.compile(r'\\([\\"$`])')
_WORD_ESC = re.compile(r"\\(.)", re.S)
# text without which a command is neither an install, a prefix assignment of an index
# variable, nor an image build passing build args (see pipsrc.syntax.pipcli.analyze_command)
_RELEVANT_COMMAND = re.compile(r"pip|PIP_|UV_|--build-arg")
# ... and without which no shell text locates anything (pip.conf writes name pip.conf or
# a pip/ directory; a written Dockerfile is parsed as one)
_RELEVANT_TEXT = re.compile(r"pip|PIP_|UV_|--build-arg|[Dd]ockerfile|Containerfile")
# Statements (and comments) occur inside a command, a declaration or an assignment only
# within a command or process substitution; a comment needs "#", a heredoc "<<".
_NESTS = re.compile(r"\$\(|`|<\(|>\(|#|<<")
_LEAF_STATEMENTS = frozenset({"command", "declaration_command", "variable_assignment"})
_DOCKERFILE_NAME = re.compile(r"(?:Dockerfile|Containerfile)(?:\..+)?|.+\.[Dd]ockerfile")


def _parser() -> Any:
    """The tree-sitter-bash parser, created once per process (it is costly to build)."""
    global _PARSER
    if _PARSER is None:
        import tree_sitter

        _PARSER = tree_sitter.Parser(tree_sitter.Language(_bash_language()))
    return _PARSER


def prepare() -> None:
    """Load tree-sitter-bash now (every shell script that is parsed needs it)."""
    _parser()


def _bash_language() -> Any:
    """tree-sitter-bash's language pointer, from its compiled binding.

    ``import tree_sitter_bash`` runs the package's ``__init__``, which imports
    ``importlib.resources`` (and with it tempfile, zipfile, shutil...) for its query
    files: a sixth of a pre-commit run. pipsrc needs only the binding, so it loads that
    extension module directly, and falls back to the package import if the wheel is
    laid out differently.
    """
    import sys

    mod = sys.modules.get("tree_sitter_bash._binding")
    if mod is None:
        try:
            from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
            from importlib.util import find_spec, module_from_spec, spec_from_file_location

            pkg = find_spec("tree_sitter_bash")
            dirs = list(pkg.submodule_search_locations or ()) if pkg else []
            path = next(
                p
                for d in dirs
                for p in (os.path.join(d, "_binding" + sfx) for sfx in EXTENSION_SUFFIXES)
                if os.path.exists(p)
            )
            name = "tree_sitter_bash._binding"
            spec = spec_from_file_location(name, path, loader=ExtensionFileLoader(name, path))
            assert spec is not None and spec.loader is not None
            mod = module_from_spec(spec)
            spec.loader.exec_module(mod)
        except (ImportError, StopIteration, AssertionError, OSError):
            import tree_sitter_bash

            return tree_sitter_bash.language()
    return mod.language()


class _ByteMap:
    """UTF-8 byte offset (what tree-sitter reports) -> ``str`` offset."""

    def __init__(self, text: str) -> None:
        self.identity = text.isascii()
        self.table = array("l")
        if not self.identity:
            for i, ch in enumerate(text):
                n = 1 if ch < "\x80" else len(ch.encode("utf-8", "surrogatepass"))
                self.table.extend([i] * n)
            self.table.append(len(text))

    def __call__(self, b: int) -> int:
        if self.identity:
            return b
        return self.table[min(b, len(self.table) - 1)]


def is_pip_config_path(path: str) -> bool:
    """Whether a written/copied path is a pip configuration file or directory."""
    p = path.strip().rstrip("/")
    base = posixpath.basename(p)
    if base in ("pip.conf", "pip.ini"):
        return True
    if path.endswith("/") and base in ("pip", ".pip"):
        return True
    parent = posixpath.basename(posixpath.dirname(p))
    return parent in ("pip", ".pip") and base.endswith(".conf")


def parse(text: str, path: str) -> Document:
    """Parse a shell script into settings, install sites and one ``file`` scope."""
    doc = Document(path, FileKind.SHELL, text)
    scope = Scope("file", 0, len(text), insert_at=_insert_point(text), insert_style="shell",
                  nl=line_ending_at(text, 0))  # fmt: skip
    doc.scopes.append(scope)
    if "\r\n" in text:
        first = text.index("\r\n")
        doc.problems.append(ParseProblem(first, "CRLF in shell script: bash will see \\r", False))
    analyze(doc, text, SegMap.shifted(0, len(text)), {}, scope)
    return doc


def _insert_point(text: str) -> int:
    """After a shebang, the leading comment block and ``set -e...`` lines."""
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end + 1
        line = text[pos:end].strip()
        if line.startswith("#") or line.startswith("set -") or line.startswith("set -o"):
            pos = end
            continue
        break
    return pos


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _ts_source(logical: str) -> bytes:
    """The bytes handed to tree-sitter.

    tree-sitter-bash 0.25.1 can crash the process on characters outside the
    BMP, so each is replaced by four ASCII bytes: the same UTF-8 length, hence
    the same byte offsets. Values are always read from ``logical``, never
    from node text, so nothing downstream sees the substitute.
    """
    if _ASTRAL.search(logical) is not None:
        logical = _ASTRAL.sub("____", logical)
    return logical.encode("utf-8", "surrogatepass")


def analyze(
    doc: Document,
    logical: str,
    segmap: SegMap,
    env: dict[str, VarDef],
    scope: Scope,
    *,
    nested: bool = False,
    comments: bool = True,
    editable: bool = True,
) -> None:
    """Analyse shell source ``logical`` whose offsets map to ``doc.text`` through ``segmap``.

    ``env`` is updated in place with the script's assignments (callers pass a
    copy when assignments must not leak, as between two ``RUN`` s).
    """
    tree = _parser().parse(_ts_source(logical))
    bm = _ByteMap(logical)
    ctx = Ctx(doc, Resolver(doc.text, segmap, env, logical), scope.id, editable=editable)
    w = _Walker(ctx, bm, scope, nested)
    root = tree.root_node
    if root.has_error:
        w.collect_errors(root)
    if not comments and _RELEVANT_TEXT.search(logical) is None:
        # A Dockerfile RUN (its env is a copy, its comments are not collected) that
        # mentions neither pip, an index variable, a build arg nor a Dockerfile cannot
        # locate anything: its syntax errors are recorded above, the walk is skipped.
        return
    w.walk(root, comments)


class _Walker:
    def __init__(self, ctx: Ctx, bm: _ByteMap, scope: Scope, nested: bool) -> None:
        self.ctx = ctx
        self.bm = bm
        self.scope = scope
        self.nested = nested
        self.logical = ctx.res.logical
        self.text = ctx.doc.text

    def rng(self, node: Any) -> tuple[int, int]:
        return self.bm(node.start_byte), self.bm(node.end_byte)

    def fspan(self, a: int, b: int) -> Span:
        return self.ctx.res.fspan(a, b)[0]

    # -- errors -----------------------------------------------------------

    def collect_errors(self, root: Any) -> None:
        stack = [root]
        reported = 0
        while stack:
            node = stack.pop()
            if node.type == "ERROR" or node.is_missing:
                a, b = self.rng(node)
                if node.is_missing and node.parent is not None:
                    a, b = self.rng(node.parent)
                self.ctx.bad.append((a, b))
                if reported < 3:
                    at = self.fspan(a, a).start
                    line = self.text.count("\n", 0, at) + 1
                    what = "missing " + node.type if node.is_missing else "syntax error"
                    msg = f"could not parse shell at line {line} ({what}): not fixed"
                    self.ctx.doc.problems.append(ParseProblem(at, msg, True))
                    reported += 1
                continue
            if node.has_error:
                stack.extend(node.children)

    # -- traversal --------------------------------------------------------

    def walk(self, root: Any, comments: bool) -> None:
        stack: list[tuple[Any, int]] = [(root, 0)]
        too_deep = False
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                if not too_deep:
                    at = self.fspan(*self.rng(node)).start
                    self.ctx.doc.problems.append(
                        ParseProblem(at, "shell too deeply nested: not analysed further", True)
                    )
                    too_deep = True
                continue
            t = node.type
            if t == "comment":
                if comments:
                    self.comment(node)
                continue
            if t in _LEAF_STATEMENTS:
                if t == "command":
                    self.command(node)
                elif t == "declaration_command":
                    self.declaration(node)
                else:
                    parent = node.parent
                    if parent is None or parent.type not in ("command", "declaration_command"):
                        self.assignment(node, exported=False)
                a, b = self.rng(node)
                if _NESTS.search(self.logical, a, b) is None:
                    continue  # its words were read above; no statement or comment inside
            elif t in ("redirected_statement", "heredoc_redirect"):
                self.redirects(node)
            elif t == "heredoc_body":
                continue
            children = node.children
            for child in reversed(children):
                stack.append((child, depth + 1))

    def comment(self, node: Any) -> None:
        a, b = self.rng(node)
        span, contiguous = self.ctx.res.fspan(a, b)
        if not contiguous:
            return
        ls = self.text.rfind("\n", 0, span.start) + 1
        own = self.text[ls : span.start].strip() == ""
        self.ctx.doc.comments.append(Comment(span, self.logical[a + 1 : b], own))

    # -- words ------------------------------------------------------------

    def tok(self, node: Any) -> Tok:
        a, b = self.rng(node)
        t = Tok(a, b)
        self._pieces(node, t.pieces)
        return t

    def _pieces(self, node: Any, out: list[Piece]) -> None:
        a, b = self.rng(node)
        t = node.type
        src = self.logical[a:b]
        if t in ("word", "number"):
            if "\\" in src:
                out.append(Piece(a, b, _WORD_ESC.sub(r"\1", src), False))
            else:
                out.extend(literal_pieces(src, a) if "$" in src else [Piece(a, b, src)])
        elif t == "raw_string":
            out.append(Piece(a + 1, b - 1, src[1:-1]))
        elif t == "string":
            pos = a + 1
            for c in node.children:
                ca, cb = self.rng(c)
                if c.type == '"':
                    continue
                if ca > pos:
                    self._dq_literal(pos, ca, out)
                if c.type == "string_content":
                    self._dq_literal(ca, cb, out)
                else:
                    self._pieces(c, out)
                pos = max(pos, cb)
            end = b - 1 if src.endswith('"') and b - 1 > a else b
            if end > pos:
                self._dq_literal(pos, end, out)
        elif t == "concatenation":
            for c in node.children:
                self._pieces(c, out)
        elif t in ("simple_expansion", "expansion"):
            piece = var_piece(src, a)
            if t == "expansion" and "[" in src:
                m = re.fullmatch(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\}", src)
                piece = Piece(a, b, None, False, m.group(1) if m else None, array=m is not None)
            out.append(piece)
        else:
            out.append(Piece(a, b))

    def _dq_literal(self, a: int, b: int, out: list[Piece]) -> None:
        src = self.logical[a:b]
        if "\\" in src:
            out.append(Piece(a, b, _DQ_ESC.sub(r"\1", src), "\\" not in _DQ_ESC.sub("", src)
                             and _DQ_ESC.search(src) is None))  # fmt: skip
        else:
            out.append(Piece(a, b, src))

    # -- statements -------------------------------------------------------

    def _assign_parts(self, node: Any) -> tuple[str, Tok | None, Any]:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        name = name_node.text.decode("utf-8", "replace") if name_node is not None else ""
        if value_node is None:
            _, b = self.rng(node)
            return name, Tok(b, b), None
        if value_node.type == "array":
            return name, None, value_node
        return name, self.tok(value_node), None

    def command(self, node: Any) -> None:
        start, end = self.rng(node)
        if _RELEVANT_COMMAND.search(self.logical, start, end) is None:
            # analyze_command acts only on a pip command, a PIP_*/UV_* prefix or an image
            # build's --build-arg; tokenizing every mkdir and echo was most of the cost
            return
        words: list[Tok] = []
        assigns: list[Assign] = []
        for c in node.children:
            if c.type == "variable_assignment":
                name, val, _arr = self._assign_parts(c)
                a, b = self.rng(c)
                if val is not None:
                    assigns.append(Assign(name, val, a, b))
            elif c.type == "command_name":
                if c.children:
                    words.append(self.tok(c.children[0]))
            elif c.type in _WORDS:
                words.append(self.tok(c))
        analyze_command(self.ctx, words, assigns, start, end)

    def declaration(self, node: Any) -> None:
        children = node.children
        if not children:
            return
        kw = children[0].type
        flags = [c.text.decode("utf-8", "replace") for c in children if c.type == "word"]
        exported = kw == "export" or (kw in ("declare", "typeset") and "-x" in flags)
        assigns = [c for c in children if c.type == "variable_assignment"]
        single = len(assigns) == 1 and not any(c.type == "variable_name" for c in children)
        for c in children:
            if c.type == "variable_assignment":
                self.assignment(c, exported, decl=node if single else None)
            elif c.type == "variable_name" and exported:
                self._export_name(c)

    def _export_name(self, node: Any) -> None:
        name = node.text.decode("utf-8", "replace")
        d = self.ctx.res.env.get(name)
        if d is None:
            self.ctx.res.env[name] = VarDef(None, exported=True)
            return
        was = d.exported
        d.exported = True
        if was or name not in ENV_VARS or d.value is None:
            return
        from pipsrc.syntax.words import Resolved

        a, b = self.rng(node)
        use = self.fspan(a, b)
        span = d.span or use
        raw = self.text[span.start : span.end]
        res = Resolved(d.value, raw, span, d.exact and d.span is not None, use)
        emit_env(self.ctx, name, res, Method.ENV, removal=None, sibling=None, position=use.start,
                 ok=not self.ctx.is_bad(a, b))  # fmt: skip

    def assignment(self, node: Any, exported: bool, decl: Any = None) -> None:
        name, val, arr = self._assign_parts(node)
        env = self.ctx.res.env
        if arr is not None:
            toks = [self.tok(c) for c in arr.children if c.type in _WORDS]
            env[name] = VarDef(None, array=toks)
            return
        if val is None:
            return
        prev = env.get(name)
        exported = exported or (prev is not None and prev.exported)
        res = self.ctx.res.resolve(val.pieces, val.start)
        if res.value is not None and res.use_span is None and res.exact:
            env[name] = VarDef(res.value, res.span, True, exported)
        elif res.value is not None and res.use_span is not None:
            env[name] = VarDef(res.value, res.span, res.exact, exported)
        else:
            env[name] = VarDef(res.value, None, False, exported)
        if name == "PIP_CONFIG_FILE" and exported and res.value != "/dev/null":
            self.scope.opaque_config = True
        if not exported or name not in ENV_VARS:
            return
        a, b = self.rng(node)
        text = self.text
        span, contiguous = self.ctx.res.fspan(a, b)
        removal: Span | None = None
        if decl is not None:
            da, db = self.rng(decl)
            dspan, dcont = self.ctx.res.fspan(da, db)
            if dcont:
                ls = text.rfind("\n", 0, dspan.start) + 1
                removal = command_removal(text, dspan.start, dspan.end, ls)
            end = dspan.end
        else:
            if contiguous:
                removal = word_removal(text, span.start, span.end)
            end = span.end
        trusted = TRUSTED_VAR.get(ENV_VARS[name].tool, "PIP_TRUSTED_HOST")
        kw = "export " if decl is not None else ""
        if self.nested or decl is None:
            sib = Insertion(end, f" && {kw}{trusted}={{value}}")
        else:
            nl = line_ending_at(text, end)
            eol = text.find("\n", end)
            if eol == -1:
                sib = Insertion(len(text), f"{{nl}}export {trusted}={{value}}", nl)
            else:
                sib = Insertion(eol + 1, f"export {trusted}={{value}}{{nl}}", nl)
        emit_env(self.ctx, name, res, Method.ENV, removal=removal, sibling=sib,
                 ok=not self.ctx.is_bad(a, b))  # fmt: skip

    # -- files written by the script -------------------------------------

    def redirects(self, node: Any) -> None:
        """``echo/printf ... > pip.conf``, ``cat <<EOF > pip.conf``, ``tee``, Dockerfiles."""
        targets: list[str] = []
        heredocs: list[Any] = []
        body_cmd = None
        stack = [node]
        while stack:
            n = stack.pop()
            t = n.type
            if t == "file_redirect":
                op = n.children[0].type if n.children else ""
                dest = n.child_by_field_name("destination")
                if op in (">", ">>", ">|", "&>") and dest is not None:
                    v = self.tok(dest).value
                    if v is not None:
                        targets.append(v)
            elif t == "heredoc_redirect":
                if n is not node or node.type == "heredoc_redirect":
                    heredocs.append(n)
                stack.extend(n.children)
            elif t == "command":
                words = [self.tok(c.children[0] if c.type == "command_name" else c)
                         for c in n.children if c.type in _WORDS or (c.type == "command_name"
                         and c.children)]  # fmt: skip
                vals = [w.value for w in words]
                names = [posixpath.basename(v) for v in vals if v is not None]
                if "tee" in names:
                    k = names.index("tee")
                    targets.extend(v for v in vals[k + 1 :] if v and not v.startswith("-"))
                elif body_cmd is None and names and names[0] in ("echo", "printf"):
                    body_cmd = (names[0], words)
            elif t in ("redirected_statement", "pipeline"):
                stack.extend(n.children)
        if node.type == "heredoc_redirect":
            parent = node.parent
            if parent is not None and parent.type == "redirected_statement":
                return  # handled with its statement
        conf = [p for p in targets if is_pip_config_path(p)]
        dockerfiles = [p for p in targets if _DOCKERFILE_NAME.fullmatch(posixpath.basename(p))]
        if not conf and not dockerfiles:
            return
        for hd in heredocs:
            self._heredoc(hd, conf, dockerfiles)
        if not heredocs and body_cmd is not None and conf:
            content = self._echo_content(*body_cmd)
            if content is not None:
                self._merge_pipconf(content, expanding=True)
                self.scope.config_files.extend(conf)

    def _heredoc(self, hd: Any, conf: list[str], dockerfiles: list[str]) -> None:
        start = body = end = None
        strip_tabs = False
        for c in hd.children:
            if c.type == "heredoc_start":
                start = c
            elif c.type == "heredoc_body":
                body = c
            elif c.type == "heredoc_end":
                end = c
            elif c.type == "<<-":
                strip_tabs = True
        if start is None or body is None:
            return
        delim = start.text.decode("utf-8", "replace")
        quoted = any(q in delim for q in "'\"\\")
        logical = self.logical
        ba = logical.rfind("\n", 0, self.rng(body)[0]) + 1
        bb = self.rng(end)[0] if end is not None else self.rng(body)[1]
        bb = logical.rfind("\n", 0, bb) + 1 if end is not None else bb
        bb = max(ba, bb)
        chunks: list[tuple[str, int, bool]] = []
        pos = ba
        while pos < bb:
            eol = logical.find("\n", pos, bb)
            eol = bb if eol == -1 else eol + 1
            s = pos
            if strip_tabs:
                while s < eol and logical[s] == "\t":
                    s += 1
            chunks.append((logical[s:eol], s, True))
            pos = eol
        content = build_content(chunks, decode=False)
        bad = self.ctx.is_bad(ba, bb)
        if conf:
            self._merge_pipconf(content, expanding=not quoted, bad=bad)
            self.scope.config_files.extend(conf)
        elif dockerfiles:
            self._merge_dockerfile(content, expanding=not quoted, bad=bad)

    def _echo_content(self, cmd: str, words: list[Tok]) -> Content | None:
        args = words[1:]
        decode = cmd == "printf"
        while args and (v := args[0].value) is not None and v.startswith("-") and cmd == "echo":
            decode = decode or "e" in v
            args = args[1:]
        if not args:
            return None
        chunks: list[tuple[str, int, bool]] = []
        if cmd == "printf":
            fmt, rest = args[0], list(args[1:])
            for p in fmt.pieces:
                if p.value is None:
                    chunks.append((self.logical[p.start : p.end], p.start, False))
                    continue
                parts = p.value.split("%s") if p.exact else [p.value]
                off = p.start
                for k, part in enumerate(parts):
                    chunks.append((part, off, p.exact))
                    off += len(part) + 2
                    if k + 1 < len(parts) and rest:
                        self._tok_chunks(rest.pop(0), chunks)
            return build_content(chunks, decode=True)
        for k, w in enumerate(args):
            if k:
                chunks.append((" ", args[k - 1].end, False))
            self._tok_chunks(w, chunks)
        return build_content(chunks, decode=decode or "\\" in "".join(c[0] for c in chunks))

    def _tok_chunks(self, w: Tok, chunks: list[tuple[str, int, bool]]) -> None:
        for p in w.pieces:
            if p.value is not None:
                chunks.append((p.value, p.start, p.exact))
            else:
                chunks.append((self.logical[p.start : p.end], p.start, p.var is not None))

    def _merge_pipconf(self, content: Content, expanding: bool, bad: bool = False) -> None:
        try:
            from pipsrc.kinds import pipconf
        except ImportError:  # pragma: no cover - written by another module owner
            return
        sub = pipconf.parse(content.text, self.ctx.doc.path)
        merge_pipconf(self.ctx, sub, content, expanding, bad)

    def _merge_dockerfile(self, content: Content, expanding: bool, bad: bool) -> None:
        from pipsrc.kinds import dockerfile

        ranges = []
        for la, fa, n in zip(content.cmap._log, content.cmap._file, content.cmap._len, strict=True):
            span, contiguous = self.ctx.res.fspan(fa, fa + n)
            if not contiguous:
                return
            ranges.append((la, span.start, n))
        fmap = SegMap(ranges)
        sub = dockerfile.parse(content.text, self.ctx.doc.path)
        line = self.text.count("\n", 0, fmap.orig(0)) + 1
        prefix = f"heredoc@{line}:"

        def ok(s: Setting) -> bool:
            return not bad and not (expanding and "$" in s.raw)

        rebase(self.ctx.doc, sub, fmap, lambda sid: prefix + sid, ok, add_scopes=True)


def config_lines(pairs: list[tuple[str, str]], nl: str) -> str:
    """``export A="a"`` lines: what PS104 inserts near the top of a script."""
    return "".join(f'export {k}="{v}"{nl}' for k, v in pairs)
