"""Shell semantics that ``bash -n`` does not check, read with a small tokenizer.

The tokenizer knows what the oracles need and no more: quotes, ``$(...)``/``${...}``,
backslash-newline continuations, comments, heredocs (their bodies are skipped), control
operators and reserved words in command position. From the tokens come

* the simple commands in textual order, each with the operator that joins it to the next,
  from which :func:`walk` follows ``pip config set/unset`` (a ``pip config unset KEY`` with no
  ``set`` of that key before it fails at build time with "No such key") and the effective
  index of every ``pip install`` (for ``A || B || C`` fallback chains);
* compounds left with an empty body (``then fi``, ``do done``, ``{ }``, ``else fi``).

It is an approximation of the shell (textual order stands for execution order), used only
to compare a file with its own fixed version: the same approximation on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.oracles.urls import normalise

OPERATORS = ("&&", "||", ";;", ";", "|", "&", "(", ")", "\n")
RESERVED = {
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "do",
    "done",
    "while",
    "until",
    "for",
    "case",
    "esac",
    "{",
    "}",
    "!",
    "in",
    "function",
    "select",
}
OPENERS = {"then", "else", "do", "{"}
CLOSERS = {"fi", "else", "elif", "done", "}"}
_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


@dataclass
class Token:
    kind: str  # word | op | redirect
    value: str  # a word with its quotes removed (expansions kept as written)
    raw: str
    start: int


def tokenize(text: str) -> list[Token]:
    """Words, operators and redirections of ``text`` (see the module docstring)."""
    toks: list[Token] = []
    i, n = 0, len(text)
    pending: list[tuple[str, bool]] = []  # heredocs whose bodies start at the next newline
    while i < n:
        c = text[i]
        if text.startswith("\\\n", i):
            i += 2
            continue
        if c in " \t\r":
            i += 1
            continue
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c == "\n":
            toks.append(Token("op", "\n", "\n", i))
            i += 1
            for delim, strip in pending:
                i = _skip_heredoc(text, i, delim, strip)
            pending = []
            continue
        m = _HEREDOC.match(text, i)
        if m and not text.startswith("<<<", i):
            pending.append((m.group(3), m.group(1) == "-"))
            toks.append(Token("redirect", m.group(0), m.group(0), i))
            i = m.end()
            continue
        op = next((o for o in OPERATORS if text.startswith(o, i)), None)
        if op is not None:
            toks.append(Token("op", op, op, i))
            i += len(op)
            continue
        if c in "<>" or (c.isdigit() and i + 1 < n and text[i + 1] in "<>"):
            j = i + (1 if c.isdigit() else 0)
            j += 2 if text.startswith((">>", ">&", "<&", "<>", ">|"), j) else 1
            while j < n and text[j] in " \t":
                j += 1
            start = i
            k, value = _word(text, j)
            toks.append(Token("redirect", value, text[start:k], start))
            i = k
            continue
        k, value = _word(text, i)
        if k == i:  # a character no rule takes: skip it
            i += 1
            continue
        toks.append(Token("word", value, text[i:k], i))
        i = k
    return toks


def _skip_heredoc(text: str, i: int, delim: str, strip: bool) -> int:
    while i < len(text):
        nl = text.find("\n", i)
        line = text[i : len(text) if nl == -1 else nl]
        i = len(text) if nl == -1 else nl + 1
        if (line.lstrip("\t") if strip else line).rstrip("\r") == delim:
            break
    return i


def _word(text: str, i: int) -> tuple[int, str]:
    """The shell word starting at ``i``: (its end, its value with quotes removed)."""
    out: list[str] = []
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("\\\n", i):
            i += 2
            continue
        if c in " \t\r\n;&|()<>":
            break
        if c == "\\" and i + 1 < n:
            out.append(text[i + 1])
            i += 2
        elif c == "'":
            j = text.find("'", i + 1)
            j = n - 1 if j == -1 else j
            out.append(text[i + 1 : j])
            i = j + 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    out.append(text[j + 1] if text[j + 1] in '"\\$`' else text[j : j + 2])
                    j += 2
                    continue
                if text.startswith("$(", j) or text.startswith("${", j):
                    k = _balanced(text, j + 1)
                    out.append(text[j:k])
                    j = k
                    continue
                out.append(text[j])
                j += 1
            i = j + 1
        elif text.startswith("$(", i) or text.startswith("${", i):
            k = _balanced(text, i + 1)
            out.append(text[i:k])
            i = k
        elif c == "`":
            j = text.find("`", i + 1)
            j = n - 1 if j == -1 else j
            out.append(text[i : j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return i, "".join(out)


def _balanced(text: str, i: int) -> int:
    """The end of the bracketed group opening at ``text[i]`` (``(`` or ``{``)."""
    pairs = {"(": ")", "{": "}"}
    stack = [pairs[text[i]]]
    j = i + 1
    while j < len(text) and stack:
        c = text[j]
        if c in "'\"":
            k = text.find(c, j + 1)
            j = len(text) if k == -1 else k + 1
            continue
        if c in pairs:
            stack.append(pairs[c])
        elif c == stack[-1]:
            stack.pop()
        j += 1
    return j


# --- simple commands -------------------------------------------------------------------


@dataclass
class Command:
    words: list[str]  # unquoted, reserved words in front removed
    assigns: dict[str, str]  # VAR=x before the command name
    joiner: str  # the operator after it ("" at the end)
    start: int
    text: str = ""  # the raw text of the command


def commands(text: str) -> list[Command]:
    toks = tokenize(text)
    out: list[Command] = []
    cur: list[Token] = []

    def flush(joiner: str) -> None:
        words = [t for t in cur if t.kind == "word"]
        while words and words[0].value in RESERVED and words[0].raw == words[0].value:
            words.pop(0)
        assigns: dict[str, str] = {}
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0].value, re.S):
            k, _, v = words.pop(0).value.partition("=")
            assigns[k] = v
        if words or assigns:
            first = (words[0] if words else cur[0]).start
            last = cur[-1]
            out.append(
                Command(
                    [w.value for w in words],
                    assigns,
                    joiner,
                    first,
                    text[first : last.start + len(last.raw)],
                )
            )
        cur.clear()

    for t in toks:
        if t.kind == "op":
            flush(t.value)
        elif t.kind == "word" and t.value in RESERVED and t.raw == t.value and _at_start(cur):
            # a reserved word in command position ends nothing, it just is not a command word
            if t.value in ("then", "do", "else", "elif", "fi", "done", "}", "{", "esac"):
                flush(";")
            cur.append(t)
        else:
            cur.append(t)
    flush("")
    return out


def _at_start(cur: list[Token]) -> bool:
    return all(t.kind == "word" and t.value in RESERVED and t.raw == t.value for t in cur)


def empty_bodies(text: str) -> list[str]:
    """Compounds whose body is empty: ``then fi``, ``do done``, ``{ }`` ... (as written)."""
    toks = [t for t in tokenize(text) if t.kind != "redirect"]
    found: list[str] = []
    at_cmd = True
    for i, t in enumerate(toks):
        if t.kind == "op":
            at_cmd = True
            continue
        reserved = t.raw == t.value and t.value in RESERVED
        if at_cmd and reserved and t.value in OPENERS:
            j = i + 1
            while j < len(toks) and toks[j].kind == "op" and toks[j].value in ("\n", ";"):
                j += 1
            nxt = toks[j] if j < len(toks) else None
            if nxt is None or (nxt.kind == "word" and nxt.raw in CLOSERS):
                found.append(f"{t.value} {nxt.raw if nxt else '<end>'}")
        at_cmd = at_cmd and reserved and t.value not in ("for", "case", "select", "in", "function")
    return found


# --- pip commands ------------------------------------------------------------------------

_PIP = re.compile(r"(?:.*/)?pip(?:3(?:\.\d+)?)?$")
_PY = re.compile(r"(?:.*/)?python(?:3(?:\.\d+)?)?$")
_VALUE_OPTS = {
    "-i",
    "--index-url",
    "--extra-index-url",
    "--trusted-host",
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-f",
    "--find-links",
    "-d",
    "--dest",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--cache-dir",
    "--timeout",
    "--retries",
    "--report",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--progress-bar",
    "--log",
    "--proxy",
    "--cert",
    "--client-cert",
    "-w",
    "--wheel-dir",
    "--src",
    "-e",
    "--editable",
    "--upgrade-strategy",
    "--config-settings",
    "-C",
    "--global-option",
    "--no-binary",
    "--only-binary",
    "--exists-action",
    "--keyring-provider",
}


def pip_argv(cmd: Command) -> list[str] | None:
    """The arguments after ``pip`` (or ``python -m pip``), or None for another command."""
    w = cmd.words
    while w and w[0] in ("sudo", "exec", "command", "env", "time", "nohup"):
        w = w[1:]
    if not w:
        return None
    if _PIP.match(w[0]):
        return w[1:]
    if _PY.match(w[0]) and len(w) >= 3 and w[1] == "-m" and w[2] == "pip":
        return w[3:]
    return None


def subcommand(argv: list[str]) -> tuple[str, list[str]]:
    """(pip subcommand, the arguments after it) skipping pip's general options."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _VALUE_OPTS and "=" not in argv[i] else 1
    return (argv[i], argv[i + 1 :]) if i < len(argv) else ("", [])


@dataclass
class InstallOptions:
    index: str | None = None
    extras: list[str] = field(default_factory=list)
    trusted: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)


def install_options(args: list[str]) -> InstallOptions:
    opts = InstallOptions()
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, val = a.partition("=") if a.startswith("--") else (a, "", "")
        if not eq and name in _VALUE_OPTS:
            val = args[i + 1] if i + 1 < len(args) else ""
            i += 1
        if name in ("-i", "--index-url"):
            opts.index = val
        elif name == "--extra-index-url":
            opts.extras.append(val)
        elif name == "--trusted-host":
            opts.trusted.append(val)
        elif name in _VALUE_OPTS:
            opts.rest.append(f"{name}={val}")
        else:
            opts.rest.append(a)
        i += 1
    return opts


def config_action(args: list[str]) -> tuple[str, str, str] | None:
    """(set|unset, level, key) of a ``pip config`` command."""
    level = "user"
    rest: list[str] = []
    for a in args:
        if a in ("--global", "--user", "--site"):
            level = a[2:]
        elif a.startswith("--editor") or a == "-v":
            continue
        else:
            rest.append(a)
    if len(rest) >= 2 and rest[0] in ("set", "unset"):
        return rest[0], level, rest[1].lower()
    return None


# --- a walk over a program ----------------------------------------------------------------

_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?")


def expand(value: str, env: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) in env:
            return env[m.group(1)]
        return m.group(2) if m.group(2) is not None else m.group(0)

    return _VAR.sub(sub, value)


@dataclass
class State:
    """What the walk knows at a point of a program: variables, pip config keys, the user."""

    env: dict[str, str] = field(default_factory=dict)  # Docker ENV, export
    args: dict[str, str] = field(default_factory=dict)  # Docker ARG (ENV wins over it)
    config: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (user, level, key)
    user: str = "root"

    def vars(self) -> dict[str, str]:
        return {**self.args, **self.env}

    def copy(self, keep_args: bool = False) -> State:
        return State(
            dict(self.env), dict(self.args) if keep_args else {}, dict(self.config), self.user
        )


@dataclass
class Findings:
    """What a walk found: unsets that fail, install fallback chains, empty bodies."""

    failing_unsets: list[str] = field(default_factory=list)
    chains: list[list[tuple[str, ...]]] = field(default_factory=list)  # signatures per branch
    chain_texts: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)


