"""conda's documented schema for the keys pipsrc edits: the oracle for rewritten files.

conda does not install from PyPI, so its own configuration loader cannot read what pipsrc
writes. Instead each rewritten .condarc and environment file is loaded with ruamel.yaml's
*safe* loader (a different code path from the composer pipsrc locates with) and checked
against the types the conda configuration reference gives: ``channels`` and
``default_channels`` sequences of strings, ``channel_alias`` a string, ``custom_channels`` a
map of channel names to strings; an environment file's ``channels`` a sequence of strings and
its ``dependencies`` strings or one ``pip:`` list of strings.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML


def load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _strings(value: Any, what: str) -> list[str]:
    assert isinstance(value, list), f"{what} must be a sequence"
    assert all(isinstance(v, str) and v for v in value), f"{what} must hold strings"
    return value


def condarc(text: str) -> dict[str, Any]:
    """The channel keys of a .condarc, after checking their types."""
    data = load(text) or {}
    assert isinstance(data, dict), "a .condarc is a mapping"
    out: dict[str, Any] = {}
    for key in ("channels", "default_channels"):
        if data.get(key) is not None:
            out[key] = _strings(data[key], key)
    if data.get("channel_alias") is not None:
        assert isinstance(data["channel_alias"], str), "channel_alias must be a string"
        out["channel_alias"] = data["channel_alias"]
    if data.get("custom_channels") is not None:
        custom = data["custom_channels"]
        assert isinstance(custom, dict), "custom_channels must be a mapping"
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in custom.items())
        out["custom_channels"] = dict(custom)
    return out


def environment(text: str) -> dict[str, Any]:
    """The channels and the pip lines of an environment file, after checking their types."""
    data = load(text) or {}
    assert isinstance(data, dict), "an environment file is a mapping"
    out: dict[str, Any] = {"channels": [], "pip": []}
    if data.get("channels") is not None:
        out["channels"] = _strings(data["channels"], "channels")
    for dep in data.get("dependencies") or []:
        if isinstance(dep, dict):
            assert set(dep) == {"pip"}, "a mapping among dependencies is the pip list"
            out["pip"] = _strings(dep["pip"], "pip")
        else:
            assert isinstance(dep, str), "a dependency is a string"
    return out
