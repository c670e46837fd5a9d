"""Commands that run a shell program given as one word: ``bash -c '...'``, ``sh -ec "..."``,
``su app -c '...'`` (after the wrappers pip is found behind: ``sudo``, ``env NAME=value``,
``timeout 60``, ``conda run -n x`` ...).

The shell analyser reads that word's text as a program of its own (a child process: it sees
the environment, and what it sets does not come back). Only a quoted word whose text the
outer shell passes on as written is read: a single-quoted one, or a double-quoted one
without a backslash, a backquote or a ``$(``; a ``$NAME`` in it is read as the child's
variable, which it is for the environment variables a Dockerfile's ``ENV``/``ARG`` and an
``export`` set. :func:`decoder` reads the word back from the file after an edit, so that a
fix inside it is kept only when the quoted word still holds the program with the same edit.
"""

from __future__ import annotations

from collections.abc import Callable

from pipsrc.compat import pairwise
from pipsrc.syntax.pipcli import command_start
from pipsrc.syntax.words import Tok, value_at

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash"})
# shell options that take a value (``bash -o pipefail -c ...``)
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def program_word(words: list[Tok]) -> int | None:
    """The index of the word that ``words`` runs as a shell program, or None."""
    i = command_start(words)
    name = value_at(words, i)
    if name is None:
        return None
    base = name.rsplit("/", 1)[-1]
    if base in SHELLS:
        return _shell_program(words, i + 1)
    if base == "su":
        return _su_program(words, i + 1)
    return None


def _shell_program(words: list[Tok], i: int) -> int | None:
    """After a shell's name: the program word of ``-c`` (options come first: ``-ec``,
    ``-o pipefail -c``, ``--login -c``), or None."""
    seen_c = False
    while (w := value_at(words, i)) is not None and w[:1] in ("-", "+") and w not in ("-", "+"):
        if w == "--":
            i += 1
            break
        if w in _SHELL_VALUE_OPTIONS:
            i += 2
            continue
        if w[0] == "-" and not w.startswith("--") and "c" in w[1:]:
            seen_c = True
        i += 1
    return i if seen_c and i < len(words) else None


def _su_program(words: list[Tok], i: int) -> int | None:
    """``su [options] [-] [user] -c PROGRAM``: the word after ``-c``/``--command``."""
    for j in range(i, len(words) - 1):
        if value_at(words, j) in ("-c", "--command"):
            return j + 1
    return None


def unquote(quoted: str) -> str | None:
    """The program the quoted word ``quoted`` passes to the shell, or None when it is not
    one quoted word the outer shell leaves as written."""
    if len(quoted) < 2 or quoted[0] not in "'\"" or quoted[-1] != quoted[0]:
        return None
    body = quoted[1:-1]
    if quoted[0] == "'":
        return None if "'" in body else body
    if any(c in body for c in '"\\`') or "$(" in body:
        return None
    return body


def decoder(text: str, ranges: list[tuple[int, int]], quoted: str) -> Callable[[str], str | None]:
    """A reader of the program from the file text between the first of ``ranges`` and the
    end of the last (the quoted word, which the host file may break with what it drops
    between ranges: a Dockerfile's line continuations); None when the ranges do not hold
    ``quoted``. An edit keeps the dropped text as it is, or the word is not read back."""
    if not ranges or "".join(text[a:b] for a, b in ranges) != quoted:
        return lambda body: None
    gaps = [text[end:start] for (_, end), (start, _) in pairwise(ranges)]

    def decode(body: str) -> str | None:
        parts, pos = [], 0
        for gap in gaps:
            at = body.find(gap, pos)
            if at < 0:
                return None
            parts.append(body[pos:at])
            pos = at + len(gap)
        parts.append(body[pos:])
        return unquote("".join(parts))

    return decode
