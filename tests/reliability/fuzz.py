"""Run one fuzz target without end (or for N seconds): ``python -m tests.reliability.fuzz``.

    python -m tests.reliability.fuzz                 # list the targets
    python -m tests.reliability.fuzz shell 600       # ten minutes of random inputs
    python -m tests.reliability.fuzz compose 0       # until Ctrl-C or a failure

Each target is a hypothesis test in test_fuzz.py; hypothesis exposes it as
``.hypothesis.fuzz_one_input(bytes)``, so any byte source drives it: this loop feeds
``os.urandom``, and with atheris installed (``pip install atheris``) the same entry
point runs under coverage-guided fuzzing (``--atheris``). A failure is re-raised
with hypothesis' minimal example and saved in ``.hypothesis/`` like any test failure,
so ``python -m pytest tests/reliability/test_fuzz.py`` replays it afterwards.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from tests.reliability import test_fuzz

TARGETS: dict[str, Callable[..., Any]] = {
    name.removeprefix("test_fuzz_"): getattr(test_fuzz, name)
    for name in dir(test_fuzz)
    if name.startswith("test_fuzz_") and name != "test_fuzz_policy"  # needs a tmp dir
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TARGETS:
        print("targets:", ", ".join(sorted(TARGETS)), file=sys.stderr)
        return 2
    fuzz_one = TARGETS[argv[0]].hypothesis.fuzz_one_input
    if "--atheris" in argv:
        import atheris  # type: ignore[import-not-found]

        atheris.Setup([sys.argv[0], *[a for a in argv[1:] if a != "--atheris"]], fuzz_one)
        atheris.Fuzz()
        return 0
    seconds = float(argv[1]) if len(argv) > 1 else 60.0
    end = time.monotonic() + seconds if seconds > 0 else float("inf")
    n = 0
    while time.monotonic() < end:
        fuzz_one(os.urandom(1024))
        n += 1
        if n % 1000 == 0:
            print(f"{argv[0]}: {n} inputs", file=sys.stderr)
    print(f"{argv[0]}: {n} inputs, no failure", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
