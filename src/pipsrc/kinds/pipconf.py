"""Locate index settings in pip configuration files (``pip.conf``/``pip.ini``).

pip reads these files with ``configparser.RawConfigParser`` and then normalises
each key (lower case, ``_`` -> ``-``, leading ``--`` stripped). configparser
forgets where a value came from, so this module replays its line algorithm
(``RawConfigParser._read``: full-line ``#``/``;`` comments, ``=``/``:``
delimiters, continuation lines indented deeper than their key, blank lines kept
inside values) while keeping offsets. configparser itself is run afterwards only
as a cross-check, so a file pip would refuse is never reported as clean.

The text may be any fragment (a heredoc body written to ``/etc/pip.conf``), so
offsets are relative to the text given and keys before a section header are
still located (with ``section=None``) next to the "no section headers" problem.
"""

from __future__ import annotations

import configparser
import re

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
)
from pipsrc.records import field, record
from pipsrc.textio import majority_newline
from pipsrc.vocabulary import (
    CONFIG_KEYS,
    LEGACY_CONFIG_KEYS,
    LIST_KINDS,
    PIP_SECTIONS,
    URL_KINDS,
)

_KEYS: dict[str, SettingKind] = {**CONFIG_KEYS, **LEGACY_CONFIG_KEYS}
_LISTS = frozenset(k for k, kind in CONFIG_KEYS.items() if kind in LIST_KINDS)

_TOKEN = re.compile(r"\S+")

_MSG_INLINE = "inline comment becomes part of the value"
_MSG_COMMA = "pip does not split lists on commas"
_MSG_LEGACY = "the 'index' key is only read by the old pip search"
_MSG_SINGLE = "index-url holds one URL: pip reads the whole value as one broken URL"


