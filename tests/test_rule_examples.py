"""Every rule's good and bad examples, run by one parametrized test (Fixit-style), and
checked against what the rule declares: the file kinds it applies to, and the
applicabilities of the fixes it emits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipsrc.api import check_text, fix_text
from pipsrc.docs import example_kind
from pipsrc.engine.selection import Selection
from pipsrc.kinds import REGISTRY
from pipsrc.model import Applicability
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


def _cli(ex: Example) -> bool:
    """Whether the example's index is named on the command line (``--mirror``/``--proxy``)
    rather than only in a policy file."""
    return ex.mirror is not None or ex.proxy is not None


CASES = [
    pytest.param(rule, ex, kind, id=f"{rule.code}-{kind}-{i}")
    for rule in ALL_RULES
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for i, ex in enumerate(examples, 1)
]


@pytest.mark.parametrize(("rule", "ex", "kind"), CASES)
def test_example(rule: type[Rule], ex: Example, kind: str, tmp_path: Path) -> None:
    policy, cli = _policy(ex, tmp_path), _cli(ex)
    findings = check_text(ex.text, ex.path, policy, cli_index=cli)
    codes = [f.code for f in findings]
    if kind == "good":
        assert rule.code not in codes
        # nor does the rule change it on its own, unsafe fixes included
        alone = Selection(select=(rule.code,))
        assert fix_text(ex.text, ex.path, policy, alone, unsafe=True, cli_index=cli) == ex.text
        return
    assert rule.code in codes, codes
    mine = [f for f in findings if f.code == rule.code]
    fixed = fix_text(ex.text, ex.path, policy, unsafe=ex.unsafe, cli_index=cli)
    if ex.fixed is None:
        assert all(f.fix is None or f.applicability != "safe" for f in mine)
        return
    # the rule's own fix is one that this `pipsrc fix` applies, and needs the flag it names
    wanted = {Applicability.SAFE, Applicability.UNSAFE} if ex.unsafe else {Applicability.SAFE}
    assert any(f.fix is not None and f.applicability in wanted for f in mine), mine
    if ex.unsafe:
        assert any(f.applicability == Applicability.UNSAFE for f in mine), mine
    assert fixed == ex.fixed
    after = check_text(fixed, ex.path, policy, cli_index=cli)
    assert not [f for f in after if f.code == rule.code and f.fixable]
    assert fix_text(fixed, ex.path, policy, unsafe=ex.unsafe, cli_index=cli) == fixed


def test_every_rule_has_examples() -> None:
    for rule in ALL_RULES:
        assert rule.bad, rule.code
        assert rule.good, rule.code


def test_declared_fixability_matches_examples() -> None:
    for rule in ALL_RULES:
        has_fixed = any(ex.fixed is not None for ex in rule.bad)
        assert has_fixed == (rule.fix_applicability is not None), rule.code


def test_declared_kinds_are_file_kinds() -> None:
    known = {spec.kind for spec in REGISTRY}
    for rule in ALL_RULES:
        assert rule.kinds, rule.code
        assert rule.kinds <= known, (rule.code, rule.kinds - known)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_examples_cover_declared_kinds(rule: type[Rule]) -> None:
    """A bad and a good example in every kind the rule declares, and none elsewhere."""
    for which, examples in (("bad", rule.bad), ("good", rule.good)):
        kinds = [example_kind(ex) for ex in examples]
        assert None not in kinds, f"{rule.code}: a {which} example pipsrc does not read"
        missing = rule.kinds - set(kinds)
        assert not missing, f"{rule.code}: no {which} example in {sorted(missing)}"
        extra = set(kinds) - rule.kinds
        assert not extra, f"{rule.code}: {which} examples in undeclared kinds {sorted(extra)}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_emitted_fix_applicabilities_are_declared(rule: type[Rule], tmp_path: Path) -> None:
    """The rule's fixes on its examples are of the applicabilities it declares, and each
    declared one is shown by an example (and named in its fix-safety text)."""
    declared = set(rule.also)
    if rule.fix_applicability is not None:
        declared.add(rule.fix_applicability)
    else:
        assert not rule.also, f"{rule.code}: `also` without a usual fix applicability"
    assert rule.fix_applicability not in rule.also, rule.code
    emitted: set[Applicability] = set()
    for ex in (*rule.bad, *rule.good):
        findings = check_text(ex.text, ex.path, _policy(ex, tmp_path), cli_index=_cli(ex))
        emitted |= {f.fix.applicability for f in findings if f.code == rule.code and f.fix}
    assert emitted <= declared, f"{rule.code} emits undeclared {sorted(emitted - declared)}"
    assert declared <= emitted, f"{rule.code}: no example shows {sorted(declared - emitted)}"
    for applicability in rule.also:
        word = re.compile(rf"(?<![\w-]){re.escape(applicability.value)}\b", re.IGNORECASE)
        assert word.search(rule.fix_safety), f"{rule.code}: fix_safety never says {applicability}"


def test_codes_and_names_unique() -> None:
    codes = [r.code for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert all(n == n.lower() and " " not in n for n in names)
