"""The TOML project files (pyproject.toml, uv.toml, Pipfile, pdm.toml, pixi.toml): exact
spans, each tool's meaning of its entries, and values tomlkit agrees with."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipsrc.kinds import project
from pipsrc.model import Document, Method, SettingKind, Tool
from pipsrc.syntax.tomlspans import locate
from tests.kinds.spans import assert_spans, line, one

K = SettingKind
A = "https://a.example/simple"
B = "https://b.example/simple"
C = "https://c.example/simple"


def p(text: str, path: str = "pyproject.toml") -> Document:
    doc = project.parse(text, path)
    assert_spans(doc, Method.PROJECT)
    return doc


def kinds(doc: Document) -> list[tuple[str, SettingKind, str | None]]:
    return [(s.scope, s.kind, s.value) for s in doc.settings]


def test_uv_legacy_keys_index_entries_and_pip_table() -> None:
    text = (
        f'[tool.uv]\nindex-url = "{A}"\nextra-index-url = ["{B}"]\nno-index = false\n'
        f'allow-insecure-host = ["b.example"]\n\n[[tool.uv.index]]\nname = "c"\nurl = "{C}"\n'
        f'default = true\n\n[tool.uv.pip]\nindex-url = "{B}"\n'
    )
    doc = p(text)
    assert kinds(doc) == [
        ("uv", K.INDEX, A), ("uv", K.EXTRA_INDEX, B), ("uv", K.TRUSTED_HOST, "b.example"),
        ("uv", K.INDEX, B), ("uv", K.INDEX, C),
    ]  # fmt: skip
    assert one(doc, value=C).section is None and one(doc, section="pip").value == B
    assert all(s.tool is Tool.UV for s in doc.settings)


def test_uv_toml_is_uv_at_the_top_level() -> None:
    doc = p(f'index-url = "{A}"\n[[index]]\nurl = "{B}"\nexplicit = true\n', "uv.toml")
    assert kinds(doc) == [("uv", K.INDEX, A), ("uv", K.EXTRA_INDEX, B)]
    assert one(doc, value=B).pinned


def test_uv_flat_index_is_find_links() -> None:
    doc = p(f'[[tool.uv.index]]\nname = "w"\nurl = "{A}"\nformat = "flat"\n')
    assert kinds(doc) == [("uv", K.FIND_LINKS, A)]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        # the first primary source is the index; a later primary is searched after it
        ('priority = "primary"', [K.INDEX, K.EXTRA_INDEX]),
        # Poetry 2 defaults a source to primary
        ("", [K.INDEX, K.EXTRA_INDEX]),
        # supplemental sources leave PyPI the primary index
        ('priority = "supplemental"', [K.EXTRA_INDEX, K.EXTRA_INDEX]),
        # legacy booleans of Poetry 1
        ("secondary = true", [K.EXTRA_INDEX, K.EXTRA_INDEX]),
    ],
)
def test_poetry_priorities(entries: str, expected: list[SettingKind]) -> None:
    text = (
        f'[[tool.poetry.source]]\nname = "a"\nurl = "{A}"\n{entries}\n\n'
        f'[[tool.poetry.source]]\nname = "b"\nurl = "{B}"\n{entries}\n'
    )
    assert [s.kind for s in p(text).settings] == expected


def test_poetry_url_less_pypi_source_counts_as_the_primary() -> None:
    text = (
        '[[tool.poetry.source]]\nname = "PyPI"\npriority = "primary"\n\n'
        f'[[tool.poetry.source]]\nname = "a"\nurl = "{A}"\npriority = "primary"\n'
    )
    assert kinds(p(text)) == [("poetry", K.EXTRA_INDEX, A)]


def test_pdm_source_named_pypi_replaces_pypi() -> None:
    text = (
        f'[[tool.pdm.source]]\nname = "pypi"\nurl = "{A}"\n\n'
        f'[[tool.pdm.source]]\nname = "extra"\nurl = "{B}"\n\n'
        f'[[tool.pdm.source]]\nname = "links"\nurl = "{C}"\ntype = "find_links"\n'
    )
    assert kinds(p(text)) == [("pdm", K.INDEX, A), ("pdm", K.EXTRA_INDEX, B),
                              ("pdm", K.FIND_LINKS, C)]  # fmt: skip


def test_pdm_toml() -> None:
    doc = p(f'[pypi]\nurl = "{A}"\n\n[pypi.extra]\nurl = "{B}"\n', "pdm.toml")
    assert kinds(doc) == [("pdm", K.INDEX, A), ("pdm", K.EXTRA_INDEX, B)]


def test_pipfile_first_source_is_the_index_the_others_are_pinned() -> None:
    text = (
        f'[[source]]\nurl = "{A}"\nverify_ssl = true\nname = "a"\n\n'
        f'[[source]]\nurl = "{B}"\nverify_ssl = true\nname = "b"\n\n'
        '[packages]\ntorch = {version = "*", index = "b"}\n'
    )
    doc = p(text, "Pipfile")
    assert kinds(doc) == [("pipenv", K.INDEX, A), ("pipenv", K.EXTRA_INDEX, B)]
    a, b = doc.settings
    assert a.removal is None  # the project's index is never removed
    assert b.pinned and b.removal is None  # named by a package: removing it breaks the file


def test_pixi_workspace_and_feature_options() -> None:
    text = (
        f'[pypi-options]\nindex-url = "{A}"\nextra-index-urls = ["{B}"]\n'
        f'find-links = [{{url = "{C}"}}, {{path = "./wheels"}}]\n\n'
        f'[feature.gpu.pypi-options]\nextra-index-urls = ["{C}"]\n'
    )
    doc = p(text, "pixi.toml")
    assert kinds(doc) == [("pixi", K.INDEX, A), ("pixi", K.EXTRA_INDEX, B),
                          ("pixi", K.FIND_LINKS, C), ("pixi:gpu", K.EXTRA_INDEX, C)]  # fmt: skip


def test_escaped_and_multiline_strings_are_located_but_not_editable() -> None:
    text = (
        f'[tool.uv]\nindex-url = "https://\\u0061.example/simple"\nextra-index-url = ["""{B}"""]\n'
    )
    doc = p(text)
    a, b = doc.settings
    assert (a.value, a.editable) == (A, False) and (b.value, b.editable) == (B, False)


def test_removals_keep_valid_toml() -> None:
    text = (
        f'[tool.uv]\nindex-url = "{A}"\nextra-index-url = [\n  "{B}",  # b\n  "{C}"\n]\n'
        f'[[tool.uv.index]]\nname = "x"\nurl = "{C}"\n\n[project]\nname = "p"\n'
    )
    doc = p(text)
    for s in doc.settings:
        assert s.removal is not None, s
        cut = text[: s.removal.start] + text[s.removal.end :]
        parsed = tomllib.loads(cut)
        assert parsed["project"] == {"name": "p"}
        assert s.value not in repr(parsed.get("tool", {}).get("uv", {})) or s.value == C


def test_an_index_entry_named_by_a_source_is_not_removed() -> None:
    text = (
        f'[[tool.uv.index]]\nname = "torch"\nurl = "{A}"\n\n'
        '[tool.uv.sources]\ntorch = { index = "torch" }\n'
    )
    assert p(text).settings[0].removal is None


def test_not_toml_is_one_problem_at_its_place() -> None:
    doc = project.parse('[tool.uv]\nindex-url = "x\n', "uv.toml")
    assert not doc.settings and len(doc.problems) == 1
    assert doc.problems[0].offset > 0 and "TOML" in doc.problems[0].message


def test_comments_are_suppression_carriers() -> None:
    doc = p(f'[tool.uv]\n# pipsrc: ignore[PS101]\nindex-url = "{A}"  # tail\n')
    assert [(c.text.strip(), c.own_line) for c in doc.comments] == [
        ("pipsrc: ignore[PS101]", True), ("tail", False)
    ]  # fmt: skip
    assert line(doc, doc.settings[0]) == 3


# -- the scanner agrees with tomllib on generated documents -------------------------------

_KEY = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
_STR = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters='"\\'),
               max_size=12)  # fmt: skip


def _scalar() -> st.SearchStrategy[str]:
    return st.one_of(
        _STR.map(lambda s: f'"{s}"'),
        _STR.filter(lambda s: "'" not in s).map(lambda s: f"'{s}'"),
        st.integers(-5, 5).map(str),
        st.sampled_from(["true", "false"]),
    )


@st.composite
def _documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        header = draw(st.sampled_from(["[t.{k}]", "[[t.{k}]]", "[{k}]"]))
        lines.append(header.format(k=draw(_KEY)))
        for key in draw(st.lists(_KEY, max_size=3, unique=True)):
            value = draw(st.one_of(_scalar(), st.lists(_scalar(), max_size=3).map(
                lambda xs: "[" + ", ".join(xs) + "]")))  # fmt: skip
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


@given(_documents())
def test_every_located_string_slices_to_its_parsed_value(text: str) -> None:
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # duplicate tables and keys: not TOML, and locate raises too
    for v in locate(text).values:
        node = parsed
        for part in v.path:
            node = node[part]
        if v.string:
            assert node == v.value
            if v.content is not None:
                assert text[v.content[0] : v.content[1]] == v.value


def test_verify_ssl_false_trusts_the_source_host() -> None:
    """PDM and Pipenv trust the host of a source with `verify_ssl = false` (pip's
    trusted-host); removable in PDM's files, not in a Pipfile (Pipenv requires the key)."""
    http = "http://devpi.internal:3141/root/pypi/+simple/"
    doc = p(f'[[tool.pdm.source]]\nname = "pypi"\nurl = "{http}"\nverify_ssl = false\n')
    t = one(doc, kind=K.TRUSTED_HOST)
    assert (t.raw, t.value, t.tool, t.editable) == ("false", "devpi.internal:3141", Tool.PDM, False)
    assert (
        t.removal is not None
        and doc.text[t.removal.start : t.removal.end] == "verify_ssl = false\n"
    )
    doc = p(f'[pypi]\nurl = "{http}"\nverify_ssl = false\n[pypi.extra]\nurl = "{A}"\n', "pdm.toml")
    assert one(doc, kind=K.TRUSTED_HOST).value == "devpi.internal:3141"
    doc = p(f'[[source]]\nurl = "{http}"\nverify_ssl = false\nname = "pypi"\n', "Pipfile")
    t = one(doc, kind=K.TRUSTED_HOST)
    assert (t.value, t.removal) == ("devpi.internal:3141", None)
    doc = p(f'[[source]]\nurl = "{A}"\nverify_ssl = true\nname = "pypi"\n', "Pipfile")
    assert not [s for s in doc.settings if s.kind is K.TRUSTED_HOST]