@record
class _Option:
    """One ``key = value`` entry with the located pieces of its value."""

    key: str  # as written
    norm: str  # as pip normalises it
    section: str | None
    line_start: int  # start of the key's line
    offset: int  # start of the key
    pieces: list[tuple[int, int]] = field(default_factory=list)  # non-empty value pieces
    end: int = 0  # end of the last line holding a piece (before the line ending)
    end_nl: int = 0  # same, after the line ending
    nl: str = ""


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end before line ending, end after it) for each ``\\n``-terminated line."""
    out: list[tuple[int, int, int]] = []
    pos, n = 0, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl == -1:
            out.append((pos, n, n))
            break
        end = nl - 1 if nl > pos and text[nl - 1] == "\r" else nl
        out.append((pos, end, nl + 1))
        pos = nl + 1
    return out


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of ``text[start:end].strip()``."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse(text: str, path: str, section: str | None = None) -> Document:
    """Parse pip.conf text into located settings, recording why pip would refuse it.

    ``section``: the text is appended (``echo ... >> pip.conf``) to a file whose last
    section it is; it continues that section instead of lacking a header.
    """
    doc = Document(path=path, kind=FileKind.PIPCONF, text=text)
    doc.scopes.append(Scope(id="file", start=0, end=len(text), nl=majority_newline(text)))
    options, real_sections = _scan(doc, text, section)
    seen: dict[tuple[str | None, str], _Option] = {}
    overridden: dict[int, str] = {}
    for opt in options:
        if opt.norm not in _KEYS:
            continue
        prev = seen.get((opt.section, opt.norm))
        if prev is not None and prev.key.lower() != opt.key.lower():
            overridden[id(prev)] = f"overridden by '{opt.key}' later in the same section"
        seen[(opt.section, opt.norm)] = opt
    for opt in options:
        if opt.norm in _KEYS:
            why = overridden.get(id(opt)) or _section_ineffective(opt.section, real_sections)
            sibling = _sibling(text, opt, options) if _KEYS[opt.norm] in URL_KINDS else None
            _settings(doc, text, opt, why, sibling)
    _cross_check(doc, text, section)
    return doc


def _section_ineffective(section: str | None, real_sections: set[str]) -> str | None:
    if section is None or section in PIP_SECTIONS:
        return None
    if section == "DEFAULT":
        if real_sections:
            return None
        return "[DEFAULT] values reach pip only through other sections, and there are none"
    if section.lower() in PIP_SECTIONS:
        return f"section names are case-sensitive: pip ignores [{section}]"
    return f"pip reads only [global] and per-command sections, not [{section}]"


def _scan(
    doc: Document, text: str, section: str | None, reader: str = "pip"
) -> tuple[list[_Option], set[str]]:
    """Replay ``RawConfigParser._read`` with offsets; record comments and problems
    (``reader``: the program the problems say refuses the file)."""
    scanner = _Scanner(doc, text, reader)
    if section is not None:
        scanner.section, scanner.in_section = section, True
        scanner.sections_seen.add(section)
    for start, end, end_nl in _lines(text):
        scanner.line(start, end, end_nl)
    return scanner.options, scanner.sections_seen


class _Scanner:
    """The state configparser's line loop keeps: the section and the option being read."""

    def __init__(self, doc: Document, text: str, reader: str = "pip") -> None:
        self.doc = doc
        self.reader = reader
        self.text = text
        self.options: list[_Option] = []
        self.section: str | None = None
        self.in_section = False
        self.sections_seen: set[str] = set()
        self.added: set[tuple[str | None, str]] = set()
        self.current: _Option | None = None
        self.indent_level = 0
        self.missing_reported = False

    def line(self, start: int, end: int, end_nl: int) -> None:
        text = self.text
        line = text[start:end]
        stripped = line.strip()
        if stripped.startswith(("#", ";")):
            c = start + line.index(stripped[0])
            self.doc.comments.append(Comment(Span(c, end), stripped[1:], True))
            return
        if not stripped:
            return  # a blank line adds "" to a value: it never ends one
        indent = len(line) - len(line.lstrip())
        current = self.current
        if current is not None and indent > self.indent_level:
            s, e = _strip_span(text, start, end)
            current.pieces.append((s, e))
            current.end, current.end_nl, current.nl = end, end_nl, text[end:end_nl]
            return
        self.indent_level = indent
        if stripped.startswith("[") and stripped.rfind("]") > 1:
            self._section(start, stripped)
            return
        self._option(start, end, end_nl, indent, stripped)

    def _section(self, start: int, stripped: str) -> None:
        """A ``[name]`` header: a repeated one makes pip refuse the file (strict mode)."""
        name = stripped[1 : stripped.rfind("]")]
        if name in self.sections_seen:
            self.doc.problems.append(
                ParseProblem(
                    start, f"duplicate section [{name}]: {self.reader} refuses the file", True
                )
            )
        if name != "DEFAULT":
            self.sections_seen.add(name)
        self.section, self.in_section, self.current = name, True, None

    def _option(self, start: int, end: int, end_nl: int, indent: int, stripped: str) -> None:
        """A line that is neither a comment, a continuation nor a header: ``key = value``,
        or a line configparser refuses (before any header, or without a delimiter)."""
        problems = self.doc.problems
        if not self.in_section and not self.missing_reported:
            problems.append(
                ParseProblem(
                    start,
                    f"content before the first section header: {self.reader} refuses the "
                    "file ('no section headers')",
                    True,
                )
            )
            self.missing_reported = True
        delim = _first_delimiter(stripped)
        if delim <= 0 or not stripped[:delim].rstrip():
            problems.append(
                ParseProblem(
                    start, f"line is not 'key = value': {self.reader} refuses the file", True
                )
            )
            return  # configparser keeps the previous option open here
        key_off = start + indent
        key = stripped[:delim].rstrip()
        lowered = key.lower()
        section = self.section
        if self.in_section and (section, lowered) in self.added:
            problems.append(
                ParseProblem(
                    start,
                    f"duplicate option '{lowered}' in [{section}]: {self.reader} refuses the file",
                    True,
                )
            )
        self.added.add((section, lowered))
        norm = lowered.replace("_", "-")
        if norm.startswith("--"):
            norm = norm[2:]
        current = _Option(key, norm, section, start, key_off)
        current.end, current.end_nl, current.nl = end, end_nl, self.text[end:end_nl]
        vs, ve = _strip_span(self.text, key_off + delim + 1, end)
        if vs < ve:
            current.pieces.append((vs, ve))
        self.options.append(current)
        self.current = current


# the scanner, for the other INI files pip's neighbours read (tox.ini, setup.cfg)
IniOption = _Option
scan_ini = _scan


def _first_delimiter(stripped: str) -> int:
    """Index of the first ``=`` or ``:`` (configparser's lazy ``OPTCRE``), or -1."""
    eq, colon = stripped.find("="), stripped.find(":")
    if eq == -1:
        return colon
    if colon == -1:
        return eq
    return min(eq, colon)


def _settings(
    doc: Document, text: str, opt: _Option, section_why: str | None, sibling: Insertion | None
) -> None:
    """One setting per value token (lists) or for the first token (single values)."""
    tokens: list[tuple[int, int]] = []
    for s, e in opt.pieces:
        tokens.extend((m.start(), m.end()) for m in _TOKEN.finditer(text, s, e))
    if not tokens:
        return  # an empty value is dropped by pip
    # configparser keeps inline comments: the first token starting with # or ;
    # is where the author meant a comment to begin.
    marker = next((i for i, (s, _) in enumerate(tokens) if text[s] in "#;"), len(tokens))
    block = Span(opt.line_start, opt.end_nl)
    if opt.norm not in _LISTS:
        if marker == 0:
            return  # the value is only a comment: nothing to locate
        why = section_why
        if why is None:
            why = _single_value_why(opt, marker, len(tokens))
        _add(doc, text, opt, sibling, *tokens[0], why, block)
        return
    for i, (s, e) in enumerate(tokens):
        if i == marker:
            continue  # the comment marker itself
        if i > marker:
            removal = _item_removal(text, tokens, i, len(tokens))
            _add(doc, text, opt, sibling, s, e, section_why or _MSG_INLINE, removal)
        elif marker > 1:
            _add(doc, text, opt, sibling, s, e, section_why, _item_removal(text, tokens, i, marker))
        else:
            _add(doc, text, opt, sibling, s, e, section_why, block)


