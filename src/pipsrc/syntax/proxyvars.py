"""A caching proxy's upstream written as a variable in a compose, ``.env`` or Dockerfile.

Images that run devpi read their upstream from the environment under names of their own
(``SOURCE_MIRROR_URL=https://pypi.douban.com/simple`` in a devpi service's
``environment:``). No name is standard, so the guess is conservative: the name ends like
an upstream (``*MIRROR_URL``, ``*UPSTREAM``, ``*UPSTREAM_URL``, ``*UPSTREAM_INDEX_URL``),
the file mentions devpi, and the value is a plain http(s) URL of PyPI or a catalogued
public mirror (so an apt mirror, a conda mirror or an internal host is never taken for
one); a ``.env`` file, which rarely names the service, may instead say it in the name
(``DEVPI_MIRROR_URL``, ``PYPI_UPSTREAM``, ``SOURCE_MIRROR_URL``). Each such value becomes
a setting of :data:`~pipsrc.model.Tool.PROXY`.
"""

from __future__ import annotations

import re

from pipsrc.model import Document, Method, Setting, SettingKind, Span, Tool
from pipsrc.origin import origin

_NAME = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9]*_)*(?:MIRROR_URL|UPSTREAM(?:_INDEX)?(?:_URL)?)$", re.IGNORECASE
)
_DEVPI = re.compile(r"devpi", re.IGNORECASE)
# a name that says "proxy upstream" on its own, for a .env file that never names devpi
_OWN = re.compile(r"DEVPI|UPSTREAM|SOURCE_MIRROR", re.IGNORECASE)
_VALUE = r"(?P<q>[\"']?)(?P<value>https?://[^\s\"'#]+)(?P=q)[ \t]*(?:#[^\n]*)?\r?$"
_LINES = {
    # - NAME=value (a compose list entry, quoted whole or not)
    "item": re.compile(
        r"^[ \t]*-[ \t]+(?P<o>[\"']?)(?P<name>[A-Za-z_][A-Za-z0-9_]*)="
        r"(?P<value>https?://[^\s\"'#]+)(?P=o)[ \t]*(?:#[^\n]*)?\r?$",
        re.MULTILINE,
    ),
    # NAME: value (a compose mapping entry)
    "map": re.compile(
        r"^[ \t]*(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*:[ \t]+" + _VALUE, re.MULTILINE
    ),
    # ENV NAME=value, ENV NAME value, ARG NAME=value (one pair on its own line: a Dockerfile)
    "dockerfile": re.compile(
        r"^[ \t]*(?:ENV|ARG)[ \t]+(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:=|[ \t]+)" + _VALUE,
        re.MULTILINE,
    ),
    # NAME=value (a .env line)
    "env": re.compile(
        r"^[ \t]*(?:export[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)=" + _VALUE, re.MULTILINE
    ),
}


def is_upstream_variable(name: str, value: str) -> bool:
    """Whether ``NAME=value`` looks like a proxy's upstream (see the module docstring)."""
    return bool(_NAME.match(name)) and origin(value).cls == "public"


def proxy_variables(doc: Document, forms: tuple[str, ...], method: Method) -> None:
    """Add the upstream variables of ``doc`` written in one of ``forms`` ("item", "map",
    "env"), when the file mentions devpi or the name says it is an upstream on its own."""
    text = doc.text
    devpi = bool(_DEVPI.search(text))
    for form in forms:
        for m in _LINES[form].finditer(text):
            name, value = m.group("name"), m.group("value")
            named = form == "env" and bool(_OWN.search(name))  # only a .env is read so
            if not (devpi or named) or not is_upstream_variable(name, value):
                continue
            span = Span(m.start("value"), m.end("value"))
            line = text.rfind("\n", 0, m.start()) + 1
            doc.settings.append(
                Setting(
                    SettingKind.PROXY_UPSTREAM,
                    name,
                    value,
                    value,
                    span,
                    method,
                    _scope(doc, span.start),
                    Tool.PROXY,
                    assign=line,
                )
            )


def _scope(doc: Document, at: int) -> str:
    """The innermost scope around ``at`` (a Dockerfile's stage), else the file's."""
    around = [s for s in doc.scopes if s.start <= at < s.end]
    if not around:
        return doc.scopes[0].id if doc.scopes else "file"
    return min(around, key=lambda s: s.end - s.start).id
