"""Locate pip/uv index variables in Docker Compose files.

The YAML is read with ruamel.yaml's *compose* API only: nodes carry character
indexes into the text, which is all a locator needs, and nothing is ever
dumped (a ruamel dump re-indents, folds and drops ``...``, BOMs and CRLF). The
library is imported lazily so a run without YAML files never pays for it.

Aliases return the very node object of their anchor, so every walk keeps an
identity set: each node is visited once, a "billion laughs" document stays a
handful of nodes, and a setting behind an anchor is reported once, at the
anchor. Nesting is bounded before and while walking, because ruamel's composer
recurses and takes seconds to fail on a few thousand nested flow brackets.

Locating an entry's value in the text, and the removal spans and sibling insertions
of a fix, is :mod:`pipsrc.kinds.composevalues`.
"""

from __future__ import annotations

import bisect
import posixpath
import re
import warnings
from typing import Any

from pipsrc.kinds.composevalues import ValueLocator, is_null
from pipsrc.model import (
    Comment,
    Document,
    FileKind,
    Method,
    ParseProblem,
    Scope,
    Setting,
    Span,
)
from pipsrc.textio import majority_newline
from pipsrc.vocabulary import ENV_VARS

MAX_FLOW_DEPTH = 64  # flow brackets deeper than this are refused before composing
MAX_DEPTH = 200
MAX_NODES = 200_000

_BRACKETS = re.compile(r"[\[\]{}]")
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#", re.MULTILINE)

_MSG_DEEP = "too deeply nested: not read"


def parse(text: str, path: str) -> Document:
    """Parse a compose file; YAML errors become problems, never exceptions."""
    doc = Document(path=path, kind=FileKind.COMPOSE, text=text)
    doc.scopes.append(Scope(id="file", start=0, end=len(text), nl=majority_newline(text)))
    if _flow_depth(text) > MAX_FLOW_DEPTH:
        doc.problems.append(ParseProblem(0, _MSG_DEEP, True))
        _own_line_comments(doc, text)
        return doc
    roots = _compose(doc, text)
    if roots is None:
        _own_line_comments(doc, text)
        return doc
    walker = _Walker(doc, text)
    if not walker.check(roots):
        _own_line_comments(doc, text)
        return doc
    for root in roots:
        walker.services(root)
    for root in roots:
        walker.extensions(root)
    _comments(doc, text, walker.scalar_spans)
    return doc


def read_yaml(doc: Document, text: str) -> tuple[list[Any], _Walker] | None:
    """The composed, checked documents of a YAML text and a walker over them (its
    ``merged`` view, its ``Mapping``/``Sequence``/``Scalar`` classes, its ``values``
    locator), for the other YAML kinds (.condarc, environment files); None when the text
    cannot be read, with the problem and the own-line comments recorded. Call
    :func:`yaml_comments` once the settings are located."""
    if _flow_depth(text) > MAX_FLOW_DEPTH:
        doc.problems.append(ParseProblem(0, _MSG_DEEP, True))
        _own_line_comments(doc, text)
        return None
    roots = _compose(doc, text)
    walker = _Walker(doc, text) if roots is not None else None
    if roots is None or walker is None or not walker.check(roots):
        _own_line_comments(doc, text)
        return None
    return roots, walker


def yaml_comments(doc: Document, text: str, walker: _Walker) -> None:
    """The comments of a text :func:`read_yaml` read (outside every scalar)."""
    _comments(doc, text, walker.scalar_spans)


def _flow_depth(text: str) -> int:
    """Maximum nesting of flow brackets (quotes ignored: an over-estimate at worst)."""
    depth = best = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            best = max(best, depth)
        elif depth:
            depth -= 1
    return best


_YAML: Any = None


def _yaml() -> Any:
    """One ruamel.yaml instance per process: building one globs its plug-in directory."""
    global _YAML
    if _YAML is None:
        from ruamel.yaml import YAML

        _YAML = YAML(typ="rt")
    return _YAML


def prepare() -> None:
    """Import ruamel.yaml now (every compose file that is parsed needs it)."""
    _yaml()


def _compose(doc: Document, text: str) -> list[Any] | None:
    from ruamel.yaml.error import YAMLError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [r for r in _yaml().compose_all(text) if r is not None]
    except RecursionError:
        doc.problems.append(ParseProblem(0, _MSG_DEEP, True))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n", 1)[0]
        doc.problems.append(
            ParseProblem(_mark_offset(text, mark, exc), f"YAML parse error: {problem}")
        )
    except Exception as exc:  # ruamel raises odd types on odd input; never crash a run
        doc.problems.append(ParseProblem(0, f"YAML parse error: {type(exc).__name__}"))
    return None


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


