"""Small helpers shared by the parsers: quotes and variables in values."""

from __future__ import annotations

import re

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:+alt}, $VAR (linear-time patterns)
_VAR = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+=?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)


def expand(value: str, env: dict[str, str | None]) -> str | None:
    """Expand ``$VAR``/``${VAR:-d}`` from ``env``; None if something stays unresolved.

    An entry mapped to None is known but without a value (``ARG X``).
    """
    unresolved = False

    def sub(m: re.Match[str]) -> str:
        nonlocal unresolved
        name = m.group(1) or m.group(4)
        op, arg = m.group(2), m.group(3)
        val = env.get(name)
        if op in (":-", "-"):
            if val:
                return val
            return arg or ""
        if op in (":+", "+"):
            return (arg or "") if val else ""
        if val is None:
            unresolved = True
            return m.group(0)
        return val

    out = _VAR.sub(sub, value)
    return None if unresolved else out


def variable_refs(value: str) -> list[tuple[str, int, int, str | None]]:
    """Variables referenced in ``value``: (name, start, end, default-or-None).

    For ``${V:-default}`` the default's own offsets are ``end - 1 - len(default)``.
    """
    refs = []
    for m in _VAR.finditer(value):
        name = m.group(1) or m.group(4)
        default = m.group(3) if m.group(2) in (":-", "-") else None
        refs.append((name, m.start(), m.end(), default))
    return refs
