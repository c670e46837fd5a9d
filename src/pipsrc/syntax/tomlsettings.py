"""Index settings of the TOML project files: uv, Poetry, PDM, Pipenv and Pixi.

Each tool keeps its indexes in its own tables (``config-surface.md`` §A5-§A9), and each is
read into the shared vocabulary with the tool's own meaning: which entry is the default
(primary) index, which are extra indexes, which are find-links pages or hosts exempt from
TLS checks. A tool is its own scope, so a rule comparing a primary index with the extra
indexes "of the same scope" compares within one tool. Values come located from
:mod:`pipsrc.syntax.tomlspans`; a string whose characters are not its value (escapes, a
multi-line string) is located but not editable.
"""

from __future__ import annotations

from pipsrc.model import Document, Insertion, Method, Setting, SettingKind, Span, Tool
from pipsrc.syntax.tomlspans import Path, TomlDocument, TomlValue
from pipsrc.urls import host_port

K = SettingKind

_LINE = (-1, -1)  # ``add``'s default removal: the value's own line or array item

# uv's keys (uv.toml top level, ``[tool.uv]`` and their ``[pip]`` table) -> kind
_UV_KEYS: dict[str, SettingKind] = {
    "index-url": K.INDEX,
    "extra-index-url": K.EXTRA_INDEX,
    "find-links": K.FIND_LINKS,
    "no-index": K.NO_INDEX,
    "allow-insecure-host": K.TRUSTED_HOST,
}


class _Emitter:
    """Turns located TOML values into settings of one document and scope."""

    def __init__(self, doc: Document, toml: TomlDocument, scope: str, tool: Tool) -> None:
        self.doc, self.toml, self.scope, self.tool = doc, toml, scope, tool

    def add(
        self, v: TomlValue, kind: SettingKind, key: str, *, section: str | None = None,
        removal: tuple[int, int] | None = _LINE, pinned: bool = False,
    ) -> Setting:  # fmt: skip
        """``removal``: what deleting the setting deletes (None: it cannot be deleted); by
        default its line when it holds this value alone, else its array item."""
        text = str(v.value)
        span = Span(*v.content) if v.content is not None else Span(v.start, v.end)
        cut = (v.entry or v.item) if removal == _LINE else removal
        raw = self.doc.text[span.start : span.end]
        s = Setting(
            kind, key, raw, text, span, Method.PROJECT, self.scope, self.tool,
            editable=v.content is not None, removal=Span(*cut) if cut else None,
            section=section, pinned=pinned,
        )  # fmt: skip
        self.doc.settings.append(s)
        return s

    def verify_ssl(
        self, table: Path, url: TomlValue, source: Setting, removable: bool = True
    ) -> None:
        """``verify_ssl = false`` beside a source's ``url``: PDM and Pipenv trust the
        source's host (pip's trusted-host: no TLS check, http allowed). It is located on
        the ``false`` and holds the host; removing it removes its line (Pipenv requires
        the key, so there it cannot be removed). Where the source is still verified, the
        way to trust its host is the ``source``'s sibling: ``true`` made ``false``, or
        a ``verify_ssl = false`` line after the ``url`` line."""
        flag = self.toml.get(*table, "verify_ssl")
        host = host_port(str(url.value))
        if flag is not None and flag.value == "true":
            source.sibling = Insertion(flag.start, "false", end=flag.end)
        elif flag is None and url.entry is not None and removable:
            at = url.entry[1]
            if self.doc.text[at - 1 : at] == "\n":
                nl = "\r\n" if self.doc.text[at - 2 : at] == "\r\n" else "\n"
                source.sibling = Insertion(at, "verify_ssl = false{nl}", nl)
        if flag is None or flag.value != "false" or not host:
            return
        cut = Span(*flag.entry) if flag.entry is not None and removable else None
        self.doc.settings.append(Setting(
            K.TRUSTED_HOST, "verify_ssl", self.doc.text[flag.start : flag.end], host,
            Span(flag.start, flag.end), Method.PROJECT, self.scope, self.tool, editable=False,
            removal=cut,
        ))  # fmt: skip

    def strings(self, *path: str | int) -> list[TomlValue]:
        """The string at ``path``, or the strings of the array at ``path``."""
        n = len(path)
        return [
            v for v in self.toml.values
            if v.string and (v.path == path or (len(v.path) == n + 1 and v.path[:n] == path
                                                and isinstance(v.path[n], int)))
        ]  # fmt: skip

    def flag(self, *path: str | int) -> TomlValue | None:
        v = self.toml.get(*path)
        return v if v is not None and v.value == "true" else None

    def entries(self, *path: str | int) -> list[int]:
        """The indexes of the entries of the array of tables at ``path``."""
        n = len(path)
        found = {t[n] for t in self.toml.tables if t[:n] == path and len(t) == n + 1}
        return sorted(i for i in found if isinstance(i, int))

    def block(self, path: Path) -> tuple[int, int] | None:
        """An array-of-tables entry from its header to the next header: removed whole
        (never its ``url`` alone) and only when nothing else names it."""
        header = self.toml.tables.get(path)
        if header is None:
            return None
        name = self.toml.get(*path, "name")
        if name is not None and any(
            v.value == name.value for v in self.toml.values if v.path[: len(path)] != path
        ):
            return None  # a source named by a dependency: removing it breaks the project
        later = [a for a, _b in self.toml.tables.values() if a > header[0]]
        return (header[0], min(later) if later else len(self.doc.text))


