"""Jupyter notebooks: code cells' shell lines and ``%env`` magics, located through the JSON
string decoding; fixes spliced inside the strings, the JSON byte-identical elsewhere, and
every rewritten notebook valid for nbformat."""

from __future__ import annotations

import json

import nbformat
from hypothesis import given
from hypothesis import strategies as st

from pipsrc import kinds
from pipsrc.api import check_text, fix_text
from pipsrc.kinds.scriptcheck import SAMPLE_URL
from pipsrc.model import Method, SettingKind
from pipsrc.policy import Policy
from pipsrc.syntax import jsonspans
from tests.kinds.spans import assert_spans, one

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"


def notebook(*cells: str, as_list: bool = True, ascii_only: bool = False) -> str:
    """A notebook of code cells (a cell starting with ``md:`` is markdown), as Jupyter
    writes one (``as_list``) or as one string per cell."""
    out = []
    for i, src in enumerate(cells):
        kind = "markdown" if src.startswith("md:") else "code"
        src = src.removeprefix("md:")
        lines = src.splitlines(keepends=True)
        cell: dict[str, object] = {"cell_type": kind, "id": f"c{i}", "metadata": {},
                                   "source": lines if as_list else src}  # fmt: skip
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    meta = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    nb = {"cells": out, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, ensure_ascii=ascii_only) + "\n"


def parse(text: str):  # type: ignore[no-untyped-def]
    doc = kinds.parse("notebook", text, "nb.ipynb")
    assert_spans(doc)
    return doc


def sources(text: str) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(text)["cells"]]


def valid(text: str) -> None:
    """nbformat accepts it, and JSON reads and writes it back the same."""
    nbformat.validate(nbformat.reads(text, as_version=4))
    again = json.loads(text)
    assert json.loads(json.dumps(again)) == again


def test_bang_pip_percent_pip_and_env_magic() -> None:
    text = notebook(
        f"%env PIP_INDEX_URL={TUNA}\nimport os",
        f"!pip install -i {TUNA} numpy\n%pip install --extra-index-url https://pypi.org/simple x",
        "md:!pip install -i https://example.org/simple/ not-code",
    )
    doc = parse(text)
    env = one(doc, method=Method.NOTEBOOK_ENV)
    assert env.key == "PIP_INDEX_URL" and env.value == TUNA and env.editable
    assert text.count(TUNA) == 2
    cli = one(doc, key="-i")
    assert cli.value == TUNA and cli.editable and cli.scope.startswith("cell:2@")
    extra = one(doc, kind=SettingKind.EXTRA_INDEX)
    assert extra.value == "https://pypi.org/simple"
    assert len(doc.sites) == 2  # the markdown cell is not read
    assert not any("example.org" in s.raw for s in doc.settings)


def test_env_magic_reaches_later_cells_only() -> None:
    text = notebook("!pip install a", f"%env PIP_INDEX_URL={ALIYUN}", "!pip install b")
    findings = check_text(text, "nb.ipynb", Policy().with_index("aliyun"), cli_index=True)
    ps104 = [f for f in findings if f.code == "PS104"]
    assert [f.line for f in ps104] == [text[: text.index("!pip install a")].count("\n") + 1]


def test_escapes_map_to_the_file() -> None:
    # a quoted URL, a backslash and non-ASCII text, written with \uXXXX escapes
    src = f'# caf\u00e9 \\ "x"\n!pip install -i "{TUNA}" caf\u00e9 \U0001f600'
    for as_list in (True, False):
        text = notebook(src, as_list=as_list, ascii_only=True)
        doc = parse(text)
        s = one(doc, key="-i")
        assert s.raw == TUNA and s.editable
        fixed = fix_text(text, "nb.ipynb", Policy().with_index("aliyun"), cli_index=True)
        valid(fixed)
        assert sources(fixed) == [src.replace(TUNA, ALIYUN.rstrip("/"))]


