"""tox's configuration (tox.ini, setup.cfg, tox.toml, [tool.tox] in pyproject.toml) and
poetry.toml: exact spans, what tox makes of each value, and rewritten files that still load
with configparser and tomlkit."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
import tomlkit

from pipsrc.kinds import project, tox
from pipsrc.model import Document, Method, SettingKind, Tool
from tests.kinds.spans import assert_spans, line, one

K = SettingKind
A = "https://a.example/simple"
B = "https://b.example/simple"
FIXTURE = Path(__file__).parents[2] / "fixtures" / "tox"


def t(text: str, path: str = "tox.ini") -> Document:
    doc = tox.parse(text, path)
    assert_spans(doc, markers="#;")
    return doc


def test_install_command_flags_are_settings_of_an_install_site() -> None:
    text = (
        "[testenv]\ninstall_command = python -m pip install"
        f" -i {A} --extra-index-url {B} {{opts}} {{packages}}\n"
    )
    doc = t(text)
    index = one(doc, kind=K.INDEX)
    assert (index.value, index.method, index.scope, index.editable) == (
        A,
        Method.CLI,
        "testenv",
        True,
    )
    assert one(doc, kind=K.EXTRA_INDEX).value == B
    assert [s.command for s in doc.sites] == ["python -m pip install"]


def test_continuation_lines_and_envpython() -> None:
    text = (
        "[testenv:ci]\ninstall_command =\n    {envpython} -m pip install\n    -i "
        + A
        + " {packages}\n"
        "commands =\n    - {envpython} -m pip install --index-url=" + B + " x\n    pytest\n"
    )
    doc = t(text)
    assert [line(doc, s) for s in doc.settings] == [4, 6]
    assert [s.value for s in doc.settings] == [A, B]
    assert doc.scope("testenv:ci") is not None and doc.scope("testenv:ci").parent == "testenv"  # type: ignore[union-attr]


def test_set_env_variables_and_their_removal() -> None:
    text = (
        f"[testenv]\nsetenv =\n    PIP_INDEX_URL = {A}\n"
        f"    PIP_EXTRA_INDEX_URL={A} {B}\n    FOO = bar\n"
    )
    doc = t(text)
    index = one(doc, kind=K.INDEX)
    assert (index.method, index.key, index.position) == (Method.TOX_ENV, "PIP_INDEX_URL", 0)
    assert index.removal is not None
    assert doc.text[index.removal.start : index.removal.end] == f"    PIP_INDEX_URL = {A}\n"
    extras = [s for s in doc.settings if s.kind is K.EXTRA_INDEX]
    assert [s.value for s in extras] == [A, B]
    # a value on the key's line is removed alone: the key keeps its other lines
    doc = t(f"[testenv]\nset_env = PIP_INDEX_URL={A}\n    FOO = 1\n")
    s = one(doc, kind=K.INDEX)
    assert (
        s.removal is not None and doc.text[s.removal.start : s.removal.end] == f"PIP_INDEX_URL={A}"
    )


def test_substitutions_are_unresolved_and_never_edited() -> None:
    text = (
        "[testenv]\nset_env =\n    PIP_INDEX_URL = {env:PIP_INDEX_URL:" + A + "}\n"
        "commands = pip install -i {env:MIRROR} x\n"
    )
    doc = t(text)
    assert len(doc.settings) == 2
    assert all(s.value is None and not s.editable for s in doc.settings)


def test_indexserver_and_easy_install() -> None:
    doc = t(f"[tox]\nindexserver =\n    default = {A}\n    corp = {B}\n")
    default, corp = doc.settings
    assert (default.kind, default.value, default.pinned, default.method) == (
        K.INDEX,
        A,
        False,
        Method.TOX,
    )
    assert (corp.kind, corp.value, corp.pinned) == (K.EXTRA_INDEX, B, True)
    doc = t(
        f"[easy_install]\nindex_url = {A}\nfind_links = {A} {B}\n"
        f"[tox:tox]\nindexserver = default = {B}\n",
        "setup.cfg",
    )
    assert [(s.kind, s.value, s.method) for s in doc.settings] == [
        (K.INDEX, A, Method.SETUP_CFG), (K.FIND_LINKS, A, Method.SETUP_CFG),
        (K.FIND_LINKS, B, Method.SETUP_CFG), (K.INDEX, B, Method.TOX),
    ]  # fmt: skip
    # setuptools keeps an inline comment in the value
    doc = t(f"[easy_install]\nindex_url = {A}  # mirror\n", "setup.cfg")
    assert one(doc, kind=K.INDEX).ineffective is not None


def test_a_file_configparser_refuses_is_a_problem() -> None:
    doc = t(f"install_command = pip install -i {A} {{packages}}\n")
    assert doc.problems and "tox refuses" in doc.problems[0].message
    doc = t("[testenv]\nsetenv = a\nsetenv = b\n")
    assert doc.problems


def test_native_toml_and_legacy_string_in_pyproject() -> None:
    text = (
        '[tool.tox.env_run_base]\ninstall_command = ["pip", "install", "-i", "'
        + A
        + '", "{packages}"]\n'
        'set_env = { UV_DEFAULT_INDEX = "' + B + '" }\n'
        "[tool.tox.env.lint]\n"
        'commands = [["pip", "install", "-i", { replace = "env", name = "X" }, "ruff"]]\n'
    )
    doc = project.parse(text, "pyproject.toml")
    assert_spans(doc)
    cli = one(doc, kind=K.INDEX, method=Method.CLI, scope="env_run_base")
    assert (cli.value, cli.scope, cli.editable) == (A, "env_run_base", True)
    uv = one(doc, kind=K.INDEX, method=Method.TOX_ENV)
    assert (uv.value, uv.tool) == (B, Tool.UV)
    lint = [s for s in doc.settings if s.scope == "env.lint"]
    assert len(lint) == 1 and lint[0].value is None and not lint[0].editable
    legacy = (
        f'[tool.tox]\nlegacy_tox_ini = """\n[testenv]\nsetenv =\n    PIP_INDEX_URL = {A}\n"""\n'
    )
    doc = project.parse(legacy, "pyproject.toml")
    assert_spans(doc)
    assert line(doc, one(doc, kind=K.INDEX)) == 5


def test_tox_toml() -> None:
    doc = t(
        f'[env_run_base]\nset_env.PIP_INDEX_URL = "{A}"\n'
        f'commands = [["pip", "install", "-i", "{B}", "x"]]\n',
        "tox.toml",
    )
    assert sorted((s.value, s.method) for s in doc.settings) == [
        (A, Method.TOX_ENV),
        (B, Method.CLI),
    ]


def test_poetry_toml_repositories_are_upload_targets() -> None:
    text = (
        f'[repositories.corp]\nurl = "{A}"\n\n'
        '[http-basic.corp]\nusername = "u"\npassword = "hunter2"\n'
    )
    doc = project.parse(text, "poetry.toml")
    assert_spans(doc)
    s = one(doc)
    assert (s.value, s.editable, s.tool) == (A, False, Tool.POETRY) and s.ineffective
    assert "hunter2" not in repr(doc.settings)


@pytest.mark.parametrize("side", ["before", "after"])
def test_every_fixture_file_loads_with_configparser_and_tomlkit(side: str) -> None:
    """The rewritten files (fixtures/tox/after) load as their tools' parsers load them."""
    root = FIXTURE / side
    seen = 0
    for path in sorted(root.rglob("*")):
        if path.name in ("tox.ini", "setup.cfg"):
            configparser.ConfigParser(interpolation=None, strict=True).read_string(path.read_text())
            seen += 1
        elif path.suffix == ".toml":
            doc = tomlkit.parse(path.read_text()).unwrap()
            legacy = doc.get("tool", {}).get("tox", {}).get("legacy_tox_ini")
            if legacy:
                configparser.ConfigParser(interpolation=None, strict=True).read_string(legacy)
            seen += 1
    assert seen >= 6


