"""The installers of applications, pipx and uv's tool commands: which of their commands
install, with which installer, and the words that installer reads as its options.

pipx installs each application into a virtual environment of its own by running pip
there, in the caller's environment: pip's configuration files and ``PIP_*`` variables
apply as to any pip install, and pipx adds ``--index-url`` (``-i``) and the words of
``--pip-args`` to pip's command line. So ``pipx install poetry`` is an install site of
pip, whose flags are those two; what pipx itself takes (``--python``, ``--suffix``...)
is skipped. For ``pipx run APP ...`` the words after the application are its own.

``uv tool install|upgrade|run`` and ``uvx`` (``uv tool run``) are uv installs that read
uv's options, ``UV_*`` variables and the user's and system's uv.toml, never a project's
configuration (uv's docs: tool commands operate at the user level); after the tool that
``run``/``uvx`` runs, the words are the tool's.
"""

from __future__ import annotations

import posixpath

from pipsrc.model import Tool
from pipsrc.syntax.words import Tok, literal_prefix, skip_options, split_word, value_at
from pipsrc.vocabulary import (
    PYTHON_NAME,
    UV_INDEX_OPTIONS,
    UV_SHORT_VALUE_OPTIONS,
    UV_TOOL_COMMANDS,
    UV_VALUE_OPTIONS,
)

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


_UV_TOOL_VALUE = UV_VALUE_OPTIONS | UV_SHORT_VALUE_OPTIONS | {
    *(o for o in UV_INDEX_OPTIONS if o != "--no-index"), "-i", "-f", "--from", "--with",
    "--with-editable", "--with-requirements", "-w", "--python"}  # fmt: skip


def app_install(words: list[Tok], start: int) -> tuple[str, Tool, list[Tok]] | None:
    """(the command as reported, its installer, the words that installer reads as its
    options) for a pipx or uv tool install at ``start``; None for anything else."""
    found = pipx_command(words, start)
    if found is not None:
        return f"pipx {found[0]}", Tool.PIP, found[1]
    v = value_at(words, start)
    base = v.rsplit("/", 1)[-1] if v is not None else ""
    if base == "uvx":
        return "uvx", Tool.UV, _before_tool(words, start + 1)
    sub = (
        value_at(words, start + 2)
        if base == "uv" and value_at(words, start + 1) == "tool"
        else None
    )
    if sub not in UV_TOOL_COMMANDS:
        return None
    rest = _before_tool(words, start + 3) if sub == "run" else words[start + 3 :]
    return f"uv tool {sub}", Tool.UV, rest


def _before_tool(words: list[Tok], i: int) -> list[Tok]:
    """uv's options before the tool ``uvx``/``uv tool run`` runs (the rest is the tool's)."""
    return words[i : skip_options(words, i, _UV_TOOL_VALUE)]


def pipx_command(words: list[Tok], start: int) -> tuple[str, list[Tok]] | None:
    """(subcommand, the words pipx passes to pip) for ``pipx SUB ...`` or ``python -m pipx
    SUB ...`` at ``start``; None for anything else."""
    v = value_at(words, start)
    if v is None:
        return None
    base = v.rsplit("/", 1)[-1]
    if base == "pipx":
        i = start + 1
    elif PYTHON_NAME.fullmatch(base) and value_at(words, start + 1) == "-m":
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
    return split_word(w, parts)


def changed_dir(cwd: str | None, args: list[Tok]) -> str | None:
    """The directory after ``cd ARGS`` from ``cwd`` (relative to the script's directory):
    a literal relative path is followed; anything else (``cd``, ``cd -``, ``cd /abs``,
    ``cd "$DIR"``) leaves it unknown. Installers that read the project they run in (uv's
    project configuration) look there."""
    target = value_at(args, 0) if len(args) == 1 else None
    if cwd is None or not target or target.startswith(("/", "~", "-")):
        return None
    return posixpath.normpath(posixpath.join(cwd, target)).removeprefix("./")
