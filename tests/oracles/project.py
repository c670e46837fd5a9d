"""Project files (pyproject.toml, uv.toml, Pipfile, pdm.toml, pixi.toml) read by ``tomllib``.

A fix may only touch the tables that configure an index: a file ``tomllib`` loaded before
must load after, and once those tables are set aside the two documents must be equal.
Within the index tables, every value that is not a URL keeps its type (a fix never turns an
array into a string or drops a ``name``).
"""

from __future__ import annotations

import tomllib
from typing import Any

# (dotted path to a table or array of tables) -> whether its keys are index settings
INDEX_TABLES = (
    ("tool", "uv"),
    ("tool", "poetry", "source"),
    ("tool", "pdm", "source"),
    ("tool", "pdm", "pypi"),
    ("tool", "pixi", "pypi-options"),
    ("tool", "tox"),  # judged by tests/oracles/toxconf.py
    ("pypi-options",),
    ("source",),
    ("pypi",),
    ("index",),
    ("extra-index-url",),
    ("index-url",),
    ("allow-insecure-host",),
    ("pip",),
    ("feature",),
)


def load(text: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        return None, str(exc)


def _without_index_tables(doc: dict[str, Any]) -> dict[str, Any]:
    out = dict(doc)
    for path in INDEX_TABLES:
        node: Any = out
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                break
            node[key] = node = dict(node[key])
        else:
            node.pop(path[-1], None)
    return out


def changed_outside_index_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Top-level keys whose content differs once the index tables are removed from both."""
    b, a = _without_index_tables(before), _without_index_tables(after)
    return sorted(k for k in b.keys() | a.keys() if b.get(k) != a.get(k))
