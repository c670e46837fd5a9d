""".condarc and environment-file locators: exact spans, removals, insertions, problems."""

from __future__ import annotations

import pytest

from pipsrc.kinds.condaenv import parse as parse_env
from pipsrc.kinds.condarc import parse as parse_rc
from pipsrc.model import Document, FileKind, Method, Setting, SettingKind, Tool
from tests.kinds.condaschema import condarc, environment
from tests.kinds.spans import assert_spans, line, one

K = SettingKind
TUNA = "https://mirrors.tuna.tsinghua.edu.cn/anaconda"
ALIYUN = "https://mirrors.aliyun.com/anaconda"


def cut(text: str, s: Setting) -> str:
    assert s.removal is not None
    return text[: s.removal.start] + text[s.removal.end :]


def put(text: str, s: Setting, new: str) -> str:
    return text[: s.span.start] + new + text[s.span.end :]


def test_condarc_every_channel_key() -> None:
    text = (
        "channels:\n  - defaults\n  - conda-forge  # forge\n"
        f"default_channels:\n  - {TUNA}/pkgs/main\n  - '{TUNA}/pkgs/r'\n"
        f"channel_alias: {TUNA}/cloud\n"
        f'custom_channels:\n  pytorch: "{ALIYUN}/cloud"\nshow_channel_urls: true\n'
    )
    doc = parse_rc(text, ".condarc")
    assert doc.kind is FileKind.CONDARC and not doc.problems
    assert_spans(doc, Method.CONDARC)
    assert all(s.tool is Tool.CONDA and s.editable for s in doc.settings)
    assert [(s.kind, s.key, s.value, line(doc, s)) for s in doc.settings] == [
        (K.CHANNEL, "channels", "defaults", 2),
        (K.CHANNEL, "channels", "conda-forge", 3),
        (K.DEFAULT_CHANNEL, "default_channels", f"{TUNA}/pkgs/main", 5),
        (K.DEFAULT_CHANNEL, "default_channels", f"{TUNA}/pkgs/r", 6),
        (K.CHANNEL_ALIAS, "channel_alias", f"{TUNA}/cloud", 7),
        (K.CUSTOM_CHANNEL, "custom_channels.pytorch", f"{ALIYUN}/cloud", 9),
    ]
    forge = one(doc, value="conda-forge")
    assert cut(text, forge).startswith("channels:\n  - defaults\ndefault_channels:")
    alias = one(doc, kind=K.CHANNEL_ALIAS)
    assert "channel_alias" not in cut(text, alias)
    custom = one(doc, kind=K.CUSTOM_CHANNEL)
    new = put(text, custom, f"{TUNA}/cloud")
    assert condarc(new)["custom_channels"] == {"pytorch": f"{TUNA}/cloud"}
    assert [c.text for c in doc.comments] == [" forge"]


def test_condarc_flow_lists_and_crlf() -> None:
    text = f"channels: [conda-forge, '{TUNA}/cloud/pytorch']\r\nchannel_alias: {TUNA}/cloud\r\n"
    doc = parse_rc(text, ".condarc")
    assert_spans(doc)
    forge, torch = (s for s in doc.settings if s.kind is K.CHANNEL)
    assert forge.raw == "conda-forge" and forge.removal is None  # a flow list item stays
    assert torch.value == f"{TUNA}/cloud/pytorch" and torch.editable
    alias = one(doc, kind=K.CHANNEL_ALIAS)
    assert cut(text, alias) == f"channels: [conda-forge, '{TUNA}/cloud/pytorch']\r\n"
    new = put(text, torch, f"{ALIYUN}/cloud/pytorch")
    assert condarc(new)["channels"] == ["conda-forge", f"{ALIYUN}/cloud/pytorch"]


@pytest.mark.parametrize(
    ("value", "editable", "parsed"),
    [
        (f'"{TUNA}/cloud"', True, f"{TUNA}/cloud"),
        (f"'{TUNA}/cloud'", True, f"{TUNA}/cloud"),
        ('"https://x.example/\\u0063loud"', False, "https://x.example/cloud"),
        ("${CONDA_MIRROR}/cloud", False, None),
        (f"&base {TUNA}/cloud", True, f"{TUNA}/cloud"),
    ],
)
def test_condarc_scalar_styles(value: str, editable: bool, parsed: str | None) -> None:
    doc = parse_rc(f"channel_alias: {value}\n", ".condarc")
    assert_spans(doc)
    (s,) = doc.settings
    assert (s.editable, s.value) == (editable, parsed)


def test_condarc_wrong_types_are_problems_at_their_line() -> None:
    text = "channels: conda-forge\ncustom_channels:\n  - x\nchannel_alias: [a]\n"
    doc = parse_rc(text, ".condarc")
    assert not doc.settings
    lines = sorted(text.count("\n", 0, p.offset) + 1 for p in doc.problems)
    assert lines == [1, 3, 4] and not any(p.blocks_fix for p in doc.problems)


def test_condarc_duplicate_key_and_bad_yaml_block_fixes() -> None:
    doc = parse_rc("channels:\n  - a\nchannels:\n  - b\n", ".condarc")
    assert doc.problems and not doc.fixable
    doc = parse_rc("channels:\n  - a\n - b\n", ".condarc")
    assert doc.problems and not doc.fixable and not doc.settings


