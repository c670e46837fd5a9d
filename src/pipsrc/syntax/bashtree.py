"""tree-sitter-bash for pipsrc: the parser, loaded once and lazily, and words read from its nodes.

tree-sitter reports UTF-8 byte offsets over the bytes it was given; pipsrc works in
``str`` offsets over *logical* text (see :class:`pipsrc.syntax.words.SegMap`).
:class:`ByteMap` converts the one into the other, and :class:`NodeReader` turns a
word node (quoted, concatenated, with expansions) into a :class:`Tok` whose pieces are
exactly located, so that :mod:`pipsrc.syntax.pipcli` can recognise commands without
knowing the grammar. Nothing here imports tree-sitter until a shell text is parsed.
"""

from __future__ import annotations

import os
import re
from array import array
from typing import Any

from pipsrc.model import Span
from pipsrc.syntax.emit import Ctx
from pipsrc.syntax.words import Piece, Tok, literal_pieces, var_piece

_PARSER: Any = None

# the node types that are one command word
WORD_NODES = frozenset(
    {"word", "number", "string", "raw_string", "concatenation", "simple_expansion",
     "expansion", "command_substitution", "ansi_c_string", "translated_string",
     "arithmetic_expansion", "process_substitution", "brace_expression"}
)  # fmt: skip
_DQ_ESC = re.compile(r'\\([\\"$`])')
_WORD_ESC = re.compile(r"\\(.)", re.S)
_ARRAY_ALL = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\}")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def parser() -> Any:
    """The tree-sitter-bash parser, created once per process (it is costly to build)."""
    global _PARSER
    if _PARSER is None:
        import tree_sitter

        _PARSER = tree_sitter.Parser(tree_sitter.Language(_bash_language()))
    return _PARSER


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


def source_bytes(logical: str) -> bytes:
    """The bytes handed to tree-sitter.

    tree-sitter-bash 0.25.1 can crash the process on characters outside the
    BMP, so each is replaced by four ASCII bytes: the same UTF-8 length, hence
    the same byte offsets. Values are always read from ``logical``, never
    from node text, so nothing downstream sees the substitute.
    """
    if _ASTRAL.search(logical) is not None:
        logical = _ASTRAL.sub("____", logical)
    return logical.encode("utf-8", "surrogatepass")


class ByteMap:
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


class NodeReader:
    """Reads the nodes of one parsed logical text: their ranges and their words."""

    def __init__(self, ctx: Ctx, bm: ByteMap) -> None:
        self.ctx = ctx
        self.bm = bm
        self.logical = ctx.res.logical
        self.text = ctx.doc.text

    def rng(self, node: Any) -> tuple[int, int]:
        return self.bm(node.start_byte), self.bm(node.end_byte)

    def fspan(self, a: int, b: int) -> Span:
        return self.ctx.res.fspan(a, b)[0]

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
            self._string_pieces(node, a, b, src, out)
        elif t == "concatenation":
            for c in node.children:
                self._pieces(c, out)
        elif t in ("simple_expansion", "expansion"):
            out.append(self._expansion_piece(t, a, b, src))
        else:
            out.append(Piece(a, b))

    def _string_pieces(self, node: Any, a: int, b: int, src: str, out: list[Piece]) -> None:
        """A ``"..."`` string: its literal stretches (escapes decoded) between the
        expansions tree-sitter found inside it, each located where it is written."""
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

    @staticmethod
    def _expansion_piece(t: str, a: int, b: int, src: str) -> Piece:
        """``$VAR``/``${VAR...}``, or ``${ARR[@]}``: a whole array, spliced into a command
        as its words (any other subscript is one unknown value)."""
        piece = var_piece(src, a)
        if t == "expansion" and "[" in src:
            m = _ARRAY_ALL.fullmatch(src)
            piece = Piece(a, b, None, False, m.group(1) if m else None, array=m is not None)
        return piece

    def _dq_literal(self, a: int, b: int, out: list[Piece]) -> None:
        src = self.logical[a:b]
        if "\\" in src:
            out.append(Piece(a, b, _DQ_ESC.sub(r"\1", src), "\\" not in _DQ_ESC.sub("", src)
                             and _DQ_ESC.search(src) is None))  # fmt: skip
        else:
            out.append(Piece(a, b, src))
