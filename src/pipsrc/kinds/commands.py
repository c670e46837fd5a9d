"""Compose ``command:`` and ``entrypoint:`` that run a shell: their script read as shell.

A string command is split into words by Compose, not run by a shell, unless it *is* a
shell: ``sh -c 'pip install ... && python app.py'``. The list form names the program and
its arguments: ``["sh", "-c", "script"]``. In both, the script is read by
:func:`pipsrc.kinds.yamlscript.analyze_script`, edits checked by decoding the scalar again.
Compose interpolates ``${VAR}``, ``$VAR`` and ``$$`` in the text first (from the shell or
the project's .env): those are unresolved values here.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from pipsrc.kinds.yamlscript import analyze_script
from pipsrc.model import Scope

_INTERPOLATION = re.compile(r"\$\$|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})


def service_commands(
    walker: Any, service: str, scope_id: str, key: str, node: Any, configured: bool
) -> None:
    """Read one service's ``command``/``entrypoint`` node (see the module's docstring)."""
    script, shell_c = None, False
    if isinstance(node, walker.Scalar):
        script, shell_c = node, True
    elif isinstance(node, walker.Sequence):
        words = [str(x.value) if isinstance(x, walker.Scalar) else "" for x in node.value]
        if len(words) >= 3 and posixpath.basename(words[0]) in _SHELLS and words[1] == "-c":
            script = node.value[2]
    if script is None:
        return
    doc = walker.doc
    sid = f"{scope_id}/{key}"
    scope = Scope(sid, node.start_mark.index, node.end_mark.index, name=service, parent=scope_id,
                  opaque_config=configured)  # fmt: skip
    doc.scopes.append(scope)
    analyze_script(doc, script, {}, scope, masks=(_INTERPOLATION,), shell_c=shell_c)
