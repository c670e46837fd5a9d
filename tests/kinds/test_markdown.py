"""Markdown pages: read only with --include-docs, reported, never fixed."""

from __future__ import annotations

from pathlib import Path

from pipsrc import kinds
from pipsrc.discover import discover
from pipsrc.engine import run
from pipsrc.policy import Policy
from tests.cliutil import invoke
from tests.kinds.spans import assert_spans, one

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
PAGE = (
    f"# x\n\n```console\n$ pip install -i {TUNA} a\nCollecting a\n```\n\n"
    f"```ini\n[global]\nindex-url = {TUNA}\n```\n"
)


def test_blocks_located_with_offsets_in_the_page() -> None:
    doc = kinds.parse("markdown", PAGE, "README.md")
    assert_spans(doc)
    cli = one(doc, key="-i")
    assert cli.raw == TUNA and not cli.editable and cli.removal is None
    conf = one(doc, key="index-url")
    assert PAGE[: conf.span.start].count("\n") == 9 and not conf.editable
    assert not doc.sites  # an example, not an install: no PS104


def test_markdown_is_not_read_without_the_opt_in(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(PAGE, encoding="utf-8")
    assert discover([str(tmp_path)], str(tmp_path))[0] == []
    assert [c.kind for c in discover([str(tmp_path)], str(tmp_path), docs=True)[0]] == ["markdown"]
    policy = Policy().with_index("aliyun")
    assert run.check([str(tmp_path)], policy, cli_index=True).files == []
    result = run.fix([str(tmp_path)], policy, cli_index=True, docs=True)
    assert [f.code for f in result.findings] == ["PS101", "PS101"]
    assert all("never edited" in f.message and f.fix is None for f in result.findings)
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == PAGE
    with_policy = Policy(include_docs=True).with_index("aliyun")
    assert len(run.check([str(tmp_path)], with_policy, cli_index=True).findings) == 2


def test_block_kinds_and_what_is_left_alone() -> None:
    page = (
        "```dockerfile\nFROM python:3.12\nENV PIP_INDEX_URL=https://a.example/simple\n```\n"
        '```toml\n[tool.uv]\nindex-url = "https://b.example/simple"\n```\n'
        "```text\n-i https://c.example/simple\n-r other.txt\n```\n"
        "```python\nos.environ['PIP_INDEX_URL'] = 'https://d.example/simple'\n```\n"
        "~~~bash\n# pipsrc: ignore[PS101] example\nexport PIP_INDEX_URL=https://e.example/simple\n~~~\n"
    )
    doc = kinds.parse("markdown", page, "docs/a.md")
    assert_spans(doc)
    hosts = sorted(s.raw.split("/")[2] for s in doc.settings)
    assert hosts == ["a.example", "b.example", "c.example", "e.example"]
    assert not doc.includes and len(doc.comments) == 1


def test_opt_in_from_the_command_line_the_environment_and_the_policy(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(PAGE, encoding="utf-8")
    base = ["check", "--no-color", "--format", "concise", "--mirror", "aliyun", str(tmp_path)]
    assert "README.md" not in invoke(base).output
    for args, env in (
        (["--include-docs"], None),
        ([], {"PIPSRC_INCLUDE_DOCS": "1"}),
    ):
        result = invoke([*base[:-1], *args, base[-1]], env=env)
        assert result.exit_code == 1 and result.output.count("README.md") == 2, result.output
    # a page given by name is not read without the opt-in either: said, and a usage error
    alone = invoke(["check", "--mirror", "aliyun", str(tmp_path / "README.md")])
    assert alone.exit_code == 2 and "not a file kind" in alone.output, alone.output
    (tmp_path / "pipsrc.toml").write_text("include-docs = true\n", encoding="utf-8")
    assert invoke(base).output.count("README.md") == 2
