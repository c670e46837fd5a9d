"""The oracle harness's session: one :class:`~tests.oracle.harness.Oracle` for all tests.

On first use it submits *every* selected scenario to the thread pool at once, so the real
client runs overlap however the tests are ordered; each test then waits for its own run.
``ORACLE_RECORD=path.json`` writes all answers at the end (a debugging aid).
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.oracle.harness import Oracle
from tests.oracle.scenario import Scenario


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "oracle: differential tests against the real pip and uv (tests/oracle)"
    )


_STATS: dict[str, float] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _STATS:
        terminalreporter.write_line(
            "oracle: {runs:.0f} real client runs ({mode}) in {wall:.1f}s wall; CPU: "
            "{children:.1f}s in the clients, {own:.1f}s in pytest (pipsrc, servers, "
            "hypothesis)".format(mode=_MODE[0] if _MODE else "?", **_STATS)
        )


_MODE: list[str] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.oracle)


@pytest.fixture(scope="session")
def oracle(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Oracle]:
    t0 = time.monotonic()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    o = Oracle(tmp_path_factory.mktemp("oracle"))
    _MODE.append(o.mode)
    selected: list[Scenario] = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and isinstance(callspec.params.get("scenario"), Scenario):
            selected.append(callspec.params["scenario"])
    o.submit(selected)
    yield o
    o.pool.shutdown(wait=True)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    _STATS.update(
        runs=len(o.futures),
        wall=time.monotonic() - t0,
        children=c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime,
        own=r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime,
    )
    record = os.environ.get("ORACLE_RECORD")
    if record:
        o.record(Path(record), selected)
    o.close()