def test_url_written_with_an_escape_is_reported_not_fixed() -> None:
    text = notebook(f"!pip install -i {TUNA} x").replace("https://", "https:\\/\\/")
    doc = parse(text)
    s = one(doc, key="-i")
    assert s.value == TUNA and not s.editable
    policy = Policy().with_index("aliyun")
    assert [f.code for f in check_text(text, "nb.ipynb", policy, cli_index=True)] == ["PS101"]
    assert fix_text(text, "nb.ipynb", policy, cli_index=True) == text


def test_fix_is_byte_identical_outside_the_edited_strings() -> None:
    text = notebook(
        f"%env PIP_INDEX_URL={TUNA}\n%env PIP_EXTRA_INDEX_URL=https://pypi.org/simple",
        f"!pip install -i {TUNA} numpy \\\n    --extra-index-url https://pypi.org/simple",
        "print('unchanged')",
    )
    fixed = fix_text(text, "nb.ipynb", Policy().with_index("aliyun"), cli_index=True)
    valid(fixed)
    # the extra index goes with its line (as in a shell script), the cells stay lists
    assert sources(fixed) == [
        f"%env PIP_INDEX_URL={ALIYUN.rstrip('/')}",
        f"!pip install -i {ALIYUN.rstrip('/')} numpy \\\n",
        "print('unchanged')",
    ]
    before, after = json.loads(text), json.loads(fixed)
    for nb in (before, after):
        for c in nb["cells"]:
            c.pop("source")
    assert before == after
    # outside the source arrays, every byte is where it was
    head = text[: text.index('"source"')]
    assert fixed.startswith(head)


def test_shell_cell_and_python_expressions() -> None:
    text = notebook(
        f"%%bash\nexport PIP_INDEX_URL={TUNA}\npip install x",
        "url = 'x'\n!pip install -i {url} y",
    )
    doc = parse(text)
    env = one(doc, key="PIP_INDEX_URL")
    assert env.value == TUNA and env.editable
    dynamic = one(doc, key="-i")
    assert dynamic.value is None and not dynamic.editable
    exe = parse(notebook(f"import sys\n!{{sys.executable}} -m pip install -i {TUNA} x"))
    assert [s.command for s in exe.sites] == ["python -m pip install"]
    assert one(exe, key="-i").editable


def test_pip_config_set_reaches_the_later_cells() -> None:
    text = notebook(f"!pip config set global.index-url {ALIYUN}", "!pip install x")
    findings = check_text(text, "nb.ipynb", Policy().with_index("aliyun"), cli_index=True)
    assert "PS104" not in [f.code for f in findings]


def test_trusted_host_added_as_a_list_item() -> None:
    proxy = "http://devpi.internal:3141/root/pypi/+simple/"
    for cell in (f"%env PIP_INDEX_URL={proxy}", f"%env PIP_INDEX_URL={proxy}\nimport os"):
        for as_list in (True, False):
            text = notebook(cell, "!pip install x", as_list=as_list)
            policy = Policy().with_index(proxy, proxy=True)
            fixed = fix_text(text, "nb.ipynb", policy, cli_index=True)
            valid(fixed)
            first = sources(fixed)[0]
            assert "%env PIP_TRUSTED_HOST=devpi.internal:3141" in first, first
            assert first.startswith(f"%env PIP_INDEX_URL={proxy}\n")


def test_suppression_and_its_removal() -> None:
    cell = "# pipsrc: ignore[PS101] kept\n" + f"%env PIP_INDEX_URL={ALIYUN}"
    for as_list in (True, False):
        text = notebook(cell, as_list=as_list)
        policy = Policy().with_index("aliyun")
        codes = [f.code for f in check_text(text, "nb.ipynb", policy, cli_index=True)]
        assert codes == ["PS901"]
        fixed = fix_text(text, "nb.ipynb", policy, cli_index=True)
        valid(fixed)
        assert sources(fixed) == [f"%env PIP_INDEX_URL={ALIYUN}"]


