"""pip.conf/pip.ini locator: configparser semantics with exact spans (P1-P8)."""

from __future__ import annotations

import configparser
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipsrc.kinds.pipconf import parse
from pipsrc.model import Document, FileKind, Method, Setting, SettingKind
from pipsrc.textio import LineIndex
from tests.kinds.spans import assert_spans as check_spans

K = SettingKind


def assert_spans(doc: Document) -> None:
    check_spans(doc, Method.PIP_CONF, "#;")


def line(doc: Document, s: Setting) -> int:
    return LineIndex(doc.text).line_col(s.span.start)[0]


def cut(text: str, s: Setting) -> str:
    assert s.removal is not None
    return text[: s.removal.start] + text[s.removal.end :]


def test_basic_global_section() -> None:
    text = (
        "[global]\n"
        "index-url = https://m.example/simple\n"
        "trusted-host = m.example\n"
        "find-links = ./wheels\n"
        "no-index = false\n"
    )
    doc = parse(text, "pip.conf")
    assert doc.kind is FileKind.PIPCONF
    assert_spans(doc)
    got = [(s.kind, s.key, s.value, s.section, line(doc, s)) for s in doc.settings]
    assert got == [
        (K.INDEX, "index-url", "https://m.example/simple", "global", 2),
        (K.TRUSTED_HOST, "trusted-host", "m.example", "global", 3),
        (K.FIND_LINKS, "find-links", "./wheels", "global", 4),
        (K.NO_INDEX, "no-index", "false", "global", 5),
    ]
    assert all(s.ineffective is None for s in doc.settings)
    assert doc.problems == [] and doc.scopes[0].id == "file"


def test_removal_and_sibling_of_a_key_line() -> None:
    text = "[global]\nindex-url = https://m.example/simple\ntimeout = 60\n"
    s = parse(text, "pip.conf").settings[0]
    assert cut(text, s) == "[global]\ntimeout = 60\n"
    assert s.sibling is not None
    out = text[: s.sibling.offset] + s.sibling.render("m.example") + text[s.sibling.offset :]
    assert out == (
        "[global]\nindex-url = https://m.example/simple\ntrusted-host = m.example\ntimeout = 60\n"
    )


@pytest.mark.parametrize("key", ["index_url", "INDEX-URL", "--index-url", "Index_URL"])
def test_p5_key_normalisation_keeps_spelling(key: str) -> None:
    doc = parse(f"[global]\n{key} = https://m.example/simple\n", "pip.conf")
    assert_spans(doc)
    (s,) = doc.settings
    assert (s.kind, s.key, s.ineffective) == (K.INDEX, key, None)


def test_colon_separator_and_indented_key() -> None:
    doc = parse("[global]\n  index-url: https://m.example/simple\n", "pip.conf")
    assert_spans(doc)
    assert doc.settings[0].value == "https://m.example/simple"


def test_list_on_one_line_and_item_removal() -> None:
    text = "[global]\ntrusted-host = a.example b.example\tc.example\n"
    doc = parse(text, "pip.conf")
    assert_spans(doc)
    assert [s.value for s in doc.settings] == ["a.example", "b.example", "c.example"]
    a, b, c = doc.settings
    assert cut(text, a) == "[global]\ntrusted-host = b.example\tc.example\n"
    assert cut(text, b) == "[global]\ntrusted-host = a.example c.example\n"
    assert cut(text, c) == "[global]\ntrusted-host = a.example b.example\n"


def test_p2_multi_line_list_with_comment() -> None:
    text = (
        "[global]\n"
        "extra-index-url =\n"
        "    https://a.example/simple\n"
        "    # note\n"
        "    https://old.example/simple\n"
        "timeout = 5\n"
    )
    doc = parse(text, "pip.conf")
    assert_spans(doc)
    a, old = doc.settings
    assert (old.value, line(doc, old), old.kind) == ("https://old.example/simple", 5, K.EXTRA_INDEX)
    assert line(doc, a) == 3
    assert [c.text for c in doc.comments] == [" note"]
    assert cut(text, old).endswith("https://a.example/simple\n    # note\ntimeout = 5\n")
    # the sibling goes after the key's last line
    assert old.sibling is not None and text[old.sibling.offset :] == "\ntimeout = 5\n"


