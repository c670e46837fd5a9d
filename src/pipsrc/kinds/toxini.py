"""tox's INI configuration (``tox.ini``, the ``[tox:tox]``/``[testenv]`` sections of
``setup.cfg``, the ``legacy_tox_ini`` string of ``pyproject.toml``) and setuptools'
``[easy_install]`` section of ``setup.cfg``.

tox reads these files with ``configparser`` (continuation lines indented under their key),
so they are located by the pip.conf scanner (:func:`pipsrc.kinds.pipconf.scan_ini`), which
replays configparser with offsets. What tox makes of a value:

- ``install_command`` is the pip command line tox installs ``deps`` and the package
  with; it is analysed as a command (the shell analyser's pip option reader), each
  continuation line joined with a space, so its ``-i``/``--index-url``/
  ``--extra-index-url``/``--trusted-host``/``-f`` are command-line settings of an install
  site in the environment's scope;
- ``commands``, ``commands_pre`` and ``commands_post``: one command a line (a leading
  ``-`` or ``!`` is tox's, not the command's); a ``pip install -i ...`` among them is
  read the same way;
- ``set_env``/``setenv``: ``NAME = value`` lines, each index variable (``PIP_*``, ``UV_*``
  from :mod:`pipsrc.vocabulary`) a setting of the environment's scope, which its install
  command and commands see (tox passes them in the environment);
- tox 3's ``indexserver`` (``[tox]``): ``default = URL`` replaces PyPI for ``deps``, any
  other ``NAME = URL`` serves the ``:NAME:pkg`` deps that name it;
- ``setup.cfg`` ``[easy_install] index_url``/``find_links`` and ``[options] dependency_links``
  (find-links too): what setuptools hands to
  ``pip wheel`` for ``setup_requires`` (pip's own ``PIP_INDEX_URL`` wins over it).

A value holding a tox substitution (``{env:PIP_INDEX_URL:https://...}``,
``{[testenv]base}``) is only known when tox runs: it is located and reported as an
unresolved value, never edited. ``{envpython}`` before ``-m pip`` is read as ``python``.
Each section is a scope; ``[testenv:NAME]`` inherits from ``[testenv]`` (tox's base).
"""

from __future__ import annotations

import re

from pipsrc.kinds import shell
from pipsrc.kinds.pipconf import IniOption, scan_ini
from pipsrc.model import (
    Comment,
    Document,
    FileKind,
    Insertion,
    Method,
    ParseProblem,
    Scope,
    Setting,
    SettingKind,
    Span,
    Tool,
)
from pipsrc.syntax.emit import pip_index_ineffective
from pipsrc.syntax.words import Resolved, SegMap, split_items
from pipsrc.textio import majority_newline
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR, URL_KINDS

K = SettingKind

# tox's substitutions: known only when tox runs
SUBSTITUTION = re.compile(r"\{[^{}\s]*\}")
_PYTHON_SUBST = re.compile(r"\{env_?python\}")
_ENV_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*)")
_INDEXSERVER = re.compile(r"([A-Za-z0-9_.-]+)[ \t]*=[ \t]*(\S+)")
_COMMAND_KEYS = frozenset({"commands", "commands-pre", "commands-post"})
_SETENV_KEYS = frozenset({"set-env", "setenv"})
_EASY_INSTALL = {"index-url": K.INDEX, "find-links": K.FIND_LINKS}
_TOKEN = re.compile(r"\S+")
_ITEM = re.compile(r"[^\s,]+")
_INLINE_COMMENT = re.compile(r"[ \t]*(?<!\\)#")


def read_ini(doc: Document, start: int, end: int, *, setup_cfg: bool = False) -> None:
    """The tox (and setuptools) settings of the INI text ``doc.text[start:end]``."""
    ini = doc.text[start:end]
    sub = Document(path=doc.path, kind=FileKind.TOX, text=ini)
    options, _sections = scan_ini(sub, ini, None, "setuptools" if setup_cfg else "tox")
    for c in sub.comments:
        doc.comments.append(
            type(c)(Span(c.span.start + start, c.span.end + start), c.text, c.own_line)
        )
    for p in sub.problems:
        doc.problems.append(ParseProblem(p.offset + start, p.message, p.blocks_fix))
    core = "tox:tox" if setup_cfg else "tox"
    for opt in options:
        section = opt.section or ""
        pieces = [(a + start, b + start) for a, b in opt.pieces]
        if section == "easy_install" and setup_cfg and opt.norm in _EASY_INSTALL:
            _easy_install(doc, opt, pieces)
            continue
        if section == "options" and setup_cfg and opt.norm == "dependency-links":
            _dependency_links(doc, opt, pieces)
            continue
        if section == core and opt.norm == "indexserver":
            _indexserver(doc, _uncommented(doc, pieces), section)
            continue
        if section != "testenv" and not section.startswith("testenv:"):
            continue
        pieces = _uncommented(doc, pieces)
        if opt.norm == "install-command":
            command(doc, env_scope(doc, section), [(a, b, " ") for a, b in pieces])
        elif opt.norm in _COMMAND_KEYS:
            for parts in _command_lines(doc.text, pieces):
                command(doc, env_scope(doc, section), parts)
        elif opt.norm in _SETENV_KEYS:
            set_env_lines(doc, section, pieces)


