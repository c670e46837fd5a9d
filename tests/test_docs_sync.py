"""The rule pages in rules/ and the README table are generated from the code."""

from __future__ import annotations

from pathlib import Path

from pipsrc.docs import pages, rule_table

ROOT = Path(__file__).resolve().parent.parent


def test_rule_pages_in_sync() -> None:
    stale = [
        name
        for name, text in pages().items()
        if not (ROOT / "rules" / name).is_file()
        or (ROOT / "rules" / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"regenerate with `python -m pipsrc.docs rules`: {stale}"
    extra = {p.name for p in (ROOT / "rules").iterdir()} - set(pages())
    assert not extra, f"pages for rules that do not exist: {extra}"


def test_readme_rule_table_in_sync() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert rule_table() in readme, "README rule table is stale: paste `pipsrc.docs.rule_table()`"