def test_condarc_anchors_are_read_once() -> None:
    text = f"x: &c\n  - {TUNA}/cloud/conda-forge\nchannels: *c\ndefault_channels: *c\n"
    doc = parse_rc(text, ".condarc")
    assert_spans(doc)
    # the alias shares the anchor's node: one literal, located once per key that uses it
    assert {s.span for s in doc.settings} == {doc.settings[0].span}


def env_doc(text: str) -> Document:
    doc = parse_env(text, "environment.yml")
    assert doc.kind is FileKind.CONDA_ENV
    assert_spans(doc)
    return doc


def test_environment_channels_qualified_specs_and_pip_options() -> None:
    text = (
        "name: demo\nchannels:\n  - pytorch\n  - conda-forge\n"
        "dependencies:\n  - python=3.11\n  - pytorch::pytorch\n"
        f"  - {ALIYUN}/cloud/conda-forge::numpy\n  - pip\n  - pip:\n"
        "      - -i https://pypi.tuna.tsinghua.edu.cn/simple\n"
        "      - --extra-index-url http://pypi.corp.example/simple torch\n"
        "      - requests\n"
    )
    doc = env_doc(text)
    conda = [s for s in doc.settings if s.tool is Tool.CONDA and not s.implied]
    assert [(s.key, s.value) for s in conda] == [
        ("channels", "pytorch"),
        ("channels", "conda-forge"),
        ("dependencies", "pytorch"),
        ("dependencies", f"{ALIYUN}/cloud/conda-forge"),
    ]
    assert all(s.method is Method.CONDA_ENV for s in conda)
    index = one(doc, kind=K.INDEX)
    assert (index.tool, index.method, line(doc, index)) == (Tool.PIP, Method.REQUIREMENTS, 11)
    assert cut(text, index).count("-i ") == 0 and "      - --extra" in cut(text, index)
    extra = one(doc, kind=K.EXTRA_INDEX)
    assert extra.value == "http://pypi.corp.example/simple"
    assert extra.ineffective is None  # pip reads the option; the stray "torch" is dropped
    assert index.sibling is not None
    added = text[: index.sibling.offset] + index.sibling.render("pypi.tuna.tsinghua.edu.cn")
    added += text[index.sibling.offset :]
    assert environment(added)["pip"][1] == "--trusted-host pypi.tuna.tsinghua.edu.cn"
    qualified = one(doc, key="dependencies", value=f"{ALIYUN}/cloud/conda-forge")
    new = put(text, qualified, f"{TUNA}/cloud/conda-forge")
    assert f"{TUNA}/cloud/conda-forge::numpy" in load_deps(new)


def load_deps(text: str) -> list[str]:
    from tests.kinds.condaschema import load

    return [d for d in load(text)["dependencies"] if isinstance(d, str)]


@pytest.mark.parametrize(
    ("channels", "after"),
    [
        ("channels:\n  - conda-forge\n", "channels:\n  - conda-forge\n  - nodefaults\n"),
        ("channels:\n- conda-forge # c\n", "channels:\n- conda-forge # c\n- nodefaults\n"),
        ("channels: [conda-forge]\n", "channels: [conda-forge, nodefaults]\n"),
        ("channels: [conda-forge, ]\n", "channels: [conda-forge, nodefaults, ]\n"),
    ],
)
def test_environment_implied_defaults_and_nodefaults(channels: str, after: str) -> None:
    text = channels + "dependencies:\n  - numpy\n"
    doc = env_doc(text)
    implied = one(doc, implied=True)
    assert (implied.value, implied.raw, implied.editable) == ("defaults", "channels", False)
    assert implied.sibling is not None
    at = implied.sibling.offset
    new = text[:at] + implied.sibling.render("") + text[at:]
    assert new == after + "dependencies:\n  - numpy\n"
    assert environment(new)["channels"][-1] == "nodefaults"
    assert not [s for s in env_doc(new).settings if s.implied]


def test_environment_without_channels_implies_them_at_dependencies() -> None:
    doc = env_doc("name: x\ndependencies:\n  - numpy\n")
    implied = one(doc, implied=True)
    assert implied.raw == "dependencies" and implied.sibling is None


def test_environment_pip_item_with_escapes_is_not_editable() -> None:
    text = 'dependencies:\n  - pip:\n    - "-i https://x.example/\\x73imple"\n'
    (s,) = [s for s in env_doc(text).settings if s.tool is Tool.PIP]
    assert not s.editable and s.value == "https://x.example/simple"


def test_condarc_defaults_gets_room_for_default_channels() -> None:
    text = "# team\r\nchannels:\r\n  - defaults\r\n"
    doc = parse_rc(text, ".condarc")
    (s,) = doc.settings
    assert s.sibling is not None and s.sibling.offset == text.index("channels:")
    new = text[: s.sibling.offset] + s.sibling.render(TUNA) + text[s.sibling.offset :]
    assert condarc(new)["default_channels"] == [f"{TUNA}/pkgs/{c}" for c in ("main", "r", "msys2")]
    assert "\r\n  - " + TUNA in new and "\n  -" not in new.replace("\r\n", "")
    # a file that sets default_channels, or a flow mapping, gets none
    assert (
        parse_rc("channels: [defaults]\ndefault_channels: []\n", ".condarc").settings[0].sibling
        is None
    )
    assert parse_rc("{channels: [defaults]}\n", ".condarc").settings[0].sibling is None
