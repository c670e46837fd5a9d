"""A file kind written for the registry's test: ``*.toy`` files of ``key = value`` lines.

``index = URL`` sets the primary index, ``# ...`` lines are comments (suppressions work in
them). Everything a kind module must provide is here: ``parse`` locating settings with
exact spans. This is the whole of what adding a kind takes, besides its registry entry.
"""

from __future__ import annotations

import re

from pipsrc.model import Comment, Document, Method, Scope, Setting, SettingKind, Span

_LINE = re.compile(r"^[ \t]*index[ \t]*=[ \t]*(?P<value>\S+)[ \t]*$", re.MULTILINE)
_COMMENT = re.compile(r"^[ \t]*#(?P<text>.*)$", re.MULTILINE)


def parse(text: str, path: str) -> Document:
    doc = Document(path, "toy", text)
    doc.scopes.append(Scope("file", 0, len(text)))
    for m in _LINE.finditer(text):
        span = Span(m.start("value"), m.end("value"))
        value = m.group("value")
        removal = Span(m.start(), m.end())
        setting = Setting(SettingKind.INDEX, "index", value, value, span, Method.PIP_CONF, "file")
        setting.removal = removal
        doc.settings.append(setting)
    for m in _COMMENT.finditer(text):
        doc.comments.append(Comment(Span(m.start(), m.end()), m.group("text"), True))
    return doc
