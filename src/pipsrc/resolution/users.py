"""Who runs a Dockerfile instruction: after ``USER app`` pip reads app's own configuration
file, not the one ``pip config set`` wrote for root before the switch.

``pip config set`` (no flag, or ``--user``) and a written ``~/.config/pip/pip.conf`` are
files of the user who ran them; ``--global``/``--site`` files, ``ENV`` and build arguments
reach every user. A stage starts as the user its base stage ended with (root by default).
"""

from __future__ import annotations

import re

from pipsrc.effective import scope_chain
from pipsrc.model import Document, FileKind, Level, Method, Setting

# `USER name[:group]` at the start of an instruction line
_USER = re.compile(r"^[ \t]*USER[ \t]+([^\s:]+)", re.IGNORECASE | re.MULTILINE)
USER_LEVELS = frozenset({Level.USER, Level.USER_LEGACY, Level.AUTO})
_CONFIG = frozenset({Method.PIP_CONFIG, Method.PIP_CONF})


def user_at(doc: Document, scope_id: str, position: int) -> str:
    """The user a Dockerfile instruction at ``position`` of stage ``scope_id`` runs as."""
    for i, sid in enumerate(scope_chain(doc, scope_id)):
        scope = doc.scope(sid)
        if scope is None:
            continue
        end = position if i == 0 else scope.end
        found = _USER.findall(doc.text, scope.start, max(scope.start, end))
        if found:
            return str(found[-1])
    return "root"


def users_file(doc: Document, s: Setting) -> str | None:
    """The user whose own configuration file ``s`` is written to, or None when every user
    reads it (or the file is not a Dockerfile)."""
    if doc.kind is not FileKind.DOCKERFILE or s.method not in _CONFIG:
        return None
    if s.level not in USER_LEVELS:
        return None
    return user_at(doc, s.scope, s.position)
