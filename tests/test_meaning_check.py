"""The fix loop's meaning check (pipsrc.engine.meaning) and what the loop does when a fix
fails it: that fix alone is withheld, its finding says why, every other fix goes ahead (no
"internal error", no revert of the whole file). Also the removals that used to break a
Dockerfile next to a comment line inside a continuation, and a compose list left empty."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipsrc.api import Policy, fix_text
from pipsrc.engine import linting
from pipsrc.engine.meaning import syntax_error, why_not
from pipsrc.engine.reading import parse_safely
from pipsrc.kinds import kind_of_name
from pipsrc.model import Applicability, Document, Edit, Fix, Severity, Span
from pipsrc.rules.base import Rule, Violation
from tests.cliutil import invoke
from tests.trees import write_tree

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
POLICY = Policy().with_index("aliyun")


def _why(path: str, before: str, after: str) -> str | None:
    kind = kind_of_name(path)
    assert kind is not None
    return why_not(parse_safely(kind, before, path), parse_safely(kind, after, path))


SCRIPT = '#!/bin/sh\nif [ -n "$CI" ]; then\n  pip install x\nfi\n'
DOCKERFILE = "FROM python:3.12\nRUN pip install x \\\n    --no-cache-dir\nCOPY . /app\n"
BROKEN = [
    ("build.sh", SCRIPT, SCRIPT.replace("  pip install x\n", ""), "would no longer parse"),
    (
        "Dockerfile",
        "FROM python:3.12\nRUN if true; then pip install x; fi\n",
        "FROM python:3.12\nRUN if true; then fi\n",
        "the RUN on line 2 would no longer parse",
    ),
    (
        "Dockerfile",
        DOCKERFILE,
        DOCKERFILE.replace("    --no-cache-dir\n", "    \n"),
        "instructions would change (COPY would go)",
    ),
    (
        "Dockerfile",
        "FROM python:3.12\nRUN pip install \\\n    # c\n    x\n",
        "FROM python:3.12\nRUN pip install # c\n    x\n",
        "X would appear",
    ),
    (
        "Dockerfile",
        "FROM python:3.12\nRUN pip config set global.extra-index-url https://pypi.org/simple\n"
        "RUN pip config unset global.extra-index-url\n",
        "FROM python:3.12\nRUN true\nRUN pip config unset global.extra-index-url\n",
        "`pip config unset global.extra-index-url` would run with no `pip config set",
    ),
    (
        "compose.yaml",
        "services:\n  a:\n    image: x\n    environment:\n      - PIP_TRUSTED_HOST=pypi.org\n",
        "services:\n  a:\n    image: x\n    environment:\n",
        "`environment:` would be left with nothing under it",
    ),
]


@pytest.mark.parametrize(("path", "before", "after", "why"), BROKEN)
def test_the_meaning_check_refuses_a_broken_fix(
    path: str, before: str, after: str, why: str
) -> None:
    found = _why(path, before, after)
    assert found is not None and why in found, found


GOOD = [
    ("build.sh", SCRIPT, SCRIPT.replace("pip install x", f"pip install -i {ALIYUN} x")),
    (
        "Dockerfile",
        "FROM python:3.12\nRUN pip install x\n",
        f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\nRUN pip install x\n',
    ),
    (
        "compose.yaml",
        "services:\n  a:\n    image: x\n    environment:\n      - PIP_TRUSTED_HOST=pypi.org\n",
        "services:\n  a:\n    image: x\n",
    ),
    # a program that did not parse before is not the fix's doing
    ("build.sh", "#!/bin/sh\nif true; then\n", "#!/bin/sh\nif true; then\n\n"),
]


@pytest.mark.parametrize(("path", "before", "after"), GOOD)
def test_the_meaning_check_accepts_a_good_fix(path: str, before: str, after: str) -> None:
    assert _why(path, before, after) is None


def test_without_bash_tree_sitter_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    syntax_error.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    try:
        assert syntax_error("if true; then\n") is not None
        assert syntax_error("if true; then echo; fi\n") is None
    finally:
        syntax_error.cache_clear()


# --- the loop withholds one fix -------------------------------------------------------------


class _Breaker(Rule):
    """A rule whose fix deletes a script's `fi` (what a buggy rule might do)."""

    code = "PS999"
    name = "breaker"
    severity = Severity.WARNING
    summary = why = fix_safety = "test"

    def check(self, doc: Document, ctx: object) -> Iterator[Violation]:  # type: ignore[override]
        at = doc.text.find("\nfi\n")
        if at >= 0:
            edit = Edit.delete(Span(at + 1, at + 4))
            fix = Fix((edit,), Applicability.SAFE, "Remove fi")
            yield Violation(Span(at + 1, at + 3), "a fi", "fi", fix)


