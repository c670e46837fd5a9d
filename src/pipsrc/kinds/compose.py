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
"""

from __future__ import annotations

import bisect
import re
import warnings
from collections.abc import Iterator
from typing import Any

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
    Tool,
)
from pipsrc.records import record
from pipsrc.syntax.emit import pip_index_ineffective
from pipsrc.syntax.variables import expand
from pipsrc.textio import line_ending_at, majority_newline
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR, URL_KINDS

_TRUSTED = TRUSTED_VAR[Tool.PIP]

MAX_FLOW_DEPTH = 64  # flow brackets deeper than this are refused before composing
MAX_DEPTH = 200
MAX_NODES = 200_000

_BRACKETS = re.compile(r"[\[\]{}]")
_TOKEN = re.compile(r"\S+")
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#", re.MULTILINE)
# the whole value is one ${NAME:-default} / ${NAME-default}
_DEFAULT_ONLY = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}$]*)\}")

_MSG_DEEP = "too deeply nested: not read"


@record
class _Loc:
    """A scalar's value and where its characters are in the text.

    ``exact`` means ``value[k]`` is ``text[base + k]`` for every ``k``; otherwise
    (escapes, folding, block scalars) only ``region`` is known to hold it.
    """

    value: str
    base: int
    exact: bool
    region: tuple[int, int]
    block: bool


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
        self._sib: dict[int, Insertion | None] = {}  # per mapping/sequence node

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
                self.variables(env[1], Method.COMPOSE_ENV, scope_id, span)
            build = items.get("build")
            if build is not None and isinstance(build[1], self.Mapping):
                args = self.merged(build[1]).get("args")
                if args is not None:
                    self.variables(args[1], Method.COMPOSE_ARG, scope_id, span)

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
        self, node: Any, method: Method, scope: str, service: tuple[int, int] | None
    ) -> None:
        """An ``environment``/``args`` node in map or list form."""
        if isinstance(node, self.Mapping):
            for name, (key, value, owner) in self.merged(node).items():
                if name not in ENV_VARS or id(key) in self.reported:
                    continue
                self.reported.add(id(key))
                where = self._scope(key, scope, service)
                removal = self._entry_removal(key, value, owner)
                if isinstance(value, self.Scalar) and not self._is_null(value):
                    sib = self._entry_sibling(name, node, owner)
                    self._settings(name, key.value, value, 0, method, where, removal, sib)
                elif isinstance(value, self.Scalar):
                    self._unresolved(name, key, method, where, removal)
        elif isinstance(node, self.Sequence):
            for item in node.value:
                if not isinstance(item, self.Scalar) or id(item) in self.reported:
                    continue
                name, eq, _ = str(item.value).partition("=")
                if name not in ENV_VARS:
                    continue
                self.reported.add(id(item))
                where = self._scope(item, scope, service)
                removal = self._item_removal(item, node)
                if eq:
                    sib = self._item_sibling(name, node)
                    skip = len(name) + 1
                    self._settings(name, name, item, skip, method, where, removal, sib)
                else:
                    self._unresolved(name, item, method, where, removal)

    def _scope(self, node: Any, scope: str, service: tuple[int, int] | None) -> str:
        """The service scope when the node is written inside that service, else "file"."""
        if service is not None and service[0] <= node.start_mark.index < service[1]:
            return scope
        return "file"

    def _is_null(self, node: Any) -> bool:
        return node.style is None and node.value in ("", "~", "null", "Null", "NULL")

    # -- locating values ---------------------------------------------------------

    def _locate(self, node: Any) -> _Loc:
        text = self.text
        start, end = node.start_mark.index, node.end_mark.index
        cs = _content_start(text, start, end)
        value = str(node.value)
        style = node.style
        if style in ("'", '"'):
            inner = (cs + 1, max(cs + 1, end - 1))
            exact = text[inner[0] : inner[1]] == value
            return _Loc(value, inner[0], exact, inner, False)
        if style in ("|", ">"):
            body = text.find("\n", cs, end)
            region = (body + 1 if body != -1 else end, end)
            return _Loc(value, region[0], False, region, True)
        return _Loc(value, cs, text[cs:end] == value, (cs, end), False)

    def _settings(
        self,
        name: str,
        key_text: str,
        node: Any,
        skip: int,
        method: Method,
        scope: str,
        removal: Span | None,
        sibling: Insertion | None = None,
    ) -> None:
        kind, tool = ENV_VARS[name].kind, ENV_VARS[name].tool
        ineffective = None
        if ENV_VARS[name].ineffective and method is Method.COMPOSE_ENV:
            ineffective = pip_index_ineffective(self.text)  # build args are handed on
        loc = self._locate(node)
        v = loc.value[skip:]
        m = _DEFAULT_ONLY.fullmatch(v)
        if m is not None:
            shift = skip + m.start(1)
            items = [(shift + t.start(), shift + t.end()) for t in _TOKEN.finditer(m.group(1))]
        else:
            items = [(skip + t.start(), skip + t.end()) for t in _TOKEN.finditer(v)]
        if ENV_VARS[name].named:
            items = [_strip_index_name(loc.value, s, e) for s, e in items]
        if not items:
            return
        # tokens of literal, folded and plain scalars appear verbatim in the text
        findable = loc.block or node.style is None or (node.style == "'" and "''" not in v)
        cursor = loc.region[0]
        for i, (s, e) in enumerate(items):
            token = loc.value[s:e]
            if loc.exact:
                span = Span(loc.base + s, loc.base + e)
            else:
                found = self.text.find(token, cursor, loc.region[1])
                if findable and found != -1:
                    span = Span(found, found + len(token))
                    cursor = span.end
                else:
                    span = Span(*loc.region)
            raw = self.text[span.start : span.end]
            value: str | None = token
            editable = loc.exact and raw == token
            if "$" in token:
                editable = False
                value = None if "$$" in token else expand(token, {})
            if len(items) > 1 and loc.exact:
                item_removal: Span | None = _item_removal(self.text, loc.base, items, i)
            else:
                item_removal = removal
            self.doc.settings.append(
                Setting(
                    kind=kind,
                    key=key_text,
                    raw=raw,
                    value=value,
                    span=span,
                    method=method,
                    scope=scope,
                    tool=tool,
                    editable=editable,
                    removal=item_removal,
                    sibling=sibling if kind in URL_KINDS else None,
                    ineffective=ineffective,
                )
            )

    def _unresolved(
        self, name: str, node: Any, method: Method, scope: str, removal: Span | None
    ) -> None:
        """A bare ``- PIP_INDEX_URL`` / ``PIP_INDEX_URL:``: the value comes from the shell."""
        kind, tool = ENV_VARS[name].kind, ENV_VARS[name].tool
        start = _content_start(self.text, node.start_mark.index, node.end_mark.index)
        if node.style in ("'", '"'):
            start += 1
        span = Span(start, start + len(name))
        raw = self.text[span.start : span.end]
        self.doc.settings.append(
            Setting(
                kind=kind,
                key=name,
                raw=raw,
                value=None,
                span=span,
                method=method,
                scope=scope,
                tool=tool,
                editable=False,
                removal=removal,
            )
        )

    # -- sibling insertions ------------------------------------------------------

    # One insertion point per mapping/sequence, shared by all of its pip URL entries:
    # two http indexes then yield the same (deduplicated) or clashing insertions, never
    # two PIP_TRUSTED_HOST keys (a duplicate key makes the file unparsable).

    def _entry_sibling(self, name: str, node: Any, owner: Any) -> Insertion | None:
        """A ``PIP_TRUSTED_HOST: {value}`` line after the mapping's first pip URL entry."""
        if ENV_VARS[name].tool is not Tool.PIP or getattr(node, "flow_style", False):
            return None
        if _TRUSTED in self.merged(node) or _TRUSTED in self.merged(owner):
            return None  # a rule edits that entry instead
        if id(owner) not in self._sib:
            self._sib[id(owner)] = self._first(self._entry_line(k, v) for k, v in owner.value)
        return self._sib[id(owner)]

    def _entry_line(self, key: Any, value: Any) -> Insertion | None:
        if not (isinstance(key, self.Scalar) and _is_pip_url(key.value)):
            return None
        if not isinstance(value, self.Scalar) or self._is_null(value) or value.style in ("|", ">"):
            return None
        start = key.start_mark.index
        prefix = self.text[self.text.rfind("\n", 0, start) + 1 : start]
        if prefix.strip(" "):
            return None  # "- KEY: v", "? KEY", tabs: no plain indentation to copy
        qkey = _quoted(_TRUSTED, key.style)
        if qkey is None:
            return None
        end = max(key.end_mark.index, value.end_mark.index)
        return self._line_after(end, f"{prefix}{qkey}: {{value}}")

    def _item_sibling(self, name: str, seq: Any) -> Insertion | None:
        """A ``- PIP_TRUSTED_HOST={value}`` item after the sequence's first pip URL item."""
        if ENV_VARS[name].tool is not Tool.PIP or getattr(seq, "flow_style", False):
            return None
        if id(seq) not in self._sib:  # once per sequence: a scan per item is quadratic
            has_trusted = any(
                isinstance(other, self.Scalar) and str(other.value).partition("=")[0] == _TRUSTED
                for other in seq.value
            )
            self._sib[id(seq)] = (
                None if has_trusted else self._first(self._item_line(i) for i in seq.value)
            )
        return self._sib[id(seq)]

    def _item_line(self, item: Any) -> Insertion | None:
        if not isinstance(item, self.Scalar) or item.style in ("|", ">"):
            return None
        name, eq, _ = str(item.value).partition("=")
        if not (eq and _is_pip_url(name)):
            return None
        start = item.start_mark.index
        prefix = self.text[self.text.rfind("\n", 0, start) + 1 : start]
        if prefix.strip() != "-" or prefix.replace("-", " ", 1).strip(" "):
            return None
        entry = _quoted(f"{_TRUSTED}={{value}}", item.style)
        if entry is None:
            return None
        return self._line_after(item.end_mark.index, prefix + entry)

    @staticmethod
    def _first(candidates: Iterator[Insertion | None]) -> Insertion | None:
        return next((c for c in candidates if c is not None), None)

    def _line_after(self, end: int, line: str) -> Insertion | None:
        """Insert ``line`` as a new line after the line holding ``end`` (the entry's last).

        None when that line holds anything after the entry but a comment.
        """
        text = self.text
        eol = text.find("\n", end)
        rest = text[end : len(text) if eol == -1 else eol].strip()
        if rest and not rest.startswith("#"):
            return None
        if eol == -1:  # last line without a line ending: start a new line
            return Insertion(len(text), f"{{nl}}{line}", majority_newline(text))
        return Insertion(eol + 1, f"{line}{{nl}}", line_ending_at(text, end))

    # -- removal spans -----------------------------------------------------------

    def _entry_removal(self, key: Any, value: Any, owner: Any) -> Span | None:
        """The whole ``KEY: value`` line(s) of a block mapping."""
        if getattr(owner, "flow_style", False):
            return None
        end = max(key.end_mark.index, value.end_mark.index)
        if isinstance(value, self.Scalar) and self._is_null(value):
            # an empty value's marks may point past the line: end at the colon
            colon = self.text.find(":", key.end_mark.index)
            end = colon + 1 if colon != -1 else key.end_mark.index
        return self._lines_of(key.start_mark.index, end)

    def _item_removal(self, item: Any, seq: Any) -> Span | None:
        """The whole ``- KEY=value`` line(s) of a block sequence."""
        if getattr(seq, "flow_style", False):
            return None
        start = item.start_mark.index
        line_start = self.text.rfind("\n", 0, start) + 1
        before = self.text[line_start:start].strip()
        if before != "-":
            return None
        return self._lines_of(start, item.end_mark.index, allow_dash=True)

    def _lines_of(self, start: int, end: int, allow_dash: bool = False) -> Span | None:
        text = self.text
        line_start = text.rfind("\n", 0, start) + 1
        before = text[line_start:start].strip()
        if before and not (allow_dash and before == "-"):
            return None
        if end > 0 and text[end - 1] == "\n":
            return Span(line_start, end)
        nl = text.find("\n", end)
        rest = text[end : len(text) if nl == -1 else nl].strip()
        if rest and not rest.startswith("#"):
            return None
        return Span(line_start, len(text) if nl == -1 else nl + 1)