def effective_index(opts: InstallOptions, cmd: Command, state: State) -> str:
    vars_ = {**state.vars(), **cmd.assigns}
    if opts.index is not None:
        return normalise(expand(opts.index, vars_))
    if "PIP_INDEX_URL" in cmd.assigns:
        return normalise(expand(cmd.assigns["PIP_INDEX_URL"], vars_))
    if "PIP_INDEX_URL" in state.vars():
        return normalise(expand(state.vars()["PIP_INDEX_URL"], vars_))
    for level in ("site", "user", "global"):
        for key in ("install.index-url", "global.index-url"):
            v = state.config.get((state.user if level == "user" else "", level, key))
            if v is not None:
                return normalise(expand(v, vars_))
    return "<pypi default>"


def walk(program: str, state: State, found: Findings) -> None:
    """Follow one shell program (a script, one RUN) from ``state``, updating both."""
    found.empty += empty_bodies(program)
    local = state.copy(keep_args=True)  # exports inside one RUN end with it
    cmds = commands(program)
    chain: list[tuple[tuple[str, ...], str]] = []
    for cmd in cmds:
        sig = _step(cmd, local, state, found)
        if sig is not None:
            chain.append((sig, cmd.text))
        elif chain:
            chain.append((("<not pip install>", cmd.text), cmd.text))
        if cmd.joiner != "||":
            if sum(1 for s, _ in chain if s[0] != "<not pip install>") >= 2:
                found.chains.append([s for s, _ in chain])
                found.chain_texts.append(" || ".join(t for _, t in chain))
            chain = []


