"""Known classes of disagreement between the real clients and pipsrc (for messages only).

When a comparison fails, :func:`suspects` names the classes whose ingredients the scenario
contains, so the failure message can point at the likely cause (docs: /work/notes and the
module docstrings of analysis.py). This never decides whether a test passes: the real
client's answer against pipsrc's answer does. The minimiser (minimize.py) shrinks first the
disagreements that no class explains.
"""

from __future__ import annotations

from typing import Any

from tests.oracle.scenario import PIP_ENV, UV_ENV, Scenario

CLASSES: dict[str, str] = {
    "no-site": "`uv pip compile`, `uv sync` and `uv lock` are not install sites for pipsrc",
    "uv-config": "pipsrc does not read uv configuration (uv.toml, [tool.uv], [tool.uv.pip], "
    "[[tool.uv.index]], ~/.config/uv/uv.toml, /etc/uv/uv.toml)",
    "extras": "pipsrc reports one index, not the ordered list (extra indexes are not modelled)",
    "conf-without-index": "a pip.conf written by the script without index-url makes pipsrc's "
    "answer 'unresolved' instead of looking further (pypi.org or an earlier setting)",
    "levels": "pipsrc takes the config written last, not pip's level order "
    "(global < ~/.pip < ~/.config/pip < site < PIP_CONFIG_FILE)",
    "sections": "pipsrc ignores pip.conf sections: [install] is read by pip download/wheel; "
    "a command section beats [global] at any level",
    "pip-config-file": "PIP_CONFIG_FILE is not modelled (an existing file suppresses the user "
    "files, /dev/null disables all files, the named file is not followed)",
    "req-i-vs-cli": "for pip a requirements/constraints file's -i replaces the CLI's -i; "
    "pipsrc lets the CLI win",
    "req-order": "with several requirements/constraints files, pip's last-read file's -i wins "
    "(constraints are read before requirements); pipsrc takes the first in command-line order",
    "uv-precedence": "uv ranks default-index sources by kind, not position: "
    "--default-index/UV_DEFAULT_INDEX beat --index-url/UV_INDEX_URL (UV_DEFAULT_INDEX even "
    "beats a command-line -i); the environment beats a requirements file's -i; pipsrc uses "
    "CLI > requirements > environment and the last one written",
    "empty-no-index": "an empty or false PIP_NO_INDEX (as a VAR=x prefix) is taken as --no-index",
    "nested": "index options in a nested -r/-c file (or a later file) are not followed",
    "no-index": "--no-index from a requirements file, PIP_NO_INDEX or pip.conf is not seen",
    "and-list-write": "a pip.conf written by `mkdir -p DIR && printf ... > FILE` is not seen "
    "(tree-sitter-bash attaches the redirect to the whole && list)",
    "var-path": "a pip.conf written to a path with a variable ($VIRTUAL_ENV/pip.conf, "
    "$HOME/...) is not seen",
    "prefix-tool": "a VAR=x prefix of the other tool (PIP_* before uv, UV_* before pip) is "
    "taken as the index",
}


def _conf_keys(s: Scenario) -> list[tuple[str, str, bool]]:
    """(level, section, sets index-url) for every pip config source of the scenario."""
    out = [(c.level, c.section, c.index is not None) for c in s.pipconfs]
    for cs in s.config_sets:
        section, _, key = cs.key.partition(".")
        out.append((cs.flag or "default", section, key == "index-url"))
    return out


def suspects(s: Scenario, real: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    """The classes whose ingredients ``s`` contains (see CLASSES)."""
    out: list[str] = []
    pip = s.tool == "pip"
    if s.command in ("uv pip compile", "uv sync", "uv lock") and "error" in mine:
        out.append("no-site")
    if not pip and s.uv:
        out.append("uv-config")
    if s.full_list and "indexes" not in mine:
        out.append("extras")
    confs = _conf_keys(s)
    if (
        pip
        and any(not has_index for _, _, has_index in confs)
        and "unresolved" in str(mine.get("index"))
    ):
        out.append("conf-without-index")
    if pip and len([c for c in confs if c[2]]) >= 2:
        out.append("levels")
    if pip and any(section != "global" for _, section, _ in confs):
        out.append("sections")
    if pip and s.config_file is not None:
        out.append("pip-config-file")
    cli_i = any(f in ("-i", "--index-url") for f, _ in s.flags)
    req_i = any(o in ("-i", "--index-url") for r in s.reqs for o, _ in r.options)
    if pip and cli_i and req_i:
        out.append("req-i-vs-cli")
    nested = [r for r in s.reqs if r.path == "requirements/base.txt"]
    nested += [r for r in s.reqs if r.path == "constraints.txt"
               and ("-c", "constraints.txt") not in s.flags]  # fmt: skip
    if any(o in ("-i", "--index-url", "--no-index") for r in nested for o, _ in r.options):
        out.append("nested")
    reqs_i = [r for r in s.reqs if any(o in ("-i", "--index-url") for o, _ in r.options)]
    if pip and len(reqs_i) >= 2:
        out.append("req-order")
    if not pip:
        cli = {f for f, _ in s.flags} & {"-i", "--index-url", "--default-index"}
        env = {e.name for e in s.env if not e.empty} & {"UV_INDEX_URL", "UV_DEFAULT_INDEX"}
        sources = len(cli) + len(env) + (1 if reqs_i else 0)
        if sources >= 2:
            out.append("uv-precedence")
    if any(
        e.name == "PIP_NO_INDEX" and e.how == "prefix" and (e.empty or e.raw in ("0", "false"))
        for e in s.env
    ):
        out.append("empty-no-index")
    if real.get("no_index") != mine.get("no_index"):
        no_idx = any(o == "--no-index" for r in s.reqs for o, _ in r.options)
        no_idx |= any(e.name == "PIP_NO_INDEX" and not e.empty for e in s.env)
        no_idx |= any(c.no_index for c in s.pipconfs)
        if no_idx:
            out.append("no-index")
    if pip and any(c.level == "site" for c in s.pipconfs):
        out.append("var-path")
    if pip and any(c.writer == "mkdir&&printf" for c in s.pipconfs):
        out.append("and-list-write")
    other = UV_ENV if pip else PIP_ENV
    if any(e.how == "prefix" and e.name in other and not e.empty for e in s.env):
        out.append("prefix-tool")
    return out
