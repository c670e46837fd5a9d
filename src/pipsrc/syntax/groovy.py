"""Just enough Groovy for Jenkinsfiles: tokens (strings, comments, names, brackets) and the
decoded text of a string literal, mapped back to the file.

Groovy has four string literals that matter: ``'...'`` and ``'''...'''`` hold text as
written (escapes aside), ``"..."`` and ``\"\"\"...\"\"\"`` are GStrings whose ``${expr}`` and
``$name`` are interpolated by Groovy before a ``sh`` step sees the text. A ``${NAME}`` or
``$NAME`` stays a variable reference for the shell analyser (a Jenkins ``environment``
variable has the same value either way); any other interpolation (``${env.X}``,
``${params.X}``) becomes an unresolved reference of the same length. Escapes decode to
their character, mapped to the escaped character's place; a backslash at the end of a
line of a triple-quoted string joins the lines.
"""

from __future__ import annotations

import re

from pipsrc.records import record

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "s": " ", "0": "\0"}
_SIMPLE_REF = re.compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")


@record(frozen=True)
class Token:
    kind: str  # "str", "name", "punct", "comment"
    start: int
    end: int
    quote: str = ""  # a string's delimiter: ', ", ''' or \"\"\"

    @property
    def body(self) -> tuple[int, int]:
        """A string's content range (without its delimiters)."""
        n = len(self.quote)
        return self.start + n, self.end - n


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``; an unterminated string or comment runs to the end."""
    out: list[Token] = []
    pos, n = 0, len(text)
    while pos < n:
        ch = text[pos]
        if ch.isspace():
            pos += 1
        elif text.startswith("//", pos):
            end = text.find("\n", pos)
            end = n if end == -1 else end
            out.append(Token("comment", pos, end))
            pos = end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            end = n if end == -1 else end + 2
            out.append(Token("comment", pos, end))
            pos = end
        elif ch in "'\"":
            quote = ch * 3 if text.startswith(ch * 3, pos) else ch
            end = _string_end(text, pos + len(quote), quote)
            out.append(Token("str", pos, end, quote))
            pos = end
        elif (m := _NAME.match(text, pos)) is not None:
            out.append(Token("name", pos, m.end()))
            pos = m.end()
        else:
            out.append(Token("punct", pos, pos + 1))
            pos += 1
    return out


def _string_end(text: str, pos: int, quote: str) -> int:
    """The offset after the closing delimiter of a string whose content starts at ``pos``."""
    n = len(text)
    depth = 0  # inside ${ } of a GString
    while pos < n:
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if quote[0] == '"' and text.startswith("${", pos):
            depth += 1
            pos += 2
            continue
        if depth and ch == "}":
            depth -= 1
        elif not depth and text.startswith(quote, pos):
            return pos + len(quote)
        elif len(quote) == 1 and ch == "\n" and not depth:
            return pos  # an unterminated one-line string ends at its line
        pos += 1
    return n


def decode(text: str, token: Token) -> tuple[str, list[tuple[int, int, int]]]:
    """A string literal's value and its segments ``(logical, file, length)``."""
    a, b = token.body
    gstring = token.quote[0] == '"'
    out: list[str] = []
    segs: list[tuple[int, int, int]] = []
    pos = a
    n = 0

    def put(s: str, at: int) -> None:
        nonlocal n
        if not s:
            return
        out.append(s)
        if segs and segs[-1][0] + segs[-1][2] == n and segs[-1][1] + segs[-1][2] == at:
            log, f, k = segs[-1]
            segs[-1] = (log, f, k + len(s))
        else:
            segs.append((n, at, len(s)))
        n += len(s)

    while pos < b:
        ch = text[pos]
        if ch == "\\" and pos + 1 < b:
            nxt = text[pos + 1]
            if nxt == "\n" and len(token.quote) == 3:
                pos += 2
                continue
            put(_ESCAPES.get(nxt, nxt), pos + 1)
            pos += 2
        elif gstring and ch == "$" and pos + 1 < b:
            end = _interpolation_end(text, pos, b)
            src = text[pos:end]
            if _SIMPLE_REF.fullmatch(src):
                for k, c in enumerate(src):
                    put(c, pos + k)
            else:
                put("$" + "_" * (len(src) - 1), pos)  # maps char for char: unresolved
            pos = max(end, pos + 1)
        else:
            put(ch, pos)
            pos += 1
    return "".join(out), segs


def _interpolation_end(text: str, pos: int, end: int) -> int:
    """The end of a GString interpolation starting with ``$`` at ``pos``."""
    if text.startswith("${", pos):
        depth, k = 0, pos + 1
        while k < end:
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return end
    m = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*").match(text, pos, end)
    return m.end() if m else pos + 1
