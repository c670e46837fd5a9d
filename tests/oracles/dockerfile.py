"""Dockerfiles as BuildKit reads them (the ``dockerfile`` package wraps BuildKit's parser).

From BuildKit's parse come the instruction sequence, the stages, and the shell programs a
build runs: every shell-form ``RUN`` body (continuations joined and comment lines inside them
dropped, as BuildKit does; the ``# escape=`` directive honoured), ``RUN <<EOF`` heredoc
scripts, ``sh -c`` exec forms, ``ONBUILD RUN``, and ``COPY <<EOF`` files that are shell
scripts. Each program goes to ``bash -n`` and to the shell walk (tests/oracles/shell.py).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

import dockerfile as buildkit

from tests.oracles import shell

_SHELLS = re.compile(r"^(?:/usr)?(?:/bin/)?(?:ba|da)?sh(?:\s+-[a-zA-Z]+)*$")
_SHEBANG_SHELL = re.compile(r"^#!\s*(?:/usr/bin/env\s+)?(?:/usr)?(?:/bin/)?(?:ba|da)?sh\b")
NEEDS_ARGUMENTS = {
    "FROM",
    "RUN",
    "ENV",
    "ARG",
    "COPY",
    "ADD",
    "WORKDIR",
    "USER",
    "LABEL",
    "EXPOSE",
    "VOLUME",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "STOPSIGNAL",
}


INSTRUCTIONS = NEEDS_ARGUMENTS | {"ONBUILD", "HEALTHCHECK", "MAINTAINER"}


def parse(text: str) -> tuple[list[buildkit.Command] | None, str | None]:
    """(instructions, None) or (None, BuildKit's error).

    The ``dockerfile`` package is BuildKit's parser layer; the two refusals of BuildKit's
    instruction layer that a rewrite can cause are checked here as well: an unknown
    instruction, an instruction without arguments.
    """
    try:
        cmds = list(buildkit.parse_string(text))
    except buildkit.GoParseError as e:
        return None, str(e)
    for c in cmds:
        name = (c.sub_cmd or c.cmd).upper()
        if c.cmd.upper() not in INSTRUCTIONS or name not in INSTRUCTIONS:
            return None, f"line {c.start_line}: unknown instruction: {c.cmd}"
        if name in NEEDS_ARGUMENTS and not c.value:
            return None, f"line {c.start_line}: {name} requires at least one argument"
    return cmds, None


def name(c: buildkit.Command) -> str:
    return c.cmd.upper() + (f" {c.sub_cmd.upper()}" if c.sub_cmd else "")


@dataclass
class Program:
    label: str  # "line 12 RUN" ...
    text: str
    line: int


def programs(c: buildkit.Command) -> list[Program]:
    """The shell programs one instruction runs (or writes as a shell script)."""
    kind = (c.sub_cmd or c.cmd).upper()
    label = f"line {c.start_line} {name(c)}"
    out: list[Program] = []
    if kind == "RUN":
        if c.json:
            v = list(c.value)
            if len(v) >= 3 and _SHELLS.match(v[0]) and v[1] == "-c":
                out.append(Program(label + " (exec form)", v[2], c.start_line))
            return out
        body = " ".join(c.value)
        if not c.heredocs:
            out.append(Program(label, body, c.start_line))
            return out
        command = shell._HEREDOC.sub("", body).strip()
        for h in c.heredocs:
            content = h.content
            if command == "" or _SHELLS.match(command):
                first = content.split("\n", 1)[0]
                if first.startswith("#!") and not _SHEBANG_SHELL.match(first):
                    continue  # a python (...) script run through its shebang
                out.append(Program(f"{label} heredoc <<{h.name}", content, c.start_line))
            else:
                out.append(Program(label, f"{body}\n{content}{h.name}\n", c.start_line))
        return out
    if kind in ("COPY", "ADD") and c.heredocs:
        dest = c.value[-1] if c.value else ""
        for h in c.heredocs:
            if dest.endswith((".sh", ".bash")) or _SHEBANG_SHELL.match(h.content):
                out.append(Program(f"{label} heredoc file {dest}", h.content, c.start_line))
    return out


@dataclass
class Stage:
    index: int
    alias: str | None
    parent: int | None  # FROM <an earlier stage>
    instructions: list[buildkit.Command] = field(default_factory=list)
    global_args: dict[str, str | None] = field(default_factory=dict)


def stages(cmds: list[buildkit.Command]) -> list[Stage]:
    """The build stages; instructions before the first FROM (a fragment) form a stage too."""
    out: list[Stage] = []
    global_args: dict[str, str | None] = {}
    cur: Stage | None = None
    for c in cmds:
        kind = c.cmd.upper()
        if kind == "FROM":
            words = list(c.value)
            alias = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            base = words[0].lower() if words else ""
            parent = next((s.index for s in out if s.alias and s.alias == base), None)
            cur = Stage(len(out), alias, parent, global_args=dict(global_args))
            out.append(cur)
            continue
        if cur is None:
            if kind == "ARG":
                for k, v in arg_pairs(c):
                    global_args[k] = v
                continue
            cur = Stage(0, None, None, global_args=dict(global_args))
            out.append(cur)
        cur.instructions.append(c)
    return out


def unquote(value: str) -> str:
    """A Dockerfile ENV/ARG value as BuildKit's word processing leaves it (quotes removed)."""
    _, v = shell._word(value, 0)
    return v


def env_pairs(c: buildkit.Command) -> list[tuple[str, str]]:
    v = list(c.value)
    return [(v[i], unquote(v[i + 1])) for i in range(0, len(v) - 1, 2)]


def arg_pairs(c: buildkit.Command) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for word in c.value:
        k, eq, v = word.partition("=")
        out.append((k, unquote(v) if eq else None))
    return out


def walk(cmds: list[buildkit.Command]) -> shell.Findings:
    """The shell walk over every stage, in order, with its ENV, ARG and USER."""
    found = shell.Findings()
    done: dict[int, shell.State] = {}
    for st in stages(cmds):
        state = done[st.parent].copy() if st.parent is not None else shell.State()
        for c in st.instructions:
            kind = (c.sub_cmd or c.cmd).upper()
            if c.sub_cmd:  # ONBUILD runs in another build
                continue
            if kind == "ENV":
                for k, v in env_pairs(c):
                    state.env[k] = shell.expand(v, state.vars())
            elif kind == "ARG":
                for k, v in arg_pairs(c):
                    default = v if v is not None else st.global_args.get(k)
                    if default is not None:
                        state.args[k] = shell.expand(default, state.vars())
            elif kind == "USER":
                state.user = c.value[0].split(":")[0] if c.value else "root"
            for p in programs(c):
                if kind == "RUN":
                    shell.walk(p.text, state, found)
                else:
                    found.empty += shell.empty_bodies(p.text)
        done[st.index] = state
    return found


@dataclass
class Comparison:
    problems: list[str] = field(default_factory=list)  # instructions changed
    pairs: list[tuple[buildkit.Command, buildkit.Command]] = field(default_factory=list)
    inserted: list[tuple[int, buildkit.Command]] = field(default_factory=list)  # (stage, cmd)


# index settings a fix may remove (a stale trusted-host, a redundant extra index) or add
# (the trusted-host of an http proxy) in an ENV/ARG or a compose environment
REMOVABLE = {
    "PIP_TRUSTED_HOST",
    "PIP_EXTRA_INDEX_URL",
    "PIP_INDEX_URL",
    "PIP_FIND_LINKS",
    "UV_INDEX_URL",
    "UV_EXTRA_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "UV_INDEX",
}


def names_of(c: buildkit.Command) -> list[str]:
    kind = (c.sub_cmd or c.cmd).upper()
    if kind == "ENV":
        return [k for k, _ in env_pairs(c)]
    if kind == "ARG":
        return [k for k, _ in arg_pairs(c)]
    return []


def _key(c: buildkit.Command) -> tuple[object, ...]:
    kind = (c.sub_cmd or c.cmd).upper()
    if kind in ("RUN", "ENV", "ARG") or (kind in ("COPY", "ADD") and c.heredocs):
        dest = (c.value[-1],) if kind in ("COPY", "ADD") else ()
        names = tuple(k for k in names_of(c) if k not in REMOVABLE)
        return (name(c), c.flags, c.json, dest, names, len(c.heredocs))
    return (name(c), c.flags, c.json, c.value)


def _removable(c: buildkit.Command) -> bool:
    names = names_of(c)
    return bool(names) and all(n in REMOVABLE for n in names)


def compare(before: list[buildkit.Command], after: list[buildkit.Command]) -> Comparison:
    """The instruction sequences: equal apart from edited values and inserted ENV/ARG.

    A fix may also drop an index setting (a stale ``PIP_TRUSTED_HOST``, a redundant
    ``PIP_EXTRA_INDEX_URL``) from an ENV or ARG, or the whole instruction when that was all
    it held; any other name an ENV/ARG declares must stay.
    """
    out = Comparison()
    stage_of = []
    n = -1
    for c in after:
        if c.cmd.upper() == "FROM":
            n += 1
        stage_of.append(max(n, 0))
    # an ENV/ARG holding index settings only may come or go: align the other instructions
    # first (two such ENVs look alike, and matching them would misalign the RUNs around)
    core_b = [c for c in before if not _removable(c)]
    core_a = [c for c in after if not _removable(c)]
    sm = difflib.SequenceMatcher(
        a=[_key(c) for c in core_b], b=[_key(c) for c in core_a], autojunk=False
    )
    if sm.ratio() < 1.0 or len(core_b) != len(core_a):
        return _compare_all(before, after, stage_of, out)
    for b, a in zip(core_b, core_a, strict=True):
        out.pairs.append((b, a))
        lost = [k for k in names_of(b) if k not in names_of(a) and k not in REMOVABLE]
        added = [k for k in names_of(a) if k not in names_of(b) and k not in REMOVABLE]
        if lost or added:
            out.problems.append(
                f"line {b.start_line}: {name(b)} names {names_of(b)} -> {names_of(a)}"
            )
    # an index-only ENV/ARG of the same stage and names is the one from before (its value
    # maybe edited); any other one after the fix was inserted by it
    left = Counter(
        (_stage(before, c), c.cmd.upper(), tuple(names_of(c))) for c in before if _removable(c)
    )
    for j, c in enumerate(after):
        if not _removable(c):
            continue
        key = (stage_of[j], c.cmd.upper(), tuple(names_of(c)))
        if left[key] > 0:
            left[key] -= 1
        else:
            out.inserted.append((stage_of[j], c))
    return out


def _stage(cmds: list[buildkit.Command], c: buildkit.Command) -> int:
    n = -1
    for x in cmds:
        if x.cmd.upper() == "FROM":
            n += 1
        if x is c:
            break
    return max(n, 0)


def _compare_all(
    before: list[buildkit.Command],
    after: list[buildkit.Command],
    stage_of: list[int],
    out: Comparison,
) -> Comparison:
    """The whole sequences aligned at once (when the other instructions differ)."""
    kb, ka = [_key(c) for c in before], [_key(c) for c in after]
    sm = difflib.SequenceMatcher(a=kb, b=ka, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for b, a in zip(before[i1:i2], after[j1:j2], strict=True):
                out.pairs.append((b, a))
                lost = [k for k in names_of(b) if k not in names_of(a) and k not in REMOVABLE]
                added = [k for k in names_of(a) if k not in names_of(b) and k not in REMOVABLE]
                if lost or added:
                    out.problems.append(
                        f"line {b.start_line}: {name(b)} names {names_of(b)} -> {names_of(a)}"
                    )
            continue
        if (
            op in ("insert", "replace")
            and all(after[j].cmd.upper() in ("ENV", "ARG") for j in range(j1, j2))
            and all(_removable(before[i]) for i in range(i1, i2))
        ):
            out.inserted += [(stage_of[j], after[j]) for j in range(j1, j2)]
            continue
        if op == "delete" and all(_removable(before[i]) for i in range(i1, i2)):
            continue
        gone = [f"line {c.start_line}: {c.original.splitlines()[0]!r}" for c in before[i1:i2]]
        new = [f"line {c.start_line}: {c.original.splitlines()[0]!r}" for c in after[j1:j2]]
        out.problems.append(f"{op}: {gone or '-'} -> {new or '-'}")
    return out


def inserted_env_shadowing_args(after: list[buildkit.Command], cmp: Comparison) -> list[str]:
    """Inserted ``ENV NAME=...`` lines in a stage that declares ``ARG NAME``.

    BuildKit: an ENV always overrides the ARG of the same name, wherever the two are, so the
    build argument (``--build-arg``, compose ``build.args``) stops reaching the build.
    """
    out: list[str] = []
    st_list = stages(after)
    inserted = {id(c) for _, c in cmp.inserted if c.cmd.upper() == "ENV"}
    for st in st_list:
        declared = {k for c in st.instructions if c.cmd.upper() == "ARG" for k, _ in arg_pairs(c)}
        for c in st.instructions:
            if id(c) not in inserted:
                continue
            for k, v in env_pairs(c):
                if k in declared and f"${k}" not in v and f"${{{k}" not in v:
                    out.append(f"line {c.start_line}: {c.original!r} shadows ARG {k} of its stage")
    return out
