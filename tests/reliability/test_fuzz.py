"""Fuzz targets: one per parser, plus the decoder, the redactor and the policy loader.

Each target is a hypothesis test, so CI runs it derandomized with the ``ci`` profile's
examples, and a developer runs it for longer with ``--hypothesis-profile=long`` (or
``fuzz``, 200,000 examples), or without end through ``python -m tests.reliability.fuzz``
(see CONTRIBUTING.md). Inputs are the property suite's per-kind grammars, mutated by
inserting, deleting and duplicating pieces, plus a soup of the tokens each parser
cares about: random text alone almost never reaches a pip setting.

The invariant for every parser: it returns a Document (never raises, not even
RecursionError), the span contract of tests/kinds holds, and parsing is deterministic.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipsrc import kinds
from pipsrc.model import FileKind
from pipsrc.policy import Policy, PolicyError, load_policy
from pipsrc.redaction import redact
from pipsrc.textio import DecodeError, decode
from pipsrc.urls import parse_url
from tests.kinds.spans import assert_spans
from tests.test_properties import KINDS, URLS

TOKENS: dict[str, tuple[str, ...]] = {
    FileKind.DOCKERFILE: ("FROM python:3.12\n", "RUN ", "ENV ", "ARG ", "COPY ", "<<EOF\n",
                          "EOF\n", "<<-'EOT'\n", "\tEOT\n", "# escape=`\n", "`\n", "\\\n",
                          "SHELL [\"pwsh\"]\n", '["pip","install","-i","', '"]', "--mount=",
                          "PIP_INDEX_URL=", "pip install -i ", "ONBUILD "),
    FileKind.SHELL: ("pip install ", "-i ", "--index-url=", "<<'EOF'\n", "EOF\n", "$(", ")",
                     "${", "}", "case $A in a) ", ";; esac\n", "export PIP_INDEX_URL=",
                     "pip config set global.index-url ", "docker build --build-arg ", "&& ",
                     "'", '"', "\\\n", "((", "))", "[[ ", " ]]", "function f { ", "}\n"),
    FileKind.REQUIREMENTS: ("-i ", "--index-url ", "--extra-index-url=", "--trusted-host ",
                            "-r ", "\\\n", " # ", "#", "${PIP_INDEX_URL}", "$VAR", "flask\n",
                            "--no-index\n", "-f ", "git+https://u:p@h/r.git@v1#egg=x\n"),
    FileKind.PIPCONF: ("[global]\n", "[install]\n", "index-url = ", "extra-index-url =\n",
                       "    ", "trusted-host = ", "trusted_host=", "; c\n", "# c\n", "[",
                       "]", "=", ":", "%(x)s", "\n"),
    FileKind.COMPOSE: ("services:\n", "  a:\n", "    environment:\n", "      - ",
                       "      PIP_INDEX_URL: ", "build: {args: {PIP_INDEX_URL: ", "}}",
                       "&a ", "*a", "<<: *a\n", "---\n", "...\n", "!override ", "|\n",
                       "'", '"', "[", "]", "{", "}", "${X:-", "$$", "\t", "? ", ": "),
    "github-actions": ("on: push\n", "jobs:\n", "  a:\n", "    steps:\n", "      - run: ",
                       "|\n", ">\n", "|2-\n", "        ", "env:\n", "  PIP_INDEX_URL: ",
                       "${{ x }}", ">> $GITHUB_ENV", "pip install -i ", "shell: pwsh\n",
                       "'", '"', '\\"', "[", "]", "{", "}", "&a ", "*a", "\t", "# "),
    "makefile": ("export PIP_INDEX_URL = ", "MIRROR ?= ", "$(MIRROR)", "${X}", "$$", "$@",
                 "$(shell x)", "all:\n", "\t", "\t@pip install -i ", "\\\n", "# ",
                 ".ONESHELL:\n", "define X\n", "endef\n", "+=", ":=", "; ", "\\#"),
    "dotenv": ("PIP_INDEX_URL=", "export ", "PIP_TRUSTED_HOST=", "'", '"', '\\"', " # c",
               "# c\n", "${X}", "=", "\n"),
    "jenkinsfile": ("pipeline {\n", "environment {\n", "}\n", "stage('a') {", "sh '",
                    'sh """', '"""', "'" * 3, "withEnv(['PIP_INDEX_URL=", "'])",
                    "${env.X}", "\\$", "// c\n", "/* c */", "PIP_INDEX_URL = '", "\\\n"),
    "tox": ("[tox]\n", "[testenv]\n", "[testenv:a]\n", "install_command = ", "commands =\n",
            "setenv =\n", "set_env = ", "    PIP_INDEX_URL = ", "indexserver =\n",
            "    default = ", "{opts} {packages}", "{env:X:", "}", "{envpython} -m pip ",
            "pip install -i ", "- ", "\\\n", "# c\n", "; c\n", "=", ":", "    "),
    "python": ("import os\n", "subprocess.run(", "os.system(", ", shell=True)", "[", "]",
               "'pip', 'install', '-i', '", "sys.executable, '-m', 'pip', ", "f'", "{x}", "{{",
               "os.environ['PIP_INDEX_URL'] = ", "env={**os.environ, 'UV_INDEX': ", "}",
               "pip.main(['install', '--index-url=", "'''", '"', "'", "\\", "\\x41", " '\n'",
               "def f():\n    ", "MIRROR = '", "(", ")", "rb'", "# c\n", "\t"),
}  # fmt: skip

text_chars = st.characters(exclude_categories=("Cs",))


def documents(kind: str) -> st.SearchStrategy[str]:
    """A grammar document mutated by a few edits, or a soup of this kind's tokens."""
    vocab = st.sampled_from((*TOKENS[kind], *URLS, "\n", "\r\n", " ", "\ufeff", "镜像"))
    piece = st.one_of(vocab, st.text(text_chars, max_size=6))
    soup = st.lists(piece, max_size=30).map("".join)
    edit = st.tuples(st.floats(0, 1), st.integers(0, 8), piece)

    def mutate(doc: str, edits: list[tuple[float, int, str]]) -> str:
        for at, cut, new in edits:
            i = int(at * len(doc))
            doc = doc[:i] + new + doc[i + cut :]
        return doc

    grammar = KINDS[kind][1]()
    mutated = st.builds(mutate, grammar, st.lists(edit, max_size=4))
    return st.one_of(mutated, soup)