def test_blank_line_inside_multi_line_value() -> None:
    text = "[global]\nextra-index-url = https://a/simple\n\n    https://b/simple\n"
    doc = parse(text, "pip.conf")
    assert [s.value for s in doc.settings] == ["https://a/simple", "https://b/simple"]


def test_p1_inline_comment_is_part_of_value() -> None:
    text = "[global]\nindex-url = https://old.example/simple  # tuna\n"
    doc = parse(text, "pip.conf")
    assert_spans(doc)
    (s,) = doc.settings
    assert s.raw == "https://old.example/simple" and line(doc, s) == 2
    assert s.ineffective == "inline comment becomes part of the value"
    assert doc.comments == []  # not a comment for pip: no suppressions from it


def test_inline_semicolon_in_a_list() -> None:
    doc = parse("[global]\ntrusted-host = mirrors.aliyun.com ; c\n", "pip.conf")
    assert_spans(doc)
    assert [(s.value, s.ineffective) for s in doc.settings] == [
        ("mirrors.aliyun.com", None),
        ("c", "inline comment becomes part of the value"),
    ]


def test_commas_are_not_separators() -> None:
    doc = parse("[global]\nextra-index-url = https://a/simple, https://b/simple\n", "pip.conf")
    assert_spans(doc)
    assert [(s.raw, s.ineffective) for s in doc.settings] == [
        ("https://a/simple,", "pip does not split lists on commas"),
        ("https://b/simple", None),
    ]


def test_index_url_with_two_values() -> None:
    (s,) = parse("[global]\nindex-url = https://a/simple https://b/simple\n", "p").settings
    assert s.raw == "https://a/simple" and s.ineffective is not None


def test_p3_duplicate_key_blocks() -> None:
    doc = parse("[global]\nindex-url = a\nindex-url = b\n", "pip.conf")
    assert len(doc.problems) == 1
    p = doc.problems[0]
    assert p.message == "duplicate option 'index-url' in [global]: pip refuses the file"
    assert p.blocks_fix and LineIndex(doc.text).line_col(p.offset)[0] == 3
    assert not doc.fixable


def test_normalised_duplicate_is_overridden_not_refused() -> None:
    doc = parse("[global]\nindex_url = https://a/s\nindex-url = https://b/s\n", "pip.conf")
    assert doc.problems == []
    assert [s.ineffective is None for s in doc.settings] == [False, True]


def test_duplicate_section_blocks() -> None:
    doc = parse("[global]\na = 1\n[global]\nb = 2\n", "pip.conf")
    assert [p.blocks_fix for p in doc.problems] == [True]
    assert "duplicate section" in doc.problems[0].message


def test_content_before_section_header() -> None:
    doc = parse("index-url = https://a/simple\n[global]\n", "pip.conf")
    assert "no section headers" in doc.problems[0].message and doc.problems[0].offset == 0
    # fragments (echo "index-url = ..." >> pip.conf) are still located
    assert doc.settings[0].section is None and doc.settings[0].value == "https://a/simple"


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "; c\r\n\r\n"])
def test_empty_text_has_no_problem(text: str) -> None:
    doc = parse(text, "pip.conf")
    assert doc.problems == [] and doc.settings == []


def test_invalid_line_blocks() -> None:
    doc = parse("[global]\nthis is not ini\n", "pip.conf")
    assert doc.problems and doc.problems[0].blocks_fix


def test_p6_index_in_two_sections() -> None:
    doc = parse("[global]\nindex-url = https://a/s\n[install]\nindex-url = https://b/s\n", "p")
    assert_spans(doc)
    assert [(s.section, s.value, s.ineffective) for s in doc.settings] == [
        ("global", "https://a/s", None),
        ("install", "https://b/s", None),
    ]
    assert doc.problems == []


def test_uppercase_section_is_ignored_by_pip() -> None:
    (s,) = parse("[GLOBAL]\nindex-url = https://a/s\n", "pip.conf").settings
    assert s.section == "GLOBAL"
    assert s.ineffective == "section names are case-sensitive: pip ignores [GLOBAL]"