def _uncommented(doc: Document, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The value lines as tox 4 reads them: from the first ``#`` not escaped as ``\\#`` to
    the line's end is a comment (with the blanks before it), recorded for suppressions."""
    out = []
    for a, b in pieces:
        m = _INLINE_COMMENT.search(doc.text, a, b)
        if m is None:
            out.append((a, b))
            continue
        hash_at = m.end() - 1
        doc.comments.append(Comment(Span(hash_at, b), doc.text[hash_at + 1 : b], False))
        if m.start() > a:
            out.append((a, m.start()))
    return out


def env_scope(doc: Document, section: str) -> Scope:
    """The scope of a tox section (``[testenv:NAME]`` inherits from ``[testenv]``)."""
    found = doc.scope(section)
    if found is not None:
        return found
    if section.startswith("testenv:") or section.startswith("env."):
        env_scope(doc, "testenv" if section.startswith("testenv:") else "env_run_base")
    parent = None
    if section.startswith("testenv:"):
        parent = "testenv"
    elif section.startswith("env."):
        parent = "env_run_base"
    scope = Scope(id=section, start=0, end=len(doc.text), parent=parent,
                  nl=majority_newline(doc.text))  # fmt: skip
    doc.scopes.append(scope)
    return scope


def _command_lines(text: str, pieces: list[tuple[int, int]]) -> list[list[tuple[int, int, str]]]:
    """The commands of a ``commands`` value: one a line, a line ending in ``\\`` joined
    with the next (the line break after it kept, as the shell reads a continuation), each
    without tox's ``-``/``!`` prefix."""
    out: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    for a, b in pieces:
        if not current:
            a = _after_marker(text, a, b)
        if a >= b:
            continue
        more = text[b - 1] == "\\"
        current.append((a, b, "\n" if more else ""))
        if not more:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _after_marker(text: str, a: int, b: int) -> int:
    """After tox's ``-`` (ignore the exit code) or ``!`` (expect failure) prefix."""
    while a < b and text[a] in "-!" and (a + 1 == b or text[a + 1] in " \t-!"):
        a += 1
        while a < b and text[a] in " \t":
            a += 1
    return a


def command(
    doc: Document, scope: Scope, parts: list[tuple[int, int, str]],
    unknown: frozenset[int] = frozenset(),
) -> None:  # fmt: skip
    """Analyse one command written as file ranges ``(start, end, separator after it)``:
    the logical text is the ranges joined by their separators, each separator mapped to
    the character after its range (never edited: no value spans it). A range starting at
    an offset of ``unknown`` is read as ``{xx...}``, a value tox fills in (the same length:
    a setting there is located on it, and never edited)."""
    text = doc.text
    logical: list[str] = []
    segs: list[tuple[int, int, int]] = []
    pos = 0
    for a, b, sep in parts:
        chunk = "{" + "x" * (b - a - 2) + "}" if a in unknown else text[a:b]
        for m in _PYTHON_SUBST.finditer(chunk):
            chunk = chunk.replace(m.group(), "python" + " " * (len(m.group()) - 6), 1)
        logical.append(chunk)
        segs.append((pos, a, b - a))
        pos += b - a
        if sep and b < len(text):
            logical.append(sep)
            segs.append((pos, b, len(sep)))
            pos += len(sep)
    source = "".join(logical)
    if not source.strip():
        return
    first = len(doc.settings)
    shell.analyze(doc, source, SegMap(segs), {}, scope, nested=True, comments=False)
    for s in doc.settings[first:]:
        if SUBSTITUTION.search(s.raw) or SUBSTITUTION.search(s.value or ""):
            s.value, s.editable, s.sibling, s.removal = None, False, None, None


def set_env_lines(doc: Document, section: str, pieces: list[tuple[int, int]]) -> None:
    """``NAME = value`` lines of ``set_env``: the index variables among them."""
    text = doc.text
    names = [m.group(1) for a, b in pieces if (m := _ENV_LINE.match(text, a, b))]
    trusted_written = any(n in TRUSTED_VAR.values() for n in names)
    for a, b in pieces:
        m = _ENV_LINE.match(text, a, b)
        if m is None or m.group(1) not in ENV_VARS:
            continue
        vs, ve = m.start(2), b
        while ve > vs and text[ve - 1] in " \t":
            ve -= 1
        line_start = text.rfind("\n", 0, a) + 1
        line_end = text.find("\n", b)
        removal = Span(line_start, len(text) if line_end == -1 else line_end + 1)
        if text[line_start:a].strip():
            removal = Span(a, b)  # on the key's line: the key stays, its other lines too
        sibling = None
        if not trusted_written:
            indent = text[line_start:a] if removal.start == line_start else "    "
            trusted = TRUSTED_VAR.get(ENV_VARS[m.group(1)].tool)
            if trusted is not None:
                nl = "\r\n" if text[b : b + 2] == "\r\n" else "\n"
                sibling = Insertion(b, f"{{nl}}{indent}{trusted} = {{value}}", nl)
        env_setting(doc, section, m.group(1), Span(vs, ve), removal, sibling, Method.TOX_ENV)


def env_setting(
    doc: Document, scope: str, name: str, span: Span, removal: Span | None,
    sibling: Insertion | None, method: Method, exact: bool = True,
) -> None:  # fmt: skip
    """The settings of one index variable set to ``doc.text[span]`` (a list: one an item);
    a value with a tox substitution is unresolved."""
    spec = ENV_VARS[name]
    text = doc.text
    raw = text[span.start : span.end]
    ineffective = pip_index_ineffective(text) if spec.ineffective else None
    if spec.ineffective and ineffective is None:
        return  # interpolated by hand somewhere: that use is the setting
    value: str | None = None if SUBSTITUTION.search(raw) or not exact else raw
    if value == "" and spec.kind is not K.NO_INDEX:
        ineffective = f"an empty {name} is ignored: it does not clear configured values"
    items: list[tuple[str, Span, bool, Span | None]] = []
    if value and (spec.split or spec.named):
        items = split_items(Resolved(value, raw, span, True), spec.named)
    if not items:
        items = [(value or "", span, value is not None, None)]
    sib = sibling if spec.kind in URL_KINDS else None
    for item, ispan, exact, iremoval in items:
        doc.settings.append(Setting(
            spec.kind, name, text[ispan.start : ispan.end], item if value is not None else None,
            ispan, method, scope, spec.tool, exact and value is not None,
            iremoval if len(items) > 1 else removal, ineffective=ineffective, sibling=sib,
            assign=span.start, position=0,  # tox sets it before any command runs
        ))  # fmt: skip
    env_scope(doc, scope)


def _indexserver(doc: Document, pieces: list[tuple[int, int]], section: str) -> None:
    """tox 3's ``indexserver``: ``default = URL`` is the index of every dep; another name
    serves only the ``:NAME:pkg`` deps that name it (pinned)."""
    text = doc.text
    for a, b in pieces:
        m = _INDEXSERVER.match(text, a, b)
        if m is None:
            continue
        default = m.group(1) == "default"
        span = Span(m.start(2), m.end(2))
        raw = m.group(2)
        value = None if SUBSTITUTION.search(raw) else raw
        line_end = text.find("\n", b)
        removal = None
        if not default and text[text.rfind("\n", 0, a) + 1 : a].strip() == "":
            removal = Span(
                text.rfind("\n", 0, a) + 1, len(text) if line_end == -1 else line_end + 1
            )
        doc.settings.append(Setting(
            K.INDEX if default else K.EXTRA_INDEX, f"indexserver.{m.group(1)}", raw, value,
            span, Method.TOX, section, Tool.PIP, editable=value is not None, removal=removal,
            section=section, pinned=not default,
        ))  # fmt: skip
        env_scope(doc, section)


def _easy_install(doc: Document, opt: IniOption, pieces: list[tuple[int, int]]) -> None:
    """``[easy_install] index_url`` (one URL) and ``find_links`` (a whitespace list).
    setuptools reads them with configparser: an inline ``#`` is part of the value."""
    text = doc.text
    tokens = [(m.start(), m.end()) for a, b in pieces for m in _TOKEN.finditer(text, a, b)]
    if not tokens:
        return
    kind = _EASY_INSTALL[opt.norm]
    why = None
    if any(text[a] in "#;" for a, _ in tokens):
        why = "an inline comment becomes part of the value: setuptools reads it whole"
    elif kind is K.INDEX and len(tokens) > 1:
        why = "index_url holds one URL: setuptools hands the whole value to pip"
    removal = Span(opt.line_start, opt.end_nl) if len(tokens) == 1 else None
    for a, b in tokens if kind is K.FIND_LINKS else tokens[:1]:
        if text[a] in "#;":
            break
        doc.settings.append(Setting(
            kind, opt.key, text[a:b], text[a:b], Span(a, b), Method.SETUP_CFG, "setuptools",
            Tool.PIP, removal=removal, ineffective=why, section="easy_install",
            assign=opt.line_start,
        ))  # fmt: skip
    env_scope(doc, "setuptools")


def _dependency_links(doc: Document, opt: IniOption, pieces: list[tuple[int, int]]) -> None:
    """``[options] dependency_links``: setuptools adds each to the ``--find-links`` of the
    ``pip wheel`` that fetches ``setup_requires`` (one item a line, or comma-separated on
    one line, as setuptools splits a list option)."""
    text = doc.text
    one_line = len(pieces) == 1
    items = [m.span() for m in _ITEM.finditer(text, *pieces[0])] if one_line else pieces
    for a, b in items:
        doc.settings.append(Setting(
            K.FIND_LINKS, opt.key, text[a:b], text[a:b], Span(a, b), Method.SETUP_CFG,
            "setuptools", Tool.PIP, section="options", assign=opt.line_start,
        ))  # fmt: skip
    env_scope(doc, "setuptools")
