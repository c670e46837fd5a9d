"""Requirements-file locator: pip's req_file.py semantics, exact spans (R1-R12)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipsrc.kinds.requirements import parse
from pipsrc.model import Document, FileKind, Method, Setting, SettingKind
from pipsrc.textio import LineIndex
from tests.kinds.spans import assert_spans as check_spans

try:  # pip itself is the oracle for what an option line means
    from pip._internal.req.req_file import get_line_parser, preprocess
except ImportError:  # pragma: no cover
    preprocess = None

K = SettingKind


def assert_spans(doc: Document) -> None:
    check_spans(doc, Method.REQUIREMENTS, "#")


def line(doc: Document, s: Setting) -> int:
    return LineIndex(doc.text).line_col(s.span.start)[0]


def only(doc: Document) -> Setting:
    assert_spans(doc)
    assert len(doc.settings) == 1, doc.settings
    return doc.settings[0]


@pytest.mark.parametrize(
    ("text", "kind", "key", "value"),
    [
        ("-i https://m.example/simple\n", K.INDEX, "-i", "https://m.example/simple"),
        ("--index-url https://m.example/simple\n", K.INDEX, "--index-url", None),
        ("--index-url=https://m.example/simple\n", K.INDEX, "--index-url", None),
        ("-ihttps://m.example/simple\n", K.INDEX, "-i", None),
        ("--index https://m.example/simple\n", K.INDEX, "--index", None),
        ("--extra-index-url https://m.example/simple\n", K.EXTRA_INDEX, "--extra-index-url", None),
        ("--extra=https://m.example/simple\n", K.EXTRA_INDEX, "--extra", None),
        ("--trusted-host m.example\n", K.TRUSTED_HOST, "--trusted-host", "m.example"),
        ("--trusted m.example\n", K.TRUSTED_HOST, "--trusted", "m.example"),
        ("-f https://m.example/simple\n", K.FIND_LINKS, "-f", None),
        ("--find-links ./wheels\n", K.FIND_LINKS, "--find-links", "./wheels"),
        ("--find ./wheels\n", K.FIND_LINKS, "--find", "./wheels"),
        ('-i "https://m.example/simple"\n', K.INDEX, "-i", None),
        ("-i 'https://m.example/simple'\n", K.INDEX, "-i", None),
        ("  -i https://m.example/simple  \n", K.INDEX, "-i", None),
    ],
)
def test_option_forms(text: str, kind: SettingKind, key: str, value: str | None) -> None:
    doc = parse(text, "requirements.txt")
    assert doc.kind is FileKind.REQUIREMENTS
    s = only(doc)
    want = value or "https://m.example/simple"
    assert (s.kind, s.key, s.value, s.raw) == (kind, key, want, want)
    assert s.editable and s.ineffective is None
    assert line(doc, s) == 1
    assert doc.scopes[0].id == "file" and doc.scopes[0].end == len(text)
    assert not doc.problems


def test_no_index_span_is_the_flag() -> None:
    doc = parse("numpy\n--no-index\n", "r.txt")
    s = only(doc)
    assert (s.kind, s.raw, s.key) == (K.NO_INDEX, "--no-index", "--no-index")
    assert line(doc, s) == 2
    assert s.sibling is None


def test_includes_record_r_and_c() -> None:
    doc = parse("-r base.txt\n--requirement=dev.txt\n-c constraints.txt\n", "r.txt")
    assert doc.includes == ["base.txt", "dev.txt", "constraints.txt"]
    assert doc.settings == []


def test_several_options_on_one_line() -> None:
    text = "--index-url https://a.example/simple --extra-index-url https://b.example/simple\n"
    doc = parse(text, "r.txt")
    assert_spans(doc)
    assert [(s.kind, s.value) for s in doc.settings] == [
        (K.INDEX, "https://a.example/simple"),
        (K.EXTRA_INDEX, "https://b.example/simple"),
    ]
    first, second = doc.settings
    assert first.removal is not None and second.removal is not None
    assert text[first.removal.start : first.removal.end] == "--index-url https://a.example/simple "
    assert text[second.removal.start : second.removal.end] == (
        " --extra-index-url https://b.example/simple"
    )


def test_r1_trailing_comment_is_not_part_of_value() -> None:
    text = "--index-url https://old.example/simple   # mirror\n"
    doc = parse(text, "r.txt")
    s = only(doc)
    assert s.value == "https://old.example/simple"
    assert [c.text for c in doc.comments] == [" mirror"]
    assert not doc.comments[0].own_line
    assert s.removal is not None and text[s.removal.start : s.removal.end] == text


def test_r2_fragment_without_space_is_part_of_url() -> None:
    s = only(parse("-i https://old.example/simple#frag\n", "r.txt"))
    assert s.value == "https://old.example/simple#frag"


def test_r3_value_on_continuation_line() -> None:
    text = "--extra-index-url \\\n    https://old.example/simple\n"
    doc = parse(text, "r.txt")
    s = only(doc)
    assert s.value == "https://old.example/simple" and s.editable
    assert line(doc, s) == 2
    assert s.removal is not None and text[s.removal.start : s.removal.end] == text


def test_comment_line_is_never_continued() -> None:
    doc = parse("# note \\\n-i https://a.example/simple\n", "r.txt")
    s = only(doc)
    assert line(doc, s) == 2
    assert doc.comments[0].own_line


def test_comment_ends_joined_line() -> None:
    # pip joins "-i x # c \" with the next line, then strips the comment: the
    # option on the continued line is commented out.
    doc = parse("-i https://a.example/simple # c \\\n--extra-index-url https://b/simple\n", "r")
    s = only(doc)
    assert s.kind is K.INDEX


def test_url_split_by_continuation_is_located_but_not_editable() -> None:
    text = "-i https://a.exa\\\nmple/simple\n"
    s = only(parse(text, "r.txt"))
    assert s.value == "https://a.example/simple"
    assert not s.editable


def test_r4_braced_variable_is_unresolved() -> None:
    s = only(parse("-i ${PIP_INDEX_URL}\n", "r.txt"))
    assert (s.value, s.editable, s.ineffective, s.raw) == (None, False, None, "${PIP_INDEX_URL}")


def test_r4_dollar_variable_is_literal() -> None:
    s = only(parse("-i $PIP_INDEX_URL\n", "r.txt"))
    assert s.value == "$PIP_INDEX_URL"
    assert s.ineffective == "pip expands only ${VAR} in requirements files, not $VAR"


def test_lowercase_braced_variable_is_not_expanded() -> None:
    s = only(parse("-i ${mirror}/simple\n", "r.txt"))
    assert s.value == "${mirror}/simple" and s.ineffective is not None


def test_i_equals_url_is_broken() -> None:
    text = "-i=https://a.example/simple\n"
    s = only(parse(text, "r.txt"))
    assert s.raw == "https://a.example/simple"
    assert s.value == "=https://a.example/simple"
    assert s.ineffective == "-i=URL passes '=URL' to pip"


@pytest.mark.parametrize(
    "text",
    [
        "torch==2.1 --index-url https://download.pytorch.org/whl/cu121\n",
        "-e git+https://g.example/x.git#egg=x --index-url https://download.pytorch.org/whl/cu121\n",
    ],
)
def test_options_on_a_requirement_line_are_ineffective(text: str) -> None:
    s = only(parse(text, "r.txt"))
    assert s.value == "https://download.pytorch.org/whl/cu121"
    assert s.ineffective == "pip ignores index options on a requirement line"
    assert s.sibling is None
    assert s.removal is not None
    assert text[s.removal.start : s.removal.end].startswith(" --index-url")


def test_requirement_with_tab_before_option_is_all_requirement() -> None:
    # pip splits on single spaces only: after "numpy\t--index-url" no token starts
    # with "-", so the whole line is one (invalid) requirement and holds no option
    assert parse("numpy\t--index-url https://a.example/simple\n", "r").settings == []
    assert parse("numpy --index-url\thttps://a.example/simple\n", "r").settings[0].ineffective


def test_only_first_find_links_of_a_line_counts() -> None:
    doc = parse("--find-links ./a -f ./b\n", "r.txt")
    assert_spans(doc)
    assert [s.ineffective for s in doc.settings] == [
        None,
        "pip uses only the first --find-links of a line",
    ]


def test_pip_compile_header_comment_is_no_setting() -> None:
    text = (
        "#\n#    pip-compile --index-url=https://m.example/simple req.in\n#\n"
        "--index-url https://m.example/simple\n\nnumpy==1.26.0\n"
    )
    doc = parse(text, "requirements.txt")
    s = only(doc)
    assert line(doc, s) == 4
    assert len(doc.comments) == 3 and all(c.own_line for c in doc.comments)


def test_suppression_comment_is_recorded() -> None:
    doc = parse("-i http://m.example/simple  # pipsrc: ignore[PS101] internal\n", "r")
    assert doc.comments[0].text == " pipsrc: ignore[PS101] internal"


def test_crlf_spans_removal_and_sibling() -> None:
    text = "numpy\r\n-i https://a.example/simple\r\n--trusted-host a.example\r\n"
    doc = parse(text, "r.txt")
    assert_spans(doc)
    idx, host = doc.settings
    assert idx.raw == "https://a.example/simple" and host.raw == "a.example"
    assert idx.removal is not None
    assert text[idx.removal.start : idx.removal.end] == "-i https://a.example/simple\r\n"
    assert idx.sibling is not None
    assert idx.sibling.render("a.example") == "--trusted-host a.example\r\n"
    assert idx.sibling.offset == text.index("--trusted")
    assert host.sibling is None


def test_r9_no_final_newline() -> None:
    text = "numpy\n-i https://a.example/simple"
    doc = parse(text, "r.txt")
    s = only(doc)
    assert s.span.end == len(text)
    assert s.removal is not None and s.removal.end == len(text)
    assert s.sibling is not None and s.sibling.offset == len(text)
    assert s.sibling.render("h") == "\n--trusted-host h"


def test_crlf_continuation() -> None:
    text = "--extra-index-url \\\r\n  https://a.example/simple\r\n"
    doc = parse(text, "r.txt")
    s = only(doc)
    assert s.value == "https://a.example/simple" and line(doc, s) == 2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('-i "https://a.example/simple\n', "cannot split"),
        ("-i\n", "requires 1 argument"),
        ("--bogus x\n", "no such option"),
        ("--no x\n", "ambiguous"),
        ("--no-index=1\n", "does not take a value"),
    ],
)
def test_lines_pip_refuses(text: str, fragment: str) -> None:
    doc = parse(text, "r.txt")
    assert doc.settings == []
    assert len(doc.problems) == 1 and fragment in doc.problems[0].message


def test_r12_credentials_in_vcs_requirement_are_no_setting() -> None:
    doc = parse("git+https://oauth2:TOKEN123@gitlab.example/pkg.git@v1#egg=pkg\n", "r.txt")
    assert doc.settings == [] and doc.problems == []


def test_unicode_line_separators_do_not_split_lines() -> None:
    text = "numpy\u2028-i https://a.example/simple\x0c\n-i https://b.example/simple\n"
    doc = parse(text, "r.txt")
    assert_spans(doc)
    assert line(doc, doc.settings[-1]) == 2


def test_empty_and_blank() -> None:
    for text in ("", "\n", "   \r\n", "\\"):
        doc = parse(text, "r.txt")
        assert doc.settings == [] and doc.problems == []


# --- property tests -----------------------------------------------------------

_URL = st.sampled_from(
    ["https://a.example/simple", "http://h:8080/s#f", "./wheels", "${IDX}", "https://u:p@x/s"]
)
_OPT = st.sampled_from(
    ["-i", "--index-url", "--extra-index-url", "--trusted-host", "-f", "--find", "--extra"]
)


@st.composite
def _req_line(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 6))
    if choice == 0:
        return draw(st.sampled_from(["numpy==1.0", "torch", "# comment", "", "-r other.txt"]))
    if choice == 1:
        return "--no-index"
    opt, url = draw(_OPT), draw(_URL)
    sep = draw(st.sampled_from([" ", "  ", "\t", "=", " \\\n  "]))
    if opt == "-i" and sep == "=":
        sep = ""
    quote = draw(st.sampled_from(["", '"', "'"]))
    tail = draw(st.sampled_from(["", "  # c", " -f ./x", " \\\n--trusted-host h"]))
    head = draw(st.sampled_from(["", "pkg==1 ", "  "]))
    return f"{head}{opt}{sep}{quote}{url}{quote}{tail}"


@given(
    st.lists(_req_line(), max_size=8),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_generated_documents_spans_slice_to_raw(lines: list[str], nl: str, final: bool) -> None:
    text = nl.join(ln.replace("\n", nl) for ln in lines) + (nl if final else "")
    doc = parse(text, "r.txt")
    assert_spans(doc)
    assert not doc.problems
    for s in doc.settings:
        if s.editable and s.value is not None:
            assert s.raw == s.value
    if preprocess is not None:
        assert _effective(doc) == _pip_view(text)


def _effective(doc: Document) -> Counter[tuple[SettingKind, str]]:
    # a value pip expands at run time (``${IDX}``) has no resolved value: compare its
    # literal with the quotes shlex removes (``-f="${IDX}"`` is ``=${IDX}`` to pip)
    return Counter(
        (s.kind, s.value if s.value is not None else s.raw.replace('"', "").replace("'", ""))
        for s in doc.settings
        if s.ineffective is None
    )


def _pip_view(text: str) -> Counter[tuple[SettingKind, str]]:
    """What pip's own requirements parser takes from each option line."""
    out: Counter[tuple[SettingKind, str]] = Counter()
    line_parser = get_line_parser(None)
    for _, ln in preprocess(text):
        args, opts = line_parser(ln)
        if args or opts.editables:
            continue
        if opts.index_url:
            out[(K.INDEX, opts.index_url)] += 1
        for v in opts.extra_index_urls or []:
            out[(K.EXTRA_INDEX, v)] += 1
        for v in opts.trusted_hosts or []:
            out[(K.TRUSTED_HOST, v)] += 1
        for v in (opts.find_links or [])[:1]:
            out[(K.FIND_LINKS, v)] += 1
        if opts.no_index:
            out[(K.NO_INDEX, "true")] += 1
    return out


@given(st.text(alphabet=st.sampled_from(list("-ief=#\\ \t\r\n\"'${}Aa:/x\u2028")), max_size=60))
def test_never_raises_on_noise(text: str) -> None:
    assert_spans(parse(text, "r.txt"))


@given(st.text(max_size=80))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    assert_spans(parse(text, "r.txt"))
