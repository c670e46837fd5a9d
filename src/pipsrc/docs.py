"""Rule documentation generated from the rule classes.

The same text is shown by ``pipsrc rule CODE`` and written to the top-level
``rules/`` folder (one page per code, plus an index) by
``python -m pipsrc.docs rules/``; a test keeps the committed pages in sync.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pipsrc.rules import ALL_RULES, Rule
from pipsrc.rules.base import Example

_LANG = {
    "Dockerfile": "dockerfile",
    "build.sh": "bash",
    "pip.conf": "ini",
    "docker-compose.yml": "yaml",
}


def _lang(example: Example) -> str:
    return _LANG.get(example.path, "text")


def _policy_note(ex: Example) -> str:
    if ex.proxy:
        return f"with `--proxy {ex.proxy}`"
    if ex.mirror:
        return f"with `--mirror {ex.mirror}`"
    return "with no policy"


def _block(title: str, ex: Example, text: str) -> list[str]:
    return [title, "", f"```{_lang(ex)}", text.rstrip("\n"), "```", ""]


def rule_markdown(rule: type[Rule]) -> str:
    out = [f"# {rule.code} {rule.name}", ""]
    out += [f"Severity: {rule.severity.value}. Fix: {fix_label(rule)}.", ""]
    out += ["## What it does", "", rule.summary, ""]
    out += ["## Why", "", rule.why, ""]
    out += ["## Fix safety", "", rule.fix_safety, ""]
    if rule.bad:
        out += ["## Example", ""]
        for ex in rule.bad:
            out += _block(f"`{ex.path}`, {_policy_note(ex)}:", ex, ex.text)
            if ex.fixed is not None:
                how = "`pipsrc fix --unsafe-fixes`" if ex.unsafe else "`pipsrc fix`"
                out += _block(f"After {how}:", ex, ex.fixed)
    if rule.good:
        out += ["## Not reported", ""]
        for ex in rule.good:
            out += _block(f"`{ex.path}`, {_policy_note(ex)}:", ex, ex.text)
    out += [
        "## Suppressing it",
        "",
        f"`# pipsrc: ignore[{rule.code}] reason` on the line or the line before.",
        "",
    ]
    return "\n".join(out)


def fix_label(rule: type[Rule]) -> str:
    return rule.fix_applicability.value if rule.fix_applicability else "none"


def index_markdown() -> str:
    out = [
        "# pipsrc rules",
        "",
        "| code | name | severity | fix | what it finds |",
        "|---|---|---|---|---|",
    ]
    for r in ALL_RULES:
        out.append(
            f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity.value} "
            f"| {fix_label(r)} | {r.summary} |"
        )
    return "\n".join(out) + "\n"


def rule_table() -> str:
    """The README's rule table (links into rules/)."""
    out = ["| code | name | fix | what it finds |", "|---|---|---|---|"]
    for r in ALL_RULES:
        out.append(f"| [{r.code}](rules/{r.code}.md) | {r.name} | {fix_label(r)} | {r.summary} |")
    return "\n".join(out) + "\n"


def pages() -> dict[str, str]:
    files = {f"{r.code}.md": rule_markdown(r) for r in ALL_RULES}
    files["README.md"] = index_markdown()
    return files


_FILES_KEY = re.compile(r"^( *)files: (?:&[\w-]+ )?\|\n", re.MULTILINE)
HOOK_FILES = (".pre-commit-hooks.yaml", ".pre-commit-config.yaml")


def with_hook_pattern(text: str) -> str:
    """``text`` (a pre-commit YAML file) with every ``files: |`` block set to the
    pattern the kind registry generates (:func:`pipsrc.kinds.hook_pattern`)."""
    from pipsrc.kinds import hook_pattern

    out, pos = [], 0
    for m in _FILES_KEY.finditer(text):
        indent = " " * (len(m.group(1)) + 2)
        end = m.end()
        while end < len(text) and text.startswith(indent, end):
            nl = text.find("\n", end)
            end = len(text) if nl == -1 else nl + 1
        body = "".join(indent + line + "\n" for line in hook_pattern().splitlines())
        out += [text[pos : m.end()], body]
        pos = end
    return "".join(out) + text[pos:]


def main(argv: list[str]) -> int:
    """``python -m pipsrc.docs rules [DIR]``: the rule pages; ``... hooks``: the hooks'
    ``files:`` patterns in ``.pre-commit-hooks.yaml`` and ``.pre-commit-config.yaml``."""
    what = argv[0] if argv else "rules"
    if what == "hooks":
        for name in HOOK_FILES:
            path = Path(name)
            path.write_text(with_hook_pattern(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    target = Path(argv[1] if len(argv) > 1 else "rules") if what == "rules" else Path(what)
    target.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (target / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
