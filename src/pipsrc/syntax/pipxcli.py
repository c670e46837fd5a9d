"""pipx's command line: the commands that install with pip, and the pip options they pass.

pipx installs each application into a virtual environment of its own by running pip
there, in the caller's environment: pip's configuration files and ``PIP_*`` variables
apply as to any pip install, and pipx adds ``--index-url`` (``-i``) and the words of
``--pip-args`` to pip's command line. So ``pipx install poetry`` is an install site of
pip, whose flags are those two; what pipx itself takes (``--python``, ``--suffix``...)
is skipped. For ``pipx run APP ...`` the words after the application are its own.
"""

from __future__ import annotations

import re

from pipsrc.syntax.words import Piece, Tok, literal_prefix, value_at

# the pipx commands that run `pip install` (inject adds packages to an app's environment)
PIPX_INSTALLS = frozenset(
    {"install", "install-all", "inject", "run", "upgrade", "upgrade-all", "reinstall",
     "reinstall-all"}
)  # fmt: skip
_INDEX = frozenset({"--index-url", "-i"})
_PIP_ARGS = "--pip-args"
# pipx options that take a value (the value is no package and no application)
_VALUE = frozenset({"--python", "--suffix", "--spec", "--preinstall", "--backend",
                    "--requirement", "-r", *_INDEX, _PIP_ARGS})  # fmt: skip
_PY_NAME = re.compile(r"python(?:\d+(?:\.\d+)*)?|py")


def pipx_command(words: list[Tok], start: int) -> tuple[str, list[Tok]] | None:
    """(subcommand, the words pipx passes to pip) for ``pipx SUB ...`` or ``python -m pipx
    SUB ...`` at ``start``; None for anything else."""
    v = value_at(words, start)
    if v is None:
        return None
    base = v.rsplit("/", 1)[-1]
    if base == "pipx":
        i = start + 1
    elif _PY_NAME.fullmatch(base) and value_at(words, start + 1) == "-m":
        if value_at(words, start + 2) != "pipx":
            return None
        i = start + 3
    else:
        return None
    sub = value_at(words, i)
    if sub not in PIPX_INSTALLS:
        return None
    return sub, _pip_words(words, i + 1, sub == "run")


def _pip_words(words: list[Tok], i: int, run: bool) -> list[Tok]:
    """The index options of a pipx command line (as written) and the words of its
    ``--pip-args`` (located at that word, never edited there)."""
    out: list[Tok] = []
    while i < len(words):
        w = words[i]
        v = w.value
        if v is None and literal_prefix(w).startswith(("--index-url=", "-i")):
            out.append(w)  # --index-url=$URL, -i$URL
            i += 1
            continue
        if v is None or v == "--" or not v.startswith("-"):
            if run:
                break  # the application: what follows is its own command line
            i += 1
            continue
        name, eq, attached = v.partition("=")
        if name in _INDEX:
            out += [w] if eq else words[i : i + 2]  # --index-url=URL, or URL the next word
        elif v.startswith("-i") and not v.startswith("--"):
            out.append(w)  # -iURL
        elif name == _PIP_ARGS:
            arg = w if eq else (words[i + 1] if i + 1 < len(words) else None)
            out += _split(arg, attached if eq else None)
        i += 2 if name in _VALUE and not eq else 1
    return out


def _split(w: Tok | None, attached: str | None) -> list[Tok]:
    """The words of a ``--pip-args`` value, as pipx splits it (shlex)."""
    text = attached if attached is not None else (w.value if w is not None else None)
    if w is None or text is None:
        return []
    import shlex  # only for a --pip-args value

    try:
        parts = shlex.split(text)
    except ValueError:  # an unbalanced quote: pipx fails on it too
        return []
    return [Tok(w.start, w.end, [Piece(w.start, w.end, part, False)]) for part in parts]
