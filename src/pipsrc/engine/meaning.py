"""The meaning check of the fix loop: does a fixed text still mean what the file meant?

Re-parsing a fixed file with its own parser is not enough: a Dockerfile whose ``RUN`` lost
its last flag still parses, but its continuation now swallows the next instruction; a script
whose ``then`` branch lost its only command parses (tree-sitter tolerates it) but bash
refuses it. :func:`why_not` compares the text before a pass of fixes with the text after it
and says why the new one may not be kept, per kind:

- every kind: the file still parses (no new problem that blocks fixing);
- shell programs (a script, each Dockerfile ``RUN`` and its heredoc scripts): each one that
  ``bash -n`` accepted before still passes (tree-sitter's error nodes where bash is missing);
- Dockerfiles: the same instructions in the same order (an ``ENV``/``ARG`` may come or go);
- ``pip config unset KEY``: never left without a ``pip config set KEY`` before it;
- compose files: no ``environment:``/``args:`` (no collection) left empty.

The fix loop (:mod:`pipsrc.engine.fixing`) withholds the fix that fails the check, and only
that one, and says so in its finding.
"""

from __future__ import annotations

import re
from typing import Any

from pipsrc.compat import pairwise, zip_strict
from pipsrc.kinds.dockerfile import LONE_RUNS, singles
from pipsrc.model import Document, Method
from pipsrc.syntax.bashcheck import syntax_error
from pipsrc.syntax.dockerscan import Instr, body_ranges, scan

_SHELLS = re.compile(r"(?:/usr)?(?:/bin/)?(?:ba|da|z|k)?sh(?:\s+-[a-z]+)*\s*")
_FLAGS = re.compile(r"(?:--\S+\s*)*")


def why_not(before: Document, after: Document) -> str | None:
    """Why the fixed ``after`` may not replace ``before``, or None when it may."""
    if before.fixable and not after.fixable:
        problem = next(p for p in after.problems if p.blocks_fix)
        return f"the file would no longer parse ({problem.message})"
    checks = {
        "shell": _shell,
        "notebook": _notebook,
        "dockerfile": _dockerfile,
        "compose": _compose,
    }
    check = checks.get(after.kind)
    why = check(before, after) if check is not None else None
    return why or _unsets(before, after)


# --- shell programs ---------------------------------------------------------------------


def _shell(before: Document, after: Document) -> str | None:
    return _programs([before.text], [after.text], ["the script"])


def _programs(before: list[str], after: list[str], names: list[str]) -> str | None:
    """The first program (paired by position) that parsed before and does not now."""
    for old, new, name in zip(before, after, names):
        if old == new:
            continue
        error = syntax_error(new)
        if error is not None and syntax_error(old) is None:
            return f"{name} would no longer parse ({error})"
    return None


def _notebook(before: Document, after: Document) -> str | None:
    from pipsrc.kinds.notebook import why_not as notebook_why_not

    return notebook_why_not(before.text, after.text)


# --- Dockerfiles -------------------------------------------------------------------------


def _dockerfile(before: Document, after: Document) -> str | None:
    old, new = scan(before.text).instrs, scan(after.text).instrs
    old_kws = [_keyword(before.text, i) for i in old]
    new_kws = [_keyword(after.text, i) for i in new]
    kept_old = [k for k in old_kws if k not in ("ENV", "ARG")]
    kept_new = [k for k in new_kws if k not in ("ENV", "ARG")]
    if kept_old != kept_new:
        lost = [k for k in kept_old if k not in kept_new] or kept_old[len(kept_new) :]
        gained = [k for k in kept_new if k not in kept_old]
        what = f"{', '.join(gained)} would appear" if gained else f"{', '.join(lost)} would go"
        return f"the Dockerfile's instructions would change ({what})"
    old_runs = [p for i, k in zip_strict(old, old_kws) for p in _run_programs(before.text, i, k)]
    new_runs = [p for i, k in zip_strict(new, new_kws) for p in _run_programs(after.text, i, k)]
    names = [f"the RUN on line {line}" for line, _ in new_runs]
    why = _programs([p for _, p in old_runs], [p for _, p in new_runs], names)
    if why is None and _lone_pairs(after.text, new, new_kws) > _lone_pairs(
        before.text, old, old_kws
    ):
        return LONE_RUNS.replace("removing it", "the fix")
    return why


