"""Parser limits: every parser's work grows linearly with adversarial input.

The URL scanners are measured in test_redaction.py; here each file kind's parser (its
own regexes and scanners, tree-sitter, ruamel) gets long lines built from the tokens
it reacts to, at size n and 4n. Linear is a ratio of about 4, quadratic 16; the bound
is generous, and an absolute floor absorbs timer noise on tiny times.
"""

from __future__ import annotations

import gc
import time

import pytest

from pipsrc import kinds
from pipsrc.model import FileKind

URL = "https://pypi.tuna.tsinghua.edu.cn/simple"
SHAPES: dict[str, tuple[FileKind, str, str, str]] = {
    # name: (kind, head, repeated unit, tail)
    "requirements options": (FileKind.REQUIREMENTS, "", f"-i {URL} ", "\n"),
    "requirements quotes": (FileKind.REQUIREMENTS, "-i ", "'\"", "\n"),
    "requirements continuations": (FileKind.REQUIREMENTS, "-i ", "\\\n", URL),
    "requirements variables": (FileKind.REQUIREMENTS, "-i ", "${A}$B", "\n"),
    "pip.conf continuation lines": (FileKind.PIPCONF, "[global]\nextra-index-url =\n",
                                    f"    {URL}\n", ""),
    "pip.conf sections": (FileKind.PIPCONF, "", "[global]\n", ""),
    "pip.conf comments": (FileKind.PIPCONF, "[global]\nindex-url = ", "# ;", "\n"),
    "Dockerfile continuations": (FileKind.DOCKERFILE, "FROM x\nRUN pip install ",
                                 "\\\n# c\n", f"-i {URL} x\n"),
    "Dockerfile ENV pairs": (FileKind.DOCKERFILE, "FROM x\nENV ", "A=1 ", f"PIP_INDEX_URL={URL}\n"),
    "Dockerfile heredoc markers": (FileKind.DOCKERFILE, "FROM x\nRUN ", "<<A ", "\n"),
    "Dockerfile instructions": (FileKind.DOCKERFILE, "FROM x\n", f"RUN pip install -i {URL} x\n",
                                ""),
    "shell commands": (FileKind.SHELL, "", f"pip install -i {URL} x; ", "\n"),
    "shell quotes": (FileKind.SHELL, "pip install -i ", "'a'\"b\"", f" {URL}\n"),
    "shell exports": (FileKind.SHELL, "", f"export PIP_INDEX_URL={URL}\n", ""),
    "compose environment": (FileKind.COMPOSE, "services:\n  a:\n    environment:\n",
                            f"      - PIP_INDEX_URL={URL}\n", ""),
    "compose flow": (FileKind.COMPOSE, "x: {PIP_INDEX_URL: [", "a, ", "b]}\n"),
    "compose aliases": (FileKind.COMPOSE, f"a: &a {{PIP_INDEX_URL: {URL}}}\nb: [", "*a, ", "*a]\n"),
}  # fmt: skip


def _parse_time(kind: FileKind, text: str) -> float:
    """Best of three, with the cyclic collector paused: in a full test run its passes
    scale with everything the test process holds, not with the parser's work."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            t0 = time.perf_counter()
            kinds.parse(kind, text, "x")
            best = min(best, time.perf_counter() - t0)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("shape", list(SHAPES))
def test_parsers_are_linear(shape: str) -> None:
    kind, head, unit, tail = SHAPES[shape]
    n = max(1, 40_000 // len(unit))
    small = head + unit * n + tail
    big = head + unit * (4 * n) + tail
    t_small, t_big = _parse_time(kind, small), _parse_time(kind, big)
    assert t_big < max(9 * t_small, 0.05), f"{shape}: {t_small:.4f}s -> {t_big:.4f}s"
    assert t_big < 10, f"{shape}: {t_big:.1f}s for {len(big):,} characters"
