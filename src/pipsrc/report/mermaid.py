"""The report's pictures: mermaid blocks that GitHub and GitLab draw in place.

A ``pie`` of install commands by the index they really use, and a ``flowchart LR`` of
files -> index settings -> indexes (the policy's index or proxy, vendor indexes, others).
Node ids are generated (``f1``, ``s1``, ``i1``), never taken from the tree; every label is
quoted, with the characters mermaid gives a meaning inside a quoted label written as its
entity codes (``"`` ``#`` ``<`` ``>`` ``&``), so a URL with a query, a fragment or quotes
cannot end the label or inject a node. Values come from the report's facts, which are
already redacted; tests/test_report_mermaid.py runs mermaid's own parser on the blocks.
"""

from __future__ import annotations

from collections import Counter

from pipsrc.catalogue import catalogue
from pipsrc.model import SettingKind
from pipsrc.report.facts import FileFacts, ReportFacts, SettingRow
from pipsrc.report.texts import text
from pipsrc.urls import identity

# at most this many settings in the flowchart (a large tree's chart would not be read)
MAX_SETTINGS = 60
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}
_MARKS = frozenset({"✅", "⚠️", "ℹ️", "❌"})
_FLOW_KINDS = (SettingKind.INDEX, SettingKind.EXTRA_INDEX, SettingKind.FIND_LINKS)


def label(value: str) -> str:
    """``value`` as a quoted flowchart label: one line, mermaid's special characters as
    entity codes (``#`` first, so the codes it writes are not escaped again)."""
    flat = " ".join(value.split())
    return '"' + "".join(_ENTITIES.get(ch, ch) for ch in flat) + '"'


def pie_label(value: str) -> str:
    """``value`` as a pie slice's quoted name (the pie grammar reads ``"[^"]*"`` and no
    entity codes: a double quote becomes a single one)."""
    return '"' + " ".join(value.split()).replace('"', "'") + '"'


def _words(lang: str, key: str) -> str:
    """A verdict's words without its leading emoji."""
    mark, _, rest = text(lang, key).partition(" ")
    return rest if mark in _MARKS and rest else text(lang, key)


def pie(facts: ReportFacts, lang: str) -> list[str]:
    """The pie of install commands by effective index ([] when there is none)."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}  # one slice per index (``/simple`` and ``/simple/`` alike)
    for row in facts.site_rows:
        name = row.index if row.index else _words(lang, f"v_{row.verdict}")
        key = (identity(row.index) if row.index else None) or name
        names.setdefault(key, name)
        counts[key] += 1
    if not counts:
        return []
    lines = ["```mermaid", f"pie title {text(lang, 'pie_title')}"]
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]])):
        lines.append(f"    {pie_label(names[key])} : {n}")
    lines.append("```")
    return lines


class _Flow:
    """The flowchart's nodes and edges, built file by file."""

    def __init__(self, facts: ReportFacts, lang: str) -> None:
        self.facts, self.lang = facts, lang
        self.lines: list[str] = []
        self.indexes: dict[str, str] = {}  # identity -> node id
        self.classes: dict[str, list[str]] = {"target": [], "vendor": [], "other": []}
        self.settings = 0
        self.truncated = False  # settings were left out (more than MAX_SETTINGS)

    def file(self, n: int, f: FileFacts) -> None:
        rows = [s for s in f.settings if s.kind in _FLOW_KINDS and not s.ineffective]
        unique: dict[tuple[int, str, str], SettingRow] = {}
        for s in rows:
            if identity(s.value) is not None:
                unique.setdefault((s.line, s.key, s.value), s)
        rows = list(unique.values())
        if not rows:
            return
        self.lines.append(f"    f{n}[{label(f.path)}]")
        for s in rows:
            if self.settings >= MAX_SETTINGS:
                self.truncated = True
                return
            self.settings += 1
            sid = f"s{self.settings}"
            where = text(self.lang, "line", line=s.line)
            self.lines.append(f"    f{n} --> {sid}[{label(f'{s.key} ({where})')}]")
            self.lines.append(f"    {sid} --> {self.index(s.value)}")

    def index(self, url: str) -> str:
        key = identity(url) or url
        node = self.indexes.get(key)
        if node is not None:
            return node
        node = f"i{len(self.indexes) + 1}"
        self.indexes[key] = node
        kind = self.kind_of(url)
        self.classes[kind].append(node)
        return f"{node}[({label(self.index_text(url, kind))})]"

    def kind_of(self, url: str) -> str:
        target = self.facts.index
        if target is not None and identity(url) == identity(target):
            return "target"
        match = catalogue().match(url)
        return "vendor" if match is not None and match.mirror.is_vendor else "other"

    def index_text(self, url: str, kind: str) -> str:
        if kind == "target":
            role = "flow_proxy" if self.facts.proxy else "flow_target"
            return f"{text(self.lang, role)}: {url}"
        match = catalogue().match(url)
        if kind == "vendor" and match is not None:
            return f"{text(self.lang, 'flow_vendor', name=match.mirror.name(self.lang))}: {url}"
        return url


def flowchart(facts: ReportFacts, lang: str) -> tuple[list[str], bool]:
    """The flowchart files -> settings -> indexes ([] when no file sets an index), and
    whether it leaves settings out."""
    flow = _Flow(facts, lang)
    for n, f in enumerate(facts.files, 1):
        flow.file(n, f)
    if not flow.lines:
        return [], False
    lines = ["```mermaid", "flowchart LR", *flow.lines]
    styles = {"target": "fill:#d4f7d4,stroke:#2a7a2a", "vendor": "fill:#fff3c4,stroke:#a07800",
              "other": "fill:#fde0e0,stroke:#b03030"}  # fmt: skip
    for kind, nodes in flow.classes.items():
        if nodes:
            lines.append(f"    classDef {kind} {styles[kind]}")
            lines.append(f"    class {','.join(nodes)} {kind}")
    lines.append("```")
    return lines, flow.truncated
