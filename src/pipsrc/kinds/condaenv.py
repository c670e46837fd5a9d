"""conda environment files (``environment.yml``, ``env*.yml``): channels, and pip's options.

``conda env create -f environment.yml`` solves from the file's ``channels`` (names through
the machine's ``channel_alias``/``custom_channels``, or URLs), then the configured channels
unless the list holds ``nodefaults`` (conda's ``conda_env`` installer appends
``context.channels``: ``defaults`` on an Anaconda or Miniconda install). A dependency may
name its own channel (``pytorch::pytorch``, ``https://…/conda-forge::numpy``). The
``pip:`` list of ``dependencies`` is written to a requirements file that pip reads with
``-r``, so each of its items is a requirements line: its ``--index-url``/``--extra-index-url``/
``--trusted-host`` options are pip settings (:data:`Tool.PIP`), located by the requirements
kind's parser inside the item and moved to the item's place in this file.
"""

from __future__ import annotations

from typing import Any

from pipsrc import kinds
from pipsrc.conda import DEFAULTS, NODEFAULTS
from pipsrc.kinds.compose import prepare as _prepare_yaml
from pipsrc.kinds.compose import read_yaml, yaml_comments
from pipsrc.kinds.condayaml import CondaYaml
from pipsrc.model import (
    Document,
    FileKind,
    Insertion,
    Method,
    ParseProblem,
    Scope,
    Setting,
    SettingKind,
    Span,
    Tool,
)
from pipsrc.records import replace
from pipsrc.textio import majority_newline

K = SettingKind


def prepare() -> None:
    """Import ruamel.yaml now (every environment file that is parsed needs it)."""
    _prepare_yaml()


def parse(text: str, path: str) -> Document:
    """Locate the channels and the pip options of an environment file."""
    doc = Document(path=path, kind=FileKind.CONDA_ENV, text=text)
    doc.scopes.append(Scope(id="file", start=0, end=len(text), nl=majority_newline(text)))
    read = read_yaml(doc, text)
    if read is None:
        return doc
    roots, walker = read
    y = CondaYaml(doc, text, walker, Method.CONDA_ENV)
    for root in roots:
        if not y.is_map(root):
            continue
        entries = y.entries(root)
        deps = entries.get("dependencies")
        if "channels" not in entries and (deps is None or not y.is_seq(deps[1])):
            continue  # not conda's: its `dependencies` is a list (an ansible-builder file's is not)
        if "channels" in entries:
            y.channel_list(entries["channels"][1], K.CHANNEL, "channels")
        _implied_defaults(y, entries)
        if "dependencies" in entries:
            _dependencies(y, entries["dependencies"][1], path)
    yaml_comments(doc, text, walker)
    return doc


def _implied_defaults(y: CondaYaml, entries: dict[str, tuple[Any, Any, Any]]) -> None:
    """Unless ``channels`` lists ``nodefaults``, conda solves from the configured channels
    too: an implied ``defaults`` at the ``channels`` key (or ``dependencies``, when the file
    names no channel), with the ``- nodefaults`` item that would leave them out."""
    entry = entries.get("channels") or entries.get("dependencies")
    if entry is None:
        return
    key, seq, _owner = entry
    sibling = None
    if entry is entries.get("channels"):
        if not y.is_seq(seq) or any(str(i.value) in (NODEFAULTS, DEFAULTS) for i in seq.value):
            return  # left out, or named (PS602 reports the named one)
        sibling = _append_item(y, seq, NODEFAULTS)
    span, _ = y.locate(key)
    y.doc.settings.append(
        Setting(
            K.CHANNEL,
            "channels",
            y.text[span.start : span.end],
            DEFAULTS,
            span,
            Method.CONDA_ENV,
            "file",
            Tool.CONDA,
            editable=False,
            sibling=sibling,
            implied=True,
        )
    )


def _append_item(y: CondaYaml, seq: Any, item: str) -> Insertion | None:
    """An item added at the end of a list: a new ``- item`` line of a block list,
    ``, item`` before the ``]`` of a flow list."""
    if not seq.value:
        return None
    if getattr(seq, "flow_style", False):
        end = seq.end_mark.index
        close = y.text.rfind("]", 0, end)
        last = seq.value[-1].end_mark.index
        if close < last or y.text[last:close].strip(" \t,"):
            return None
        return Insertion(last, f", {item}")
    return y.item_after(seq.value[-1], seq, item)


def _dependencies(y: CondaYaml, node: Any, path: str) -> None:
    if not y.is_seq(node):
        return
    for item in node.value:
        if y.is_scalar(item):
            _qualified(y, item)
        elif y.is_map(item):
            pip = y.entries(item).get("pip")
            if pip is not None and y.is_seq(pip[1]):
                for line in pip[1].value:
                    if y.is_scalar(line):
                        _pip_line(y, line, pip[1], path)


def _qualified(y: CondaYaml, item: Any) -> None:
    """``channel::package``: the channel part as a setting of its own."""
    value = str(item.value)
    cut = value.rfind("::")
    if cut <= 0:
        return
    span, exact = y.locate(item)
    channel = value[:cut]
    s = y.setting(item, K.CHANNEL, "dependencies")
    if s is None:
        return
    s.span = Span(span.start, span.start + cut) if exact else span
    s.raw = y.text[s.span.start : s.span.end]
    s.value = None if "$" in channel else channel
    s.removal = None  # the package stays; only its channel could change


def _pip_line(y: CondaYaml, item: Any, seq: Any, path: str) -> None:
    """One item of ``pip:``, read as the requirements line conda writes it to."""
    value = str(item.value)
    if "-" not in value:
        return
    span, exact = y.locate(item)
    sub = kinds.parse("requirements", value + "\n", path)
    whole = y.w.values.item_removal(item, seq)
    sibling = y.item_after(item, seq, "--trusted-host {value}")
    for p in sub.problems:
        at = span.start + min(p.offset, len(value)) if exact else span.start
        y.doc.problems.append(ParseProblem(at, p.message, p.blocks_fix))
    for s in sub.settings:
        if exact:
            moved = replace(s, span=Span(span.start + s.span.start, span.start + s.span.end))
            only = s.removal is not None and s.removal.start == 0 and s.removal.end >= len(value)
            moved.removal = whole if only else _shift(s.removal, span.start, len(value))
        else:
            moved = replace(s, span=span, raw=y.text[span.start : span.end], editable=False,
                            removal=None)  # fmt: skip
        moved.position = moved.assign = moved.span.start
        moved.sibling = sibling if s.sibling is not None else None
        y.doc.settings.append(moved)


def _shift(removal: Span | None, by: int, limit: int) -> Span | None:
    """A removal span inside the item, moved to the file (never past the item's value)."""
    if removal is None or removal.end > limit:
        return None
    return Span(removal.start + by, removal.end + by)
