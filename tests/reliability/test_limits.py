"""Parser limits: every parser's work grows linearly with adversarial input.

Each file kind's parser (its own scanners, tree-sitter, ruamel) gets long lines built
from the tokens it reacts to, at size n and 4n, and the work is counted, not timed: the
function calls the parse makes (``sys.setprofile`` sees Python and C calls alike), which
is the same number on any machine under any load. Linear is a ratio of about 4,
quadratic 16. A regex that backtracks does its extra work inside one call; that is what
bench/linearity.py times (and test_redaction.py bounds the URL scanners' steps).
"""

from __future__ import annotations

import pytest

from pipsrc import kinds
from pipsrc.model import FileKind
from tests.opcount import calls

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


def _operations(kind: FileKind, text: str) -> int:
    """How many function calls parsing ``text`` makes (its modules already loaded)."""
    kinds.prepare(kind)
    return calls(kinds.parse, kind, text, "x")


@pytest.mark.parametrize("shape", list(SHAPES))
def test_parsers_are_linear(shape: str) -> None:
    kind, head, unit, tail = SHAPES[shape]
    n = max(1, 10_000 // len(unit))
    small = head + unit * n + tail
    big = head + unit * (4 * n) + tail
    ops_small, ops_big = _operations(kind, small), _operations(kind, big)
    assert ops_big < 6 * ops_small + 1000, f"{shape}: {ops_small:,} -> {ops_big:,} calls"


def test_the_count_tells_quadratic_from_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """The measure can fail: a parser that rescans its input for every token."""

    def quadratic(kind: str, text: str, path: str) -> None:
        for i in range(0, len(text), 50):
            for c in text[:i:50]:
                ord(c)  # one call per character already seen

    monkeypatch.setattr(kinds, "parse", quadratic)
    small, big = _operations(FileKind.SHELL, "x" * 4000), _operations(FileKind.SHELL, "x" * 16000)
    assert big > 6 * small + 1000
