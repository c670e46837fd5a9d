"""What a resolution produces: the ordered indexes of an install, and the settings behind
them, built source by source."""

from __future__ import annotations

from pipsrc.model import Method, Setting, Tool
from pipsrc.records import field, record
from pipsrc.urls import identity

PYPI = "https://pypi.org/simple"


@record
class Used:
    """One setting an install's indexes come from, and what it did."""

    setting: Setting
    path: str  # the document it is written in
    role: str  # index | extra | no-index | replaced (a later source took its place)


@record
class Effective:
    """The indexes an install site uses, and where they come from."""

    # cli | requirements | env | config | config-file | image | inherited | no-index | default
    source: str
    setting: Setting | None = None  # the primary (default) index, when one is set
    detail: str = ""
    tool: Tool = Tool.PIP
    extras: list[Setting] = field(default_factory=list)  # in the order the client reads them
    chain: list[Used] = field(default_factory=list)

    @property
    def implicit_pypi(self) -> bool:
        return self.source == "default"

    @property
    def indexes(self) -> list[str | None]:
        """Index URLs in the order the client reads them (None: not resolved); a URL
        given twice is read once, where it first appears (pip and uv both do so)."""
        if self.source == "no-index":
            return []
        primary = self.setting.value if self.setting is not None else None
        if primary is None and self.source == "default":
            primary = PYPI
        extras = [s.value for s in self.extras]
        ordered = [*extras, primary] if self.tool is Tool.UV else [primary, *extras]
        out: list[str | None] = []
        seen: set[str] = set()
        for url in ordered:
            key = identity(url) if url else None
            if key is None or key not in seen:
                out.append(url)
            if key is not None:
                seen.add(key)
        return out


@record
class State:
    """The index list as a client builds it, source by source."""

    index: Setting | None = None
    source: str = "default"
    detail: str = ""
    extras: list[Setting] = field(default_factory=list)
    no_index: Setting | None = None
    chain: list[Used] = field(default_factory=list)
    where: dict[int, str] = field(default_factory=dict)  # id of a setting -> its document

    def note(self, s: Setting, path: str) -> Setting:
        self.where[id(s)] = path
        return s

    def set_index(self, s: Setting, source: str, path: str, detail: str = "") -> None:
        if self.index is not None:
            self.chain.append(self.used(self.index, "replaced"))
        if source == "env" and s.method is Method.BUILD_ARG and s.value is None:
            source, detail = "build-arg", s.key  # ``ARG PIP_INDEX_URL``: the build passes it
        self.index, self.source, self.detail = self.note(s, path), source, detail

    def used(self, s: Setting, role: str) -> Used:
        return Used(s, self.where.get(id(s), ""), role)

    def result(self, tool: Tool) -> Effective:
        chain = list(self.chain)
        if self.no_index is not None:
            return Effective("no-index", self.no_index, tool=tool, chain=chain)
        if self.index is not None:
            chain.append(self.used(self.index, "index"))
        chain += [self.used(s, "extra") for s in self.extras]
        return Effective(self.source, self.index, self.detail, tool, list(self.extras), chain)