@pytest.mark.parametrize(
    ("path", "text", "fires"),
    [
        # Poetry fetches an http source as it is (no trusted-host notion)
        (
            "pyproject.toml",
            '[[tool.poetry.source]]\nname = "d"\nurl = "{u}"\npriority = "primary"\n',
            False,
        ),
        (
            "pyproject.toml",
            '[[tool.pdm.source]]\nname = "pypi"\nurl = "{u}"\nverify_ssl = false\n',
            False,
        ),
        ("pyproject.toml", '[[tool.pdm.source]]\nname = "pypi"\nurl = "{u}"\n', True),
        ("Pipfile", '[[source]]\nurl = "{u}"\nverify_ssl = true\nname = "pypi"\n', True),
        ("Pipfile", '[[source]]\nurl = "{u}"\nverify_ssl = false\nname = "pypi"\n', False),
    ],
)
def test_http_sources_need_trust_only_where_the_tool_does(
    path: str, text: str, fires: bool
) -> None:
    from pipsrc.api import check_text
    from pipsrc.policy import Policy

    proxy = "http://devpi.internal:3141/root/pypi/+simple/"
    found = check_text(
        text.format(u=proxy), path, Policy().with_index(proxy, proxy=True), cli_index=True
    )
    assert ("PS202" in [f.code for f in found]) is fires, found
