"""`pipsrc fix` against real tools as oracles: generated files of every kind, and every fixture.

For each input pipsrc fixes it (safe fixes, and with ``--unsafe-fixes``, ``--mirror aliyun``)
and tests/oracles asks the real readers of each file whether the fixed file still means what
the author meant: ``bash -n``, BuildKit's parser, hadolint, pip's requirements parser and
config loader, ``pip config list``, ruamel.yaml; then ``check`` after ``fix`` and a second
``fix``. See tests/oracles/core.py for the list and /work/notes/fix-oracles.md for what
they found.

A disagreement fails the test with a minimal reproduction: the input, the command, the diff
pipsrc made and which oracle refused it, why. Each class of disagreement raises its own
AssertionError subclass, so hypothesis keeps (and shrinks) one example of every class it
meets instead of stopping at the first.

Under ``CI=true`` the property runs the ci profile (1,000 derandomized examples, each fixed
twice: 2,000 fix cases); locally the dev profile (100 random examples).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.oracles import core, tools
from tests.oracles.harness import (
    Input,
    files,
    fix_only,
    git_tree,
    pipsrc_cli,
    run_api,
    run_cli_tree,
)
from tests.oracles.model import CaseResult, Disagreement, failure
from tests.oracles.strategies import DOCS, NAMED_DOCS, REQ_SIBLINGS
from tests.test_fixtures import FIXTURES, POLICY_URL, SCENARIOS

# Dockerfiles and shell scripts carry most of the syntax (and cost most: hadolint, bash -n)
WEIGHTS = {"dockerfile": 2, "shell": 3, "requirements": 2, "pipconf": 1, "compose": 1, "project": 1}


def _input(kind: str) -> st.SearchStrategy[Input]:
    if kind in NAMED_DOCS:
        return NAMED_DOCS[kind]().map(lambda named: Input(named[0], named[1], {}))
    path, doc = DOCS[kind]
    siblings = REQ_SIBLINGS if kind == "requirements" else {}
    return doc().map(lambda text: Input(path, text, dict(siblings)))


inputs = st.one_of(*[_input(k) for k, w in WEIGHTS.items() for _ in range(w)])


@given(inputs)
def test_generated_fixes_agree_with_every_oracle(inp: Input) -> None:
    result = run_api(inp)
    err = failure(result)
    if err is not None:
        raise err


# --- fixtures ----------------------------------------------------------------------------------


def changes_an_oracle_kind(name: str) -> bool:
    """Whether the fixture's committed fix changes a file of a kind these oracles read (the
    CI kinds have theirs in tests/test_ci_oracles.py)."""
    before, after = files(FIXTURES / name / "before"), files(FIXTURES / name / "after")
    return any(core.kind_of(p) and after.get(p) != t for p, t in before.items())


@pytest.mark.parametrize("name", sorted(n for n in SCENARIOS if changes_an_oracle_kind(n)))
def test_fixtures_agree_with_every_oracle(name: str, tmp_path: Path) -> None:
    """`python -m pipsrc fix` over fixtures/<name>/before; every oracle on every file."""
    results = run_cli_tree(
        FIXTURES / name / "before", tmp_path, tuple(SCENARIOS[name]), POLICY_URL[name]
    )
    checked = [r for r in results if any(r.fixes[m] != r.before for m in r.fixes)]
    assert checked, "the fix changed no file: nothing was tested"
    bad = [r for r in results if r.all()]
    assert not bad, "\n\n".join(r.report() for r in bad)


# --- the oracles can say no --------------------------------------------------------------------

D1 = "FROM python:3.12\nRUN pip install -i https://pypi.org/simple requests\n"
D2 = "FROM python:3.12\nRUN pip install -i https://pypi.org/simple requests \\\n"
S1 = "#!/bin/sh\nif true; then\n  pip install -i https://pypi.org/simple x\nfi\n"
BROKEN = [
    # (path, before, a broken "fix", the class the oracles must name)
    (
        "build.sh",
        S1,
        S1.replace("  pip install -i https://pypi.org/simple x\n", ""),
        "empty-compound",
    ),
    ("build.sh", S1, S1.replace("fi\n", ""), "shell-syntax"),
    ("Dockerfile", D1, D1.replace("RUN pip", "RUN if pip"), "shell-syntax"),
    ("Dockerfile", D1, D1 + "RUN <<EOF\n", "dockerfile-parse"),
    # a continuation left open swallows the next instruction
    (
        "Dockerfile",
        D2 + "  --no-cache-dir\nCOPY . /app\n",
        D2 + "\nCOPY . /app\n",
        "instructions-changed",
    ),
    ("Dockerfile", D1, D1.replace("RUN ", "RUNN "), "hadolint-parse"),
    (
        "Dockerfile",
        "FROM python:3.12\nARG PIP_INDEX_URL\nRUN pip install x\n",
        "FROM python:3.12\nENV PIP_INDEX_URL=https://mirrors.aliyun.com/pypi/simple/\n"
        "ARG PIP_INDEX_URL\nRUN pip install x\n",
        "env-shadows-arg",
    ),
    (
        "Dockerfile",
        "FROM python:3.12\nRUN pip config set global.extra-index-url "
        "https://pypi.org/simple\nRUN pip config unset global.extra-index-url\n",
        "FROM python:3.12\nRUN true\nRUN pip config unset global.extra-index-url\n",
        "unset-without-set",
    ),
    (
        "Dockerfile",
        "FROM python:3.12\nRUN pip install -i https://pypi.org/simple x || "
        "pip install -i https://pypi.tuna.tsinghua.edu.cn/simple x\n",
        "FROM python:3.12\nRUN pip install -i https://mirrors.aliyun.com/pypi/simple x || "
        "pip install -i https://mirrors.aliyun.com/pypi/simple/ x\n",
        "fallback-collapsed",
    ),
    (
        "requirements.txt",
        "-i https://pypi.org/simple\nrequests\n",
        "-i https://mirrors.aliyun.com/pypi/simple/\n--index-url\nrequests\n",
        "requirements-parse",
    ),
    (
        "requirements.txt",
        "-i https://nexus.corp.example/repository/pypi-group/simple\nx\n",
        "-i https://mirrors.aliyun.com/pypi/simple/\nx\n",
        "private-index-replaced",
    ),
    (
        "requirements.txt",
        "-i http://pypi.douban.com/simple/\n--trusted-host pypi.douban.com\nx\n",
        "-i http://pypi.douban.com/simple/\nx\n",
        "options-changed",
    ),
    (
        "pip.conf",
        "[global]\nindex-url = https://pypi.org/simple\n",
        "[global]\nindex-url = https://mirrors.aliyun.com/pypi/simple/\nindex-url = x\n",
        "pipconf-parse",
    ),
    (
        "docker-compose.yml",
        "services:\n  a:\n    environment:\n      A: 1\n",
        "services:\n  a:\n    environment:\n      A: 1\n     B: 2\n",
        "compose-parse",
    ),
    (
        "docker-compose.yml",
        "services:\n  a:\n    environment:\n      - A=1\n",
        "services:\n  a:\n    environment:\n",
        "compose-structure",
    ),
    (
        "requirements.txt",
        "-i https://pypi.org/simple\nx\n",
        "-i https://pypi.example.net/simple\nx\n",
        "unexpected-url",
    ),
]


@pytest.mark.parametrize(("path", "before", "after", "cls"), BROKEN, ids=[b[3] for b in BROKEN])
def test_the_oracles_reject_a_broken_fix(path: str, before: str, after: str, cls: str) -> None:
    found = core.compare(path, before, after, siblings={})
    assert cls in {d.cls for d in found}, found


def test_the_oracles_accept_a_good_fix() -> None:
    good = {
        "Dockerfile": (
            D1,
            D1.replace("https://pypi.org/simple", "https://mirrors.aliyun.com/pypi/simple/"),
        ),
        "build.sh": (
            S1,
            S1.replace("https://pypi.org/simple", "https://mirrors.aliyun.com/pypi/simple/"),
        ),
        "requirements.txt": (
            "-i http://pypi.douban.com/simple/\n--trusted-host pypi.douban.com\nx\n",
            "-i https://mirrors.aliyun.com/pypi/simple/\nx\n",
        ),
    }
    for path, (before, after) in good.items():
        assert core.compare(path, before, after, siblings={}) == [], path


def test_a_failure_names_its_class_and_reproduces() -> None:
    r = CaseResult("build.sh", S1, fixes={"safe": S1.replace("fi", "")})
    r.found["safe"] = [Disagreement("shell-syntax", "bash -n", "syntax error")]
    err = failure(r)
    assert type(err).__name__ == "Disagreement_shell_syntax" and isinstance(err, AssertionError)
    assert "python -m pipsrc fix --mirror aliyun build.sh" in str(err)
    assert "-fi" in str(err)


# --- the command line and the library agree ----------------------------------------------------


def test_command_line_and_library_make_the_same_fixes(tmp_path: Path) -> None:
    """A batch of generated inputs, one per directory: `pipsrc fix` (one process) == fix_text."""
    batch: list[Input] = []

    @settings(max_examples=40, derandomize=True, database=None)
    @given(inputs)
    def collect(inp: Input) -> None:
        batch.append(inp)

    collect()
    src = tmp_path / "src"
    for i, inp in enumerate(batch):
        d = src / f"case{i:03d}"
        d.mkdir(parents=True)
        (d / inp.path).write_text(inp.text, encoding="utf-8", newline="")
        for name, text in inp.siblings.items():
            (d / name).write_text(text, encoding="utf-8")
    for mode in ("safe", "unsafe"):
        tree = git_tree(src, tmp_path / mode)
        extra = ["--unsafe-fixes"] if mode == "unsafe" else []
        proc = pipsrc_cli("fix", *extra, "--mirror", "aliyun", str(tree))
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
        got = files(tree)
        for i, inp in enumerate(batch):
            api = fix_only(inp.text, inp.path, mode)
            assert got[f"case{i:03d}/{inp.path}"] == api, (mode, inp.text)
        shutil.rmtree(tree)


# --- the generators reach what they are for ----------------------------------------------------


def test_generators_reach_the_constructs_fixes_broke_before() -> None:
    seen: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    marks = {
        "config unset": "pip config unset",
        "if/then": "then",
        "|| fallback": " || ",
        "ARG PIP_INDEX_URL": "ARG PIP_INDEX_URL",
        "private index": "nexus.corp.example",
        "intranet devpi": "10.8.0.12:3141",
        "vendor index": "download.pytorch.org",
        "trusted-host": "trusted-host",
        "heredoc": "<<",
        "continuation": "\\\n",
    }

    @settings(max_examples=400, derandomize=True, database=None)
    @given(inputs)
    def probe(inp: Input) -> None:
        kind = core.kind_of(inp.path)
        assert kind is not None
        for name, mark in marks.items():
            if mark in inp.text:
                seen[name] += 1
        if fix_only(inp.text, inp.path, "unsafe") != inp.text:
            changed[kind] += 1

    probe()
    assert all(seen[n] >= 10 for n in marks), seen
    assert set(changed) == set(core.KINDS) and sum(changed.values()) >= 150, changed


def test_hadolint_is_the_real_one() -> None:
    assert "2." in tools.hadolint_version()