def test_a_command_continued_with_a_backslash_is_one_command() -> None:
    text = (
        f"[testenv]\ncommands =\n    pip install \\\n        -i {A} x\n"
        f"    - pip install --extra-index-url {B} y\n"
    )
    doc = t(text)
    assert [(s.kind, s.value, line(doc, s)) for s in doc.settings] == [
        (K.INDEX, A, 4),
        (K.EXTRA_INDEX, B, 5),
    ]
    assert len(doc.sites) == 2


def test_setup_cfg_problems_name_setuptools() -> None:
    doc = t(f"index_url = {A}\n", "setup.cfg")
    assert doc.problems and "setuptools refuses" in doc.problems[0].message


def test_dependency_links_are_find_links_of_setup_requires() -> None:
    doc = t(f"[options]\ndependency_links = {A}, {B}\n", "setup.cfg")
    assert [(s.kind, s.value, s.scope) for s in doc.settings] == [
        (K.FIND_LINKS, A, "setuptools"),
        (K.FIND_LINKS, B, "setuptools"),
    ]
    doc = t(f"[options]\ndependency_links =\n    {A}\n    {B}\n", "setup.cfg")
    assert [line(doc, s) for s in doc.settings] == [3, 4]
    # in tox.ini, [options] is nobody's
    assert not t(f"[options]\ndependency_links = {A}\n").settings


