"""docker-compose files through ruamel.yaml (the loader docker-compose's YAML dialect needs).

The loaded documents before and after a fix must have the same structure (the same keys in
the same order, the same sequence lengths, the same types); only scalars may differ, and each
changed scalar is reported so the intent check can judge it.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tests.oracles.dockerfile import REMOVABLE

_yaml = YAML(typ="safe", pure=True)


def load(text: str) -> tuple[Any, str | None]:
    try:
        return _yaml.load(text), None
    except (YAMLError, ValueError) as e:  # duplicate keys, bad indentation, tabs ...
        return None, f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"
    except Exception as e:  # ruamel's composer raises a few non-YAMLError types
        return None, f"{type(e).__name__}: {e}"


def changed_scalars(
    before: Any, after: Any, path: str = ""
) -> tuple[list[str], list[tuple[str, Any, Any]]]:
    """(structural differences, [(path, old scalar, new scalar)])."""
    problems: list[str] = []
    changes: list[tuple[str, Any, Any]] = []
    if isinstance(before, dict) and isinstance(after, dict):
        # a fix may drop an index setting (a stale PIP_TRUSTED_HOST ...), nothing else; an
        # `environment:`/`args:` that held nothing else may go with it (compose reads a
        # missing one as an empty one; a null one is still a structural change)
        before = {
            k: v
            for k, v in before.items()
            if k in after or (str(k) not in REMOVABLE and not _only_removable(v))
        }
        after = {k: v for k, v in after.items() if k in before or str(k) not in REMOVABLE}
        if list(before) != list(after):
            problems.append(f"{path or '/'}: keys {list(before)} -> {list(after)}")
            return problems, changes
        for k in before:
            p, c = changed_scalars(before[k], after[k], f"{path}/{k}")
            problems += p
            changes += c
    elif isinstance(before, list) and isinstance(after, list):
        names_b = {str(y).split("=")[0] for y in before}
        names_a = {str(y).split("=")[0] for y in after}
        before = [
            x
            for x in before
            if str(x).split("=")[0] in names_a or str(x).split("=")[0] not in REMOVABLE
        ]
        after = [
            x
            for x in after
            if str(x).split("=")[0] in names_b or str(x).split("=")[0] not in REMOVABLE
        ]
        if len(before) != len(after):
            problems.append(f"{path or '/'}: {len(before)} items -> {len(after)}")
            return problems, changes
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            p, c = changed_scalars(b, a, f"{path}[{i}]")
            problems += p
            changes += c
    elif isinstance(before, dict | list) or isinstance(after, dict | list):
        problems.append(f"{path or '/'}: {type(before).__name__} -> {type(after).__name__}")
    elif type(before) is not type(after):
        problems.append(f"{path}: {before!r} ({type(before).__name__}) -> {after!r}")
    elif before != after:
        changes.append((path, before, after))
    return problems, changes


def _only_removable(value: Any) -> bool:
    """A non-empty mapping or list of index settings only (what a fix may drop)."""
    if isinstance(value, dict):
        return bool(value) and all(str(k) in REMOVABLE for k in value)
    if isinstance(value, list):
        return bool(value) and all(str(x).split("=")[0] in REMOVABLE for x in value)
    return False