def _target(kind: str, text: str) -> None:
    path = KINDS[kind][0]
    doc = kinds.parse(kind, text, path)
    assert doc.text == text
    assert_spans(doc, markers="#;/")  # ";" in pip.conf (also in heredocs), "//" Jenkinsfile
    for p in doc.problems:
        assert 0 <= p.offset <= len(text), p
    again = kinds.parse(kind, text, path)
    assert [(s.span, s.raw, s.kind) for s in again.settings] == [
        (s.span, s.raw, s.kind) for s in doc.settings
    ]


@given(documents(FileKind.DOCKERFILE))
def test_fuzz_dockerfile(text: str) -> None:
    _target(FileKind.DOCKERFILE, text)


@given(documents(FileKind.SHELL))
def test_fuzz_shell(text: str) -> None:
    _target(FileKind.SHELL, text)


@given(documents(FileKind.REQUIREMENTS))
def test_fuzz_requirements(text: str) -> None:
    _target(FileKind.REQUIREMENTS, text)


@given(documents(FileKind.PIPCONF))
def test_fuzz_pipconf(text: str) -> None:
    _target(FileKind.PIPCONF, text)


@given(documents(FileKind.COMPOSE))
def test_fuzz_compose(text: str) -> None:
    _target(FileKind.COMPOSE, text)


