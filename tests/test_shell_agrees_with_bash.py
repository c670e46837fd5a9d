"""Every PS900 on a shell program is one ``bash -n`` also rejects: bash, not tree-sitter's
grammar, decides what is broken. A construct beyond the grammar is left alone, and the rest
of the file is still read and fixed."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipsrc.api import check_text, fix_text
from pipsrc.policy import Policy
from tests.oracles.strategies import shell_doc

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="bash is the oracle and is not installed")
POLICY = Policy().with_index("aliyun")
OLD = "https://pypi.tuna.tsinghua.edu.cn/simple"


def bash_accepts(program: str) -> bool:
    assert BASH is not None
    proc = subprocess.run([BASH, "-n"], input=program.encode(), capture_output=True, timeout=30)
    # a here-document cut off by the end of the file: bash warns and runs it, but the
    # script is truncated, and pipsrc says so (PS900)
    return proc.returncode == 0 and b"here-document" not in proc.stderr


def ps900(program: str) -> bool:
    found = check_text(program, "build.sh", POLICY)
    return any(f.code == "PS900" and "shell" in f.message for f in found)


# constructs tree-sitter-bash does not parse and bash does, met in real scripts
BEYOND_THE_GRAMMAR = [
    'if [ "$a" \\> "$b" ]; then echo later; fi\n',
    'pkg="${pkg%]},extra]"\n',
    "echo done \\\n",
    'if [ -n "$E" ]; then\n  pkg="${pkg%]},b]"\nfi\n',
]


@pytest.mark.parametrize("construct", BEYOND_THE_GRAMMAR)
def test_what_bash_accepts_is_no_ps900(construct: str) -> None:
    program = f"#!/bin/bash\npip install -i {OLD} x\n{construct}"
    assert bash_accepts(program)
    assert not ps900(program)
    # the install before it is still found and fixed
    assert "mirrors.aliyun.com" in str(fix_text(program, "build.sh", POLICY))


@pytest.mark.parametrize(
    "broken",
    [
        "if true; then\nfi\n",
        "echo $(\n",
        "case x in\n",
        'echo "unterminated\n',
        "for; do :; done\n",
    ],
)
def test_what_bash_rejects_is_ps900(broken: str) -> None:
    program = f"#!/bin/bash\npip install -i {OLD} x\n{broken}"
    assert not bash_accepts(program)
    assert ps900(program)


_NOISE = st.sampled_from(
    ["\\", "(", ")", "{", "}", '"', "'", "$(", "`", ";", "&&", "|", "\n", "]", "fi"]
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(shell_doc())
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(_NOISE) + text[i:]
    return text


@settings(deadline=None)
@given(mutated())
def test_every_ps900_is_one_bash_rejects(program: str) -> None:
    # a Dockerfile the script writes is judged as a Dockerfile (its RUN programs are its own)
    assume("Dockerfile" not in program)
    if ps900(program):
        assert not bash_accepts(program), program
