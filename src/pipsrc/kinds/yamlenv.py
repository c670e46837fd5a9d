"""Environment blocks of YAML CI files: a workflow's ``env:``, GitLab's ``variables:``,
CircleCI's ``environment:``, in map form (``KEY: value``) or list form (``- KEY=value``).

Every name becomes a variable of the scripts that run under the block (a
:class:`~pipsrc.syntax.words.VarDef` located at its literal, so ``pip install -i
$MIRROR`` is fixed where ``MIRROR`` is written), and every index variable a setting,
located and removable as a compose ``environment:`` entry is
(:class:`~pipsrc.kinds.composevalues.ValueLocator`). A value holding a CI expression
(``${{ vars.INDEX }}``) is unresolved: it is known only when the pipeline runs.
"""

from __future__ import annotations

import re
from typing import Any

from pipsrc.kinds.composevalues import ValueLocator, is_null
from pipsrc.kinds.yamldoc import YamlWalker
from pipsrc.kinds.yamlscript import content_start
from pipsrc.model import Method, Setting, Span
from pipsrc.syntax.words import VarDef
from pipsrc.vocabulary import ENV_VARS


class EnvBlocks:
    """Reads the environment blocks of one YAML document."""

    def __init__(self, walker: YamlWalker, expr: re.Pattern[str]) -> None:
        self.w = walker
        self.doc = walker.doc
        self.text = walker.text
        self.expr = expr  # the file kind's expression syntax (unresolved values)
        self.values = ValueLocator(walker.doc, walker.text, walker.Scalar, walker.merged)

    def read(self, node: Any, scope: str, position: int) -> dict[str, VarDef]:
        """The variables of an env block, its index variables recorded as settings that take
        effect at ``position`` (the start of what the block belongs to)."""
        out: dict[str, VarDef] = {}
        if isinstance(node, self.w.Mapping):
            for name, (key, value, owner) in self.w.merged(node).items():
                if isinstance(value, self.w.Mapping):  # GitLab {value: ..., description: ...}
                    inner = self.w.get(value, "value")
                    if isinstance(inner, self.w.Scalar):
                        out[name] = self._entry(name, inner, 0, scope, position, None, None)
                    continue
                if not isinstance(value, self.w.Scalar):
                    continue
                removal = self._whole_block(node, self.values.entry_removal(key, value, owner))
                sib = None
                if name in ENV_VARS and not is_null(value):
                    sib = self.values.entry_sibling(name, node, owner)
                out[name] = self._entry(name, value, 0, scope, position, removal, sib)
        elif isinstance(node, self.w.Sequence):
            for item in node.value:
                if not isinstance(item, self.w.Scalar):
                    continue
                name, eq, _ = str(item.value).partition("=")
                if not eq or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    continue
                removal = self._whole_block(node, self.values.item_removal(item, node))
                sib = self.values.item_sibling(name, node) if name in ENV_VARS else None
                out[name] = self._entry(name, item, len(name) + 1, scope, position, removal, sib)
        return out

    def _whole_block(self, block: Any, removal: Span | None) -> Span | None:
        """The removal of a block's only entry takes the block's key line with it (``env:``
        with nothing under it is null, which CI schemas refuse); None when that line holds
        more than the key (``- env:`` opens a list item)."""
        if removal is None or len(block.value) != 1:
            return removal
        text = self.text
        if removal.start == 0 or text[removal.start - 1] != "\n":
            return None
        prev_start = text.rfind("\n", 0, removal.start - 1) + 1
        prev = text[prev_start : removal.start].rstrip("\r\n")
        if re.fullmatch(r"[ \t]*[A-Za-z_][\w-]*:[ \t]*", prev) is None:
            return None
        return Span(prev_start, removal.end)

    def one(self, name: str, node: Any, scope: str, position: int) -> VarDef:
        """One variable whose value is the scalar ``node`` (no removal, no sibling)."""
        return self._entry(name, node, 0, scope, position, None, None)

    def _entry(
        self,
        name: str,
        node: Any,
        skip: int,
        scope: str,
        position: int,
        removal: Span | None,
        sibling: Any,
    ) -> VarDef:
        raw = str(node.value)[skip:]
        if self.expr.search(raw) or (is_null(node) and not skip):
            if name in ENV_VARS and not is_null(node):
                self._unresolved(name, node, scope, position, removal)
            return VarDef(None, exported=True)
        value, span = self.values.locate(node)
        if span is not None:
            span = Span(span.start + skip, span.end)
        var = VarDef(value[skip:], span, span is not None and "$" not in raw, True)
        if name in ENV_VARS:
            first = len(self.doc.settings)
            self.values.settings(name, name, node, skip, Method.CI_ENV, scope, removal, sibling)
            for s in self.doc.settings[first:]:
                # the nearer block is the later assignment; a block of a scope inherited
                # in order (a job's) is in effect from the start of what it belongs to
                s.assign = position
                if scope != "file":
                    s.position = position
        return var

    def _unresolved(
        self, name: str, node: Any, scope: str, position: int, removal: Span | None
    ) -> None:
        spec = ENV_VARS[name]
        start = content_start(self.text, node.start_mark.index, node.end_mark.index)
        span = Span(start, max(start, node.end_mark.index))
        end = self.text.find("\n", span.start, span.end)
        if end != -1:
            span = Span(span.start, end)
        s = Setting(spec.kind, name, self.text[span.start : span.end], None, span,
                    Method.CI_ENV, scope, spec.tool, False, removal, assign=position,
                    position=span.start if scope == "file" else position)  # fmt: skip
        self.doc.settings.append(s)
