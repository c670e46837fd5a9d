"""``bash -c '...'`` and its kin: the quoted program read as a script of its own, edited only
where the quoted word takes the edit as it is (pipsrc.syntax.inline)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pipsrc.api import fix_text
from pipsrc.context import Context
from pipsrc.kinds import parse
from pipsrc.policy import Policy
from pipsrc.resolution import effective_index
from pipsrc.syntax.inline import program_word, unquote
from pipsrc.syntax.words import Piece, Tok
from tests.kinds.spans import assert_spans

PYPI = "https://pypi.org/simple"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple"
POLICY = Policy().with_index("aliyun")


def words(*values: str | None) -> list[Tok]:
    return [Tok(0, 0, [Piece(0, 0, v, True)] if v is not None else [Piece(0, 0)]) for v in values]


@pytest.mark.parametrize(
    ("command", "at"),
    [
        (["bash", "-c", "P"], 2),
        (["/bin/sh", "-ec", "P"], 2),
        (["bash", "-o", "pipefail", "-c", "P"], 4),
        (["bash", "--login", "-c", "P", "name", "arg"], 3),
        (["su", "-", "app", "-c", "P"], 4),
        (["sudo", "-u", "app", "-E", "bash", "-c", "P"], 6),
        (["env", "A=1", "-u", "B", "sh", "-c", "P"], 6),
        (["exec", "nohup", "zsh", "-lc", "P"], 4),
        (["timeout", "-k", "5", "60", "bash", "-c", "P"], 6),
        (["runuser", "-u", "app", "--", "sh", "-c", "P"], 6),
        (["conda", "run", "-n", "app", "bash", "-c", "P"], 6),
    ],
)
def test_the_program_word_of_a_command(command: list[str], at: int) -> None:
    assert program_word(words(*command)) == at


@pytest.mark.parametrize(
    "command",
    [
        ["bash", "script.sh", "-c", "P"],  # a script's own -c
        ["bash", "-c"],  # no program
        ["bash", "-x", "P"],  # no -c
        ["python", "-c", "P"],
        [None, "-c", "P"],  # a shell named by a variable
        ["su", "app"],
    ],
)
def test_commands_without_a_program_word(command: list[str | None]) -> None:
    assert program_word(words(*command)) is None


@pytest.mark.parametrize(
    ("quoted", "program"),
    [
        ("'pip install x'", "pip install x"),
        ('"pip install -i $IDX x"', "pip install -i $IDX x"),
        ("'it'\"'\"'s'", None),  # not one quoted word
        ('"pip install \\"x\\""', 'pip install "x"'),  # the outer shell unescapes
        ('"cd \\`pwd\\` && pip install \\$PKG"', "cd `pwd` && pip install $PKG"),
        ('"a \\\\ b \\n"', "a \\ b \\n"),  # only \\, \$, \`, \" lose their backslash
        ('"pip install $(cat idx) x"', None),  # the outer shell runs it
        ('"a `b`"', None),
        ("pip", None),
        ("'unterminated", None),
    ],
)
def test_unquote(quoted: str, program: str | None) -> None:
    assert unquote(quoted) == program


def index_of(text: str, path: str, n: int = 0) -> str | None:
    doc = parse("dockerfile" if path.endswith("Dockerfile") else "shell", text, path)
    assert_spans(doc)
    site = doc.sites[n]
    eff = effective_index(doc, site, Context(Policy(), {doc.path: doc}))
    return None if eff.setting is None else eff.setting.value


def test_a_program_sees_the_stage_environment_and_its_own_flags() -> None:
    text = (
        f"FROM python:3.12\nARG IDX={TUNA}\n"
        "RUN bash -c 'pip install -i $IDX flask'\n"
        f'RUN sudo -u app bash -o pipefail -c "pip install --index-url {PYPI} x" && \\\n'
        f"    env A=1 sh -ec 'pip install y'\n"
    )
    assert index_of(text, "Dockerfile", 0) == TUNA
    assert index_of(text, "Dockerfile", 1) == PYPI
    assert index_of(text, "Dockerfile", 2) is None  # pypi.org: nothing configured


def test_what_a_program_exports_stays_in_it() -> None:
    text = f"#!/bin/bash\nbash -c 'export PIP_INDEX_URL={TUNA}; pip install a'\npip install b\n"
    assert index_of(text, "build.sh", 0) == TUNA
    assert index_of(text, "build.sh", 1) is None


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            f"#!/bin/sh\nbash -c 'pip install -i {PYPI} x && echo ok'\n",
            f"#!/bin/sh\nbash -c 'pip install -i {ALIYUN} x && echo ok'\n",
        ),
        (
            f'#!/bin/sh\nsu app -c "pip install --user --index-url={TUNA} y"\n',
            f'#!/bin/sh\nsu app -c "pip install --user --index-url={ALIYUN} y"\n',
        ),
        (
            f'FROM python:3.12\nRUN bash -lc ". /v/activate && pip install -i {PYPI} z"\n',
            f'FROM python:3.12\nRUN bash -lc ". /v/activate && pip install -i {ALIYUN} z"\n',
        ),
    ],
)
def test_a_fix_inside_the_quoted_program(before: str, after: str) -> None:
    path = "Dockerfile" if before.startswith("FROM") else "build.sh"
    assert fix_text(before, path, POLICY) == after
    assert fix_text(after, path, POLICY) == after


def test_a_word_broken_by_continuations_is_edited_between_them() -> None:
    """A Dockerfile's line continuations inside the quoted word are not part of the program
    bash gets: a value between them is edited, a removal across one is refused."""
    text = (
        "FROM python:3.12\nRUN /bin/bash -c '\\\n"
        f"    pip install -U pip -i {PYPI} && \\\n"
        f"    pip install x -i {ALIYUN} --extra-index-url \\\n      {TUNA} && \\\n"
        "    pip cache purge'\n"
    )
    fixed = fix_text(text, "Dockerfile", POLICY, unsafe=True)
    assert fixed == text.replace(PYPI, ALIYUN)
    doc = parse("dockerfile", fixed, "Dockerfile")
    (extra,) = [s for s in doc.settings if s.value == TUNA]
    assert extra.removal is None  # the option and its value are on two lines


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash judges the fixed script")
def test_a_removal_inside_the_program_keeps_it_a_program() -> None:
    """An extra index beside the policy index is removed from inside the quotes; bash
    still reads the script, and the program is the old one less the option."""
    before = f"#!/bin/bash\nbash -c 'pip install -i {ALIYUN} --extra-index-url {TUNA} x'\n"
    after = fix_text(before, "build.sh", POLICY, unsafe=True)
    assert TUNA not in after and ALIYUN in after
    assert subprocess.run(["bash", "-n"], input=after.encode(), check=False).returncode == 0
    program = after.split("bash -c ", 1)[1].strip()
    assert unquote(program) is not None and "pip install -i" in program


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "FROM python:3.12\nRUN env A=1 sh -ec 'pip install z'\nRUN bash -c 'pip install y'\n",
            f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}/"\n'
            "RUN env A=1 sh -ec 'pip install z'\nRUN bash -c 'pip install y'\n",
        ),
        (
            "#!/bin/bash\nset -e\nbash -c 'pip install y'\n",
            f'#!/bin/bash\nset -e\nexport PIP_INDEX_URL="${{PIP_INDEX_URL:-{ALIYUN}/}}"\n'
            "bash -c 'pip install y'\n",
        ),
    ],
)
def test_an_unconfigured_program_gets_its_index_from_the_command_scope(
    before: str, after: str
) -> None:
    """PS104 configures the scope of the command that runs the program (the stage, the
    script), once for every program in it: the child process inherits the variable."""
    path = "Dockerfile" if before.startswith("FROM") else "build.sh"
    assert fix_text(before, path, POLICY) == after
    doc = parse("dockerfile" if path == "Dockerfile" else "shell", after, path)
    ctx = Context(POLICY, {doc.path: doc})
    assert all(effective_index(doc, site, ctx).setting is not None for site in doc.sites)


def test_escapes_in_a_double_quoted_program() -> None:
    """The outer shell removes the backslash of ``\\"``, ``\\$`` and ``\\```: the program is read
    without them, and a value between them is edited in place."""
    before = (
        "FROM python:3.11\n"
        f'RUN bash -c "pip install -i \\"{TUNA}\\" six"\n'
        f'RUN bash -c "cd \\`pwd\\` && export PIP_INDEX_URL=\\"{PYPI}\\" && pip install \\$PKG"\n'
    )
    after = before.replace(TUNA, ALIYUN).replace(PYPI, ALIYUN)
    assert fix_text(before, "Dockerfile", POLICY) == after
    assert index_of(before, "Dockerfile", 0) == TUNA
    assert index_of(before, "Dockerfile", 1) == PYPI