CONDA_TOKENS = ("channels:\n", "  - ", "default_channels: [", "]", "channel_alias: ",
                "custom_channels:\n", "  conda-forge: ", "defaults", "nodefaults", "::",
                "dependencies:\n", "  - pip:\n", "      - -i ", "&a ", "*a", "'", '"', "#!final",
                "${CONDA_MIRROR}", "\t", "? ", ": ", "{", "}")  # fmt: skip


def conda_documents(grammar: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The conda property grammar mutated by a few edits, or a soup of conda's tokens."""
    from tests.test_conda_properties import CHANNELS

    vocab = st.sampled_from((*CONDA_TOKENS, *CHANNELS, "\n", "\r\n", " ", "\ufeff", "镜像"))
    piece = st.one_of(vocab, st.text(text_chars, max_size=6))
    edit = st.tuples(st.floats(0, 1), st.integers(0, 8), piece)

    def mutate(doc: str, edits: list[tuple[float, int, str]]) -> str:
        for at, cut, new in edits:
            i = int(at * len(doc))
            doc = doc[:i] + new + doc[i + cut :]
        return doc

    return st.one_of(st.builds(mutate, grammar, st.lists(edit, max_size=4)),
                     st.lists(piece, max_size=30).map("".join))  # fmt: skip


def _conda_target(kind: str, path: str, text: str) -> None:
    doc = kinds.parse(kind, text, path)
    assert doc.text == text
    assert_spans(doc)
    for p in doc.problems:
        assert 0 <= p.offset <= len(text), p
    again = kinds.parse(kind, text, path)
    assert [(s.span, s.raw) for s in again.settings] == [(s.span, s.raw) for s in doc.settings]


def _condarc_docs() -> st.SearchStrategy[str]:
    from tests.test_conda_properties import condarc_doc

    return conda_documents(condarc_doc())


def _env_docs() -> st.SearchStrategy[str]:
    from tests.test_conda_properties import env_doc

    return conda_documents(env_doc())


@given(st.deferred(_condarc_docs))
def test_fuzz_condarc(text: str) -> None:
    _conda_target("condarc", ".condarc", text)


@given(st.deferred(_env_docs))
def test_fuzz_conda_env(text: str) -> None:
    _conda_target("conda-env", "environment.yml", text)


@given(documents("github-actions"))
def test_fuzz_github(text: str) -> None:
    _target("github-actions", text)


@given(documents("makefile"))
def test_fuzz_makefile(text: str) -> None:
    _target("makefile", text)


@given(documents("dotenv"))
def test_fuzz_dotenv(text: str) -> None:
    _target("dotenv", text)


@given(documents("jenkinsfile"))
def test_fuzz_jenkinsfile(text: str) -> None:
    _target("jenkinsfile", text)


NOTEBOOK_TOKENS = ('"!pip install -i ', '"%pip install ', '"%env PIP_INDEX_URL=', '\\n",\n',
                   '"%%bash\\n', "\\u00e9", '\\"', "\\\\", '"source": [', '"source": "',
                   '{"cell_type": "code", ', "]", "}", ",", '"', "{url}")  # fmt: skip


def notebook_documents() -> st.SearchStrategy[str]:
    """A notebook of pip lines (cells as lists or strings, ASCII or not), mutated."""
    import json

    line = st.sampled_from(("!pip install -i ", "%pip install --index-url=", "%env PIP_INDEX_URL=",
                            "!pip config set global.index-url ", "# pipsrc: ignore[PS101]",
                            "x = '\u00e9\"'", "%%bash\nexport PIP_INDEX_URL="))  # fmt: skip
    src = st.lists(st.tuples(line, st.sampled_from(URLS)).map("".join), max_size=4)

    def build(cells: list[list[str]], as_list: bool, ascii_only: bool) -> str:
        out = [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": [x + "\n" for x in c] if as_list else "\n".join(c),
            }
            for c in cells
        ]
        return json.dumps({"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
                          indent=1, ensure_ascii=ascii_only)  # fmt: skip

    grammar = st.builds(build, st.lists(src, max_size=3), st.booleans(), st.booleans())
    vocab = st.sampled_from((*NOTEBOOK_TOKENS, *URLS, "\n", " ", "镜像"))
    piece = st.one_of(vocab, st.text(text_chars, max_size=6))
    edit = st.tuples(st.floats(0, 1), st.integers(0, 8), piece)

    def mutate(doc: str, edits: list[tuple[float, int, str]]) -> str:
        for at, cut, new in edits:
            i = int(at * len(doc))
            doc = doc[:i] + new + doc[i + cut :]
        return doc

    return st.one_of(grammar, st.builds(mutate, grammar, st.lists(edit, max_size=3)))


@given(notebook_documents())
def test_fuzz_notebook(text: str) -> None:
    doc = kinds.parse("notebook", text, "nb.ipynb")
    assert doc.text == text
    assert_spans(doc)
    for p in doc.problems:
        assert 0 <= p.offset <= len(text), p
    again = kinds.parse("notebook", text, "nb.ipynb")
    assert [(s.span, s.raw) for s in again.settings] == [(s.span, s.raw) for s in doc.settings]


@given(documents("tox"))
def test_fuzz_tox(text: str) -> None:
    _target("tox", text)


@given(documents("python"))
def test_fuzz_python(text: str) -> None:
    _target("python", text)


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "latin-1")


