"""The report's mermaid pictures: mermaid's own parser accepts every block, labels are
escaped, values are redacted.

mermaid's parser runs in node (tests/mermaid/parse.mjs) with the npm packages of
tests/mermaid/package.json: CI installs them with ``npm install --prefix tests/mermaid``
(no network when the tests run). ``PIPSRC_MERMAID_MODULES`` names another node_modules.
Without node or the packages the parser tests skip, saying why; with
``PIPSRC_REQUIRE_MERMAID=1`` (CI) they fail instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipsrc.model import Method, SettingKind
from pipsrc.report import render
from pipsrc.report.facts import FileFacts, ReportFacts, SettingRow, SiteRow
from pipsrc.report.mermaid import MAX_SETTINGS, flowchart, label, pie

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures"
SCRIPT = HERE / "mermaid" / "parse.mjs"
BLOCK = re.compile(r"^```mermaid\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SECRET = "SENTINEL0123456789abcdef"
HOSTILE = [
    'https://h.example/sim"ple/?a=1&b=<x>#frag;x',
    "https://h.example/a]b)c}d--> X[evil] %% comment",
    "https://h.example/`tick`/#quot;/simple",
    f"https://user:{SECRET}@secret.example/simple/",
]


def _modules() -> Path | None:
    named = os.environ.get("PIPSRC_MERMAID_MODULES")
    path = Path(named) if named else HERE / "mermaid" / "node_modules"
    ok = (path / "mermaid" / "package.json").is_file() and (path / "jsdom").is_dir()
    return path if ok else None


def _parse(sources: list[str]) -> list[dict[str, object]]:
    node, modules = shutil.which("node"), _modules()
    if node is None or modules is None:
        why = (
            "node is not installed"
            if node is None
            else (
                "mermaid's npm packages are not installed: npm install --prefix tests/mermaid "
                "(or set PIPSRC_MERMAID_MODULES to a node_modules holding mermaid and jsdom)"
            )
        )
        if os.environ.get("PIPSRC_REQUIRE_MERMAID"):
            pytest.fail(why)
        pytest.skip(why)
    proc = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(sources), capture_output=True, text=True,
        env={**os.environ, "PIPSRC_MERMAID_MODULES": str(modules)}, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result: list[dict[str, object]] = json.loads(proc.stdout)
    return result


def _hostile_facts() -> ReportFacts:
    files = []
    for n, url in enumerate(HOSTILE, 1):
        settings = [
            SettingRow(n, SettingKind.INDEX, 'PIP_"INDEX"_URL', url, Method.ENV, False, False,
                       False),
            SettingRow(n + 1, SettingKind.EXTRA_INDEX, "--extra-index-url",
                       "https://download.pytorch.org/whl/cu118", Method.CLI, False, False, False),
        ]  # fmt: skip
        site = SiteRow(f'dir "{n}"/[x]#Dockerfile', n, "pip install", "env", url, "other")
        files.append(FileFacts(f'dir "{n}"/[x]#Dockerfile', "dockerfile", settings, 1,
                               site_rows=[site]))  # fmt: skip
    return ReportFacts("check", "https://mirrors.aliyun.com/pypi/simple/", "aliyun", False,
                       False, False, files, [], [])  # fmt: skip


def _blocks(markdown: str) -> list[str]:
    return [m.group(1) for m in BLOCK.finditer(markdown)]


def _goldens() -> list[Path]:
    return sorted(FIXTURES.glob("*/report.*.md"))


def test_every_golden_report_has_both_pictures() -> None:
    for path in _goldens():
        blocks = _blocks(path.read_text(encoding="utf-8"))
        kinds = [b.split(None, 1)[0] for b in blocks]
        assert kinds == ["pie", "flowchart"], path


def test_mermaid_parses_every_block_of_every_golden_report() -> None:
    sources = [(p, b) for p in _goldens() for b in _blocks(p.read_text(encoding="utf-8"))]
    results = _parse([b for _p, b in sources])
    assert len(results) == len(sources)
    for (path, block), result in zip(sources, results):  # noqa: B905 (Python 3.9)
        assert result["ok"], f"{path}: {result}\n{block}"
        assert result["type"] in ("pie", "flowchart-v2"), result


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hostile_labels_parse_and_stay_one_node(lang: str) -> None:
    facts = _hostile_facts()
    markdown = render(facts, lang)
    blocks = _blocks(markdown)
    assert len(blocks) == 2
    assert SECRET not in markdown
    results = _parse(blocks)
    assert all(r["ok"] for r in results), results
    # every line of the flowchart is one of the forms the renderer writes: no label ended
    # early, no node or edge injected from a value
    quoted = r'"[^"\n]*"'
    forms = [
        rf"    f\d+\[{quoted}\]",
        rf"    f\d+ --> s\d+\[{quoted}\]",
        rf"    s\d+ --> i\d+(\[\({quoted}\)\])?",
        r"    classDef (target|vendor|other) [a-z:#0-9,]+",
        r"    class (i\d+,?)+ (target|vendor|other)",
    ]
    flow = blocks[1].splitlines()[1:]
    for line in flow:
        assert any(re.fullmatch(f, line) for f in forms), line


def test_the_parser_catches_a_broken_label() -> None:
    """The check can fail: an unescaped quote inside a label is a parse error."""
    broken = 'flowchart LR\n    f1["a"b"] --> s1["x"]\n'
    unclosed = 'flowchart LR\n    f1["a"] --> (((\n'
    results = _parse([broken, unclosed])
    assert not any(r["ok"] for r in results), results


def test_label_escapes_what_mermaid_reads_in_a_label() -> None:
    assert label('a"b') == '"a#quot;b"'
    assert label("a#quot;b") == '"a#35;quot;b"'
    assert label("<b>&x`") == '"#lt;b#gt;#amp;x#96;"'
    assert label("two\nlines") == '"two lines"'


def test_pie_counts_every_install_command_once() -> None:
    facts = _hostile_facts()
    lines = pie(facts, "en")
    counts = [int(ln.rsplit(":", 1)[1]) for ln in lines[2:-1]]
    assert sum(counts) == len(facts.site_rows)


def test_flowchart_is_capped_and_says_so() -> None:
    url = "https://h.example/simple/"
    settings = [SettingRow(n, SettingKind.INDEX, "-i", url, Method.CLI, False, False, False)
                for n in range(1, MAX_SETTINGS + 5)]  # fmt: skip
    facts = ReportFacts("check", None, None, True, False, False,
                        [FileFacts("big.sh", "shell", settings)], [], [])  # fmt: skip
    lines, truncated = flowchart(facts, "en")
    assert truncated
    assert sum(1 for ln in lines if " --> s" in ln) == MAX_SETTINGS
    assert "the first 60 settings" in render(facts, "en")
