"""Shell scripts written as YAML scalars (a workflow's ``run:``, a GitLab ``script:`` line).

The script a CI runner executes is the scalar's *value*: a literal block without its
indentation, a quoted string without its escapes, a plain or folded scalar with its line
breaks folded. :func:`script_of` rebuilds that value as logical text with a
:class:`~pipsrc.syntax.words.SegMap` back to the file (exact, line by line, for literal
blocks; a character alignment for the other styles), and :func:`analyze_script` hands it
to the shell analyser (:func:`pipsrc.kinds.shell.analyze`), so every rule and fix works
unchanged on it.

A span that maps back is not yet an edit that means the same thing in YAML. So every
edit a fix could make to a setting found in a scalar (its value replaced, its command
removed, a trusted-host inserted beside it) is tried on a copy of the scalar, and the
copy decoded by ruamel.yaml: the edit stays available only when the new value is the
script with the same edit made to it. Anything else is not editable: never a wrong edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pipsrc.kinds import shell, yamldoc
from pipsrc.kinds.scriptcheck import EditChecker
from pipsrc.model import Document, ParseProblem, Scope
from pipsrc.records import record
from pipsrc.syntax.words import SegMap, VarDef

# CI expressions the runner substitutes before the shell runs: masked as an unresolved
# shell variable of the same length (``${{ x }}`` -> ``$_______``)
GITHUB_EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)
# what a scalar's line may hold before it: indentation, ``- `` items and one simple key
_PREFIX = re.compile(
    r"[ \t]*(?:-[ \t]+)*(?:(?:[A-Za-z0-9_.$/-]+|'[^'\n]*'|\"[^\"\n]*\")[ \t]*:[ \t]+)?(?:-[ \t]+)*"
)


@record
class Script:
    """A scalar's value as logical text mapped back into the file."""

    node: Any
    logical: str
    segmap: SegMap
    start: int  # the scalar's first character (after an anchor or tag)
    end: int  # the scalar's end mark


def scalar_value(node: Any) -> str:
    """A scalar's value as YAML reads it (ruamel's round-trip composer marks the line breaks
    it folded in a ``>`` scalar with ``\\a``)."""
    value = str(node.value)
    return value.replace("\a", "") if node.style == ">" else value


def content_start(text: str, start: int, end: int) -> int:
    """Skip an ``&anchor``/``!tag`` prefix (ruamel's start mark includes the anchor)."""
    pos = start
    while pos < end and text[pos] in "&!":
        while pos < end and not text[pos].isspace():
            pos += 1
        while pos < end and text[pos].isspace():
            pos += 1
    return pos


def script_of(text: str, node: Any) -> Script:
    """The logical text of a scalar node and its map into ``text``."""
    value = scalar_value(node)
    start = content_start(text, node.start_mark.index, node.end_mark.index)
    end = node.end_mark.index
    ranges = _literal_ranges(text, start, end, value) if node.style == "|" else None
    if ranges is not None:
        segmap = SegMap.from_file_ranges(ranges)
        logical = "".join(text[a:b] for a, b in ranges)
    else:
        body = start
        if node.style in ("|", ">"):  # the value starts after the header line
            nl = text.find("\n", start, end)
            body = end if nl == -1 else nl + 1
        segmap = SegMap(_align(value, text, body, end))
        logical = value
    return Script(node, logical, segmap, start, end)


def _literal_ranges(text: str, start: int, end: int, value: str) -> list[tuple[int, int]] | None:
    """A literal block's lines without their indentation (and without ``\\r``), with their
    line feeds: exactly its value, else None (an indentation indicator, odd lines)."""
    nl = text.find("\n", start, end)
    if nl == -1:
        return None
    lines = []
    pos = nl + 1
    while pos < end:
        eol = text.find("\n", pos, end)
        eol = end if eol == -1 else eol + 1
        lines.append((pos, eol))
        pos = eol
    indent = next(
        (
            len(ln) - len(ln.lstrip(" "))
            for a, b in lines
            if (ln := text[a:b].rstrip("\r\n")).strip()
        ),
        0,
    )
    ranges = []
    for a, b in lines:
        line_end = b - 1 if text[b - 1] == "\n" else b
        content_end = line_end - 1 if line_end > a and text[line_end - 1] == "\r" else line_end
        ranges.append((min(a + indent, content_end), content_end))
        if line_end < b:
            ranges.append((line_end, b))
    logical = "".join(text[a:b] for a, b in ranges)
    return ranges if logical.rstrip("\n") == value.rstrip("\n") else None


