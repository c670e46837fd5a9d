"""Locate index options in pip requirements and constraints files.

pip reads these files with its own small pipeline (``pip/_internal/req/req_file.py``):
join lines ending in ``\\`` (a comment line is never continued), strip comments
(``#`` at the start or after whitespace), expand ``${UPPER_NAME}``, split each line
into a requirement part and an options part at the first space-separated token
starting with ``-``, shlex-split the options part and give it to optparse. This
module replays exactly that pipeline, but keeps for every character of a logical
line the offset it came from, so each option value is located to the character
and a fixer can rewrite it without touching anything else.

Anything that makes pip itself refuse the file (an unclosed quote, an unknown or
ambiguous option, a missing argument) becomes a :class:`ParseProblem`.
"""

from __future__ import annotations

import bisect
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
    REQUIREMENTS_KINDS,
    REQUIREMENTS_OPTIONS,
    REQUIREMENTS_SHORT_OPTIONS,
    URL_KINDS,
)

# pip's ENV_VAR_RE: only ${UPPER_DIGITS_UNDERSCORE} is expanded.
_PIP_VAR = re.compile(r"\$\{[A-Z0-9_]+\}")
_OTHER_BRACED = re.compile(r"\$\{[^}]*\}")
_DOLLAR_NAME = re.compile(r"\$[A-Za-z_]")
_SHLEX_SPACE = " \t\r\n"

_MSG_REQ_LINE = "pip ignores index options on a requirement line"
_MSG_DOLLAR = "pip expands only ${VAR} in requirements files, not $VAR"
_MSG_LOWER = "pip expands only ${UPPER_CASE} names in requirements files"
_MSG_I_EQ = "-i=URL passes '=URL' to pip"
_MSG_FIND_LINKS = "pip uses only the first --find-links of a line"


@record
class _Logical:
    """One logical line (physical lines joined by ``\\``) with its offset map.

    ``segs`` holds ``(logical_start, physical_start)`` pairs: logical character
    ``k`` of a segment comes from physical offset ``phys + (k - log)``. A
    segment boundary is where pip glued two physical lines together, so a value
    crossing one is not a contiguous literal in the file.
    """

    text: str
    segs: list[tuple[int, int]]
    start: int  # physical start of the first line
    end: int  # physical end of the last line, before its line ending
    end_nl: int  # physical end including the line ending
    nl: str  # the last line's ending ("" at end of file)

    def phys(self, k: int) -> int:
        i = bisect.bisect_right(self.segs, (k, 1 << 62)) - 1
        log, ph = self.segs[i]
        return ph + (k - log)

    def same_seg(self, a: int, b: int) -> bool:
        """Whether logical offsets ``a`` and ``b`` (inclusive) lie in one segment."""
        keys = [s[0] for s in self.segs]
        return bisect.bisect_right(keys, a) == bisect.bisect_right(keys, b)


@record
class _Tok:
    value: str
    offs: list[int]  # logical offset of each value character
    start: int  # logical start of the token as written (quotes included)
    end: int
    quoted: bool = False


@record
class _State:
    doc: Document
    text: str
    settings: list[Setting] = field(default_factory=list)


def _is_comment_line(line: str) -> bool:
    """pip's ``COMMENT_RE.match(line)``: optional leading whitespace, then ``#``."""
    return line.lstrip().startswith("#")


def _physical_lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end before line ending, end after line ending) per ``\\n``-line."""
    out: list[tuple[int, int, int]] = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        if nl == -1:
            out.append((pos, n, n))
            break
        end = nl - 1 if nl > pos and text[nl - 1] == "\r" else nl
        out.append((pos, end, nl + 1))
        pos = nl + 1
    return out


def _logical_lines(text: str) -> list[_Logical]:
    """Replay pip's ``join_lines``: glue ``\\``-terminated lines, stripping backslashes."""
    out: list[_Logical] = []
    pending: list[tuple[int, int, int]] = []  # physical lines waiting to be joined
    for start, end, end_nl in _physical_lines(text):
        line = text[start:end]
        if not line.endswith("\\") or _is_comment_line(line):
            if pending:
                out.append(_join([*pending, (start, end, end_nl)], text, last_is_comment=True))
                pending = []
            else:
                out.append(_join([(start, end, end_nl)], text, last_is_comment=False))
        else:
            pending.append((start, end, end_nl))
    if pending:
        out.append(_join(pending, text, last_is_comment=False, trailing=True))
    return out


