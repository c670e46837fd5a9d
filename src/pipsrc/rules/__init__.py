"""The rule registry: an explicit tuple of the rule modules' rules, in code order (grep-able;
nothing registers by accident)."""

from __future__ import annotations

from collections.abc import Iterable

from pipsrc.rules import (
    conda,
    condaalias,
    condaexamples,
    extra,
    fallback,
    index,
    ineffective,
    lock,
    meta,
    proxy,
    pypi,
    security,
    transport,
    trusted,
    users,
    uvignores,
)
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.ciexamples import with_ci_examples

_MODULES = (
    index,
    extra,
    fallback,
    lock,
    pypi,
    transport,
    trusted,
    security,
    ineffective,
    uvignores,
    users,
    meta,
    conda,
    condaalias,
    proxy,
)
ALL_RULES: tuple[type[Rule], ...] = tuple(
    sorted((with_ci_examples(r) for m in _MODULES for r in m.RULES), key=lambda r: r.code)
)


def extend_examples(rules: tuple[type[Rule], ...]) -> None:
    """Add the examples of the pip rules in conda's files (:mod:`condaexamples`) to the
    rules' own, once: every example of a rule is then run and documented alike."""
    for table in (condaexamples.EXAMPLES, condaexamples.CONDARC):
        for rule in rules:
            good, bad = table.get(rule.code, ((), ()))
            rule.good = (*rule.good, *(g for g in good if g not in rule.good))
            rule.bad = (*rule.bad, *(b for b in bad if b not in rule.bad))


extend_examples(ALL_RULES)
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
