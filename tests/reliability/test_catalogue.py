"""Every applicable case of the adversarial catalogue, at the CLI level (cases.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.cases import ALL
from tests.reliability.harness import Case, run_case


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_case(case: Case, tmp_path: Path) -> None:
    run_case(case, tmp_path)