def uv_settings(doc: Document, toml: TomlDocument, prefix: Path) -> None:
    """uv's configuration under ``prefix`` (``()`` in uv.toml, ``("tool", "uv")`` in
    pyproject.toml): the legacy keys, ``[[index]]`` entries and the ``[pip]`` table."""
    em = _Emitter(doc, toml, "uv", Tool.UV)
    for section, base in ((None, prefix), ("pip", (*prefix, "pip"))):
        for key, kind in _UV_KEYS.items():
            if kind is K.NO_INDEX:
                flag = em.flag(*base, key)
                if flag is not None:
                    em.add(flag, kind, key, section=section)
                continue
            for v in em.strings(*base, key):
                em.add(v, kind, key, section=section)
    for i in em.entries(*prefix, "index"):
        entry = (*prefix, "index", i)
        url = toml.get(*entry, "url")
        if url is None or not url.string:
            continue
        kind = K.INDEX if em.flag(*entry, "default") else K.EXTRA_INDEX
        if (fmt := toml.get(*entry, "format")) is not None and fmt.value == "flat":
            kind = K.FIND_LINKS
        explicit = em.flag(*entry, "explicit") is not None
        em.add(url, kind, "[[index]] url", section="explicit" if explicit else None,
               removal=em.block(entry), pinned=explicit)  # fmt: skip


def poetry_settings(doc: Document, toml: TomlDocument) -> None:
    """``[[tool.poetry.source]]``: the first primary source (or a legacy ``default = true``)
    is the primary index, the others are searched after it (supplemental, explicit and
    the legacy ``secondary`` ones only for what the primaries lack or name them)."""
    em = _Emitter(doc, toml, "poetry", Tool.POETRY)
    primary_seen = False
    for i in em.entries("tool", "poetry", "source"):
        entry = ("tool", "poetry", "source", i)
        url = toml.get(*entry, "url")
        priority = toml.get(*entry, "priority")
        level = str(priority.value) if priority is not None else "primary"
        if em.flag(*entry, "secondary"):
            level = "secondary"
        primary = level in ("primary", "default") or em.flag(*entry, "default") is not None
        if url is None or not url.string:
            primary_seen = primary_seen or primary  # a url-less "PyPI" source
            continue
        kind = K.INDEX if primary and not primary_seen else K.EXTRA_INDEX
        primary_seen = primary_seen or primary
        em.add(url, kind, "[[tool.poetry.source]] url", section=level, removal=em.block(entry),
               pinned=level == "explicit")  # fmt: skip


def pdm_settings(doc: Document, toml: TomlDocument) -> None:
    """``[[tool.pdm.source]]``: a source named ``pypi`` replaces PyPI (the primary index);
    ``type = "find_links"`` is a find-links page; the others are extra indexes."""
    em = _Emitter(doc, toml, "pdm", Tool.PDM)
    for i in em.entries("tool", "pdm", "source"):
        entry = ("tool", "pdm", "source", i)
        url = toml.get(*entry, "url")
        if url is None or not url.string:
            continue
        name = toml.get(*entry, "name")
        kind = K.INDEX if name is not None and name.value == "pypi" else K.EXTRA_INDEX
        stype = toml.get(*entry, "type")
        if stype is not None and stype.value == "find_links":
            kind = K.FIND_LINKS
        source = em.add(url, kind, "[[tool.pdm.source]] url", removal=em.block(entry))
        em.verify_ssl(entry, url, source)


