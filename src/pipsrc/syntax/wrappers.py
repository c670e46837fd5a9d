"""The words before the command a word list runs: ``env NAME=value`` prefixes and the
wrappers that run the command after their own options (``sudo``, ``timeout 60``,
``nice -n 5``, ``conda run -n x``, ``poetry run``...). Every reader that asks which command
runs (pip's and uv's installs, image builds, ``bash -c`` programs, pipx) skips them here.
"""

from __future__ import annotations

from pipsrc.records import record
from pipsrc.syntax.words import Tok, skip_options, value_at

_WRAP_RUN = frozenset({"poetry", "pipenv", "pdm", "hatch", "uv", "rye"})
_CONDA = frozenset({"conda", "mamba", "micromamba"})
# commands that run the command after their options (and, for timeout, its duration), with
# the options that take a value
_PASS: dict[str, tuple[str, ...]] = {
    "nohup": (),
    "time": ("-f", "--format", "-o", "--output"),
    "exec": ("-a",),
    "command": (),
    "nice": ("-n", "--adjustment"),
    "stdbuf": ("-i", "-o", "-e", "--input", "--output", "--error"),
    "ionice": ("-c", "--class", "-n", "--classdata", "-p", "-P", "-u"),
    "runuser": ("-u", "--user", "-g", "--group", "-G", "--supp-group"),
    "timeout": ("-s", "--signal", "-k", "--kill-after"),
    "xargs": ("-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "-n", "-P", "-s"),
}


@record
class Assign:
    """A ``NAME=value`` word: prefix of a command or an ``export`` argument."""

    name: str
    value: Tok
    start: int  # logical range of the whole assignment
    end: int


_SUDO_VALUE = ("-u", "-g", "-C", "-D", "-h", "-p", "-U", "-r", "-t")


def _env_prefix(words: list[Tok], i: int, extra: list[Assign]) -> int:
    """``env [-u X] NAME=value ... cmd``: collect the assignments, return the command's index."""
    while (f := value_at(words, i)) is not None and (f.startswith("-") or "=" in f):
        if "=" in f and not f.startswith("-"):
            name = f.split("=", 1)[0]
            w = words[i]
            extra.append(Assign(name, Tok(w.start, w.end, w.tail(len(name) + 1)), w.start, w.end))
        i += 2 if f in ("-u", "-C", "-S") else 1
    return i


def _wrapper_end(words: list[Tok], i: int, base: str) -> int | None:
    """Index after a command wrapper (``sudo``, ``conda run -n x``, ``poetry run``...), or None."""
    nxt = value_at(words, i + 1)
    if base == "sudo":
        return skip_options(words, i + 1, _SUDO_VALUE)
    if base in _PASS:
        j = skip_options(words, i + 1, _PASS[base])
        return j + 1 if base == "timeout" else j  # timeout's duration
    if base in _CONDA and nxt == "run":
        return skip_options(words, i + 2, ("-n", "--name", "-p", "--prefix", "--cwd"))
    if base in _WRAP_RUN and nxt == "run":
        return skip_options(words, i + 2, ("--with", "--python", "-p", "-e", "--env"))
    return None


def command_start(words: list[Tok], extra: list[Assign] | None = None) -> int:
    """The index of the command ``words`` runs after its ``env NAME=value`` prefixes (their
    assignments added to ``extra``) and wrappers (``sudo``, ``timeout 60``, ``conda run -n
    x`` ...)."""
    i = 0
    while (v := value_at(words, i)) is not None:
        base = v.rsplit("/", 1)[-1]
        if base == "env":
            after: int | None = _env_prefix(words, i + 1, [] if extra is None else extra)
        else:
            after = _wrapper_end(words, i, base)
        if after is None:
            break
        i = after
    return i
