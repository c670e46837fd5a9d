"""conda's configuration file (``.condarc``, ``condarc``, ``condarc.d/*.yml``, ``.mambarc``).

The keys that say where packages come from (docs.conda.io, "Mirroring channels"):
``channels`` (an ordered list; ``defaults`` stands for ``default_channels``),
``default_channels`` (what ``defaults`` is: repo.anaconda.com/pkgs/main, r, msys2 unless
set), ``channel_alias`` (the base a bare channel name is looked up under, by default
https://conda.anaconda.org) and ``custom_channels`` (``NAME: BASE``, conda appends the
name; it beats ``channel_alias``). Each value is one setting of :data:`Tool.CONDA`; no
other key is read. The YAML is read as the compose kind reads it, never dumped.
"""

from __future__ import annotations

from typing import Any

from pipsrc.conda import CONDA_DEFAULT_CHANNELS, DEFAULTS
from pipsrc.kinds.compose import prepare as _prepare_yaml
from pipsrc.kinds.compose import read_yaml, yaml_comments
from pipsrc.kinds.condayaml import CondaYaml
from pipsrc.model import Document, FileKind, Insertion, Method, Scope, Setting, SettingKind
from pipsrc.textio import line_ending_at, majority_newline

K = SettingKind


def prepare() -> None:
    """Import ruamel.yaml now (every .condarc that is parsed needs it)."""
    _prepare_yaml()


def parse(text: str, path: str) -> Document:
    """Locate the channel settings of a .condarc; YAML errors become problems."""
    doc = Document(path=path, kind=FileKind.CONDARC, text=text)
    doc.scopes.append(Scope(id="file", start=0, end=len(text), nl=majority_newline(text)))
    read = read_yaml(doc, text)
    if read is None:
        return doc
    roots, walker = read
    y = CondaYaml(doc, text, walker, Method.CONDARC)
    for root in roots:
        if y.is_map(root):
            _settings(y, root)
        elif not (y.is_scalar(root) and root.value in ("", None)):
            y.problem(root, "a .condarc must be a mapping of keys to values")
    yaml_comments(doc, text, walker)
    return doc


def _settings(y: CondaYaml, root: Any) -> None:
    entries = y.entries(root)
    for key in ("channels", "default_channels"):
        if key in entries:
            kind = K.CHANNEL if key == "channels" else K.DEFAULT_CHANNEL
            first = len(y.doc.settings)
            y.channel_list(entries[key][1], kind, key)
            if key == "channels" and "default_channels" not in entries:
                _defaults_sibling(y, entries[key][0], y.doc.settings[first:])
    if "channel_alias" in entries:
        key_node, value, owner = entries["channel_alias"]
        if y.is_scalar(value):
            y.setting(value, K.CHANNEL_ALIAS, "channel_alias",
                      y.w.values.entry_removal(key_node, value, owner))  # fmt: skip
        else:
            y.problem(value, "channel_alias must be a URL")
    if "custom_channels" in entries:
        _custom_channels(y, entries["custom_channels"][1])


def _defaults_sibling(y: CondaYaml, key: Any, settings: list[Setting]) -> None:
    """Where a ``default_channels`` list would go (before the ``channels`` key, when it
    starts a line), so that ``defaults`` can be sent to a mirror: the insertion's
    ``{value}`` is the mirror's base URL."""
    start = key.start_mark.index
    line_start = y.text.rfind("\n", 0, start) + 1
    if line_start != start:
        return
    nl = line_ending_at(y.text, start)
    items = "".join(f"  - {{value}}/pkgs/{ch}{{nl}}" for ch in CONDA_DEFAULT_CHANNELS)
    for s in settings:
        if s.value == DEFAULTS:
            s.sibling = Insertion(start, "default_channels:{nl}" + items, nl)


def _custom_channels(y: CondaYaml, node: Any) -> None:
    """``custom_channels: {NAME: BASE}``: one setting per entry, keyed by its name."""
    if not y.is_map(node):
        if not (y.is_scalar(node) and node.value in ("", None)):
            y.problem(node, "custom_channels must be a mapping of channel names to URLs")
        return
    for name, (key_node, value, owner) in y.entries(node).items():
        if not y.is_scalar(value):
            y.problem(value, f"custom_channels.{name} must be a URL")
            continue
        removal = y.w.values.entry_removal(key_node, value, owner)
        y.setting(value, K.CUSTOM_CHANNEL, f"custom_channels.{name}", removal)