def test_toml_arguments_tox_fills_in() -> None:
    table = '{ replace = "env", name = "X" }'
    doc = t(f'[env_run_base]\ncommands = [["pip", "install", "-i", {table}, "x"]]\n', "tox.toml")
    s = one(doc, kind=K.INDEX)
    assert (s.raw, s.value, s.editable, s.sibling, s.removal) == (table, None, False, None, None)
    # an argument that cannot be located: the command is not read (its words would shift)
    doc = t(f'[env_run_base]\ncommands = [["pip", "install", "-i", {{}}, "{A}"]]\n', "tox.toml")
    assert not doc.settings


def test_each_scope_once_with_its_parent() -> None:
    doc = t(
        f'[env_run_base]\nset_env.PIP_INDEX_URL = "{A}"\n[env.a]\nset_env.PIP_INDEX_URL = "{B}"\n',
        "tox.toml",
    )
    ids = [s.id for s in doc.scopes]
    assert len(ids) == len(set(ids)), ids
    assert doc.scope("env.a") is not None and doc.scope("env.a").parent == "env_run_base"  # type: ignore[union-attr]


TOX_COMMENTS = [
    f"[testenv]\ninstall_command = pip install -i {A} {{opts}} {{packages}}  # the mirror\n",
    f"[testenv]\ninstall_command = pip install -i {A} {{opts}} {{packages}}#no blank\n",
    f"[testenv]\nset_env =\n    PIP_INDEX_URL = {A} # was {B}\n    PIP_EXTRA_INDEX_URL={B}\n",
    f"[testenv]\ncommands =\n    pip install -i {A} x  # {B}\n    pip install -f {B} y\n",
    f"[testenv]\ncommands =\n    pip install -i {A} x \\\\# not a comment\n",
    f"[tox]\nindexserver =\n    default = {A}  # {B}\n",
]


@pytest.mark.parametrize("text", TOX_COMMENTS)
def test_inline_comments_are_read_as_tox_4_reads_them(text: str) -> None:
    """tox 4's own loader (IniLoader.process_raw) strips a value's comments: the URLs pipsrc
    finds in a value are the URLs left in tox's reading of it, and a trailing comment is a
    comment (a suppression can live there)."""
    from tox.config.loader.ini import IniLoader

    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    doc = t(text)
    for section in parser.sections():
        for key, raw in parser[section].items():
            seen = IniLoader.process_raw(None, None, raw)
            want = sorted(u for u in (A, B) for _ in range(seen.count(u)))
            got = sorted(
                s.value or ""
                for s in doc.settings
                if s.value in (A, B) and _in_option(text, s.span.start, key)
            )
            assert got == want, (key, seen)
    hashes = [i for i, c in enumerate(text) if c == "#" and text[i - 1] != "\\"]
    assert [c.span.start for c in doc.comments] == hashes


def _in_option(text: str, offset: int, key: str) -> bool:
    """Whether ``offset`` is in the value of the option ``key`` (the nearest key above)."""
    lines = text[:offset].split("\n")
    for above in reversed(lines):
        if above[:1] not in (" ", "\t") and "=" in above:
            return above.split("=", 1)[0].strip() == key
    return False


def test_a_trailing_suppression_in_tox_ini() -> None:
    from pipsrc.api import check_text
    from pipsrc.policy import Policy

    text = (
        f"[testenv]\ninstall_command = pip install -i {A} {{packages}}  # pipsrc: ignore[PS101]\n"
    )
    assert not [
        f for f in check_text(text, "tox.ini", Policy().with_index("aliyun")) if f.code == "PS101"
    ]