def _lone_pairs(text: str, instrs: list[Instr], kws: list[str]) -> int:
    """How many one-command ``RUN`` instructions follow another (hadolint's DL3059): fixes
    that each keep the count may still raise it together."""
    single = singles(text, instrs, kws)
    return sum(1 for a, b in pairwise(single) if a and b)


def _keyword(text: str, ins: Instr) -> str:
    logical = ins.logical(text).lstrip()
    words = logical.split(None, 2)
    if not words:
        return ""
    kw = words[0].upper()
    if kw == "ONBUILD" and len(words) > 1:
        return f"ONBUILD {words[1].upper()}"
    return kw


def _run_programs(text: str, ins: Instr, kw: str) -> list[tuple[int, str]]:
    """(line, program) of the shell programs a ``RUN`` hands to the shell: its command
    line (with its heredocs), or each heredoc when the command only runs a shell."""
    if kw not in ("RUN", "ONBUILD RUN"):
        return []
    logical = ins.logical(text)
    m = re.match(r"\s*(?:ONBUILD\s+)?RUN\s+", logical, re.IGNORECASE)
    rest = logical[m.end() :] if m else ""
    flags = _FLAGS.match(rest)
    command = rest[flags.end() :] if flags else rest
    if command.lstrip().startswith("["):
        return []  # exec form: no shell
    bodies = [
        "".join(text[a:b] for a, b in body_ranges(text, h.body_start, h.body_end, h.strip_tabs))
        for h in ins.heredocs
    ]
    if not ins.heredocs:
        return [(ins.first_line, command)]
    markers = re.sub(r"\d*<<-?[\"']?[^\s\"'<>|&;]+[\"']?", "", command)
    if not markers.strip() or _SHELLS.fullmatch(markers.strip() + " "):
        return [(ins.first_line, body) for body in bodies]
    docs = "".join(f"{body}\n{h.word}\n" for body, h in zip_strict(bodies, ins.heredocs))
    return [(ins.first_line, f"{command}\n{docs}")]


# --- pip config unset ----------------------------------------------------------------------


def _unsets(before: Document, after: Document) -> str | None:
    old, new = _orphans(before), _orphans(after)
    for key in new:
        if new.count(key) > old.count(key):
            return (
                f"`pip config unset {key}` would run with no `pip config set {key}` before it "
                '(pip fails: "No such key")'
            )
    return None


def _orphans(doc: Document) -> list[str]:
    """Keys of the ``pip config unset`` commands with no ``set`` of that key before them."""
    out = []
    for scope, key, offset in doc.unsets:
        chain = {
            scope,
            *(s.id for s in doc.scopes if s.id != scope and _ancestor(doc, s.id, scope)),
        }
        if not any(
            s.method == Method.PIP_CONFIG
            and s.key == key
            and s.scope in chain
            and s.position < offset
            for s in doc.settings
        ):
            out.append(key)
    return out


def _ancestor(doc: Document, candidate: str, scope: str) -> bool:
    current = doc.scope(scope)
    seen = set()
    while current is not None and current.parent is not None and current.id not in seen:
        seen.add(current.id)
        if current.parent == candidate:
            return True
        current = doc.scope(current.parent)
    return False


# --- compose -------------------------------------------------------------------------------


def _compose(before: Document, after: Document) -> str | None:
    old, new = _collections(before.text), _collections(after.text)
    for path, size in old.items():
        if size and not new.get(path, 1):
            return f"`{path[-1]}:` would be left with nothing under it"
    return None


def _collections(text: str) -> dict[tuple[str, ...], int]:
    """Every mapping key's path in a compose text, with the size of a collection value
    (0 for an empty or null one, 1 for a scalar)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    try:
        roots = list(YAML(typ="rt").compose_all(text))
    except Exception:  # the parse check has said what there is to say
        return {}
    out: dict[tuple[str, ...], int] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[str, ...]]] = [(r, ()) for r in roots if r is not None]
    while stack:
        node, path = stack.pop()
        if id(node) in seen or not isinstance(node, MappingNode):
            continue
        seen.add(id(node))
        for k, v in node.value:
            key = (*path, str(k.value) if isinstance(k, ScalarNode) else "?")
            if isinstance(v, (MappingNode, SequenceNode)):
                out[key] = len(v.value)
                stack.append((v, key))
            else:
                null = isinstance(v, ScalarNode) and str(v.tag).endswith(":null")
                out[key] = 0 if null else 1
    return out
