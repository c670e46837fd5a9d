"""Hypothesis properties of the conda kinds (.condarc, environment files) under `fix`.

Documents come from a small grammar (channel names and URLs of every provider, quoting
styles, block and flow lists, indentation, comments, CRLF). Invariants: a fix edits only
the values it rewrites (every other character is kept), re-parses, is accepted by conda's
documented schema (tests/kinds/condaschema.py, read with ruamel's safe loader), leaves no
fixable PS6xx finding, and a second fix changes nothing; any text parses without a crash.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipsrc.api import check_text, fix_text
from pipsrc.engine.reading import parse_safely
from pipsrc.model import Document, Tool
from pipsrc.policy import CondaPolicy, Policy
from tests.kinds.condaschema import condarc, environment

TUNA = "https://mirrors.tuna.tsinghua.edu.cn/anaconda"
CHANNELS = (
    "conda-forge",
    "pytorch",
    "defaults",
    "bioconda",
    f"{TUNA}/cloud/conda-forge",
    "https://mirrors.aliyun.com/anaconda/cloud/pytorch/",
    "http://mirrors.aliyun.com/anaconda/pkgs/main",
    "https://mirrors.ustc.edu.cn/anaconda/cloud/bioconda",
    "https://conda.anaconda.org/conda-forge/",
    "https://conda.anaconda.org/nvidia/label/cuda-11.8.0",
    "https://repo.anaconda.com/pkgs/r",
    "https://prefix.dev/conda-forge",
    "https://conda.corp.example/ml",
    "file:///opt/channel",
)
BASES = (
    f"{TUNA}/cloud",
    "https://mirrors.aliyun.com/anaconda/cloud/",
    "https://conda.anaconda.org",
    f"{TUNA}/cloud/conda-forge",
    "https://conda.corp.example",
)
NAMES = ("conda-forge", "pytorch", "bioconda", "nvidia")


def quoted(value: str, q: str) -> str:
    return f"{q}{value}{q}"


quote = st.sampled_from(("", "", "'", '"'))


@st.composite
def channel_list(draw: st.DrawFn, key: str, pool: tuple[str, ...] = CHANNELS) -> str:
    items = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4))
    q = [draw(quote) for _ in items]
    if draw(st.booleans()):
        return f"{key}: [{', '.join(quoted(i, x) for i, x in zip(items, q, strict=True))}]\n"
    indent = draw(st.sampled_from(("", "  ", "    ")))
    comment = draw(st.sampled_from(("", "  # 清华", " # mirror")))
    lines = "".join(f"{indent}- {quoted(i, x)}{comment}\n" for i, x in zip(items, q, strict=True))
    return f"{key}:\n{lines}"


@st.composite
def condarc_doc(draw: st.DrawFn) -> str:
    parts = [draw(channel_list("channels"))]
    if draw(st.booleans()):
        parts.append(draw(channel_list("default_channels")))
    if draw(st.booleans()):
        parts.append(f"channel_alias: {quoted(draw(st.sampled_from(BASES)), draw(quote))}\n")
    if draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
        body = "".join(
            f"  {n}: {quoted(draw(st.sampled_from(BASES)), draw(quote))}\n" for n in names
        )
        parts.append("custom_channels:\n" + body)
    parts.append(draw(st.sampled_from(("", "show_channel_urls: true\n", "# end\n"))))
    parts = draw(st.permutations(parts))
    return _variant(draw, "".join(parts))


@st.composite
def env_doc(draw: st.DrawFn) -> str:
    channels = draw(channel_list("channels", (*CHANNELS, "nodefaults")))
    pip = draw(st.sampled_from(("", "      - -i https://pypi.tuna.tsinghua.edu.cn/simple\n")))
    deps = "dependencies:\n  - python=3.12\n  - conda-forge::numpy\n  - pip\n"
    deps += f"  - pip:\n{pip}      - requests\n" if pip else ""
    return _variant(draw, "name: demo\n" + channels + deps)


def _variant(draw: st.DrawFn, text: str) -> str:
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


POLICY = Policy(conda=CondaPolicy().with_mirror("tuna"))


def masked(doc: Document) -> str:
    """The text with every conda value cut out: what no fix may change."""
    text, out, at = doc.text, [], 0
    for s in sorted((s for s in doc.settings if s.tool is Tool.CONDA and not s.implied),
                    key=lambda s: s.span.start):  # fmt: skip
        if s.span.start < at:
            continue  # an anchor's node read twice
        out.append(text[at : s.span.start])
        at = s.span.end
    return "".join(out) + text[at:]


def fixed_and_checked(text: str, path: str, kind: str) -> str:
    after = fix_text(text, path, POLICY)
    before_doc, after_doc = parse_safely(kind, text, path), parse_safely(kind, after, path)
    assert masked(before_doc) == masked(after_doc)  # only values were edited
    assert after_doc.fixable or not before_doc.fixable
    assert fix_text(after, path, POLICY) == after
    found = check_text(after, path, POLICY)
    left = [f for f in found if f.code.startswith("PS6") and f.applicability == "safe"]
    assert not left, left
    return after


@given(condarc_doc())
def test_condarc_fix_is_local_idempotent_and_schema_valid(text: str) -> None:
    after = fixed_and_checked(text, ".condarc", "condarc")
    if parse_safely("condarc", text, ".condarc").fixable:
        keys = condarc(after.replace("\r\n", "\n"))
        urls = [c for c in keys.get("channels", []) if "://" in c and "corp" not in c]
        assert all(u.startswith((TUNA, "file:")) or "nvidia" in u for u in urls)


@given(env_doc())
def test_environment_fix_is_local_idempotent_and_schema_valid(text: str) -> None:
    after = fixed_and_checked(text, "environment.yml", "conda-env")
    got = environment(after.replace("\r\n", "\n"))
    before = environment(text.replace("\r\n", "\n"))
    assert len(got["channels"]) == len(before["channels"]) and got["pip"] == before["pip"]


@given(st.text(max_size=200), st.sampled_from((".condarc", "environment.yml")))
def test_any_text_parses_without_a_crash(text: str, path: str) -> None:
    kind = "condarc" if path == ".condarc" else "conda-env"
    doc = parse_safely(kind, "channels:\n" + text, path)
    assert all(0 <= s.span.start <= s.span.end <= len(doc.text) for s in doc.settings)
    check_text(doc.text, path, POLICY)


@given(env_doc())
def test_environment_unsafe_fix_lists_nodefaults_once(text: str) -> None:
    after = fix_text(text, "environment.yml", POLICY, unsafe=True)
    assert fix_text(after, "environment.yml", POLICY, unsafe=True) == after
    if parse_safely("conda-env", text, "environment.yml").fixable:
        channels = environment(after.replace("\r\n", "\n"))["channels"]
        before = environment(text.replace("\r\n", "\n"))["channels"]
        had = before.count("nodefaults")
        # a named `defaults` is reported where it is written; nothing is added then
        assert channels.count("nodefaults") == (had if "defaults" in before else max(had, 1))
