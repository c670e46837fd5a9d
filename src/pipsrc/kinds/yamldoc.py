"""YAML documents for the kinds written in YAML (compose, CI workflows): composing, checking,
merge keys and comments, shared so that every such kind reads YAML the same careful way.

The YAML is read with ruamel.yaml's *compose* API only: nodes carry character indexes
into the text, which is all a locator needs, and nothing is ever dumped (a ruamel dump
re-indents, folds and drops ``...``, BOMs and CRLF). The library is imported lazily so a
run without YAML files never pays for it.

Aliases return the very node object of their anchor, so every walk keeps an identity set:
each node is visited once, a "billion laughs" document stays a handful of nodes, and a
setting behind an anchor is reported once, at the anchor. Nesting is bounded before and
while walking, because ruamel's composer recurses and takes seconds to fail on a few
thousand nested flow brackets.
"""

from __future__ import annotations

import bisect
import re
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from pipsrc.model import Comment, Document, ParseProblem, Span

MAX_FLOW_DEPTH = 64  # flow brackets deeper than this are refused before composing
MAX_DEPTH = 200
MAX_NODES = 200_000

_BRACKETS = re.compile(r"[\[\]{}]")
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#", re.MULTILINE)

MSG_DEEP = "too deeply nested: not read"

_YAML: Any = None


def yaml() -> Any:
    """One ruamel.yaml instance per process: building one globs its plug-in directory."""
    global _YAML
    if _YAML is None:
        from ruamel.yaml import YAML

        _YAML = YAML(typ="rt")
    return _YAML


def flow_depth(text: str) -> int:
    """Maximum nesting of flow brackets (quotes ignored: an over-estimate at worst)."""
    depth = best = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            best = max(best, depth)
        elif depth:
            depth -= 1
    return best


def compose(doc: Document, text: str) -> list[Any] | None:
    """The root nodes of every document in ``text``; None (and a problem) if it is not YAML
    pipsrc can read. Comments alone on their line are collected then, for suppressions."""
    if flow_depth(text) > MAX_FLOW_DEPTH:
        doc.problems.append(ParseProblem(0, MSG_DEEP, True))
        own_line_comments(doc, text)
        return None
    roots = _compose(doc, text)
    if roots is None:
        own_line_comments(doc, text)
    return roots


def _compose(doc: Document, text: str) -> list[Any] | None:
    from ruamel.yaml.error import YAMLError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [r for r in yaml().compose_all(text) if r is not None]
    except RecursionError:
        doc.problems.append(ParseProblem(0, MSG_DEEP, True))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n", 1)[0]
        doc.problems.append(
            ParseProblem(_mark_offset(text, mark, exc), f"YAML parse error: {problem}")
        )
    except Exception as exc:  # ruamel raises odd types on odd input; never crash a run
        doc.problems.append(ParseProblem(0, f"YAML parse error: {type(exc).__name__}"))
    return None


