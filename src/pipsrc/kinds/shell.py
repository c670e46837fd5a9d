"""Shell scripts: locate pip commands, index variables and pip.conf writes with tree-sitter-bash.

tree-sitter-bash is used because it is lossless and error tolerant: it keeps
comments, heredoc bodies, ``case`` and arrays (bashlex does not) and parses
5,000 nested ``$(`` without recursion. Being error tolerant, it also parses
broken scripts, so every setting that overlaps an ``ERROR``/``MISSING`` node is
made non-editable and a blocking :class:`ParseProblem` is recorded.

:func:`analyze` is the entry point shared with the Dockerfile parser: it takes
*logical* text (a ``RUN`` with its continuations removed) plus a
:class:`SegMap` back to the file, the variables defined so far and a scope id.
Loading the parser and reading words from its nodes is :mod:`pipsrc.syntax.bashtree`;
the files a script writes (pip.conf, Dockerfiles) are :mod:`pipsrc.kinds.shellwrites`.
"""

from __future__ import annotations

import re
from typing import Any

from pipsrc.kinds.shellwrites import FileWrites
from pipsrc.model import (
    Comment,
    Document,
    FileKind,
    Insertion,
    Method,
    ParseProblem,
    Scope,
    Span,
)
from pipsrc.syntax.bashbodies import COMPOUNDS, bodies, sole_in_body
from pipsrc.syntax.bashcheck import syntax_error
from pipsrc.syntax.bashtree import WORD_NODES, ByteMap, NodeReader, parser, source_bytes
from pipsrc.syntax.emit import Ctx, emit_env
from pipsrc.syntax.inline import decoder, program_runs, program_word
from pipsrc.syntax.pipcli import analyze_command
from pipsrc.syntax.words import (
    Resolved,
    Resolver,
    SegMap,
    Tok,
    VarDef,
    command_removal,
    word_removal,
)
from pipsrc.syntax.wrappers import Assign
from pipsrc.textio import line_ending_at
from pipsrc.vocabulary import ENV_VARS, INSTALLER_WORDS, TRUSTED_VAR

MAX_DEPTH = 400  # tree levels; ~100 nested $( ... ) in practice

# text without which a command is neither an install, a prefix assignment of an index
# variable, nor an image build passing build args (see pipsrc.syntax.pipcli.analyze_command)
_RELEVANT_COMMAND = re.compile(
    rf"(?i:pip)|UV_|--build-arg|{INSTALLER_WORDS}|conda|mamba|devpi"
    # `cd DIR`: where a later uv command looks for its project
    r"|\bcd\s"
    # pip held in a variable: `$PIP install x` (PIP=pip3 earlier)
    r"|^\s*\"?\$\{?\w+\}?\"?\s+(?:install|download|wheel)\b",
    re.MULTILINE,
)
# ... and without which no shell text locates anything (pip.conf writes name pip.conf or
# a pip/ directory; a written Dockerfile is parsed as one)
_RELEVANT_TEXT = re.compile(
    rf"(?i:pip)|UV_|--build-arg|[Dd]ockerfile|Containerfile|{INSTALLER_WORDS}|uv\.toml"
    r"|conda|mamba|devpi"
)
# Statements (and comments) occur inside a command, a declaration or an assignment only
# within a command or process substitution; a comment needs "#", a heredoc "<<".
_NESTS = re.compile(r"\$\(|`|<\(|>\(|#|<<")
_LEAF_STATEMENTS = frozenset({"command", "declaration_command", "variable_assignment"})


def prepare() -> None:
    """Load tree-sitter-bash now (every shell script that is parsed needs it)."""
    parser()


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
    tree = parser().parse(source_bytes(logical))
    bm = ByteMap(logical)
    ctx = Ctx(doc, Resolver(doc.text, segmap, env, logical), scope.id, editable=editable)
    w = _Walker(ctx, bm, scope, nested)
    root = tree.root_node
    if root.has_error and syntax_error(logical) is None:
        # bash accepts what tree-sitter's grammar does not: read around those lines
        tree, blanked = around_the_grammar(source_bytes(logical), tree)
        ctx.bad.extend((bm(a), bm(b)) for a, b in blanked)
        root = tree.root_node
    if root.has_error:
        w.collect_errors(root, report=syntax_error(logical) is not None)
    if not comments and _RELEVANT_TEXT.search(logical) is None:
        # A Dockerfile RUN (its env is a copy, its comments are not collected) that
        # mentions neither pip, an index variable, a build arg nor a Dockerfile cannot
        # locate anything: its syntax errors are recorded above, the walk is skipped.
        return
    w.walk(root, comments)


