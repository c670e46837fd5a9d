"""PS104 in project files: Poetry and PDM keep pypi.org as the primary index unless the
project replaces it, whatever other sources it lists.

A Poetry project whose sources are all ``supplemental`` or ``explicit`` still resolves
from PyPI first (Poetry adds PyPI as the primary source unless a source is ``primary``,
or a url-less ``PyPI`` source is, which names PyPI itself). A PDM project searches
``pypi.url`` (pypi.org unless ``pdm.toml`` or a source named ``pypi`` changes it) before
and beside its other sources. Either way the author configured a mirror and the lock
still comes from pypi.org: the mistake this reports. A project with no source at all is
left alone here: it may be built by pip, which reads its own configuration.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.model import Document, Setting, SettingKind, Tool
from pipsrc.rules.base import Violation

_POETRY = (
    "Poetry resolves this project from pypi.org first: {why}; make the policy index's "
    'source the first with `priority = "primary"` and lock again'
)
_PDM = (
    "PDM searches pypi.org beside this source: no source is named `pypi` and no pdm.toml "
    "sets `[pypi] url`; name the policy index's source `pypi` and lock again"
)


def project_pypi(doc: Document, ctx: Context) -> Iterator[Violation]:
    """Where a project's own sources leave pypi.org its primary index."""
    poetry = _sources(doc, Tool.POETRY, "[[tool.poetry.source]] url")
    if poetry and not any(s.kind is SettingKind.INDEX for s in poetry):
        levels = sorted({s.section or "primary" for s in poetry})
        why = (
            "the url-less PyPI source is the first primary one"
            if "primary" in levels
            else f"none of its sources is primary ({', '.join(levels)})"
        )
        yield Violation(poetry[0].span, _POETRY.format(why=why))
    pdm = _sources(doc, Tool.PDM, "[[tool.pdm.source]] url")
    if pdm and not any(s.kind is SettingKind.INDEX for s in pdm) and not _pdm_config(doc, ctx):
        yield Violation(pdm[0].span, _PDM)


def _sources(doc: Document, tool: Tool, key: str) -> list[Setting]:
    """The index sources of ``tool`` in a pyproject.toml (``key``: poetry.toml's upload
    targets and pdm.toml's indexes are no project source; find-links pages no index)."""
    kinds = (SettingKind.INDEX, SettingKind.EXTRA_INDEX)
    return [
        s
        for s in doc.settings
        if s.tool is tool and s.key == key and s.kind in kinds and s.ineffective is None
    ]


def _pdm_config(doc: Document, ctx: Context) -> bool:
    """Whether a pdm.toml beside the project sets the primary index (``[pypi] url``)."""
    for name in ("pdm.toml", ".pdm.toml"):
        other = ctx.find_file(doc, name, "project")
        if other is not None and any(s.kind is SettingKind.INDEX for s in other.settings):
            return True
    return False
