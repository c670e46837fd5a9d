"""Differential tests: real pip and real uv are the oracle for pipsrc's effective index.

* ``test_case``: the hand-picked scenarios of tests/oracle/cases.py, one or more per rule
  of how pip and uv choose their indexes;
* ``test_generated``: scenarios drawn from the hypothesis strategy in strategies.py (300
  under the ci and dev profiles, 1,500 under ``--hypothesis-profile=long``);
* ``test_harness_*``: the harness itself: the loopback indexes are real indexes, the
  default index is observed without being contacted, the machine's configuration does not
  leak in.

A disagreement fails with the scenario's files, the real answer and pipsrc's answer.
Nothing here holds an expected answer: every test runs the real client.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.oracle.cases import CASES
from tests.oracle.harness import Oracle, disagreement
from tests.oracle.indexes import PROBE, VERSIONS
from tests.oracle.scenario import Env, PipConf, Scenario
from tests.oracle.strategies import generated


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:60]


CASE_PARAMS = [pytest.param(s, id=f"{i:02d}-{_slug(s.title)}") for i, s in enumerate(CASES)]
GENERATED = generated()
GEN_PARAMS = [pytest.param(s, id=f"{i:04d}-{s.key}") for i, s in enumerate(GENERATED)]


def _check(oracle: Oracle, scenario: Scenario) -> None:
    if not oracle.runnable(scenario):
        pytest.skip("writes under /etc or /opt/venv: needs a private mount namespace (unshare)")
    obs = oracle.result(scenario)
    problem = disagreement(scenario, obs)
    if problem is not None:
        pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("scenario", CASE_PARAMS)
def test_case(oracle: Oracle, scenario: Scenario) -> None:
    _check(oracle, scenario)


@pytest.mark.parametrize("scenario", GEN_PARAMS)
def test_generated(oracle: Oracle, scenario: Scenario) -> None:
    _check(oracle, scenario)


# -- the harness itself ---------------------------------------------------------------------------
SELF = {
    "pip-merges": Scenario(
        "pip download",
        (("-i", "A"), ("--extra-index-url", "C"), ("--extra-index-url", "B")),
        package=PROBE,
    ),
    "uv-first-index": Scenario(
        "uv pip install",
        (("-i", "A"), ("--extra-index-url", "B"), ("--extra-index-url", "C")),
        package=PROBE,
    ),
    "pip-default": Scenario("pip download"),
    "uv-default": Scenario("uv pip install"),
    "no-machine-config": Scenario("pip download", (("--no-index", ""),), package=PROBE),
    "private-etc": Scenario(
        "pip download",
        pipconfs=(PipConf("global-etc", index="A"),),
        env=(Env("PIP_EXTRA_INDEX_URL", ("B",)),),
    ),
}


@pytest.mark.parametrize("scenario", [pytest.param(s, id=k) for k, s in SELF.items()])
def test_harness_self_check(oracle: Oracle, scenario: Scenario) -> None:
    """The harness observes what it claims to (these do not involve pipsrc)."""
    if not oracle.runnable(scenario):
        pytest.skip("needs a private mount namespace")
    obs = oracle.result(scenario)
    key = next(k for k, v in SELF.items() if v == scenario)
    out = obs.output
    if key == "pip-merges":  # pip reads all three and takes the highest version
        assert obs.answer["indexes"] == ["A", "C", "B"], out
        assert f"oracle_probe-{VERSIONS['C']}" in out and obs.returncode == 0, out
    elif key == "uv-first-index":  # uv stops at the first index that has the project
        assert obs.answer["indexes"] == ["B"], out
        assert f"{PROBE}=={VERSIONS['B']}" in out and obs.returncode == 0, out
    elif key in ("pip-default", "uv-default"):  # pypi.org is seen at the proxy, refused
        assert obs.answer == {"indexes": ["default"], "index": "default", "no_index": False}
        assert all(h.index == "default" for h in obs.hits)
    elif key == "no-machine-config":  # no PIP_FIND_LINKS, /etc/pip.conf ... from the machine
        assert obs.answer["no_index"] is True and obs.returncode != 0, out
    elif key == "private-etc":  # /etc/pip.conf written inside the run only
        assert obs.answer["indexes"] == ["A", "B"], out
        host = Path("/etc/pip.conf")
        assert not host.exists() or obs.urls["A"] not in host.read_text(errors="replace")