def _step(cmd: Command, local: State, state: State, found: Findings) -> tuple[str, ...] | None:
    words = cmd.words
    if (words and words[0] in ("export", "declare", "readonly")) or (not words and cmd.assigns):
        pairs = dict(cmd.assigns)
        for w in words[1:]:
            k, eq, v = w.partition("=")
            if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k):
                pairs[k] = v
        for k, v in pairs.items():
            local.env[k] = expand(v, local.vars())
        return None
    if words[:1] == ["unset"]:
        for k in words[1:]:
            local.env.pop(k, None)
        return None
    argv = pip_argv(cmd)
    if argv is None:
        return None
    sub, args = subcommand(argv)
    if sub == "config":
        act = config_action(args)
        if act is None:
            return None
        action, level, key = act
        user = state.user if level == "user" else ""
        ident = (user, level, key)
        if action == "set":
            value = args[-1] if len(args) >= 3 else ""
            state.config[ident] = value
            local.config[ident] = value
        elif ident in state.config:
            del state.config[ident]
            local.config.pop(ident, None)
        else:
            found.failing_unsets.append(f"pip config unset {key} ({level} file of {state.user})")
        return None
    if sub not in ("install", "download", "wheel"):
        return None
    opts = install_options(args)
    vars_ = {**local.vars(), **cmd.assigns}
    idx = effective_index(opts, cmd, local)
    extras = tuple(sorted(normalise(expand(e, vars_)) for e in opts.extras))
    return (idx, *extras, "|", *sorted(opts.rest))


def iter_heredocs(text: str) -> Iterator[tuple[str, str, str]]:
    """(the command line, the delimiter, the body) of every heredoc in a shell text."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        m = _HEREDOC.search(lines[i])
        if m is None or "<<<" in lines[i]:
            i += 1
            continue
        head, delim, strip = lines[i], m.group(3), m.group(1) == "-"
        body: list[str] = []
        i += 1
        while i < len(lines):
            line = lines[i].rstrip("\r\n")
            if (line.lstrip("\t") if strip else line) == delim:
                break
            body.append(lines[i])
            i += 1
        i += 1
        yield head, delim, "".join(body)