def around_the_grammar(
    source: bytes, tree: Any, tries: int = 8
) -> tuple[Any, list[tuple[int, int]]]:
    """``tree`` parsed again with the lines tree-sitter cannot read blanked out (same byte
    offsets), one line per try: for a program bash accepts, so that a construct beyond the
    grammar (``[ "$a" \\> "$b" ]``) hides only its own line. Returns the tree and the
    blanked byte ranges, which nothing may edit."""
    text = bytearray(source)
    blanked: list[tuple[int, int]] = []
    end = len(text.rstrip(b"\n"))
    if end and text[end - 1] == 0x5C:  # a `\` continuing past the end of the file
        text[end - 1] = 0x20
        tree = parser().parse(bytes(text))
    for _ in range(tries):
        node = _innermost_error(tree.root_node)
        if node is None:
            break
        starts = [0, *(i + 1 for i, c in enumerate(text) if c == 10)]
        row = min(node.start_point.row, len(starts) - 1)
        while row > 0 and not text[starts[row] : _line_end(text, starts[row])].strip():
            row -= 1  # an error at an empty line belongs to the line before
        a = starts[row]
        b = _line_end(text, a)
        if not text[a:b].strip():
            break
        # `:` where the line's command was: a body of an if/while keeps a command (an empty
        # one is a syntax error of its own)
        indent = len(text[a:b]) - len(text[a:b].lstrip())
        text[a:b] = b" " * indent + b":" + b" " * (b - a - indent - 1)
        blanked.append((a, b))
        tree = parser().parse(bytes(text))
    return tree, blanked


def _line_end(text: bytearray, start: int) -> int:
    end = text.find(b"\n", start)
    return len(text) if end == -1 else end


def _innermost_error(root: Any) -> Any:
    """The first error node that holds no other (depth first, without recursion), or None."""
    found = None
    node = root
    while node is not None:
        if node.type == "ERROR" or node.is_missing:
            found = node
        node = next(
            (c for c in node.children if c.has_error or c.type == "ERROR" or c.is_missing), None
        )
    return found


