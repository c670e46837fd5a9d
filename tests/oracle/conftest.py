"""The oracle harness's session: one :class:`~tests.oracle.harness.Oracle` for all tests.

On first use it submits *every* selected scenario to the thread pool at once, so the real
client runs overlap however the tests are ordered; each test then waits for its own run.
``ORACLE_RECORD=path.json`` writes all answers at the end (a debugging aid).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.oracle.harness import Oracle
from tests.oracle.scenario import Scenario


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "oracle: differential tests against the real pip and uv (tests/oracle)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.oracle)


@pytest.fixture(scope="session")
def oracle(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Oracle]:
    o = Oracle(tmp_path_factory.mktemp("oracle"))
    selected: list[Scenario] = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and isinstance(callspec.params.get("scenario"), Scenario):
            selected.append(callspec.params["scenario"])
    o.submit(selected)
    yield o
    record = os.environ.get("ORACLE_RECORD")
    if record:
        o.record(Path(record), selected)
    o.close()
