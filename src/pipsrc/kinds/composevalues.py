"""Where a compose value is written, and what a fix may remove or insert around it.

:mod:`pipsrc.kinds.compose` walks the composed YAML to the ``environment``/``args``
entries that name an index variable; this module turns each such entry into settings
located to the character. ruamel's marks give a scalar's extent, not its value's: quotes,
escapes, folding and block scalars are read here, and a value is editable only where its
characters are written verbatim. Removal spans (whole ``KEY: value`` lines and list
items) and the insertion point of a ``PIP_TRUSTED_HOST`` sibling entry are found the
same careful way: only where plain indentation can be copied, never a second key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from pipsrc.model import BuildArg, Document, Insertion, Method, Setting, Span, Tool
from pipsrc.records import record
from pipsrc.syntax.emit import pip_index_ineffective
from pipsrc.syntax.variables import expand
from pipsrc.textio import line_ending_at, majority_newline
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR, URL_KINDS

_TRUSTED = TRUSTED_VAR[Tool.PIP]
_TOKEN = re.compile(r"\S+")
# the whole value is one ${NAME:-default} / ${NAME-default}
_DEFAULT_ONLY = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}$]*)\}")

# ``{key: (key node, value node, owning mapping)}`` with ``<<`` merges applied
Merged = Callable[[Any], dict[str, tuple[Any, Any, Any]]]


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


def is_null(node: Any) -> bool:
    """A plain scalar YAML reads as null (``KEY:`` with no value)."""
    return node.style is None and node.value in ("", "~", "null", "Null", "NULL")


class ValueLocator:
    """Locates the values of one compose document's index variables, as settings.

    ``scalar`` is ruamel's ``ScalarNode`` class (imported only once a file is parsed);
    ``merged`` is the walker's merge-aware view of a mapping, so a ``PIP_TRUSTED_HOST``
    merged in from an anchor counts as present.
    """

    def __init__(self, doc: Document, text: str, scalar: Any, merged: Merged) -> None:
        self.doc = doc
        self.text = text
        self.Scalar = scalar
        self.merged = merged
        self._sib: dict[int, Insertion | None] = {}  # per mapping/sequence node

    # -- locating values ---------------------------------------------------------

    def locate(self, node: Any) -> tuple[str, Span | None]:
        """A scalar's value and the span it is written at verbatim (None: it is not)."""
        loc = self._locate(node)
        return loc.value, Span(loc.base, loc.base + len(loc.value)) if loc.exact else None

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

    def settings(
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
        """One setting per whitespace-separated item of the value after ``skip``
        characters (``- NAME=`` of a list entry), each located in the text."""
        kind, tool = ENV_VARS[name].kind, ENV_VARS[name].tool
        ineffective = None
        if ENV_VARS[name].ineffective and method in (Method.COMPOSE_ENV, Method.CI_ENV):
            ineffective = pip_index_ineffective(self.text)  # build args are handed on
        loc = self._locate(node)
        v = loc.value[skip:]
        items = _value_items(name, loc.value, skip)
        if not items:
            return
        # tokens of literal, folded and plain scalars appear verbatim in the text
        findable = loc.block or node.style is None or (node.style == "'" and "''" not in v)
        cursor = loc.region[0]
        for i, (s, e) in enumerate(items):
            token = loc.value[s:e]
            span, cursor = self._item_span(loc, s, e, findable, cursor)
            raw = self.text[span.start : span.end]
            value: str | None = token
            editable = loc.exact and raw == token
            if "$" in token:
                editable = False
                value = None if "$$" in token else expand(token, {})
            if len(items) > 1 and loc.exact:
                item_removal: Span | None = _list_item_removal(self.text, loc.base, items, i)
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

    def _item_span(
        self, loc: _Loc, s: int, e: int, findable: bool, cursor: int
    ) -> tuple[Span, int]:
        """Where item ``loc.value[s:e]`` is written, and where to look for the next one.

        In an exact scalar the item is at its own offset. Otherwise (escapes, folding) it
        is the next verbatim occurrence in the scalar's region when the scalar's style
        writes items verbatim, else only the whole region is known to hold it.
        """
        if loc.exact:
            return Span(loc.base + s, loc.base + e), cursor
        token = loc.value[s:e]
        found = self.text.find(token, cursor, loc.region[1])
        if findable and found != -1:
            span = Span(found, found + len(token))
            return span, span.end
        return Span(*loc.region), cursor

    def build_args(self, entries: list[tuple[str, Any, int]], scope: str, dockerfile: str) -> None:
        """``build.args`` entries (name, value scalar, characters before the value) not named
        like an index variable, for the rules to read against the Dockerfile they feed
        (:class:`~pipsrc.model.BuildArg`)."""
        for name, value, skip in entries:
            if name in ENV_VARS or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                continue
            loc = self._locate(value)
            text = loc.value[skip:].strip()
            if not text:
                continue
            start = loc.value.find(text, skip)
            if loc.exact:
                span = Span(loc.base + start, loc.base + start + len(text))
                raw = self.text[span.start : span.end]
                literal = raw == text and "$" not in text
            else:
                span, raw, literal = Span(*loc.region), self.text[slice(*loc.region)], False
            self.doc.build_args.append(
                BuildArg(scope, dockerfile, name, raw, text if literal else None, span)
            )

    def unresolved(
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

    def entry_sibling(self, name: str, node: Any, owner: Any) -> Insertion | None:
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
        if not isinstance(value, self.Scalar) or is_null(value) or value.style in ("|", ">"):
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

    def item_sibling(self, name: str, seq: Any) -> Insertion | None:
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

    def entry_removal(self, key: Any, value: Any, owner: Any) -> Span | None:
        """The whole ``KEY: value`` line(s) of a block mapping."""
        if getattr(owner, "flow_style", False):
            return None
        end = max(key.end_mark.index, value.end_mark.index)
        if isinstance(value, self.Scalar) and is_null(value):
            # an empty value's marks may point past the line: end at the colon
            colon = self.text.find(":", key.end_mark.index)
            end = colon + 1 if colon != -1 else key.end_mark.index
        return self._lines_of(key.start_mark.index, end)

    def item_removal(self, item: Any, seq: Any) -> Span | None:
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


def _value_items(name: str, value: str, skip: int) -> list[tuple[int, int]]:
    """The items of ``value[skip:]`` as ranges of ``value``: whitespace-separated, read
    inside the default of a lone ``${NAME:-default}`` (the value used when the variable
    is unset), and without uv's ``name=`` prefix of a named index."""
    v = value[skip:]
    m = _DEFAULT_ONLY.fullmatch(v)
    if m is not None:
        shift = skip + m.start(1)
        items = [(shift + t.start(), shift + t.end()) for t in _TOKEN.finditer(m.group(1))]
    else:
        items = [(skip + t.start(), skip + t.end()) for t in _TOKEN.finditer(v)]
    if ENV_VARS[name].named:
        items = [_strip_index_name(value, s, e) for s, e in items]
    return items


def _strip_index_name(value: str, s: int, e: int) -> tuple[int, int]:
    """``name=https://...`` (uv named index): locate only the URL."""
    eq = value.find("=", s, e)
    if eq != -1 and "/" not in value[s:eq] and eq + 1 < e:
        return eq + 1, e
    return s, e


def _list_item_removal(text: str, base: int, items: list[tuple[int, int]], i: int) -> Span:
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