class _Walker:
    """Walks composed nodes once each (identity set) and collects settings."""

    def __init__(self, doc: Document, text: str) -> None:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.doc = doc
        self.text = text
        self.Mapping = MappingNode
        self.Sequence = SequenceNode
        self.Scalar = ScalarNode
        self.scalar_spans: list[tuple[int, int]] = []
        self.reported: set[int] = set()
        self.scope_ids: set[str] = {sc.id for sc in doc.scopes}
        self._merged: dict[int, dict[str, tuple[Any, Any, Any]]] = {}
        self.values = ValueLocator(doc, text, ScalarNode, self.merged)

    # -- whole-document checks -------------------------------------------------

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
                self.doc.problems.append(ParseProblem(node.start_mark.index, _MSG_DEEP, True))
                return False
            if isinstance(node, self.Scalar):
                self.scalar_spans.append((node.start_mark.index, node.end_mark.index))
            elif isinstance(node, self.Mapping):
                keys: set[str] = set()
                for k, v in node.value:
                    if isinstance(k, self.Scalar) and not self._is_merge(k):
                        if k.value in keys:
                            line_start = self.text.rfind("\n", 0, k.start_mark.index) + 1
                            msg = f"duplicate key '{k.value}' in a mapping"
                            self.doc.problems.append(ParseProblem(line_start, msg, True))
                        keys.add(k.value)
                    stack.append((v, depth + 1))
                    stack.append((k, depth + 1))
            elif isinstance(node, self.Sequence):
                stack.extend((item, depth + 1) for item in reversed(node.value))
        return True

    def _is_merge(self, key: Any) -> bool:
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
            if self._is_merge(k):
                sources.extend(v.value if isinstance(v, self.Sequence) else [v])
            elif isinstance(k, self.Scalar):
                out.setdefault(k.value, (k, v, node))
        for src in sources:
            if isinstance(src, self.Mapping):
                for name, entry in self.merged(src).items():
                    out.setdefault(name, entry)
        self._merged[id(node)] = out
        return out

    # -- services ----------------------------------------------------------------

    def services(self, root: Any) -> None:
        if not isinstance(root, self.Mapping):
            return
        entry = self.merged(root).get("services")
        if entry is None or not isinstance(entry[1], self.Mapping):
            return
        for name, (key, svc, _owner) in self.merged(entry[1]).items():
            if not isinstance(svc, self.Mapping):
                continue
            scope_id = f"service:{name}"
            span = (key.start_mark.index, svc.end_mark.index)
            if scope_id not in self.scope_ids:
                self.scope_ids.add(scope_id)
                self.doc.scopes.append(Scope(id=scope_id, start=span[0], end=span[1], name=name))
            items = self.merged(svc)
            env = items.get("environment")
            if env is not None:
                self.variables(env[1], Method.COMPOSE_ENV, scope_id, span, env)
            build = items.get("build")
            if build is not None and isinstance(build[1], self.Mapping):
                args = self.merged(build[1]).get("args")
                if args is not None:
                    self.variables(args[1], Method.COMPOSE_ARG, scope_id, span, args)
                    dockerfile = self._dockerfile(build[1])
                    if dockerfile is not None:
                        self.values.build_args(self._entries(args[1]), scope_id, dockerfile)

    def _entries(self, node: Any) -> list[tuple[str, Any, int]]:
        """(name, value scalar, characters before the value) of an ``args`` node in map or
        list form."""
        out: list[tuple[str, Any, int]] = []
        if isinstance(node, self.Mapping):
            for name, (_key, value, _owner) in self.merged(node).items():
                if isinstance(value, self.Scalar) and not is_null(value):
                    out.append((str(name), value, 0))
        elif isinstance(node, self.Sequence):
            for item in node.value:
                if isinstance(item, self.Scalar):
                    name, eq, _ = str(item.value).partition("=")
                    if eq:
                        out.append((name, item, len(name) + 1))
        return out

    def _dockerfile(self, build: Any) -> str | None:
        """The path of the Dockerfile a ``build:`` mapping builds (``context`` joined with
        ``dockerfile``), relative to the compose file; None for a remote context."""
        items = self.merged(build)

        def scalar(key: str, default: str) -> str | None:
            entry = items.get(key)
            if entry is None:
                return default
            return str(entry[1].value) if isinstance(entry[1], self.Scalar) else None

        context, dockerfile = scalar("context", "."), scalar("dockerfile", "Dockerfile")
        if context is None or dockerfile is None or "://" in context or "$" in context:
            return None
        return posixpath.normpath(posixpath.join(context, dockerfile))

    def extensions(self, root: Any) -> None:
        """Settings inside top-level ``x-`` fields that no service reached."""
        if not isinstance(root, self.Mapping):
            return
        for key, value in root.value:
            if not (isinstance(key, self.Scalar) and str(key.value).startswith("x-")):
                continue
            seen: set[int] = set()
            stack: list[tuple[Any, Method]] = [(value, Method.COMPOSE_ENV)]
            while stack:
                node, method = stack.pop()
                if id(node) in seen:
                    continue
                seen.add(id(node))
                if isinstance(node, self.Mapping):
                    self.variables(node, method, "file", None)
                    for k, v in node.value:
                        is_args = isinstance(k, self.Scalar) and k.value == "args"
                        stack.append((v, Method.COMPOSE_ARG if is_args else method))
                elif isinstance(node, self.Sequence):
                    self.variables(node, method, "file", None)
                    stack.extend((item, method) for item in node.value)

    def variables(
        self,
        node: Any,
        method: Method,
        scope: str,
        service: tuple[int, int] | None,
        parent: tuple[Any, Any, Any] | None = None,
    ) -> None:
        """An ``environment``/``args`` node in map or list form (``parent``: its key, the
        node and the mapping that holds it)."""
        first = len(self.doc.settings)
        self._variables(node, method, scope, service)
        if len(getattr(node, "value", ())) == 1:
            self._only_entry(self.doc.settings[first:], parent)

    def _only_entry(self, settings: list[Setting], parent: tuple[Any, Any, Any] | None) -> None:
        """The only entry of an ``environment:``/``args:`` goes with its key (compose would
        read ``environment:`` with nothing under it as null), or stays when that key is the
        only one of its mapping."""
        removal = None
        if parent is not None and len(self.merged(parent[2])) > 1:
            removal = self.values.entry_removal(*parent)
        for st in settings:
            if st.removal is None:
                continue
            st.removal = removal
            if removal is None:
                st.kept = "it is the only entry of a mapping that would be left empty"

    def _variables(
        self, node: Any, method: Method, scope: str, service: tuple[int, int] | None
    ) -> None:
        if isinstance(node, self.Mapping):
            for name, (key, value, owner) in self.merged(node).items():
                if name not in ENV_VARS or id(key) in self.reported:
                    continue
                self.reported.add(id(key))
                where = self._scope(key, scope, service)
                removal = self.values.entry_removal(key, value, owner)
                if isinstance(value, self.Scalar) and not is_null(value):
                    sib = self.values.entry_sibling(name, node, owner)
                    self.values.settings(name, key.value, value, 0, method, where, removal, sib)
                elif isinstance(value, self.Scalar):
                    self.values.unresolved(name, key, method, where, removal)
        elif isinstance(node, self.Sequence):
            for item in node.value:
                if not isinstance(item, self.Scalar) or id(item) in self.reported:
                    continue
                name, eq, _ = str(item.value).partition("=")
                if name not in ENV_VARS:
                    continue
                self.reported.add(id(item))
                where = self._scope(item, scope, service)
                removal = self.values.item_removal(item, node)
                if eq:
                    sib = self.values.item_sibling(name, node)
                    skip = len(name) + 1
                    self.values.settings(name, name, item, skip, method, where, removal, sib)
                else:
                    self.values.unresolved(name, item, method, where, removal)

    def _scope(self, node: Any, scope: str, service: tuple[int, int] | None) -> str:
        """The service scope when the node is written inside that service, else "file"."""
        if service is not None and service[0] <= node.start_mark.index < service[1]:
            return scope
        return "file"


def _comments(doc: Document, text: str, scalar_spans: list[tuple[int, int]]) -> None:
    """``#`` at a line start or after a blank, outside every scalar."""
    spans = sorted(scalar_spans)
    starts = [s for s, _ in spans]
    for m in _COMMENT.finditer(text):
        pos = m.start()
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and spans[i][0] <= pos < spans[i][1]:
            continue  # scalars never overlap: only the last one starting before can hold it
        _add_comment(doc, text, pos)


def _own_line_comments(doc: Document, text: str) -> None:
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
