"""tox's and setuptools' configuration (tox.ini, setup.cfg, tox.toml, ``[tool.tox]``) read by
the parsers tox reads them with: configparser (INI) and tomllib (TOML).

A fix may change URLs and nothing else: a file the parser loaded before must load after,
with the same sections, keys and values once every URL in them is masked (an http URL made
https, a mirror moved to the policy index are URL changes; a flag, an argument or a line
gained or lost is not, except a whole ``NAME = URL`` line of ``set_env`` or of
``indexserver``, which the removals of extra indexes and trusted hosts delete). The
``legacy_tox_ini`` string of a pyproject.toml is read as the tox.ini it is.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from typing import Any

_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s\"'{}]+")
# set_env / indexserver lines a fix may delete whole: an index variable or a named server
_DELETABLE = re.compile(r"^\s*(?:(?:PIP|UV)_[A-Z_]+|[A-Za-z0-9_.-]+)\s*=\s*\S*://\S*\s*$")
_HOST_LINE = re.compile(r"^\s*(?:PIP_TRUSTED_HOST|UV_INSECURE_HOST)\s*=.*$")


def mask(value: Any) -> Any:
    """``value`` with every URL replaced by ``<URL>`` (strings, lists and tables)."""
    if isinstance(value, str):
        return _URL.sub("<URL>", value)
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items()}
    return value


def ini(text: str) -> tuple[dict[str, dict[str, str]] | None, str | None]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        return None, str(exc).split("\n", 1)[0]
    return {s: dict(parser[s]) for s in parser.sections()}, None


def _lines(value: str) -> list[str]:
    return [ln for ln in value.split("\n") if ln.strip()]


def _same_value(before: str, after: str) -> bool:
    """Equal once URLs are masked, but for whole ``NAME = URL`` lines or trusted-host
    lines that the fix deleted."""
    b, a = _lines(mask(before)), _lines(mask(after))
    if b == a:
        return True
    kept = [ln for ln in b if ln in a or not (_DELETABLE.match(ln) or _HOST_LINE.match(ln))]
    return kept == a


def ini_disagreements(before: str, after: str) -> list[tuple[str, str]]:
    """(class, detail) for each way configparser sees more than URLs changed."""
    vb, _ = ini(before)
    if vb is None:
        return []
    va, err = ini(after)
    if va is None:
        return [("tox-parse", err or "")]
    out = []
    if list(vb) != list(va):
        out.append(("tox-structure", f"sections {list(vb)} -> {list(va)}"))
    for section, keys in vb.items():
        other = va.get(section, {})
        for key, value in keys.items():
            if key not in other:
                out.append(("tox-structure", f"[{section}] {key} removed"))
            elif not _same_value(value, other[key]):
                out.append(("tox-value", f"[{section}] {key}: {value!r} -> {other[key]!r}"))
        for key in other.keys() - keys.keys():
            out.append(("tox-structure", f"[{section}] {key} added"))
    return out


def toml_disagreements(before: str, after: str, prefix: tuple[str, ...]) -> list[tuple[str, str]]:
    """(class, detail) for each way tomllib sees more than URLs changed under ``prefix``
    (the rest of a pyproject.toml is the project oracle's), and the legacy tox.ini."""
    try:
        db = tomllib.loads(before)
    except tomllib.TOMLDecodeError:
        return []
    try:
        da = tomllib.loads(after)
    except tomllib.TOMLDecodeError as exc:
        return [("tox-parse", str(exc))]
    for key in prefix:
        db, da = db.get(key, {}), da.get(key, {})
    lb, la = db.pop("legacy_tox_ini", None), da.pop("legacy_tox_ini", None)
    out = []
    if _drop_set_env_urls(mask(db)) != _drop_set_env_urls(mask(da)):
        out.append(("tox-structure", "the tox tables changed beyond their URLs"))
    if isinstance(lb, str) and isinstance(la, str):
        out += ini_disagreements(lb, la)
    elif lb != la:
        out.append(("tox-structure", "legacy_tox_ini changed type or went"))
    return out


def _drop_set_env_urls(tables: Any) -> Any:
    """``set_env`` entries whose value is one URL (or a trusted host): a fix may remove them."""
    if not isinstance(tables, dict):
        return tables
    out = {}
    for k, v in tables.items():
        if k == "set_env" and isinstance(v, dict):
            v = {
                n: x
                for n, x in v.items()
                if x != "<URL>" and not n.endswith(("TRUSTED_HOST", "INSECURE_HOST"))
            }
        out[k] = _drop_set_env_urls(v)
    return out