def compose_one(text: str) -> Any | None:
    """The root node of a small YAML text, or None when it is not exactly one document
    (used to check that an edit inside a scalar keeps the scalar's meaning)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            roots = list(yaml().compose_all(text))
    except Exception:
        return None
    return roots[0] if len(roots) == 1 else None


def _mark_offset(text: str, mark: Any, exc: Exception) -> int:
    """Offset of an error mark, from its 0-based line and column."""
    line = getattr(mark, "line", None)
    if not isinstance(line, int):
        pos = getattr(exc, "position", None)  # ReaderError
        return pos if isinstance(pos, int) and 0 <= pos <= len(text) else 0
    pos = 0
    for _ in range(line):
        nl = text.find("\n", pos)
        if nl == -1:
            break
        pos = nl + 1
    column = getattr(mark, "column", 0)
    return min(pos + (column if isinstance(column, int) else 0), len(text))


class YamlWalker:
    """Visits composed nodes once each (identity set): checks, merge keys, scalar spans."""

    # GitLab reads a mapping with a repeated key, keeping the last value; compose and GitHub
    # refuse it (a blocking problem)
    LAST_KEY_WINS = False

    def __init__(self, doc: Document, text: str) -> None:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.doc = doc
        self.text = text
        self.Mapping = MappingNode
        self.Sequence = SequenceNode
        self.Scalar = ScalarNode
        self.scalar_spans: list[tuple[int, int]] = []
        self._merged: dict[int, dict[str, tuple[Any, Any, Any]]] = {}

    def check(self, roots: list[Any]) -> bool:
        """Visit every node once: duplicate keys, depth and size limits, scalar spans."""
        seen: set[int] = set()
        stack: list[tuple[Any, int]] = [(r, 0) for r in reversed(roots)]
        while stack:
            node, depth = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if depth > MAX_DEPTH or len(seen) > MAX_NODES:
                self.doc.problems.append(ParseProblem(node.start_mark.index, MSG_DEEP, True))
                return False
            if isinstance(node, self.Scalar):
                self.scalar_spans.append((node.start_mark.index, node.end_mark.index))
            elif isinstance(node, self.Mapping):
                keys: set[str] = set()
                for k, v in node.value:
                    if isinstance(k, self.Scalar) and not self.is_merge(k):
                        if k.value in keys:
                            line_start = self.text.rfind("\n", 0, k.start_mark.index) + 1
                            msg = f"duplicate key '{k.value}' in a mapping"
                            if self.LAST_KEY_WINS:
                                msg += ": the last one is read"
                            blocks = not self.LAST_KEY_WINS
                            self.doc.problems.append(ParseProblem(line_start, msg, blocks))
                        keys.add(k.value)
                    stack.append((v, depth + 1))
                    stack.append((k, depth + 1))
            elif isinstance(node, self.Sequence):
                stack.extend((item, depth + 1) for item in reversed(node.value))
        return True

    def is_merge(self, key: Any) -> bool:
        return isinstance(key, self.Scalar) and key.value == "<<" and key.style is None

    def merged(self, node: Any) -> dict[str, tuple[Any, Any, Any]]:
        """``{key: (key node, value node, owning mapping)}`` with ``<<`` merges applied.

        A mapping's own keys win over merged ones, earlier merge sources over
        later ones (YAML merge-key semantics). Results are memoised per node, so
        diamond-shaped merges cost linear time.
        """
        got = self._merged.get(id(node))
        if got is not None:
            return got
        self._merged[id(node)] = {}  # guards against recursive anchors
        out: dict[str, tuple[Any, Any, Any]] = {}
        sources: list[Any] = []
        for k, v in node.value:
            if self.is_merge(k):
                sources.extend(v.value if isinstance(v, self.Sequence) else [v])
            elif isinstance(k, self.Scalar) and (self.LAST_KEY_WINS or str(k.value) not in out):
                out[str(k.value)] = (k, v, node)
        for src in sources:
            if isinstance(src, self.Mapping):
                for name, entry in self.merged(src).items():
                    out.setdefault(name, entry)
        self._merged[id(node)] = out
        return out

    def get(self, node: Any, key: str) -> Any | None:
        """The value node of ``key`` in a mapping node (merges applied), else None."""
        if not isinstance(node, self.Mapping):
            return None
        entry = self.merged(node).get(key)
        return None if entry is None else entry[1]

    def scalar(self, node: Any) -> str | None:
        """The string value of a scalar node, else None."""
        return str(node.value) if isinstance(node, self.Scalar) else None

    def comments(self) -> None:
        comments(self.doc, self.text, self.scalar_spans)


W = TypeVar("W", bound="YamlWalker")


def read(
    doc: Document, text: str, walker: Callable[[Document, str], W]
) -> tuple[list[Any], W] | None:
    """The composed, checked documents of ``text`` and a walker over them; None when the
    text cannot be read (the problem and the own-line comments recorded)."""
    roots = compose(doc, text)
    if roots is None:
        return None
    w = walker(doc, text)
    if not w.check(roots):
        own_line_comments(doc, text)
        return None
    return roots, w


def prepare_with_shell() -> None:
    """Import ruamel.yaml and tree-sitter-bash now (a CI file with pip text needs both)."""
    from pipsrc.kinds import shell

    yaml()
    shell.prepare()


def comments(doc: Document, text: str, scalar_spans: list[tuple[int, int]]) -> None:
    """``#`` at a line start or after a blank, outside every scalar."""
    spans = sorted(scalar_spans)
    starts = [s for s, _ in spans]
    inside = -1  # the end of the last comment: a `#` before it is part of that comment
    for m in _COMMENT.finditer(text):
        pos = m.start()
        i = bisect.bisect_right(starts, pos) - 1
        if pos < inside or (i >= 0 and spans[i][0] <= pos < spans[i][1]):
            continue  # scalars never overlap: only the last one starting before can hold it
        _add_comment(doc, text, pos)
        inside = doc.comments[-1].span.end


def own_line_comments(doc: Document, text: str) -> None:
    """Comments alone on their line: safe to find even when the YAML does not parse."""
    for m in _COMMENT.finditer(text):
        pos = m.start()
        line_start = text.rfind("\n", 0, pos) + 1
        if not text[line_start:pos].strip():
            _add_comment(doc, text, pos)


def _add_comment(doc: Document, text: str, pos: int) -> None:
    nl = text.find("\n", pos)
    end = len(text) if nl == -1 else nl
    if end > pos and text[end - 1] == "\r":
        end -= 1
    line_start = text.rfind("\n", 0, pos) + 1
    own = not text[line_start:pos].strip()
    doc.comments.append(Comment(Span(pos, end), text[pos + 1 : end], own))
