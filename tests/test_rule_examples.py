"""Every rule's good and bad examples, run by one parametrized test (Fixit-style)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipsrc.api import check_text, fix_text
from pipsrc.policy import Policy, load_policy
from pipsrc.rules import ALL_RULES, Example, Rule


def _policy(ex: Example, tmp_path: Path) -> Policy:
    policy = Policy()
    if ex.policy:
        f = tmp_path / "pipsrc.toml"
        f.write_text(ex.policy, encoding="utf-8")
        policy = load_policy(f)
    if ex.mirror:
        policy = policy.with_index(ex.mirror)
    if ex.proxy:
        policy = policy.with_index(ex.proxy, proxy=True)
    return policy


CASES = [
    pytest.param(rule, ex, kind, id=f"{rule.code}-{kind}-{i}")
    for rule in ALL_RULES
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for i, ex in enumerate(examples, 1)
]


@pytest.mark.parametrize(("rule", "ex", "kind"), CASES)
def test_example(rule: type[Rule], ex: Example, kind: str, tmp_path: Path) -> None:
    policy = _policy(ex, tmp_path)
    codes = [f.code for f in check_text(ex.text, ex.path, policy)]
    if kind == "good":
        assert rule.code not in codes
        assert fix_text(ex.text, ex.path, policy, unsafe=True) == ex.text or rule.code not in codes
        return
    assert rule.code in codes, codes
    fixed = fix_text(ex.text, ex.path, policy, unsafe=ex.unsafe)
    if ex.fixed is None:
        mine = [f for f in check_text(ex.text, ex.path, policy) if f.code == rule.code]
        assert all(f.fix is None or f.applicability != "safe" for f in mine)
        return
    assert fixed == ex.fixed
    after = check_text(fixed, ex.path, policy)
    assert not [f for f in after if f.code == rule.code and f.fixable]
    assert fix_text(fixed, ex.path, policy, unsafe=ex.unsafe) == fixed


def test_every_rule_has_examples() -> None:
    for rule in ALL_RULES:
        assert rule.bad, rule.code
        assert rule.good, rule.code


def test_declared_fixability_matches_examples() -> None:
    for rule in ALL_RULES:
        has_fixed = any(ex.fixed is not None for ex in rule.bad)
        assert has_fixed == (rule.fix_applicability is not None), rule.code


def test_codes_and_names_unique() -> None:
    codes = [r.code for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert all(n == n.lower() and " " not in n for n in names)