def test_invalid_json_is_a_located_problem() -> None:
    text = notebook(f"!pip install -i {TUNA} x").replace('"cells"', "cells", 1)
    doc = kinds.parse("notebook", text, "nb.ipynb")
    assert not doc.settings and doc.problems and doc.problems[0].blocks_fix
    assert "not valid JSON" in doc.problems[0].message
    findings = check_text(text, "nb.ipynb", Policy().with_index("aliyun"), cli_index=True)
    assert [(f.code, f.line) for f in findings] == [("PS900", 2)]


def test_other_kernels_are_not_read() -> None:
    text = notebook(f"!pip install -i {TUNA} x").replace('"language": "python"', '"language": "R"')
    assert not parse(text).settings


def test_notebook_without_pip_is_not_parsed() -> None:
    assert not kinds.interesting("notebook", notebook("import pandas as pd\ndf.index"))


# --- the locator, as a property -------------------------------------------------------------

LINES = st.sampled_from(
    [f"!pip install -i {TUNA} x", f"%pip install --index-url={TUNA} y",
     f"%env PIP_INDEX_URL={TUNA}",
     f'!pip install -i "{TUNA}" z', f"!uv pip install --index-url {TUNA} a",
     f"!pip config set global.index-url {TUNA}", "# pipsrc: ignore[PS101] x",
     'print("\\t\u00e9\U0001f600\\\\")', "x = 1", "", "  !pip install q", "!pip install \\"]
)  # fmt: skip


@given(
    st.lists(st.lists(LINES, max_size=5).map("\n".join), min_size=1, max_size=4),
    st.booleans(),
    st.booleans(),
)
def test_locator_property(cells: list[str], as_list: bool, ascii_only: bool) -> None:
    """Every editable setting's span, replaced by a URL in the file, gives the notebook whose
    decoded source has the same replacement, and nothing else changed."""
    text = notebook(*cells, as_list=as_list, ascii_only=ascii_only)
    doc = parse(text)
    for s in doc.settings:
        if not s.editable:
            continue
        edited = text[: s.span.start] + SAMPLE_URL + text[s.span.end :]
        valid(edited)
        old, new = sources(text), sources(edited)
        changed = [i for i in range(len(old)) if old[i] != new[i]]
        assert len(changed) == 1
        i = changed[0]
        assert new[i].count(SAMPLE_URL) == old[i].count(SAMPLE_URL) + 1
        assert new[i].replace(SAMPLE_URL, s.raw, 1) == old[i] or s.raw in old[i]


@given(st.text(max_size=40), st.text(max_size=40))
def test_decode_maps_every_character(value: str, other: str) -> None:
    """A literal's decoded value is json's, and each plain character maps to itself."""
    for ascii_only in (True, False):
        lit = json.dumps(value, ensure_ascii=ascii_only)
        text = json.dumps(other) + ": " + lit
        start = text.index(lit, len(json.dumps(other)))
        decoded, segs = jsonspans.decode(text, start, start + len(lit))
        assert decoded == value
        for log, f, n in segs:
            piece = decoded[log : log + n]
            assert text[f : f + n] == piece or text[f] == "\\"
        assert jsonspans.escape(value) == json.dumps(value, ensure_ascii=False)[1:-1]


def test_every_rewritten_notebook_of_the_examples_and_fixtures_is_valid() -> None:
    """nbformat validates each notebook a rule example or a fixture shows fixed."""
    from pathlib import Path

    from pipsrc.rules import ALL_RULES

    fixed = [ex.fixed for r in ALL_RULES for ex in r.bad if ex.path.endswith(".ipynb")]
    texts = [t for t in fixed if t is not None]
    root = Path(__file__).resolve().parents[2] / "fixtures"
    texts += [p.read_text(encoding="utf-8") for p in root.glob("*/after/**/*.ipynb")]
    assert len(texts) >= 10
    for text in texts:
        valid(text)