def pdm_config_settings(doc: Document, toml: TomlDocument) -> None:
    """``pdm.toml`` (``pdm config --local``): ``[pypi] url`` is the primary index and each
    ``[pypi.NAME] url`` an extra one."""
    em = _Emitter(doc, toml, "pdm", Tool.PDM)
    for v in toml.values:
        if v.path[:1] != ("pypi",) or v.path[-1] != "url" or not v.string:
            continue
        kind = K.INDEX if len(v.path) == 2 else K.EXTRA_INDEX
        source = em.add(v, kind, ".".join(str(p) for p in v.path))
        em.verify_ssl(v.path[:-1], v, source)


# poetry.toml's repositories are what `poetry publish -r NAME` uploads to (and whose
# credentials Poetry matches by URL); installs read only the project's sources
PUBLISH_ONLY = (
    "a poetry.toml repository is an upload target for `poetry publish -r NAME`: "
    "installs read only [[tool.poetry.source]]"
)


def poetry_config_settings(doc: Document, toml: TomlDocument) -> None:
    """``poetry.toml`` (``poetry config --local``): ``[repositories.NAME] url`` is located
    but is no install source (see PUBLISH_ONLY); ``[http-basic.NAME]`` holds credentials,
    which are never read."""
    em = _Emitter(doc, toml, "poetry", Tool.POETRY)
    for v in toml.values:
        p = v.path
        if len(p) == 3 and p[0] == "repositories" and p[2] == "url" and v.string:
            s = em.add(v, K.EXTRA_INDEX, f"repositories.{p[1]}.url", removal=None)
            s.ineffective, s.editable = PUBLISH_ONLY, False


def pipenv_settings(doc: Document, toml: TomlDocument) -> None:
    """Pipfile ``[[source]]``: the first source is the index every package comes from
    unless it names another source, which is read only for the packages naming it."""
    em = _Emitter(doc, toml, "pipenv", Tool.PIPENV)
    for n, i in enumerate(em.entries("source")):
        url = toml.get("source", i, "url")
        if url is None or not url.string:
            continue
        kind = K.INDEX if n == 0 else K.EXTRA_INDEX
        # the first source is the project's index: removing it would change them all
        source = em.add(url, kind, "[[source]] url",
                        removal=em.block(("source", i)) if n else None,
                        pinned=n > 0)  # fmt: skip
        em.verify_ssl(("source", i), url, source, removable=False)  # Pipenv requires the key


def pixi_settings(doc: Document, toml: TomlDocument, prefix: Path) -> None:
    """Pixi's ``pypi-options`` (workspace and per feature): ``index-url`` replaces PyPI,
    ``extra-index-urls`` come first (uv's first-index strategy), ``find-links`` urls."""
    tables = [(*prefix, "pypi-options")]
    tables += _feature_tables(toml, prefix)
    for base in tables:
        scope = "pixi" if base == (*prefix, "pypi-options") else f"pixi:{base[-2]}"
        em = _Emitter(doc, toml, scope, Tool.PIXI)
        for v in em.strings(*base, "index-url"):
            em.add(v, K.INDEX, "index-url")
        for v in em.strings(*base, "extra-index-urls"):
            em.add(v, K.EXTRA_INDEX, "extra-index-urls")
        for v in toml.values:
            n = len(base)
            if v.path[: n + 1] == (*base, "find-links") and v.path[-1] == "url":
                em.add(v, K.FIND_LINKS, "find-links")


def _feature_tables(toml: TomlDocument, prefix: Path) -> list[Path]:
    n = len(prefix)
    out = []
    for v in toml.values:
        p = v.path
        if p[:n] == prefix and len(p) > n + 2 and p[n] == "feature" and p[n + 2] == "pypi-options":
            table = p[: n + 3]
            if table not in out:
                out.append(table)
    return out
