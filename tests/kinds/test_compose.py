"""Compose locator: environment / build.args via ruamel compose nodes (Y1-Y13)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipsrc.kinds.compose import parse
from pipsrc.model import Document, FileKind, Method, Setting, SettingKind, Tool
from pipsrc.textio import LineIndex
from tests.kinds.spans import assert_spans as check_spans
from tests.opcount import calls

K = SettingKind
OLD = "https://old.example/simple"


def assert_spans(doc: Document) -> None:
    check_spans(doc)


def line(doc: Document, s: Setting) -> int:
    return LineIndex(doc.text).line_col(s.span.start)[0]


def cut(text: str, s: Setting) -> str:
    assert s.removal is not None
    return text[: s.removal.start] + text[s.removal.end :]


def test_map_form_environment() -> None:
    text = f"services:\n  app:\n    image: python\n    environment:\n      PIP_INDEX_URL: {OLD}\n"
    doc = parse(text, "docker-compose.yml")
    assert doc.kind is FileKind.COMPOSE
    assert_spans(doc)
    (s,) = doc.settings
    assert (s.kind, s.key, s.value, s.method, s.tool) == (
        K.INDEX,
        "PIP_INDEX_URL",
        OLD,
        Method.COMPOSE_ENV,
        Tool.PIP,
    )
    assert s.editable and line(doc, s) == 5 and s.scope == "service:app"
    scope = doc.scope("service:app")
    assert scope is not None and scope.start == text.index("app:") and scope.end <= len(text)
    # the only entry goes with its key (compose reads a bare `environment:` as null)
    assert cut(text, s) == "services:\n  app:\n    image: python\n"


@pytest.mark.parametrize(
    ("item", "raw"),
    [
        (f"- PIP_INDEX_URL={OLD}", OLD),
        (f'- "PIP_INDEX_URL={OLD}"', OLD),
        (f"- 'PIP_INDEX_URL={OLD}'", OLD),
    ],
)
def test_y1_list_form_with_different_indents(item: str, raw: str) -> None:
    text = (
        "services:\n  a:\n    environment:\n      " + item + "\n      - TZ=UTC\n"
        "  b:\n    environment:\n    " + item + "\n    - TZ=UTC\n"
    )
    doc = parse(text, "compose.yaml")
    assert_spans(doc)
    assert [(s.raw, s.scope, line(doc, s)) for s in doc.settings] == [
        (raw, "service:a", 4),
        (raw, "service:b", 8),
    ]
    assert all(s.editable for s in doc.settings)
    assert cut(text, doc.settings[0]) == text.replace("      " + item + "\n", "", 1)


def test_bare_key_takes_value_from_the_shell() -> None:
    doc = parse("services:\n  a:\n    environment:\n      - PIP_INDEX_URL\n", "compose.yml")
    assert_spans(doc)
    (s,) = doc.settings
    assert (s.value, s.editable, s.raw) == (None, False, "PIP_INDEX_URL")


def test_null_map_value() -> None:
    text = "services:\n  a:\n    environment:\n      PIP_NO_INDEX:\n      X: 1\n"
    (s,) = parse(text, "compose.yml").settings
    assert s.kind is K.NO_INDEX and s.value is None
    assert cut(text, s) == "services:\n  a:\n    environment:\n      X: 1\n"


def test_build_args_map_and_list() -> None:
    text = (
        "services:\n  a:\n    build:\n      context: .\n      args:\n"
        f"        PIP_EXTRA_INDEX_URL: {OLD}\n"
        "  b:\n    build:\n      args:\n        - PIP_TRUSTED_HOST=old.example\n"
    )
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    assert [(s.kind, s.method, s.scope, s.value) for s in doc.settings] == [
        (K.EXTRA_INDEX, Method.COMPOSE_ARG, "service:a", OLD),
        (K.TRUSTED_HOST, Method.COMPOSE_ARG, "service:b", "old.example"),
    ]


def test_list_values_split_on_whitespace() -> None:
    text = (
        "services:\n  a:\n    environment:\n      - PIP_EXTRA_INDEX_URL=https://a/s https://b/s\n"
        "      - TZ=UTC\n"
    )
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    a, b = doc.settings
    assert (a.raw, b.raw) == ("https://a/s", "https://b/s")
    assert "=https://b/s\n" in cut(text, a) and "=https://a/s\n" in cut(text, b)


def test_y2_anchor_reported_once_at_the_anchor() -> None:
    text = (
        f"x-common: &c\n  environment:\n    PIP_INDEX_URL: {OLD}\n"
        "services:\n  a:\n    <<: *c\n  b:\n    <<: *c\n"
    )
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    (s,) = doc.settings
    assert line(doc, s) == 3 and s.scope == "file"


def test_merge_inside_environment_and_own_keys_win() -> None:
    text = (
        f"x-env: &e\n  PIP_INDEX_URL: {OLD}\n  PIP_TRUSTED_HOST: old.example\n"
        "services:\n  a:\n    environment:\n      <<: *e\n      PIP_TRUSTED_HOST: new.example\n"
    )
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    got = sorted((s.value or "", s.scope) for s in doc.settings)
    # the overridden anchor value is still reported (x- scan), once, in the file scope
    assert got == [(OLD, "file"), ("new.example", "service:a"), ("old.example", "file")]


def test_unreferenced_extension_field() -> None:
    doc = parse(f"x-build:\n  args:\n    - PIP_INDEX_URL={OLD}\n", "compose.yml")
    assert_spans(doc)
    assert [(s.method, s.scope) for s in doc.settings] == [(Method.COMPOSE_ARG, "file")]


def test_y3_billion_laughs_is_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\nservices:\n  s:\n    environment: *i\n"
    parse(text, "compose.yml")  # load the YAML library first: its import is not the parse's
    assert calls(parse, text, "compose.yml") < 200_000  # 9**9 expanded nodes would be far more
    assert parse(text, "compose.yml").settings == []


def test_y4_duplicate_keys() -> None:
    text = (
        "services:\n  a:\n    environment:\n"
        f"      PIP_INDEX_URL: {OLD}\n      PIP_INDEX_URL: https://new/simple\n"
    )
    doc = parse(text, "compose.yml")
    (p,) = doc.problems
    assert p.blocks_fix and LineIndex(text).line_col(p.offset)[0] == 5
    assert "duplicate key 'PIP_INDEX_URL'" in p.message


def test_y5_multi_document() -> None:
    text = f"a: 1\n---\nservices:\n  s:\n    environment:\n      PIP_INDEX_URL: {OLD}\n...\n"
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    assert [line(doc, s) for s in doc.settings] == [6]


def test_y6_default_part_and_escaped_dollar() -> None:
    text = (
        "services:\n  a:\n    environment:\n"
        f"      PIP_INDEX_URL: ${{PIP_INDEX_URL:-{OLD}}}\n"
        "      PIP_FIND_LINKS: $$HOME/wheels\n"
        "      PIP_EXTRA_INDEX_URL: ${EXTRA}\n"
    )
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    idx, fl, extra = doc.settings
    assert (idx.raw, idx.value, idx.editable) == (OLD, OLD, True)
    assert text[idx.span.start - 2 : idx.span.start] == ":-"
    assert (fl.raw, fl.value, fl.editable) == ("$$HOME/wheels", None, False)
    assert (extra.raw, extra.value, extra.editable) == ("${EXTRA}", None, False)


def test_variable_inside_url_is_resolved_from_default_but_not_editable() -> None:
    text = "services:\n  a:\n    environment:\n      PIP_INDEX_URL: https://${H:-m.example}/s\n"
    (s,) = parse(text, "compose.yml").settings
    assert (s.value, s.editable) == ("https://m.example/s", False)


def test_y7_quoting_styles() -> None:
    text = (
        "services:\n  a:\n    environment:\n"
        "      PIP_INDEX_URL: 'https://single/simple'\n"
        '      PIP_EXTRA_INDEX_URL: "https://double/simple"\n'
        '      PIP_FIND_LINKS: "https://esc/\\x41"\n'
        "      PIP_TRUSTED_HOST: |\n        one.example\n        two.example\n"
    )
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    got = [(s.raw, s.value, s.editable) for s in doc.settings]
    assert got == [
        ("https://single/simple", "https://single/simple", True),
        ("https://double/simple", "https://double/simple", True),
        ("https://esc/\\x41", "https://esc/A", False),
        ("one.example", "one.example", False),
        ("two.example", "two.example", False),
    ]


def test_anchored_and_tagged_scalar() -> None:
    text = f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: !!str &u '{OLD}'\n"
    (s,) = parse(text, "compose.yml").settings
    assert s.raw == OLD and s.editable


def test_y8_long_line() -> None:
    url = "https://old.example/" + "p" * 250 + "/simple"
    (s,) = parse(f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: {url}\n", "c").settings
    assert s.raw == url


def test_y9_override_tag_and_flow_sequence() -> None:
    text = "services:\n  a:\n    environment: !override [PIP_INDEX_URL=https://a/s, B=1]\n"
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    (s,) = doc.settings
    assert s.raw == "https://a/s" and s.removal is None  # flow style: no line removal


def test_y10_crlf() -> None:
    text = (
        "services:\r\n  a:\r\n    image: python\r\n    environment:\r\n"
        f"      - PIP_INDEX_URL={OLD}\r\n"
    )
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    (s,) = doc.settings
    # the only entry goes with its key
    assert cut(text, s) == "services:\r\n  a:\r\n    image: python\r\n"


def test_y11_tab_after_colon_is_a_parse_problem() -> None:
    doc = parse("services:\n  a:\n    image:\tpython\n", "compose.yml")
    (p,) = doc.problems
    assert p.blocks_fix and "YAML parse error" in p.message
    assert LineIndex(doc.text).line_col(p.offset)[0] == 3


def test_y12_flow_mapping_build_args() -> None:
    text = f"services:\n  a:\n    build: {{args: {{PIP_INDEX_URL: {OLD}}}}}\n"
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    (s,) = doc.settings
    assert (s.raw, s.method, s.removal) == (OLD, Method.COMPOSE_ARG, None)


@pytest.mark.parametrize("text", ["a: " + "[" * 5000 + "]" * 5000 + "\n", "- " * 5000 + "x\n"])
def test_y13_too_deeply_nested(text: str) -> None:
    parse("a: 1\n", "compose.yml")  # load the YAML library first
    assert calls(parse, text, "compose.yml") < 400_000  # depth-limited: linear, never quadratic
    doc = parse(text, "compose.yml")
    assert [p.message for p in doc.problems] == ["too deeply nested: not read"]


def test_recursive_anchor_terminates() -> None:
    doc = parse("services: &s\n  a:\n    environment: *s\n", "compose.yml")
    assert doc.settings == []


def test_uv_variables() -> None:
    text = (
        "services:\n  a:\n    environment:\n"
        "      UV_DEFAULT_INDEX: https://d/simple\n"
        "      UV_INDEX: pytorch=https://download.pytorch.org/whl/cpu https://e/simple\n"
    )
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    assert [(s.kind, s.tool, s.raw) for s in doc.settings] == [
        (K.INDEX, Tool.UV, "https://d/simple"),
        (K.EXTRA_INDEX, Tool.UV, "https://download.pytorch.org/whl/cpu"),
        (K.EXTRA_INDEX, Tool.UV, "https://e/simple"),
    ]


def test_comments_outside_scalars_only() -> None:
    text = (
        "# pipsrc: ignore[PS101] top\nservices:\n  a:\n    environment:\n"
        "      PIP_INDEX_URL: 'https://h/s # not a comment'  # real\n"
    )
    doc = parse(text, "compose.yml")
    assert [(c.text, c.own_line) for c in doc.comments] == [
        (" pipsrc: ignore[PS101] top", True),
        (" real", False),
    ]


def test_no_final_newline() -> None:
    text = f"services:\n  a:\n    image: python\n    environment:\n      PIP_INDEX_URL: {OLD}"
    doc = parse(text, "compose.yml")
    (s,) = doc.settings
    assert s.span.end == len(text) and cut(text, s) == "services:\n  a:\n    image: python\n"


def test_empty_document() -> None:
    for text in ("", "\n", "# c\n", "---\n...\n"):
        doc = parse(text, "compose.yml")
        assert doc.settings == [] and doc.problems == []


# --- property tests -----------------------------------------------------------

_VAL = st.sampled_from(
    [OLD, "'https://q/s'", '"https://d/s"', "${V:-https://def/s}", "$$X", "https://a/s https://b/s"]
)


@st.composite
def _compose(draw: st.DrawFn) -> str:
    out = ["services:"]
    for name in draw(st.lists(st.sampled_from(["a", "b", "web"]), unique=True, max_size=3)):
        out.append(f"  {name}:")
        key = draw(st.sampled_from(["environment", "build"]))
        name_ = draw(st.sampled_from(["PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_INDEX"]))
        value = draw(_VAL)
        head = "    environment:" if key == "environment" else "    build:\n      args:"
        indent = "      " if key == "environment" else "        "
        out.append(head)
        if draw(st.booleans()):
            out.append(f"{indent}{name_}: {value}")
        else:
            inner = value.strip("'\"")
            out.append(
                f'{indent}- "{name_}={inner}"' if '"' in value else f"{indent}- {name_}={inner}"
            )
    return "\n".join(out) + "\n"


@given(_compose(), st.sampled_from(["\n", "\r\n"]))
def test_generated_documents_spans_slice_to_raw(body: str, nl: str) -> None:
    doc = parse(body.replace("\n", nl), "compose.yml")
    assert_spans(doc)
    assert doc.problems == []
    assert len(doc.settings) >= body.count("PIP_") + body.count("UV_")


@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#$ \t\n\r=\\")), max_size=60))
def test_never_raises_on_noise(text: str) -> None:
    assert_spans(parse(text, "compose.yml"))


@given(st.text(max_size=80))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    assert_spans(parse(text, "compose.yml"))


# -- sibling insertions (PS202: add PIP_TRUSTED_HOST next to an http index) -------


def with_sibling(text: str, s: Setting, value: str = "mirror.example") -> str:
    assert s.sibling is not None
    at = s.sibling.offset
    return text[:at] + s.sibling.render(value) + text[at:]


def reparsed_trusted(text: str) -> list[tuple[str | None, Method, str]]:
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    assert doc.fixable
    return [(s.value, s.method, s.scope) for s in doc.settings if s.kind is K.TRUSTED_HOST]


HTTP = "http://mirror.example/simple"
ENV = "services:\n  a:\n    environment:\n"


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
def test_sibling_map_form_after_entry_same_indent(nl: str) -> None:
    text = nl.join(
        [
            "services:",
            "  app:",
            "    environment:",
            f"      PIP_INDEX_URL: {HTTP}  # the mirror",
            "      OTHER: 1",
            "",
        ]
    )
    (s,) = parse(text, "compose.yml").settings
    assert s.sibling is not None and s.sibling.nl == nl
    got = with_sibling(text, s)
    assert got == nl.join(
        [
            "services:",
            "  app:",
            "    environment:",
            f"      PIP_INDEX_URL: {HTTP}  # the mirror",
            "      PIP_TRUSTED_HOST: mirror.example",
            "      OTHER: 1",
            "",
        ]
    )
    assert reparsed_trusted(got) == [("mirror.example", Method.COMPOSE_ENV, "service:app")]


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
@pytest.mark.parametrize(
    ("item", "added"),
    [
        (f"- PIP_INDEX_URL={HTTP}", "- PIP_TRUSTED_HOST=mirror.example"),
        (f'-   "PIP_INDEX_URL={HTTP}"', '-   "PIP_TRUSTED_HOST=mirror.example"'),
        (f"- 'PIP_EXTRA_INDEX_URL={HTTP}' # c", "- 'PIP_TRUSTED_HOST=mirror.example'"),
    ],
)
def test_sibling_list_form_same_dash_and_quotes(nl: str, item: str, added: str) -> None:
    text = f"services:{nl}  app:{nl}    build:{nl}      args:{nl}        {item}{nl}  b:{nl}"
    (s,) = parse(text, "compose.yml").settings
    got = with_sibling(text, s)
    assert got == text.replace(f"{item}{nl}", f"{item}{nl}        {added}{nl}")
    assert reparsed_trusted(got) == [("mirror.example", Method.COMPOSE_ARG, "service:app")]


def test_sibling_last_line_without_line_ending() -> None:
    text = f"services:\r\n  a:\r\n    environment:\r\n      PIP_INDEX_URL: {HTTP}"
    (s,) = parse(text, "compose.yml").settings
    got = with_sibling(text, s)
    assert got == text + "\r\n      PIP_TRUSTED_HOST: mirror.example"
    assert reparsed_trusted(got) == [("mirror.example", Method.COMPOSE_ENV, "service:a")]


def test_sibling_quoted_key_and_value_on_next_line() -> None:
    text = f'x-env:\n  environment:\n    "PIP_INDEX_URL":\n      "{HTTP}"\n    A: b\n'
    (s,) = parse(text, "compose.yml").settings
    got = with_sibling(text, s)
    assert got == text.replace("    A: b\n", '    "PIP_TRUSTED_HOST": mirror.example\n    A: b\n')
    assert reparsed_trusted(got) == [("mirror.example", Method.COMPOSE_ENV, "file")]


def test_sibling_list_of_two_urls_shared_by_items() -> None:
    text = f"services:\n  a:\n    environment:\n      - PIP_EXTRA_INDEX_URL={HTTP} http://b/s\n"
    a, b = parse(text, "compose.yml").settings
    assert a.sibling == b.sibling and a.sibling is not None
    assert with_sibling(text, a).endswith("http://b/s\n      - PIP_TRUSTED_HOST=mirror.example\n")


@pytest.mark.parametrize(
    "text",
    [
        # flow styles
        f"services:\n  a:\n    environment: {{PIP_INDEX_URL: {HTTP}}}\n",
        f"services:\n  a:\n    environment: [PIP_INDEX_URL={HTTP}]\n",
        f"services:\n  a:\n    environment:\n      {{PIP_INDEX_URL: {HTTP}}}\n",
        # block scalars
        f"services:\n  a:\n    environment:\n      PIP_INDEX_URL: |\n        {HTTP}\n",
        f"services:\n  a:\n    environment:\n      - >-\n        PIP_INDEX_URL={HTTP}\n",
        # a trusted host is already there (before or after; plain or quoted; merged)
        f"{ENV}      PIP_TRUSTED_HOST: x\n      PIP_INDEX_URL: {HTTP}\n",
        f"{ENV}      - PIP_INDEX_URL={HTTP}\n      - 'PIP_TRUSTED_HOST=x'\n",
        f"{ENV}      - PIP_INDEX_URL={HTTP}\n      - PIP_TRUSTED_HOST\n",
        "x-e: &e\n  PIP_TRUSTED_HOST: x\nservices:\n  a:\n    environment:\n"
        f"      <<: *e\n      PIP_INDEX_URL: {HTTP}\n",
        # uv names: no pip trusted-host
        f"services:\n  a:\n    environment:\n      UV_INDEX_URL: {HTTP}\n",
        f"services:\n  a:\n    environment:\n      - UV_DEFAULT_INDEX={HTTP}\n",
    ],
)
def test_no_sibling(text: str) -> None:
    doc = parse(text, "compose.yml")
    assert_spans(doc)
    urls = [s for s in doc.settings if s.kind in (K.INDEX, K.EXTRA_INDEX)]
    assert urls, doc.settings
    assert all(s.sibling is None for s in urls)


def test_no_sibling_for_trusted_host_or_no_index() -> None:
    text = "services:\n  a:\n    environment:\n      PIP_TRUSTED_HOST: x\n      PIP_NO_INDEX: 1\n"
    doc = parse(text, "compose.yml")
    assert len(doc.settings) == 2 and all(s.sibling is None for s in doc.settings)


def test_one_sibling_point_per_mapping_so_two_http_indexes_add_one_key() -> None:
    text = (
        "services:\n  a:\n    build:\n      args:\n"
        f"        PIP_INDEX_URL: {HTTP}\n        X: 1\n        PIP_EXTRA_INDEX_URL: {HTTP}\n"
    )
    idx, extra = parse(text, "compose.yml").settings
    assert idx.sibling == extra.sibling and idx.sibling is not None
    got = with_sibling(text, extra)
    assert got == text.replace("X: 1\n", "PIP_TRUSTED_HOST: mirror.example\n        X: 1\n")
    assert reparsed_trusted(got) == [("mirror.example", Method.COMPOSE_ARG, "service:a")]
    # once the key exists, no further insertion is offered (no duplicate key)
    assert all(s.sibling is None for s in parse(got, "compose.yml").settings)


def test_sibling_point_skips_an_entry_that_cannot_take_one() -> None:
    text = f"{ENV}      - >-\n        PIP_INDEX_URL={HTTP}\n      - PIP_EXTRA_INDEX_URL={HTTP}\n"
    block, plain = parse(text, "compose.yml").settings
    assert block.sibling == plain.sibling and plain.sibling is not None
    assert with_sibling(text, block).endswith(
        f"- PIP_EXTRA_INDEX_URL={HTTP}\n      - PIP_TRUSTED_HOST=mirror.example\n"
    )
