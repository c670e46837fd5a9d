"""Markdown pages (``*.md``), read only with ``--include-docs``: their fenced code blocks.

A page that tells readers to ``pip install -i`` a mirror the policy does not allow, or shows
a ``pip.conf`` for one, spreads that mirror as surely as a script does. Each fenced block
(````` ``` ````` or ``~~~``) is read by the parser of the kind its info string names, over
the block's text, with offsets shifted into the page:

- ``sh``, ``bash``, ``shell``, ``zsh``: a shell script; ``console``, ``shell-session``,
  ``sh-session``, ``terminal``: only the lines after a ``$ `` prompt (and the lines a
  trailing ``\\`` continues), each a command of its own; the rest is output;
- ``dockerfile``, ``docker``, ``containerfile``: a Dockerfile;
- ``ini``, ``cfg``, ``conf``, ``pip.conf``, ``pip.ini``: a pip.conf;
- ``toml``: a ``pyproject.toml``/``uv.toml`` (uv, Poetry, PDM and Pixi tables);
- ``text``, ``txt``, ``requirements`` or none: a pip.conf when it has a ``[global]`` or
  ``[install]`` section, a requirements file when a line starts with ``-i``/``--index-url``.

Install commands are not judged as installs (PS104, PS403): a page's ``pip install x`` is
an example to adapt, while the index it names is advice readers follow. Each block is a
scope of its own: a page is a set of examples, not one program. Settings
found are reported and never edited (``editable`` off, no removal, no insertion): the page's
text is its author's to change. The engine says so in each finding that would have a fix
elsewhere (:data:`pipsrc.kinds.NOT_FIXED`).
"""

from __future__ import annotations

import re

from pipsrc import kinds
from pipsrc.kinds import shell
from pipsrc.kinds.embedded import rebase
from pipsrc.model import Document, Scope
from pipsrc.syntax.words import SegMap

KIND = "markdown"
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*\n", re.MULTILINE)
_SHELLS = frozenset({"sh", "bash", "shell", "zsh"})
_CONSOLES = frozenset({"console", "shell-session", "sh-session", "terminal", "shellsession"})
_LANGS = {
    **{k: "dockerfile" for k in ("dockerfile", "docker", "containerfile")},
    **{k: "pipconf" for k in ("ini", "cfg", "conf", "pip.conf", "pip.ini", "dosini")},
    "toml": "project",
}
_PLAIN = frozenset({"", "text", "txt", "plain", "plaintext", "requirements"})
_PIPCONF = re.compile(r"^\[(?:global|install|download|wheel)\]", re.MULTILINE)
_REQUIREMENTS = re.compile(r"^(?:-i\b|--(?:extra-)?index-url\b|--trusted-host\b)", re.MULTILINE)
_PROMPT = re.compile(r"^[ \t]*\$[ \t]+", re.MULTILINE)
_PATHS = {"dockerfile": "Dockerfile", "pipconf": "pip.conf", "project": "pyproject.toml",
          "requirements": "requirements.txt"}  # fmt: skip


def prepare() -> None:
    shell.prepare()


def parse(text: str, path: str) -> Document:
    doc = Document(path, KIND, text)
    doc.scopes.append(Scope("file", 0, len(text)))
    for lang, a, b in blocks(text):
        _block(doc, lang, a, b)
    doc.sites = []  # a page's `pip install x` is an example, not an install (no PS104)
    for s in doc.settings:
        s.editable, s.removal, s.sibling, s.site = False, None, None, None
    for sc in doc.scopes:
        sc.insert_at, sc.config_copies = None, []
    doc.includes = []  # `-r x.txt`, `COPY pip.conf` in an example name no file of this tree
    return doc


def blocks(text: str) -> list[tuple[str, int, int]]:
    """The fenced code blocks of ``text``: (info string's first word, body start, body end);
    an unclosed fence runs to the end of the page, as CommonMark reads it."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    while True:
        m = _FENCE.search(text, pos)
        if m is None:
            return out
        fence = m.group(2)
        close = re.compile(rf"^ {{0,3}}{fence[0]}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        end = close.search(text, m.end())
        body_end = len(text) if end is None else end.start()
        out.append((m.group(3).lower(), m.end(), body_end))
        pos = len(text) if end is None else end.end()


def _block(doc: Document, lang: str, a: int, b: int) -> None:
    body = doc.text[a:b]
    line = doc.text.count("\n", 0, a) + 1
    sid = f"block@{line}"
    if lang in _SHELLS:
        _shell(doc, sid, a, b, [(a, b)])
    elif lang in _CONSOLES:
        _shell(doc, sid, a, b, _prompted(doc.text, a, b))
    else:
        kind = _LANGS.get(lang)
        if kind is None and lang in _PLAIN:
            kind = "pipconf" if _PIPCONF.search(body) else None
            kind = kind or ("requirements" if _REQUIREMENTS.search(body) else None)
        if kind is None:
            return
        sub = kinds.parse(kind, body, _PATHS[kind])
        # the block's scopes come with it, its "file" scope becoming the block's
        rebase(doc, sub, SegMap.shifted(a, len(body)), lambda s: sid if s == "file" else
               f"{sid}/{s}", lambda s: False, add_scopes=True)  # fmt: skip


def _prompted(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The commands of a console block: after each ``$ `` prompt, to the end of the line
    (and of the lines a trailing backslash continues)."""
    out = []
    for m in _PROMPT.finditer(text, a, b):
        if m.start() != a and text[m.start() - 1] != "\n":
            continue
        end = m.end()
        while True:
            nl = text.find("\n", end, b)
            end = b if nl == -1 else nl
            if not text[m.end() : end].endswith("\\") or end >= b:
                break
            end += 1
        out.append((m.end(), end))
    return out


def _shell(doc: Document, sid: str, a: int, b: int, ranges: list[tuple[int, int]]) -> None:
    """Each range a program of its own (a console block's commands), in one block scope."""
    doc.scopes.append(Scope(sid, a, b, parent="file"))
    for k, (x, y) in enumerate(ranges):
        scope = Scope(f"{sid}:{k + 1}", x, y, parent=sid)
        doc.scopes.append(scope)
        shell.analyze(doc, doc.text[x:y], SegMap.shifted(x, y - x), {}, scope, editable=False)