def test_unknown_section_is_ignored_by_pip() -> None:
    (s,) = parse("[easy_install]\nindex_url = https://a/s\n", "setup.cfg").settings
    assert s.ineffective is not None and "[easy_install]" in s.ineffective


def test_legacy_index_key() -> None:
    (s,) = parse("[search]\nindex = https://devpi/root/pypi/\n", "pip.conf").settings
    assert s.kind is K.INDEX
    assert s.ineffective == "the 'index' key is only read by the old pip search"


def test_p7_percent_encoded_credentials_kept_verbatim() -> None:
    (s,) = parse("[global]\nindex-url = https://u:p%40ss%25@old.example/simple\n", "p").settings
    assert s.raw == s.value == "https://u:p%40ss%25@old.example/simple"


def test_p8_crlf() -> None:
    text = "[global]\r\nextra-index-url =\r\n    https://a/s\r\n    https://b/s\r\n"
    doc = parse(text, "pip.ini")
    assert_spans(doc)
    a, b = doc.settings
    assert (a.raw, b.raw) == ("https://a/s", "https://b/s")
    assert cut(text, b) == "[global]\r\nextra-index-url =\r\n    https://a/s\r\n"
    assert b.sibling is not None and b.sibling.render("h") == "\r\ntrusted-host = h"
    assert b.sibling.offset == len(text) - 2


def test_no_final_newline() -> None:
    text = "[global]\nindex-url = https://a/s"
    (s,) = parse(text, "pip.conf").settings
    assert s.span.end == len(text)
    assert s.sibling is not None and s.sibling.render("a") == "\ntrusted-host = a"
    assert cut(text, s) == "[global]\n"


def test_comments_recorded() -> None:
    doc = parse("# pipsrc: ignore[PS101] reason\n[global]\n  ; other\n", "pip.conf")
    assert [(c.text, c.own_line) for c in doc.comments] == [
        (" pipsrc: ignore[PS101] reason", True),
        (" other", True),
    ]


# --- property tests -----------------------------------------------------------

_LIST_KEYS = ["extra-index-url", "extra_index_url", "trusted-host", "find-links", "Find_Links"]
_SINGLE_KEYS = ["index-url", "INDEX_URL", "--index-url", "no-index"]
_LIST_NORMS = ("extra-index-url", "trusted-host", "find-links")
_VALUES = ["https://a.example/simple", "host.example:8080", "./wh", "${M}/s", "http://h/s#f"]


@st.composite
def _entry(draw: st.DrawFn, key: str, indent: str) -> str:
    sep = draw(st.sampled_from(["=", " = ", ":", " : ", "\t=\t"]))
    if key.lower().replace("_", "-").lstrip("-") not in _LIST_NORMS:
        return f"{indent}{key}{sep}{draw(st.sampled_from(_VALUES))}"
    values = draw(st.lists(st.sampled_from(_VALUES), min_size=1, max_size=4))
    out = f"{indent}{key}{sep}"
    for i, v in enumerate(values):
        style = draw(st.integers(0, 3))
        if i == 0 and style == 0:
            out += v
        elif style == 1:
            out += f"\n{indent}    {v}"
        elif style == 2:
            out += f"\n{indent}    # c\n{indent}    {v}"
        else:
            out += ("\n" + indent + "   " if i == 0 else " ") + v
    return out


@st.composite
def _pipconf(draw: st.DrawFn) -> str:
    parts = []
    sections = draw(st.lists(st.sampled_from(["global", "install", "GLOBAL", "download"]),
                             unique=True, max_size=3))  # fmt: skip
    for sect in sections:
        parts.append(f"[{sect}]")
        indent = draw(st.sampled_from(["", " "]))  # keys of one section share an indent
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(["# comment", "; comment", "", "timeout = 5"])))
        keys = draw(st.lists(st.sampled_from(_LIST_KEYS + _SINGLE_KEYS), max_size=4))
        normalised: set[str] = set()
        for key in keys:
            norm = key.lower().replace("_", "-").lstrip("-")
            if norm in normalised:
                continue
            normalised.add(norm)
            parts.append(draw(_entry(key, indent)))
    return "\n".join(parts)


