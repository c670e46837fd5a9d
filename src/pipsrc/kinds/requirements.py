"""Locate index options in pip requirements and constraints files.

pip reads these files with its own small pipeline (``pip/_internal/req/req_file.py``):
join lines ending in ``\\`` (a comment line is never continued), strip comments
(``#`` at the start or after whitespace), expand ``${UPPER_NAME}``, split each line
into a requirement part and an options part at the first space-separated token
starting with ``-``, shlex-split the options part and give it to optparse. This
module replays exactly that pipeline (the line steps are
:mod:`pipsrc.syntax.reqlines`), but keeps for every character of a logical line the
offset it came from, so each option value is located to the character and a fixer
can rewrite it without touching anything else.

Anything that makes pip itself refuse the file (an unclosed quote, an unknown or
ambiguous option, a missing argument) becomes a :class:`ParseProblem`.
"""

from __future__ import annotations

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
from pipsrc.records import record
from pipsrc.syntax.reqlines import (
    LogicalLine,
    ShlexToken,
    comment_start,
    logical_lines,
    options_start,
    shlex_split,
)
from pipsrc.textio import majority_newline
from pipsrc.vocabulary import (
    REQUIREMENTS_KINDS,
    REQUIREMENTS_OPTIONS,
    REQUIREMENTS_SHORT_OPTIONS,
    URL_KINDS,
)

# pip's ENV_VAR_RE: only ${UPPER_DIGITS_UNDERSCORE} is expanded.
_PIP_VAR = re.compile(r"\$\{[A-Z0-9_]+\}")
_OTHER_BRACED = re.compile(r"\$\{[^}]*\}")
_DOLLAR_NAME = re.compile(r"\$[A-Za-z_]")

_MSG_REQ_LINE = "pip ignores index options on a requirement line"
_MSG_DOLLAR = "pip expands only ${VAR} in requirements files, not $VAR"
_MSG_LOWER = "pip expands only ${UPPER_CASE} names in requirements files"
_MSG_I_EQ = "-i=URL passes '=URL' to pip"
_MSG_FIND_LINKS = "pip uses only the first --find-links of a line"


def _resolve_long(name: str) -> tuple[str | None, str | None]:
    """optparse's ``_match_abbrev``: (long option, error)."""
    if name in REQUIREMENTS_OPTIONS:
        return name, None
    matches = [o for o in REQUIREMENTS_OPTIONS if o.startswith(name)]
    if len(matches) == 1:
        return matches[0], None
    if not matches:
        return None, f"no such option: {name}"
    return None, f"ambiguous option: {name} ({', '.join(sorted(matches))}?)"


def parse(text: str, path: str) -> Document:
    """Parse a requirements/constraints file into located index settings."""
    doc = Document(path=path, kind=FileKind.REQUIREMENTS, text=text)
    doc.scopes.append(Scope(id="file", start=0, end=len(text), nl=majority_newline(text)))
    for ll in logical_lines(text):
        _scan_line(doc, text, ll)
    return doc


def _scan_line(doc: Document, text: str, ll: LogicalLine) -> None:
    line = ll.text
    cstart = comment_start(line)
    if cstart != -1:
        hash_at = line.index("#", cstart)
        p = ll.phys(hash_at)
        own = not line[:cstart].strip()
        doc.comments.append(Comment(Span(p, max(p, ll.end)), line[hash_at + 1 :], own))
        line = line[:cstart]
    if "-" not in line:
        return
    lead = len(line) - len(line.lstrip())
    body = line.strip()
    ostart = options_start(body)
    if ostart == -1:
        return
    is_req = ostart > 0
    toks, err = shlex_split(body[ostart:], lead + ostart)
    if err is not None:
        doc.problems.append(
            ParseProblem(ll.phys(lead + ostart), f"pip cannot split the options: {err}", True)
        )
        return
    _apply_options(doc, text, ll, toks, is_req, lead, body)


@record
class _Found:
    """One option optparse reads: where pip stores it (``dest``), the option word, the
    key as written, and its value ``value.value[a:b]`` (``value`` is None for a flag)."""

    dest: str
    opt: ShlexToken
    key: str
    a: int
    b: int
    value: ShlexToken | None


class _Refused(Exception):
    """optparse exits on this word (an unknown, ambiguous or incomplete option): pip
    reads none of the line's options."""

    def __init__(self, tok: ShlexToken, message: str) -> None:
        super().__init__(message)
        self.tok = tok
        self.message = message


def _apply_options(
    doc: Document,
    text: str,
    ll: LogicalLine,
    toks: list[ShlexToken],
    is_req: bool,
    lead: int,
    body: str,
) -> None:
    try:
        found = _read_options(toks)
    except _Refused as exc:
        doc.problems.append(ParseProblem(ll.phys(exc.tok.start), exc.message, False))
        return
    requirement_line = is_req or any(f.dest == "editable" for f in found)
    if not requirement_line:
        for f in found:
            if f.dest in ("requirement", "constraint") and f.value is not None:
                name = f.value.value[f.a : f.b]
                doc.includes.append(name)
                doc.include_marks.append((ll.start, name, f.dest == "constraint"))
                break
    # line-level removal: the whole physical line(s) when this line is only options
    only_one = len(found) == 1 and not requirement_line
    seen_find_links = False
    for f in found:
        setting = _option_setting(text, ll, f)
        if setting is None:
            continue
        if f.dest == "find-links":
            if seen_find_links and setting.ineffective is None:
                setting.ineffective = _MSG_FIND_LINKS
            seen_find_links = True
        if requirement_line:
            setting.ineffective = _MSG_REQ_LINE
        end_tok = f.value if f.value is not None else f.opt
        setting.removal = (
            Span(ll.start, ll.end_nl)
            if only_one
            else _token_removal(text, ll, f.opt.start, end_tok.end)
        )
        if setting.kind in URL_KINDS and setting.ineffective is None:
            setting.sibling = _sibling(text, ll)
        doc.settings.append(setting)