class _Walker(NodeReader):
    """Walks one parsed text once: comments, commands, declarations and assignments,
    and (through :class:`FileWrites`) the files its redirections write."""

    def __init__(self, ctx: Ctx, bm: ByteMap, scope: Scope, nested: bool) -> None:
        super().__init__(ctx, bm)
        self.scope = scope
        self.nested = nested
        self.writes = FileWrites(self, scope)

    # -- errors -----------------------------------------------------------

    def collect_errors(self, root: Any, report: bool = True) -> None:
        """Mark what tree-sitter could not read as not editable; with ``report``, each place
        is a parse problem (PS900) that blocks the file's fixes."""
        stack = [root]
        reported = 0
        while stack:
            node = stack.pop()
            if node.type == "ERROR" or node.is_missing:
                a, b = self.rng(node)
                if node.is_missing and node.parent is not None:
                    a, b = self.rng(node.parent)
                self.ctx.bad.append((a, b))
                if report and reported < 3:
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
                    self._too_deep(node)
                    too_deep = True
                continue
            t = node.type
            if t == "comment":
                if comments:
                    self.comment(node)
                continue
            if t in _LEAF_STATEMENTS:
                if not self._statement(node, t):
                    continue  # its words were read; no statement or comment inside
            elif t in COMPOUNDS:
                self._empty_bodies(node)
            elif t in ("redirected_statement", "heredoc_redirect", "pipeline"):
                self.writes.redirects(node)  # a pipeline: printf ... | tee /etc/pip.conf
            elif t == "heredoc_body":
                continue
            children = node.children
            for child in reversed(children):
                stack.append((child, depth + 1))

    def _empty_bodies(self, node: Any) -> None:
        """An empty ``then``/``else``/``do``/``{ }`` body: tree-sitter accepts it, bash does
        not ("syntax error near unexpected token"), so it is a parse error here too."""
        for opener, keyword, statements in bodies(node):
            if statements:
                continue
            a, b = self.rng(node)
            self.ctx.bad.append((a, b))
            at = self.fspan(*self.rng(keyword)).start
            line = self.text.count("\n", 0, at) + 1
            msg = f"could not parse shell at line {line} (empty `{opener}` body): not fixed"
            self.ctx.doc.problems.append(ParseProblem(at, msg, True))

    def _too_deep(self, node: Any) -> None:
        """Report (once per text) that the walk stops below ``MAX_DEPTH``: a tree that
        deep is generated or hostile, and walking it costs more than it could find."""
        at = self.fspan(*self.rng(node)).start
        self.ctx.doc.problems.append(
            ParseProblem(at, "shell too deeply nested: not analysed further", True)
        )

    def _statement(self, node: Any, t: str) -> bool:
        """Read a command, declaration or assignment; return whether the walk must still
        descend into it (only a command or process substitution, a comment or a heredoc
        can hold anything more, and most statements have none)."""
        if t == "command":
            self.command(node)
        elif t == "declaration_command":
            self.declaration(node)
        else:
            parent = node.parent
            if parent is None or parent.type not in ("command", "declaration_command"):
                self.assignment(node, exported=False)
        a, b = self.rng(node)
        return _NESTS.search(self.logical, a, b) is not None

    def comment(self, node: Any) -> None:
        a, b = self.rng(node)
        span, contiguous = self.ctx.res.fspan(a, b)
        if not contiguous:
            return
        ls = self.text.rfind("\n", 0, span.start) + 1
        own = self.text[ls : span.start].strip() == ""
        self.ctx.doc.comments.append(Comment(span, self.logical[a + 1 : b], own))

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
        nodes: list[Any] = []
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
                    nodes.append(c.children[0])
            elif c.type in WORD_NODES:
                words.append(self.tok(c))
                nodes.append(c)
        self.ctx.sole = sole_in_body(node)
        try:
            analyze_command(self.ctx, words, assigns, start, end)
        finally:
            self.ctx.sole = False
        program = program_word(words)
        if program is not None and nodes[program].type in ("raw_string", "string"):
            self._inline(*self.rng(nodes[program]))

    def _inline(self, a: int, b: int) -> None:
        """The program of ``bash -c '...'`` (the quoted word at ``[a, b)``), read as a
        script of its own in a scope inside this one (:mod:`pipsrc.syntax.inline`); its
        settings keep only the edits the quoted word can take as they are."""
        from pipsrc.kinds.scriptcheck import EditChecker

        quoted = self.logical[a:b]
        runs = program_runs(quoted)
        if runs is None or self.ctx.is_bad(a, b):
            return
        program = "".join(quoted[r0:r1] for r0, r1 in runs)
        if not program.strip():
            return
        doc, res = self.ctx.doc, self.ctx.res
        span, _ = res.fspan(a, b)
        # the program's characters (less the escapes' backslashes), where the file has them
        segmap = SegMap.from_file_ranges(
            [r for r0, r1 in runs for r in res.segmap.slice(a + r0, a + r1).file_ranges()]
        )
        sc = Scope(f"sh-c:{span.start}", span.start, span.end, parent=self.scope.id,
                   nl=self.scope.nl, inline=True)  # fmt: skip
        doc.scopes.append(sc)
        mark = len(doc.settings)
        analyze(doc, program, segmap, dict(res.env), sc, nested=True, comments=False,
                editable=self.ctx.editable)  # fmt: skip
        # the word as the file holds it, maybe broken by a Dockerfile's line continuations
        decode = decoder(doc.text, res.segmap.slice(a, b).file_ranges(), quoted)
        checker = EditChecker(doc.text, span.start, span.end, program, segmap, decode)
        for s in doc.settings[mark:]:
            checker.check(s)

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
            toks = [self.tok(c) for c in arr.children if c.type in WORD_NODES]
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
        if exported and name in ENV_VARS:
            self._exported(node, name, res, decl)

    def _exported(self, node: Any, name: str, res: Resolved, decl: Any) -> None:
        """The settings of an exported index variable, with how to remove the command
        (``export X=...`` alone, unless it is the only command of its block) and where a
        trusted-host would go."""
        a, b = self.rng(node)
        span, contiguous = self.ctx.res.fspan(a, b)
        removal: Span | None = None
        sole = decl is not None and sole_in_body(decl)
        if decl is not None:
            dspan, dcont = self.ctx.res.fspan(*self.rng(decl))
            if dcont and not sole:
                ls = self.text.rfind("\n", 0, dspan.start) + 1
                removal = command_removal(self.text, dspan.start, dspan.end, ls)
            end = dspan.end
        else:
            if contiguous:
                removal = word_removal(self.text, span.start, span.end)
            end = span.end
        sib = self._trusted_sibling(name, end, decl is not None)
        made = emit_env(self.ctx, name, res, Method.ENV, removal=removal, sibling=sib,
                        ok=not self.ctx.is_bad(a, b))  # fmt: skip
        for setting in made if sole else ():
            setting.kept = "it is the only command of its block"

    def _trusted_sibling(self, name: str, end: int, declared: bool) -> Insertion:
        """Where PS202 adds the trusted-host variable for an index variable ending at ``end``."""
        trusted = TRUSTED_VAR.get(ENV_VARS[name].tool, "PIP_TRUSTED_HOST")
        kw = "export " if declared else ""
        if self.nested or not declared:
            return Insertion(end, f" && {kw}{trusted}={{value}}")
        nl = line_ending_at(self.text, end)
        eol = self.text.find("\n", end)
        if eol == -1:
            return Insertion(len(self.text), f"{{nl}}export {trusted}={{value}}", nl)
        return Insertion(eol + 1, f"export {trusted}={{value}}{{nl}}", nl)


def config_lines(pairs: list[tuple[str, str]], nl: str) -> str:
    """``export A="${A:-a}"`` lines: what PS104 inserts near the top of a script. A default
    only: a script run by a Dockerfile ``RUN`` or a CI job keeps the index its caller set."""
    return "".join(f'export {k}="${{{k}:-{v}}}"{nl}' for k, v in pairs)
