"""Commands that run a shell program given as one word: ``bash -c '...'``, ``sh -ec "..."``,
``su app -c '...'`` (after the wrappers pip is found behind: ``sudo``, ``env NAME=value``,
``timeout 60``, ``conda run -n x`` ...).

The shell analyser reads that word's text as a program of its own (a child process: it sees
the environment, and what it sets does not come back). Only a quoted word the outer shell
passes on as written, but for the backslashes of its escapes, is read: a single-quoted one,
or a double-quoted one without a ``$(...)`` or a backquote the outer shell runs first
(:func:`program_runs`); a ``$NAME`` in it is read as the child's variable, which it is for
the environment variables a Dockerfile's ``ENV``/``ARG`` and an ``export`` set.
:func:`decoder` reads the word back from the file after an edit, so that a fix inside it is
kept only when the quoted word still holds the program with the same edit.
"""

from __future__ import annotations

from collections.abc import Callable

from pipsrc.compat import pairwise
from pipsrc.syntax.words import Tok, value_at
from pipsrc.syntax.wrappers import command_start

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
    one quoted word the outer shell passes on as written (:func:`program_runs`)."""
    runs = program_runs(quoted)
    return None if runs is None else "".join(quoted[a:b] for a, b in runs)


def program_runs(quoted: str) -> list[tuple[int, int]] | None:
    """The ranges of ``quoted`` (quotes included) whose characters are the program: all of
    a single-quoted word's inside; a double-quoted word's inside less the backslash of each
    ``\\$``, ``\\```, ``\\"``, ``\\\\`` (and a ``\\`` line break, both characters), as the
    outer shell removes them. None for what the outer shell would change otherwise: a
    ``$(...)`` or a backquote it runs, a quote that ends the word early."""
    if len(quoted) < 2 or quoted[0] not in "'\"" or quoted[-1] != quoted[0]:
        return None
    end = len(quoted) - 1
    if quoted[0] == "'":
        return None if "'" in quoted[1:end] else [(1, end)]
    runs: list[tuple[int, int]] = []
    start, i = 1, 1
    while i < end:
        c = quoted[i]
        if c == "\\" and i + 1 < end and quoted[i + 1] in '$`"\\\n':
            runs.append((start, i))
            start = i + 1 if quoted[i + 1] != "\n" else i + 2
            i += 2
            continue
        if c in '"`' or (c == "$" and quoted[i + 1 : i + 2] == "("):
            return None
        i += 1
    runs.append((start, end))
    return [(a, b) for a, b in runs if b > a]


def decoder(text: str, ranges: list[tuple[int, int]], quoted: str) -> Callable[[str], str | None]:
    """A reader of the program from the file text between the first of ``ranges`` and the
    end of the last (the quoted word, which the host file may break with what it drops
    between ranges: a Dockerfile's line continuations); it reads nothing (None) when the
    ranges do not hold ``quoted``. An edit keeps the dropped text as it is, or the word is
    not read back."""
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