def _read_options(toks: list[ShlexToken]) -> list[_Found]:
    """Replay optparse over an options part: every option it reads, in order (raises
    :class:`_Refused` where it would exit)."""
    found: list[_Found] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        i += 1
        if tok.value == "--":
            break
        got = _option(tok)
        if got is None:
            continue  # positional arguments are ignored by pip on option lines
        if isinstance(got, _Found):
            found.append(got)
            continue
        dest, name = got
        if i >= len(toks):
            raise _Refused(tok, f"pip: {name} option requires 1 argument")
        val = toks[i]
        i += 1
        found.append(_Found(dest, tok, name, 0, len(val.value), val))
    return found


def _option(tok: ShlexToken) -> _Found | tuple[str, str] | None:
    """What optparse makes of one word: an option read whole (flag, ``--opt=value``,
    ``-ivalue``), ``(dest, name)`` of one whose value is the next word, or None for a
    positional argument."""
    v = tok.value
    if v.startswith("--"):
        name, eq, _ = v.partition("=")
        opt, err = _resolve_long(name)
        if opt is None:
            raise _Refused(tok, f"pip: {err}")
        dest, takes = REQUIREMENTS_OPTIONS[opt]
        if not takes:
            if eq:
                raise _Refused(tok, f"pip: {opt} option does not take a value")
            return _Found(dest, tok, name, -1, -1, None)
        if eq:
            return _Found(dest, tok, name, len(name) + 1, len(v), tok)
        return dest, name
    if v.startswith("-") and len(v) > 1:
        short = v[:2]
        if short not in REQUIREMENTS_SHORT_OPTIONS:
            raise _Refused(tok, f"pip: no such option: {short}")
        dest = REQUIREMENTS_OPTIONS[REQUIREMENTS_SHORT_OPTIONS[short]][0]
        if len(v) > 2:
            return _Found(dest, tok, short, 2, len(v), tok)
        return dest, short
    return None


def _option_setting(text: str, ll: LogicalLine, f: _Found) -> Setting | None:
    """The setting of an index option (``--no-index`` or one with a URL value), or None
    for any other option and for an empty value."""
    if f.dest == "no-index":
        span = Span(ll.phys(f.opt.start), ll.phys(f.opt.end - 1) + 1)
        return Setting(
            kind=SettingKind.NO_INDEX,
            key=f.key,
            raw=text[span.start : span.end],
            value="true",
            span=span,
            method=Method.REQUIREMENTS,
            scope="file",
            editable=False,
        )
    vt = f.value
    if f.dest not in REQUIREMENTS_KINDS or vt is None:
        return None
    i_eq = f.key == "-i" and vt is f.opt and vt.value[2:3] == "="
    kind = REQUIREMENTS_KINDS[f.dest]
    setting = _value_setting(text, ll, kind, f.key, vt, f.a + 1 if i_eq else f.a, f.b)
    if setting is not None and i_eq:
        # optparse hands pip the '=' too; locate the URL after it
        setting.ineffective = _MSG_I_EQ
        setting.value = vt.value[f.a : f.b]
    return setting


def _value_setting(
    text: str, ll: LogicalLine, kind: SettingKind, key: str, vt: ShlexToken, a: int, b: int
) -> Setting | None:
    """The setting for ``vt.value[a:b]``, located exactly when it is a plain literal."""
    value = vt.value[a:b]
    if a >= b:
        return None  # an empty value (``--extra-index-url=``, ``-i ""``): nothing to locate
    offs = vt.offs[a:b]
    lo, hi = offs[0], offs[-1]
    p0, p1 = ll.phys(lo), ll.phys(hi) + 1
    exact = hi - lo == b - a - 1 and ll.same_seg(lo, hi)
    raw = text[p0:p1]
    editable = exact and raw == value
    resolved: str | None = value
    ineffective: str | None = None
    if "$" in value:
        if _PIP_VAR.search(value):
            resolved, editable = None, False
        elif _OTHER_BRACED.search(value):
            ineffective = _MSG_LOWER
        elif _DOLLAR_NAME.search(value):
            ineffective = _MSG_DOLLAR
    return Setting(
        kind=kind,
        key=key,
        raw=raw,
        value=resolved,
        span=Span(p0, p1),
        method=Method.REQUIREMENTS,
        scope="file",
        editable=editable,
        ineffective=ineffective,
    )


def _token_removal(text: str, ll: LogicalLine, lstart: int, lend: int) -> Span:
    """Option and value plus one adjacent run of blanks (the following one if any)."""
    start, end = ll.phys(lstart), ll.phys(lend - 1) + 1
    after = end
    while after < ll.end and text[after] in " \t":
        after += 1
    if after > end and after < ll.end:
        return Span(start, after)
    before = start
    while before > ll.start and text[before - 1] in " \t":
        before -= 1
    return Span(before, end)


def _sibling(text: str, ll: LogicalLine) -> Insertion:
    """A new ``--trusted-host`` line right after the option's (last physical) line."""
    if ll.nl:
        return Insertion(ll.end_nl, "--trusted-host {value}{nl}", ll.nl)
    return Insertion(ll.end_nl, "{nl}--trusted-host {value}", majority_newline(text))