@pytest.fixture
def breaker(monkeypatch: pytest.MonkeyPatch) -> None:
    real = linting.rules
    monkeypatch.setattr(linting, "rules", lambda enabled: [*real(enabled), _Breaker()])


def test_a_fix_that_breaks_the_script_is_withheld_alone(breaker: None, tmp_path: Path) -> None:
    text = (
        "#!/bin/sh\npip install -i https://pypi.tuna.tsinghua.edu.cn/simple x\n"
        'if [ -n "$CI" ]; then\n  echo ci\nfi\n'
    )
    fixed = fix_text(text, "build.sh", POLICY)
    assert fixed == text.replace("https://pypi.tuna.tsinghua.edu.cn/simple", ALIYUN.rstrip("/"))
    root = write_tree(tmp_path / "repo", {"build.sh": text})
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    out = invoke(["fix", "--no-color", "--mirror", "aliyun", str(root)]).output
    assert "internal error" not in out
    assert "a fi (fix withheld: the file would no longer parse" in out.replace("\n  ", " ")
    assert (root / "build.sh").read_text() == fixed


# --- the removals that broke builds ---------------------------------------------------------

CASES = {
    # the last flag after a comment line: the continuation must not swallow COPY
    "last flag after a comment line": (
        f"FROM python:3.12-slim\nENV PIP_INDEX_URL={ALIYUN}\nRUN pip install requests \\\n"
        "    # the public index, for the nightly builds\n"
        "    --extra-index-url https://pypi.org/simple/\nCOPY . /app\n",
        f"FROM python:3.12-slim\nENV PIP_INDEX_URL={ALIYUN}\nRUN pip install requests\n"
        "COPY . /app\n",
    ),
    # the first flag above a comment line: the comment must not join the RUN line
    "first flag above a comment line": (
        f"FROM python:3.12-slim\nENV PIP_INDEX_URL={ALIYUN}\n"
        "RUN python -m pip install --extra-index-url=https://pypi.org/simple/ \\\n"
        "    # the mirror\n    requests\n",
        f"FROM python:3.12-slim\nENV PIP_INDEX_URL={ALIYUN}\nRUN python -m pip install \\\n"
        "    # the mirror\n    requests\n",
    ),
    # the last command of a chain, after a comment line: its connector goes with it
    "last command after a comment line": (
        f"FROM python:3.12-slim\nRUN pip config set global.index-url {ALIYUN} && \\\n"
        "    pip install x && \\\n"
        "    # and the public index\n"
        "    pip config set global.extra-index-url https://pypi.org/simple\nCOPY . /app\n",
        f"FROM python:3.12-slim\nRUN pip config set global.index-url {ALIYUN} && \\\n"
        "    pip install x\nCOPY . /app\n",
    ),
    # a command in the middle of a chain: a comment line above the next one stays
    "middle command above a comment line": (
        f"FROM python:3.12-slim\nRUN pip config set global.index-url {ALIYUN} && \\\n"
        "    pip config set global.extra-index-url https://pypi.org/simple && \\\n"
        "    # then install\n"
        "    pip install x\n",
        f"FROM python:3.12-slim\nRUN pip config set global.index-url {ALIYUN} && \\\n"
        "    # then install\n"
        "    pip install x\n",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_removals_next_to_comment_lines_keep_the_instructions(case: str) -> None:
    before, after = CASES[case]
    assert fix_text(before, "Dockerfile", POLICY) == after


def test_the_only_entry_of_a_compose_list_goes_with_its_key() -> None:
    text = (
        "services:\n  api:\n    build:\n      context: .\n      args:\n"
        "        PIP_INDEX_URL: https://pypi.tuna.tsinghua.edu.cn/simple\n"
        "    environment:\n      - PIP_TRUSTED_HOST=pypi.org\n"
    )
    assert fix_text(text, "compose.yaml", POLICY) == (
        "services:\n  api:\n    build:\n      context: .\n      args:\n"
        "        PIP_INDEX_URL: https://mirrors.aliyun.com/pypi/simple\n"
    )


def test_the_only_key_of_a_service_is_left_with_why() -> None:
    text = "services:\n  api:\n    environment:\n      - PIP_TRUSTED_HOST=pypi.org\n" + (
        "x-other: &o\n  PIP_INDEX_URL: https://mirrors.aliyun.com/pypi/simple/\n"
    )
    assert fix_text(text, "compose.yaml", POLICY, unsafe=True) == text


def test_one_command_runs_in_a_row_are_not_made() -> None:
    """hadolint DL3059: removing one of two commands next to a one-command RUN is left."""
    text = (
        f"FROM python:3.12-slim\nRUN pip config set global.index-url {ALIYUN} && \\\n"
        f"    pip config set global.extra-index-url {ALIYUN}\nRUN pip install requests==2\n"
    )
    assert fix_text(text, "Dockerfile", POLICY, unsafe=True) == text
