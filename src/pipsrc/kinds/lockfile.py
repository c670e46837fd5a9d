"""Locate the indexes a lock file was resolved against: ``uv.lock``, ``poetry.lock``,
``Pipfile.lock``, ``pdm.lock`` and ``pixi.lock``.

A lock is the tool's output, not configuration: it is never edited (a tool re-locks it),
and each index it records is one ``LOCKED_INDEX`` setting, so that a rule can report the
lock once with the command that re-locks it. Locks run to tens of thousands of lines, so
they are scanned with a regex for the few lines that name an index, never parsed whole:

- ``uv.lock``: each package's ``source = { registry = "URL" }``;
- ``poetry.lock``: ``[package.source]`` tables with ``url = "URL"`` (PyPI's packages have none);
- ``Pipfile.lock``: the URLs of ``_meta.sources``;
- ``pdm.lock``: with static URLs, each file's ``url`` (the host it was fetched from);
- ``pixi.lock``: each environment's ``indexes:`` list.
"""

from __future__ import annotations

import posixpath
import re

from pipsrc.model import Document, FileKind, Method, Scope, Setting, SettingKind, Span, Tool
from pipsrc.textio import majority_newline

_PATTERNS: dict[str, tuple[re.Pattern[str], Tool]] = {
    "uv.lock": (re.compile(r'\bregistry\s*=\s*"([^"\n]+)"'), Tool.UV),
    "poetry.lock": (
        # only a `legacy` source is an index (`url`, `file`, `directory`, `git` are not)
        re.compile(r'^\[package\.source\]\s*^type\s*=\s*"legacy"\s*^url\s*=\s*"([^"\n]+)"', re.M),
        Tool.POETRY,
    ),
    "Pipfile.lock": (re.compile(r'"url"\s*:\s*"([^"\n]+)"'), Tool.PIPENV),
    "pdm.lock": (re.compile(r'\burl\s*=\s*"(https?://[^"\n]+)"'), Tool.PDM),
    "pixi.lock": (
        re.compile(r"^[ \t]*indexes:[ \t]*\n((?:[ \t]*-[ \t]*\S+[ \t]*\n)+)", re.M),
        Tool.PIXI,
    ),
}
_META_END = re.compile(r'^\s{0,4}"(?:default|develop)"\s*:', re.M)
_ITEM = re.compile(r"-[ \t]*(\S+)")


def parse(text: str, path: str) -> Document:
    doc = Document(path=path, kind=FileKind.LOCKFILE, text=text)
    doc.scopes.append(Scope(id="file", start=0, end=len(text), nl=majority_newline(text)))
    name = posixpath.basename(path)
    found = _PATTERNS.get(name)
    if found is None:
        return doc
    pattern, tool = found
    seen: set[str] = set()
    for start, end in _spans(name, pattern, text):
        value = text[start:end]
        if name == "pdm.lock":
            value = _host_root(value)
        if value in seen:
            continue
        seen.add(value)
        doc.settings.append(Setting(
            SettingKind.LOCKED_INDEX, name, text[start:end], value, Span(start, end),
            Method.LOCK, "file", tool, editable=False,
        ))  # fmt: skip
    return doc


def _spans(name: str, pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The spans of the index URLs the lock names, in order."""
    limit = len(text)
    if name == "Pipfile.lock":
        end = _META_END.search(text)
        limit = end.start() if end else limit  # only _meta's sources, not packages' urls
    out = []
    for m in pattern.finditer(text, 0, limit):
        if name != "pixi.lock":
            out.append(m.span(1))
            continue
        base = m.start(1)
        for item in _ITEM.finditer(m.group(1)):
            out.append((base + item.start(1), base + item.end(1)))
    return out


def _host_root(url: str) -> str:
    """A file URL's scheme and host (pdm.lock records files, not the index)."""
    m = re.match(r"[a-z]+://[^/]+", url)
    return m.group() if m else url