encoded = st.tuples(st.text(text_chars, max_size=60), st.sampled_from(ENCODINGS)).map(
    lambda p: p[0].encode(p[1], "replace")
)


@given(st.one_of(st.binary(max_size=200), encoded))
def test_fuzz_decode(data: bytes) -> None:
    """Bytes either decode to text that encodes back to exactly the same bytes (or say
    on which line it would not), or fail with a located DecodeError."""
    try:
        d = decode(data)
    except DecodeError as exc:
        assert 1 <= exc.line <= data.count(b"\n") + 1
        return
    if d.mismatch_line is None:
        assert d.encode(d.text) == data
    else:
        assert 1 <= d.mismatch_line <= data.count(b"\n") + 1


SECRET = "SENTINELf0f0f0f0"


@given(
    st.lists(
        st.one_of(
            st.text(text_chars, max_size=8),
            st.sampled_from(("https://", "http://", "git+https://", "@", ":", "/", "?", "#",
                             "token=", "&", " ", "'", "${", "}", "$", "{{", "}}", "%40",
                             "/t/", "h.example", SECRET)),
        ),
        max_size=30,
    ).map("".join)
)  # fmt: skip
def test_fuzz_redact(text: str) -> None:
    """Redaction is idempotent, never lengthens a URL-free string, and a secret placed
    as a password right before the host never survives it."""
    once = redact(text)
    assert redact(once) == once
    if "://" not in text:
        assert once == text
    planted = f"{text} https://user:{SECRET}@h.example/simple"
    assert f"user:{SECRET}@" not in redact(planted)
    parse_url(text)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(('index = "aliyun"\n', "index = 3\n", "[tool.pipsrc]\n", "exclude = [",
                         '"x"', "]\n", "trusted-host = \"auto\"\n", "select = [\"PS1\"]\n",
                         "per-file-ignores = { \"a/**\" = [\"PS101\"] }\n", "exceptions = [{",
                         'url = "https://download.pytorch.org/whl/*"', "}]\n", "=", "\n",
                         "allow-http = [\"devpi\"]\n", "require-index = yes\n", "é", "[[x]]\n")),
        max_size=12,
    ).map("".join)
)  # fmt: skip
def test_fuzz_policy(tmp_path_factory: object, text: str) -> None:
    """Any policy text gives a Policy or a PolicyError with a line, never a traceback."""
    d = Path(getattr(tmp_path_factory, "mktemp")("p"))  # noqa: B009
    f = d / "pipsrc.toml"
    f.write_text(text, encoding="utf-8")
    try:
        policy = load_policy(f)
    except PolicyError as exc:
        assert exc.line >= 1
        return
    assert isinstance(policy, Policy)
    tomllib.loads(text)  # a policy only loads from valid TOML
