"""The rule registry: an explicit tuple of the rule modules' rules, in code order (grep-able;
nothing registers by accident)."""

from __future__ import annotations

from collections.abc import Iterable

from pipsrc.rules import (
    extra,
    index,
    ineffective,
    meta,
    pypi,
    security,
    transport,
    trusted,
    uvignores,
)
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.ciexamples import with_ci_examples

_MODULES = (index, extra, pypi, transport, trusted, security, ineffective, uvignores, meta)
# each rule's examples in the CI and build kinds are written in pipsrc.rules.ciexamples
ALL_RULES: tuple[type[Rule], ...] = tuple(
    sorted((with_ci_examples(r) for m in _MODULES for r in m.RULES), key=lambda r: r.code)
)

BY_CODE: dict[str, type[Rule]] = {r.code: r for r in ALL_RULES}
# codes and kebab-case names, lower-cased, to the code
ALIASES: dict[str, str] = {
    **{r.code.lower(): r.code for r in ALL_RULES},
    **{r.name: r.code for r in ALL_RULES},
}


def get(code_or_name: str) -> type[Rule] | None:
    code = ALIASES.get(code_or_name.strip().lower())
    return BY_CODE.get(code) if code else None


def resolve_codes(items: Iterable[str]) -> set[str]:
    """Codes for rule codes, names or prefixes (``PS1``, ``PS20``); KeyError if unknown."""
    out: set[str] = set()
    for item in items:
        key = item.strip()
        if not key:
            continue
        if key.upper() == "ALL":
            out.update(BY_CODE)
            continue
        rule = get(key)
        if rule is not None:
            out.add(rule.code)
            continue
        prefixed = {c for c in BY_CODE if c.startswith(key.upper())}
        if key.upper().startswith("PS") and prefixed:
            out |= prefixed
            continue
        raise KeyError(f"unknown rule {key!r} (see `pipsrc rules`)")
    return out


__all__ = ["ALL_RULES", "BY_CODE", "Example", "Rule", "Violation", "get", "resolve_codes"]
