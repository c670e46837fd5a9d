"""Time each parser on adversarial input of size n and 4n: the ratio should be about 4.

The test suite counts the calls a parse makes (tests/reliability/test_limits.py), which
is the same on any machine; this times the same inputs, which also catches work done
inside a single call (a regex that backtracks). Wall-clock times depend on the machine's
load, so they are measured here, never asserted in a test.

Usage: ``python bench/linearity.py [--size 40000]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time

from pipsrc import kinds, redaction, urls

URL = "https://pypi.tuna.tsinghua.edu.cn/simple"
# name: (kind, head, repeated unit, tail)
SHAPES: dict[str, tuple[str, str, str, str]] = {
    "requirements options": ("requirements", "", f"-i {URL} ", "\n"),
    "requirements quotes": ("requirements", "-i ", "'\"", "\n"),
    "requirements continuations": ("requirements", "-i ", "\\\n", URL),
    "pip.conf continuation lines": ("pipconf", "[global]\nextra-index-url =\n", f"    {URL}\n", ""),
    "pip.conf sections": ("pipconf", "", "[global]\n", ""),
    "Dockerfile continuations": ("dockerfile", "FROM x\nRUN pip install ", "\\\n# c\n",
                                 f"-i {URL} x\n"),
    "Dockerfile heredoc markers": ("dockerfile", "FROM x\nRUN ", "<<A ", "\n"),
    "shell commands": ("shell", "", f"pip install -i {URL} x; ", "\n"),
    "shell quotes": ("shell", "pip install -i ", "'a'\"b\"", f" {URL}\n"),
    "compose environment": ("compose", "services:\n  a:\n    environment:\n",
                            f"      - PIP_INDEX_URL={URL}\n", ""),
    "compose flow": ("compose", "x: {PIP_INDEX_URL: [", "a, ", "b]}\n"),
}  # fmt: skip


# adversarial URLs for the URL scanners: size n -> text
URLS = {
    "letters then !": lambda n: "https://" + "a" * n + "!",
    "colons": lambda n: "https://" + ":" * n,
    "at signs": lambda n: "https://" + "@" * n,
    "query pairs": lambda n: "https://h/?" + "token=&" * (n // 7),
    "percent": lambda n: "https://u:" + "%" * n + "@h",
    "placeholders": lambda n: "https://" + "$A" * (n // 2) + "@h",
}


def best_of_three(kind: str, text: str) -> float:
    gc.collect()
    gc.disable()
    try:
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            kinds.parse(kind, text, "x")
            best = min(best, time.perf_counter() - t0)
        return best
    finally:
        gc.enable()


def best_of(fn: object, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        fn(text)  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=40_000, help="characters at size n")
    a = ap.parse_args(argv)
    worst = 0.0
    print(f"{'input':<32} {'n':>10} {'4n':>10} ratio")
    for name, (kind, head, unit, tail) in SHAPES.items():
        n = max(1, a.size // len(unit))
        small = best_of_three(kind, head + unit * n + tail)
        big = best_of_three(kind, head + unit * (4 * n) + tail)
        ratio = big / small if small else 0.0
        worst = max(worst, ratio)
        print(f"{name:<32} {small * 1000:8.1f}ms {big * 1000:8.1f}ms {ratio:5.1f}")
    for name, make in URLS.items():
        small_text, big_text = make(a.size), make(4 * a.size)
        for fn in (redaction.redact, urls.parse_url):
            small = best_of(fn, small_text)
            big = best_of(fn, big_text)
            ratio = big / small if small else 0.0
            worst = max(worst, ratio)
            label = f"{fn.__name__}: {name}"
            print(f"{label:<32} {small * 1000:8.1f}ms {big * 1000:8.1f}ms {ratio:5.1f}")
    print(f"worst ratio {worst:.1f} (linear: about 4, quadratic: 16)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