def _content_start(text: str, start: int, end: int) -> int:
    """Skip an ``&anchor``/``!tag`` prefix (ruamel's start mark includes the anchor)."""
    pos = start
    while pos < end and text[pos] in "&!":
        while pos < end and not text[pos].isspace():
            pos += 1
        while pos < end and text[pos].isspace():
            pos += 1
    return pos


def _is_pip_url(name: Any) -> bool:
    spec = ENV_VARS.get(str(name))
    return spec is not None and spec.kind in URL_KINDS and spec.tool is Tool.PIP


def _quoted(body: str, style: Any) -> str | None:
    """``body`` in the quoting style of the scalar it is written next to."""
    if style is None:
        return body
    if style in ("'", '"'):
        return f"{style}{body}{style}"
    return None


def _strip_index_name(value: str, s: int, e: int) -> tuple[int, int]:
    """``name=https://...`` (uv named index): locate only the URL."""
    eq = value.find("=", s, e)
    if eq != -1 and "/" not in value[s:eq] and eq + 1 < e:
        return eq + 1, e
    return s, e


def _item_removal(text: str, base: int, items: list[tuple[int, int]], i: int) -> Span:
    """One whitespace-separated item plus one adjacent whitespace run."""
    s, e = base + items[i][0], base + items[i][1]
    if i + 1 < len(items):
        nxt = base + items[i + 1][0]
        after = e
        while after < nxt and text[after].isspace():
            after += 1
        return Span(s, after)
    prev = base + items[i - 1][1]
    before = s
    while before > prev and text[before - 1].isspace():
        before -= 1
    return Span(before, e)


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
