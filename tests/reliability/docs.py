"""Generate docs/reliability.md from the catalogue table (``python -m tests.reliability.docs``).

tests/reliability/test_docs.py fails when the page and the table disagree, like
tests/test_docs_sync.py does for the rule pages.
"""

from __future__ import annotations

from pathlib import Path

from tests.reliability.cases import ALL, DEDICATED, NOT_APPLICABLE
from tests.reliability.harness import NEW, OLD, Case

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
GROUPS = {
    "D": "Dockerfile",
    "S": "Shell scripts",
    "R": "Requirements files",
    "P": "pip.conf / pip.ini",
    "Y": "docker-compose YAML",
    "F": "File system, encoding, output",
    "X": "Cases of our own",
}
LABEL = {
    "fix": "fix, byte-exact",
    "error": "located error, not written",
    "skip": "skipped with a warning, not written",
    "report": "reported, not written",
    "clean": "no finding, not written",
}


def _cell(text: str, limit: int = 90) -> str:
    shown = repr(text)[1:-1]
    if len(shown) > limit:
        shown = shown[: limit - 3] + "..."
    shown = shown.replace("|", "\\|")
    return f"`` {shown} ``" if "`" in shown else f"`{shown}`"


def _input(case: Case) -> str:
    if not case.files:
        return "file-system set-up (links, FIFOs)"
    parts = []
    for path, data in case.files.items():
        if len(data) > 400:
            shown = _cell(f"{len(data):,} bytes: {data[:40]!r}...", 100)
        else:
            try:
                shown = _cell(data.decode("utf-8"), 100)
            except UnicodeDecodeError:  # show the bytes themselves (GBK, UTF-16 ...)
                shown = _cell(repr(data)[2:-1], 100).replace("\\\\", "\\")
        parts.append(f"{_cell(path)}: {shown}")
    return "<br>".join(parts)


def _outcome(case: Case) -> str:
    out = f"**{LABEL[case.outcome]}**"
    if case.where:
        out += ": " + "; ".join(_cell(w, 80) for w in case.where)
    if case.absent:
        out += "; never printed: " + ", ".join(_cell(a) for a in case.absent)
    if case.budget < 10:
        out += f"; under {case.budget:g} s"
    return out


def render() -> str:
    lines = [
        "# Reliability catalogue",
        "",
        "Generated from `tests/reliability/cases.py` by `python -m tests.reliability.docs`;",
        "`tests/reliability/test_docs.py` keeps it in sync. Every row is a test that runs the",
        "CLI on the exact input and checks the exact outcome; ids follow the adversarial",
        "catalogue of the reliability notes, `X` rows are our own.",
        "",
        f"Inputs use `{OLD}` as the off-policy index and `--mirror aliyun`.",
        f"*Fix, byte-exact*: usually only that URL becomes `{NEW}`; the test compares every",
        "byte of every file (and of a sibling directory outside the repository) with the",
        "expected bytes in the table, then checks that a second `fix` changes nothing.",
        "*Not written*: the whole tree is byte-identical after",
        "`fix`. *Skipped*: a warning line starting with the path, and a control file elsewhere",
        "is still fixed. No row may print a traceback, and each finishes in its time budget.",
        "",
    ]
    for prefix, title in GROUPS.items():
        cases = [c for c in ALL if c.id.startswith(prefix)]
        dedicated = [d for d in DEDICATED if d.id.startswith(prefix)]
        lines += [f"## {title}", "", "| # | case | input | outcome |", "|---|---|---|---|"]
        lines += [f"| {c.id} | {c.title} | {_input(c)} | {_outcome(c)} |" for c in cases]
        lines += [
            f"| {d.id} | {d.title} | see `tests/reliability/{d.test}` | {d.outcome} |"
            for d in dedicated
        ]
        lines.append("")
    lines += ["## Not applicable", "", "| # | why |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in NOT_APPLICABLE.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE}")