def _single_value_why(opt: _Option, marker: int, count: int) -> str | None:
    """Why pip ignores or misreads a single-valued option written in a read section: the
    legacy ``index`` key, an inline comment, or several tokens (one broken URL to pip)."""
    if opt.norm == "index":
        return _MSG_LEGACY
    if marker < count:
        return _MSG_INLINE
    if count > 1:
        return _MSG_SINGLE
    return None


def _add(
    doc: Document,
    text: str,
    opt: _Option,
    sibling: Insertion | None,
    s: int,
    e: int,
    why: str | None,
    removal: Span,
) -> None:
    """The setting for the token ``text[s:e]`` of ``opt``; a comma in it is a list pip
    will not split (unless some other reason already makes it ineffective)."""
    raw = text[s:e]
    kind = _KEYS[opt.norm]
    if why is None and "," in raw and kind is not SettingKind.NO_INDEX:
        why = _MSG_COMMA
    doc.settings.append(
        Setting(
            kind=kind,
            key=opt.key,
            raw=raw,
            value=raw,
            span=Span(s, e),
            method=Method.PIP_CONF,
            scope="file",
            removal=removal,
            ineffective=why,
            section=opt.section,
            sibling=sibling if why is None else None,
            assign=opt.line_start,  # the items of one key are one value to pip
        )
    )


def _item_removal(text: str, tokens: list[tuple[int, int]], i: int, count: int) -> Span:
    """One list item plus one adjacent whitespace run (the following one unless last)."""
    s, e = tokens[i]
    if i + 1 < count:
        after = e
        while after < tokens[i + 1][0] and text[after].isspace():
            after += 1
        return Span(s, after)
    before = s
    while before > tokens[i - 1][1] and text[before - 1].isspace():
        before -= 1
    return Span(before, e)


def _sibling(text: str, opt: _Option, options: list[_Option]) -> Insertion | None:
    """Where a trusted-host for ``opt`` goes, without ever writing a second trusted-host key.

    A section can hold one trusted-host option (a repeated key makes pip refuse the
    file, and a differently spelled one, ``trusted_host``, overrides the other), so
    when the section has one the host becomes a continuation line of the last one
    (the one pip reads); when its value has an inline comment marker there is no
    place that pip and pipsrc read alike, so no insertion. Otherwise a
    ``trusted-host`` line goes after the section's first index option: every index
    of the section shares that one point, so two insertions in one pass clash and
    the second one extends the first in the next pass.

    The point is the end of the option's last line *before* its line ending: strictly
    inside the option's removal span, so a fix that deletes the option clashes with
    the insertion (and defers it) instead of leaving an orphan continuation line.
    """
    same = [o for o in options if o.section == opt.section]
    hosts = [o for o in same if o.norm == "trusted-host"]
    if hosts:
        anchor = hosts[-1]
        if any(t.startswith(("#", ";")) for s, e in anchor.pieces for t in text[s:e].split()):
            return None
        item = text[anchor.line_start : anchor.offset] + "    {value}"
    else:
        anchor = next(o for o in same if o.norm in _KEYS and _KEYS[o.norm] in URL_KINDS)
        item = "trusted-host = {value}"
    return Insertion(anchor.end, "{nl}" + item, anchor.nl or majority_newline(text))


def _cross_check(doc: Document, text: str, section: str | None) -> None:
    """Let configparser confirm the file loads; report its error if the scanner missed it
    (appended text is checked under the header of the section it continues)."""
    if any(p.blocks_fix for p in doc.problems):
        return
    parser = configparser.RawConfigParser(strict=True)
    head = f"[{section}]\n" if section is not None else ""
    try:
        parser.read_string(head + text)
    except configparser.Error as exc:
        lineno = getattr(exc, "lineno", None)
        if isinstance(lineno, int) and head:
            lineno -= 1
        offset = 0
        if isinstance(lineno, int) and lineno > 1:
            pos = -1
            for _ in range(lineno - 1):
                pos = text.find("\n", pos + 1)
                if pos == -1:
                    break
            offset = pos + 1 if pos != -1 else 0
        first = str(exc).split("\n", 1)[0]
        doc.problems.append(ParseProblem(offset, f"pip cannot load the file: {first}", True))


# pip reads config files in the locale encoding and keeps a BOM as a character: "File
# contains no section headers", and the whole file is ignored (the engine adds this
# problem when the file it decoded had one)
BOM_PROBLEM = (
    "byte order mark before the first section: pip cannot read this file "
    '("File contains no section headers"); save it without a BOM'
)


def last_section(doc: Document, text: str) -> str | None:
    """The section the end of a pip.conf text is in (where appended lines land)."""
    sections = [ln.strip()[1:-1] for ln in text.splitlines() if ln.strip().startswith("[")]
    sections = [x for x in sections if x]
    return sections[-1] if sections else None
