"""What the conda YAML kinds share: channel settings located in composed YAML nodes.

``.condarc`` (:mod:`pipsrc.kinds.condarc`) and environment files
(:mod:`pipsrc.kinds.condaenv`) are read with the compose kind's reader
(:func:`pipsrc.kinds.compose.read_yaml`: ruamel's composer, duplicate keys, depth and size
limits); this module turns a channel list, a ``channel_alias`` or a ``custom_channels``
entry into settings whose spans are the exact characters of each value. A value is
editable only where its characters are written verbatim (a plain scalar, or a quoted one
without escapes) and holds no ``$`` (conda expands environment variables in .condarc).
Values of the wrong YAML type are what conda's own configuration loader refuses
(``InvalidTypeError``): they are recorded as problems at their line.
"""

from __future__ import annotations

from typing import Any

from pipsrc.kinds.compose import _Walker
from pipsrc.model import Document, Insertion, Method, ParseProblem, Setting, SettingKind, Span, Tool
from pipsrc.textio import line_ending_at, majority_newline


class CondaYaml:
    """Locates the channel settings of one conda YAML document."""

    def __init__(self, doc: Document, text: str, walker: _Walker, method: Method) -> None:
        self.doc = doc
        self.text = text
        self.w = walker
        self.method = method

    # -- node types --------------------------------------------------------------

    def is_map(self, node: Any) -> bool:
        return isinstance(node, self.w.Mapping)

    def is_seq(self, node: Any) -> bool:
        return isinstance(node, self.w.Sequence)

    def is_scalar(self, node: Any) -> bool:
        return isinstance(node, self.w.Scalar)

    def entries(self, node: Any) -> dict[str, tuple[Any, Any, Any]]:
        """``{key: (key node, value node, owning mapping)}``, ``<<`` merges applied."""
        return self.w.merged(node)

    def problem(self, node: Any, message: str) -> None:
        """A value conda refuses: reported at its line, the rest of the file still read."""
        at = node.start_mark.index
        self.doc.problems.append(ParseProblem(self.text.rfind("\n", 0, at) + 1, message, False))

    # -- values ------------------------------------------------------------------

    def locate(self, node: Any) -> tuple[Span, bool]:
        """Where a scalar's value is written, and whether those characters are the value."""
        text = self.text
        start, end = node.start_mark.index, node.end_mark.index
        while start < end and text[start] in "&!":  # an anchor or a tag before the value
            while start < end and not text[start].isspace():
                start += 1
            while start < end and text[start].isspace():
                start += 1
        value = str(node.value)
        if node.style in ("'", '"'):
            inner = Span(start + 1, max(start + 1, end - 1))
            return inner, text[inner.start : inner.end] == value
        if node.style in ("|", ">"):
            return Span(start, end), False
        return Span(start, end), text[start:end] == value

    def setting(
        self, node: Any, kind: SettingKind, key: str, removal: Span | None = None
    ) -> Setting | None:
        """One setting for a scalar node (None for an empty value)."""
        value = str(node.value)
        if not value or (node.style is None and value in ("~", "null", "Null", "NULL")):
            return None
        span, exact = self.locate(node)
        expands = "$" in value
        s = Setting(
            kind=kind,
            key=key,
            raw=self.text[span.start : span.end],
            value=None if expands else value,
            span=span,
            method=self.method,
            scope="file",
            tool=Tool.CONDA,
            editable=exact and not expands,
            removal=removal,
        )
        self.doc.settings.append(s)
        return s

    def channel_list(self, node: Any, kind: SettingKind, key: str) -> None:
        """A list of channels (``channels``, ``default_channels``): one setting per item."""
        if not self.is_seq(node):
            if not (self.is_scalar(node) and node.value in ("", None)):
                self.problem(node, f"{key} must be a list of channels")
            return
        for item in node.value:
            if not self.is_scalar(item):
                self.problem(item, f"an item of {key} must be a channel name or URL")
                continue
            self.setting(item, kind, key, self.w.values.item_removal(item, node))

    def item_after(self, item: Any, seq: Any, body: str) -> Insertion | None:
        """A new ``- {body}`` item after ``item`` of a block sequence, indented like it;
        None where the item is not alone on its line (a flow list, ``- - x``)."""
        if getattr(seq, "flow_style", False) or not self.is_scalar(item):
            return None
        text = self.text
        start = item.start_mark.index
        prefix = text[text.rfind("\n", 0, start) + 1 : start]
        if prefix.strip() != "-" or prefix.replace("-", " ", 1).strip(" "):
            return None
        end = item.end_mark.index
        eol = text.find("\n", end)
        rest = text[end : len(text) if eol == -1 else eol].strip()
        if rest and not rest.startswith("#"):
            return None
        line = prefix + body
        if eol == -1:
            return Insertion(len(text), f"{{nl}}{line}", majority_newline(text))
        return Insertion(eol + 1, f"{line}{{nl}}", line_ending_at(text, end))