def _configparser_view(text: str) -> Counter[tuple[str, str, str]]:
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    out: Counter[tuple[str, str, str]] = Counter()
    for section in parser.sections():
        for key, value in parser.items(section):
            norm = key.lower().replace("_", "-")
            norm = norm[2:] if norm.startswith("--") else norm
            if norm == "timeout":
                continue
            for item in value.split():
                out[(section, norm, item)] += 1
    return out


@given(_pipconf(), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_generated_documents_match_configparser(body: str, nl: str, final: bool) -> None:
    text = body.replace("\n", nl) + (nl if final and body else "")
    doc = parse(text, "pip.conf")
    assert_spans(doc)
    assert doc.problems == []
    mine = Counter(
        (s.section or "", s.key.lower().replace("_", "-").removeprefix("--"), s.raw)
        for s in doc.settings
    )
    assert mine == _configparser_view(text)
    for s in doc.settings:
        if s.removal is not None:
            # removing any one entry leaves a file configparser still loads
            configparser.RawConfigParser().read_string(cut(text, s))


@given(st.text(alphabet=st.sampled_from(list("[]=:#; \t\r\nabk-_\u2028\x0c")), max_size=60))
def test_never_raises_on_noise(text: str) -> None:
    assert_spans(parse(text, "pip.conf"))


@given(st.text(max_size=80))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    assert_spans(parse(text, "pip.conf"))


def _insert(text: str, s: Setting, value: str) -> str:
    assert s.sibling is not None
    return text[: s.sibling.offset] + s.sibling.render(value) + text[s.sibling.offset :]


def test_sibling_extends_an_existing_trusted_host() -> None:
    # regression (property tests): PS202 added a second `trusted-host =` line, a duplicate
    # option that makes pip refuse the file
    text = (
        "[global]\nextra-index-url =\n    http://a.example/simple\n"
        "trusted-host =\n    # note\n    b.example\n"
    )
    s = parse(text, "pip.conf").settings[0]
    out = _insert(text, s, "a.example")
    assert out == text + "    a.example\n"
    doc = parse(out, "pip.conf")
    assert doc.fixable and [x.value for x in doc.settings][1:] == ["b.example", "a.example"]


def test_sibling_extends_a_trusted_host_written_later_and_spelled_differently() -> None:
    text = "[global]\r\n  index-url = http://a.example/simple\r\n  trusted_host = b.example"
    s = parse(text, "pip.conf").settings[0]
    out = _insert(text, s, "a.example")
    assert out == text + "\r\n      a.example"
    assert [x.value for x in parse(out, "pip.conf").settings] == [
        "http://a.example/simple", "b.example", "a.example",
    ]  # fmt: skip


def test_no_sibling_after_an_inline_comment_in_trusted_host() -> None:
    text = "[global]\nindex-url = http://a.example/simple\ntrusted-host = b.example # c\n"
    assert parse(text, "pip.conf").settings[0].sibling is None


def test_indexes_of_one_section_share_one_sibling_point() -> None:
    # two separate insertions would write two trusted-host keys in one pass
    text = (
        "[global]\nindex-url = http://a.example/s\nextra-index-url = http://b.example/s\n"
        "[install]\nindex-url = http://c/s\n"
    )
    a, b, c = parse(text, "pip.conf").settings
    assert a.sibling == b.sibling and a.sibling is not None
    assert a.sibling.offset == text.index("extra-index-url") - 1
    assert c.sibling is not None and c.sibling.offset == len(text) - 1


def test_sibling_lies_inside_the_removal_of_the_option_it_extends() -> None:
    # regression (property tests): PS204 removed the trusted-host option while PS202
    # appended a continuation line right after it, leaving "    host" with no key
    text = "[install]\ntrusted-host =\n    a.example\nindex-url = http://b.example/simple/\n"
    doc = parse(text, "pip.conf")
    th, idx = doc.settings
    assert idx.sibling is not None and th.removal is not None
    assert th.removal.start < idx.sibling.offset < th.removal.end
    assert _insert(text, idx, "b.example") == text.replace("a.example", "a.example\n    b.example")
