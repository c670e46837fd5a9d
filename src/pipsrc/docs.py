"""Rule documentation generated from the rule classes.

The same text is shown by ``pipsrc rule CODE`` and written to the top-level
``rules/`` folder (one page per code, plus an index) by
``python -m pipsrc.docs rules/``; a test keeps the committed pages in sync.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pipsrc.discover import classify
from pipsrc.rules import ALL_RULES, Rule
from pipsrc.rules.base import Example

# the code-block language of each file kind (pipsrc.kinds.REGISTRY)
_LANG = {
    "dockerfile": "dockerfile",
    "shell": "bash",
    "requirements": "text",
    "pipconf": "ini",
    "compose": "yaml",
    "condarc": "yaml",
    "conda-env": "yaml",
    "github-actions": "yaml",
    "gitlab-ci": "yaml",
    "ci-yaml": "yaml",
    "jenkinsfile": "groovy",
    "makefile": "makefile",
    "dotenv": "dotenv",
    "notebook": "json",
    "markdown": "markdown",
    "tox": "ini",
    "python": "python",
    "project": "toml",
}
# how a rule page names each file kind
KIND_NAMES = {
    "dockerfile": "Dockerfile",
    "shell": "shell script",
    "requirements": "requirements file",
    "pipconf": "pip.conf",
    "compose": "compose file",
    "condarc": ".condarc",
    "conda-env": "conda environment file",
    "github-actions": "GitHub workflow",
    "gitlab-ci": "GitLab CI file",
    "ci-yaml": "Travis/Azure/CircleCI file",
    "jenkinsfile": "Jenkinsfile",
    "makefile": "Makefile",
    "dotenv": ".env file",
    "notebook": "Jupyter notebook",
    "markdown": "Markdown page (--include-docs)",
    "tox": "tox.ini / setup.cfg",
    "python": "Python script",
    "project": "project file (pyproject.toml, Pipfile, uv/pdm/pixi/poetry.toml)",
}


def example_kind(example: Example) -> str | None:
    """The file kind of an example, as pipsrc would classify a file at its path."""
    return classify(example.path, example.text[:128].encode("utf-8", "replace"), docs=True)


def _lang(example: Example) -> str:
    return _LANG.get(example_kind(example) or "", "text")


def _policy_note(ex: Example) -> str:
    given = []
    if ex.proxy:
        given.append(f"`--proxy {ex.proxy}`")
    elif ex.mirror:
        given.append(f"`--mirror {ex.mirror}`")
    if ex.policy:
        lines = " and ".join(f"`{line}`" for line in ex.policy.strip().splitlines())
        given.append(f"{lines} in the policy file")
    return "with " + " and ".join(given) if given else "with no policy"


def kinds_label(rule: type[Rule]) -> str:
    return ", ".join(KIND_NAMES.get(k, k) for k in sorted(rule.kinds, key=_kind_order))


def _kind_order(kind: str) -> int:
    order = list(KIND_NAMES)
    return order.index(kind) if kind in order else len(order)


def _block(title: str, ex: Example, text: str) -> list[str]:
    return [title, "", f"```{_lang(ex)}", text.rstrip("\n"), "```", ""]


def rule_markdown(rule: type[Rule]) -> str:
    out = [f"# {rule.code} {rule.name}", ""]
    out += [f"Severity: {rule.severity.value}. Fix: {_fix_line(rule)}.", ""]
    out += [f"Applies to: {kinds_label(rule)}.", ""]
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
    """The usual applicability of the rule's fixes (tables)."""
    return rule.fix_applicability.value if rule.fix_applicability else "none"


def _fix_line(rule: type[Rule]) -> str:
    """The usual applicability and the others the rule emits in some cases (rule pages)."""
    others = sorted(a.value for a in rule.also)
    if not others:
        return fix_label(rule)
    return f"{fix_label(rule)}; {' or '.join(others)} in some cases (see Fix safety)"


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
    if what.startswith("-"):  # --help, or an option this tool does not have: never a folder
        print("usage: python -m pipsrc.docs [rules [DIR] | hooks]")
        return 0 if what in ("-h", "--help") else 2
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
