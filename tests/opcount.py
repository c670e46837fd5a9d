"""Counting work instead of timing it: the function calls (Python and C) a call makes.

A count is the same on any machine under any load, so a test can bound it exactly where
a timing would be flaky on a busy CI runner. Work inside one C call (a regex that
backtracks) is not counted: bench/linearity.py times those inputs instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def calls(fn: Callable[..., Any], *args: Any) -> int:
    """How many calls ``fn(*args)`` makes (its modules are assumed to be loaded)."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        fn(*args)
    finally:
        sys.setprofile(None)
    return count