def _join(
    lines: list[tuple[int, int, int]],
    text: str,
    *,
    last_is_comment: bool,
    trailing: bool = False,
) -> _Logical:
    parts: list[str] = []
    segs: list[tuple[int, int]] = []
    length = 0
    for i, (start, end, _) in enumerate(lines):
        line = text[start:end]
        final = i == len(lines) - 1 and not trailing
        if final:
            piece, lead = line, 0
            if last_is_comment and _is_comment_line(line):
                # pip prefixes a comment line with a space so it is stripped later
                segs.append((length, start))
                parts.append(" ")
                length += 1
                segs.append((length, start))
                parts.append(line)
                length += len(line)
                continue
        else:
            lead = len(line) - len(line.lstrip("\\"))
            piece = line.strip("\\")
        segs.append((length, start + lead))
        parts.append(piece)
        length += len(piece)
    last = lines[-1]
    nl = text[last[1] : last[2]]
    return _Logical("".join(parts), segs, lines[0][0], last[1], last[2], nl)


def _comment_start(line: str) -> int:
    """Start of pip's ``COMMENT_RE`` match (including the whitespace before ``#``), or -1."""
    pos = line.find("#")
    while pos != -1:
        if pos == 0 or line[pos - 1].isspace():
            ws = pos
            while ws > 0 and line[ws - 1].isspace():
                ws -= 1
            return ws
        pos = line.find("#", pos + 1)
    return -1


def _shlex(s: str, base: int) -> tuple[list[_Tok], str | None]:
    """POSIX ``shlex.split`` (whitespace_split, no comments) keeping offsets.

    Returns the tokens and an error message when shlex would raise.
    """
    toks: list[_Tok] = []
    i, n = 0, len(s)
    while i < n:
        while i < n and s[i] in _SHLEX_SPACE:
            i += 1
        if i >= n:
            break
        start = i
        chars: list[str] = []
        offs: list[int] = []
        quoted = False
        while i < n and s[i] not in _SHLEX_SPACE:
            c = s[i]
            if c == "\\":
                if i + 1 >= n:
                    return toks, "No escaped character"
                chars.append(s[i + 1])
                offs.append(base + i + 1)
                i += 2
            elif c in "'\"":
                quoted = True
                close = i + 1
                while True:
                    if close >= n:
                        return toks, "No closing quotation"
                    ch = s[close]
                    if ch == c:
                        break
                    if c == '"' and ch == "\\" and close + 1 < n and s[close + 1] in '"\\':
                        chars.append(s[close + 1])
                        offs.append(base + close + 1)
                        close += 2
                        continue
                    chars.append(ch)
                    offs.append(base + close)
                    close += 1
                i = close + 1
            else:
                chars.append(c)
                offs.append(base + i)
                i += 1
        toks.append(_Tok("".join(chars), offs, base + start, base + i, quoted))
    return toks, None


def _options_start(line: str) -> int:
    """pip's ``break_args_options``: offset of the first space-token starting with ``-``."""
    pos = 0
    n = len(line)
    while pos <= n:
        if line.startswith("-", pos):
            return pos
        nxt = line.find(" ", pos)
        if nxt == -1:
            return -1
        pos = nxt + 1
    return -1


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
    for ll in _logical_lines(text):
        _scan_line(doc, text, ll)
    return doc


def _scan_line(doc: Document, text: str, ll: _Logical) -> None:
    line = ll.text
    cstart = _comment_start(line)
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
    ostart = _options_start(body)
    if ostart == -1:
        return
    is_req = ostart > 0
    toks, err = _shlex(body[ostart:], lead + ostart)
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
    opt: _Tok
    key: str
    a: int
    b: int
    value: _Tok | None


class _Refused(Exception):
    """optparse exits on this word (an unknown, ambiguous or incomplete option): pip
    reads none of the line's options."""

    def __init__(self, tok: _Tok, message: str) -> None:
        super().__init__(message)
        self.tok = tok
        self.message = message


def _apply_options(
    doc: Document,
    text: str,
    ll: _Logical,
    toks: list[_Tok],
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
                doc.includes.append(f.value.value[f.a : f.b])
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


def _read_options(toks: list[_Tok]) -> list[_Found]:
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


def _option(tok: _Tok) -> _Found | tuple[str, str] | None:
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


def _option_setting(text: str, ll: _Logical, f: _Found) -> Setting | None:
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
    text: str, ll: _Logical, kind: SettingKind, key: str, vt: _Tok, a: int, b: int
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


def _token_removal(text: str, ll: _Logical, lstart: int, lend: int) -> Span:
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


def _sibling(text: str, ll: _Logical) -> Insertion:
    """A new ``--trusted-host`` line right after the option's (last physical) line."""
    if ll.nl:
        return Insertion(ll.end_nl, "--trusted-host {value}{nl}", ll.nl)
    return Insertion(ll.end_nl, "{nl}--trusted-host {value}", majority_newline(text))
