"""``.env`` files: ``KEY=VALUE`` lines, as Docker Compose reads them (``env_file:``, and the
project ``.env`` that ``${VAR}`` interpolation in a compose file reads).

One line per variable, an optional ``export`` before the name, ``#`` comments on their own
line or after a blank following an unquoted value. A value in single quotes is literal,
in double quotes it may hold escapes and ``${VAR}`` references, unquoted it may hold
references. Each index variable is a setting of the ``file`` scope, editable where its
value is written verbatim, removable with its line; a ``PIP_TRUSTED_HOST=`` line is added
after the first pip URL line when one is needed. A line pipsrc cannot read is a problem
(compose refuses such a file), and blocks fixes.
"""

from __future__ import annotations

import re

from pipsrc.model import Comment, Document, Insertion, Method, ParseProblem, Scope, Setting, Span
from pipsrc.syntax.emit import pip_index_ineffective
from pipsrc.syntax.proxyvars import proxy_variables
from pipsrc.syntax.variables import expand
from pipsrc.syntax.words import Resolved, split_items
from pipsrc.textio import line_ending_at, majority_newline
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR, URL_KINDS

KIND = "dotenv"
_LINE = re.compile(
    r"[ \t]*(?:export[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*"
    r"(?:'(?P<sq>[^'\n]*)'|\"(?P<dq>(?:[^\"\\\n]|\\.)*)\"|(?P<plain>[^\r\n]*?))"
    r"(?P<rest>[ \t]*(?:[ \t]#[^\r\n]*)?)\r?$"
)


def parse(text: str, path: str) -> Document:
    doc = Document(path, KIND, text)
    doc.scopes.append(Scope("file", 0, len(text), nl=majority_newline(text)))
    trusted_written = "PIP_TRUSTED_HOST" in re.findall(
        r"^[ \t]*(?:export[ \t]+)?(\w+)=", text, re.M
    )
    sibling: Insertion | None = None
    pos = 0
    while pos < len(text):
        eol = text.find("\n", pos)
        nxt = len(text) if eol == -1 else eol + 1
        line = text[pos : len(text) if eol == -1 else eol]
        stripped = line.strip()
        if stripped.startswith("#"):
            start = pos + line.index("#")
            end = pos + len(line.rstrip("\r"))
            doc.comments.append(Comment(Span(start, end), text[start + 1 : end], True))
        elif stripped:
            m = _LINE.fullmatch(line)
            if m is None:
                doc.problems.append(
                    ParseProblem(pos, f"cannot read line {_line_no(text, pos)} of the .env file")
                )
            else:
                sibling = _entry(doc, m, pos, nxt, trusted_written, sibling)
        pos = nxt
    proxy_variables(doc, ("env",), Method.DOTENV)
    return doc


def _line_no(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _entry(
    doc: Document,
    m: re.Match[str],
    base: int,
    nxt: int,
    trusted_written: bool,
    sibling: Insertion | None,
) -> Insertion | None:
    """The setting of one ``KEY=VALUE`` line; returns the sibling insertion point shared by
    the file's pip URL lines (the line after the first one)."""
    text = doc.text
    rest = m.group("rest")
    if "#" in rest:
        at = base + m.start("rest") + rest.index("#")
        end = base + m.end("rest") - (1 if m.group(0).endswith("\r") else 0)
        doc.comments.append(Comment(Span(at, end), text[at + 1 : end], False))
    name = m.group("name")
    spec = ENV_VARS.get(name)
    if spec is None:
        return sibling
    group = "sq" if m.group("sq") is not None else "dq" if m.group("dq") is not None else "plain"
    raw = m.group(group)
    span = Span(base + m.start(group), base + m.end(group))
    value = _value(raw, group)
    exact = value == raw
    ineffective = pip_index_ineffective(text) if spec.ineffective else None
    if spec.ineffective and ineffective is None:
        return sibling
    removal = Span(base, nxt)
    if spec.tool in TRUSTED_VAR and spec.kind in URL_KINDS and not trusted_written and not sibling:
        sibling = _trusted_line(text, TRUSTED_VAR[spec.tool], group, base, nxt)
    items: list[tuple[str, Span, bool, Span | None]] = []
    if value and (spec.split or spec.named):
        items = split_items(Resolved(value, raw, span, exact), spec.named)
    if not items:
        items = [(value or "", span, exact, None)]
    sib = sibling if spec.kind in URL_KINDS and spec.tool in TRUSTED_VAR else None
    for item, ispan, iexact, iremoval in items:
        doc.settings.append(
            Setting(
                spec.kind,
                name,
                text[ispan.start : ispan.end],
                item if value is not None else None,
                ispan,
                Method.DOTENV,
                "file",
                spec.tool,
                iexact and value is not None,
                iremoval if len(items) > 1 else removal,
                ineffective=ineffective,
                sibling=sib,
                assign=base,
            )
        )
    return sibling


def _value(raw: str, group: str) -> str | None:
    """A value as compose reads it: literal in single quotes, ``${VAR}`` unresolved."""
    if group == "sq":
        return raw
    if "$" in raw:
        return expand(raw, {})
    return raw.replace('\\"', '"') if group == "dq" else raw


def _trusted_line(text: str, trusted: str, group: str, base: int, nxt: int) -> Insertion:
    """A ``PIP_TRUSTED_HOST=`` line after the line at ``base``, quoted like its value."""
    q = "" if group == "plain" else ('"' if group == "dq" else "'")
    nl = line_ending_at(text, base)
    if nxt == len(text) and not text.endswith("\n"):
        return Insertion(nxt, f"{{nl}}{trusted}={q}{{value}}{q}", nl)
    return Insertion(nxt, f"{trusted}={q}{{value}}{q}{{nl}}", nl)


def config_lines(pairs: list[tuple[str, str]], nl: str) -> str:
    return "".join(f"{k}={v}{nl}" for k, v in pairs)
