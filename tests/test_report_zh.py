"""The Chinese report is Chinese throughout: no English sentence outside code, URLs and
rule codes, finding messages included (pipsrc.report.messages)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipsrc.api import check_text
from pipsrc.report.messages import message
from tests.test_rule_examples import CASES, _cli, _policy

FIXTURES = Path(__file__).parent.parent / "fixtures"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s`（）：；，。、\"]+")
RULE = re.compile(r"\bPS\d{3}\b")
# three or more ASCII words in a row (spaces or ASCII punctuation between them): a sentence
RUN = re.compile(r"[A-Za-z][\w'’-]*(?:[ \t,;:()]+[A-Za-z][\w'’-]*){2,}")
LABEL = re.compile(r'"([^"\n]*)"')


def english_left(markdown: str) -> list[str]:
    """The runs of English words a reader of ``markdown`` would see: outside fenced code
    (a mermaid block's labels are read, they are the picture's text), code spans, URLs
    and rule codes."""
    prose_parts = [FENCE.sub("", markdown)]
    for m in FENCE.finditer(markdown):
        if m.group(1) == "mermaid":
            prose_parts += LABEL.findall(m.group(2))
            prose_parts += [ln for ln in m.group(2).splitlines() if ln.startswith("pie title")]
    out = []
    for part in prose_parts:
        for line in part.splitlines():
            bare = RULE.sub(" ", URL.sub(" ", CODE_SPAN.sub(" ", line)))
            bare = bare.replace("pie title", " ")
            out += [m.group(0) for m in RUN.finditer(bare)]
    return out


def test_the_checker_finds_english() -> None:
    assert english_left("| PS101 | 错误 | index is not the policy index |") == [
        "index is not the policy index"
    ]
    assert english_left("见 `pip install -r x` 与 https://a.example/a?b=c（d e）") == []
    assert english_left('```mermaid\nflowchart LR\n    a["the policy index"]\n```\n')
    assert english_left("```dockerfile\nRUN pip install flask now\n```\n") == []


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.glob("*/report.zh.md")), ids=lambda p: p.parent.name
)
def test_zh_golden_report_has_no_english_sentence(path: Path) -> None:
    assert english_left(path.read_text(encoding="utf-8")) == []


def _example_messages(tmp: Path) -> list[str]:
    out: set[str] = set()
    for case in CASES:
        _rule, ex, _kind = case.values
        policy = _policy(ex, tmp)
        out.update(f.message for f in check_text(ex.text, ex.path, policy, cli_index=_cli(ex)))
    return sorted(out)


def test_every_message_of_the_rule_examples_is_worded_in_chinese(tmp_path: Path) -> None:
    messages = _example_messages(tmp_path)
    assert len(messages) > 50
    missing = [m for m in messages if english_left(f"| {message(m, 'zh')} |")]
    assert missing == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "index https://pypi.tuna.tsinghua.edu.cn/simple is not the policy index "
            "https://mirrors.aliyun.com/pypi/simple/",
            "索引 https://pypi.tuna.tsinghua.edu.cn/simple 不是策略镜像源 "
            "https://mirrors.aliyun.com/pypi/simple/",
        ),
        (
            "https://pypi.douban.com/simple/ is a legacy address of Douban; use "
            "https://pypi.doubanio.com/simple/",
            "https://pypi.douban.com/simple/ 是豆瓣的旧地址；请使用 https://pypi.doubanio.com/simple/",
        ),
        (
            "index-url: inline comment becomes part of the value",
            "`index-url`：行内注释会成为值的一部分",
        ),
        ("something pipsrc has never said", "something pipsrc has never said"),
    ],
)
def test_message_templates(english: str, chinese: str) -> None:
    assert message(english, "zh") == chinese
    assert message(english, "en") == english


def test_files_not_checked_are_explained_in_chinese(tmp_path: Path) -> None:
    """A binary file, one that is not UTF-8 or GB18030, and a file too deeply nested: the
    zh report's "files not checked" section says why, in Chinese."""
    from pipsrc.engine.run import check
    from pipsrc.policy import Policy
    from pipsrc.report import report

    (tmp_path / "requirements.txt").write_bytes(b"-i https://pypi.org/simple\n\x00flask\n")
    (tmp_path / "Dockerfile").write_bytes(b"FROM python:3.12\nRUN pip install \xff\xfe\x81\n")
    (tmp_path / "build.sh").write_text("pip install -i https://pypi.org/simple x\n")
    result = check([str(tmp_path)], Policy().with_index("aliyun"))
    text = report(result, "zh")
    assert "二进制文件" in text or "不是有效的" in text or "既不是 UTF-8" in text, text
    assert english_left(text) == []