def _align(value: str, text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """Each character of ``value`` at the next matching character of the scalar's text,
    skipping only what a value may not show (blanks and line breaks that folding joins,
    quotes, escapes), else at the current place: positions good enough to report, exact
    wherever the value is written verbatim."""
    segs: list[tuple[int, int, int]] = []
    j = start
    for i, ch in enumerate(value):
        k = j
        while k < end and text[k] != ch and (text[k] in _SKIPPABLE or text[k - 1] == "\\"):
            k += 1
        at = k if k < end and text[k] == ch else min(j, max(end - 1, start))
        if segs and segs[-1][0] + segs[-1][2] == i and segs[-1][1] + segs[-1][2] == at:
            log, f, n = segs[-1]
            segs[-1] = (log, f, n + 1)
        else:
            segs.append((i, at, 1))
        if at == k:
            j = k + 1
    return segs


_SKIPPABLE = frozenset(" \t\r\n'\"\\")


def masked(logical: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    """``logical`` with each CI expression replaced by an unresolved variable reference of
    the same length, so the shell sees a word whose value is unknown."""
    for pattern in patterns:
        logical = pattern.sub(lambda m: "$" + "_" * (len(m.group(0)) - 1), logical)
    return logical


def analyze_script(
    doc: Document,
    node: Any,
    env: dict[str, VarDef],
    scope: Scope,
    masks: tuple[re.Pattern[str], ...] = (GITHUB_EXPR,),
    shell_c: bool = False,
) -> tuple[int, int]:
    """Analyse the shell script a scalar node holds (with ``shell_c``, the script of an
    ``sh -c '...'`` it holds, if it is one); return the counts of settings and sites before
    it (the caller may re-scope what it added)."""
    text = doc.text
    before = (len(doc.settings), len(doc.sites))
    sc = script_of(text, node)
    plain, segmap = sc.logical, sc.segmap
    decode = _yaml_decoder(text, sc)
    if shell_c:
        m = SHELL_C.fullmatch(plain)
        if m is None:
            return before
        group = 1 if m.group(1) is not None else 2
        a, b = m.span(group)
        plain, segmap = plain[a:b], segmap.slice(a, b)
        decode = _inner(decode, group)
    shell.analyze(doc, masked(plain, masks), segmap, env, scope, nested=True)
    checker = EditChecker(text, sc.start, sc.end, plain, segmap, decode)
    for s in doc.settings[before[0] :]:
        checker.check(s)
    return before


# ``sh -c 'script'`` as a compose command string: the quoted script is what runs
SHELL_C = re.compile(
    r"\s*(?:/usr)?(?:/bin/)?(?:ba|da)?sh\s+(?:-[a-z]+\s+)*-c\s+(?:'([^']*)'|\"([^\"\\\\$`]*)\")\s*"
)


def _inner(
    decode: Callable[[str], str | None] | None, group: int
) -> Callable[[str], str | None] | None:
    """A decoder of the script inside ``sh -c '...'`` from a decoder of the whole scalar."""
    if decode is None:
        return None

    def inner(body: str) -> str | None:
        value = decode(body)
        m = None if value is None else SHELL_C.fullmatch(value)
        return None if m is None else m.group(group)

    return inner


def _yaml_decoder(text: str, sc: Script) -> Callable[[str], str | None] | None:
    """Reads a scalar's (edited) text alone, as ruamel.yaml does in a one-key mapping
    indented like its line; None where that is not the same context (a flow collection,
    a line pipsrc cannot reproduce)."""
    line_start = text.rfind("\n", 0, sc.start) + 1
    prefix = text[line_start : sc.start]
    if _PREFIX.fullmatch(prefix) is None:
        return None
    eol = text.find("\n", sc.end)
    if text[sc.end : len(text) if eol == -1 else eol].strip()[:1] in (",", "]", "}"):
        return None  # an item of a flow collection
    head = " " * (len(prefix) - len(prefix.lstrip(" "))) + "k: "

    def decode(body: str) -> str | None:
        root = yamldoc.compose_one(head + body)
        if root is None or not isinstance(getattr(root, "value", None), list):
            return None
        if len(root.value) != 1:
            return None
        value = root.value[0][1]
        return scalar_value(value) if type(value).__name__ == "ScalarNode" else None

    return decode if decode(text[sc.start : sc.end]) == scalar_value(sc.node) else None


def note_skipped(doc: Document, node: Any, shell_name: str) -> None:
    """A script in a shell pipsrc does not read (PowerShell, cmd, Python) that mentions pip."""
    if re.search(r"pip|PIP_|UV_", str(node.value)):
        msg = f"a `shell: {shell_name}` script is not analysed: its pip commands are not checked"
        doc.problems.append(ParseProblem(node.start_mark.index, msg, False))
