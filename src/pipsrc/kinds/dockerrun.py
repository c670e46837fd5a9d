"""Dockerfile ``RUN`` instructions: each form handed to the analyser that reads it.

A shell-form ``RUN`` goes to the shell analyser (:func:`pipsrc.kinds.shell.analyze`)
as logical text with a :class:`SegMap` back to the file; its heredoc bodies are shell
scripts of their own when the command only runs a shell. An exec-form ``RUN
["pip", ...]`` is one command whose words are JSON strings (no variable expansion),
and a ``RUN`` under a non-POSIX ``SHELL`` (PowerShell, cmd) gets a plain token scan
whose findings are never editable. A secret or bind mount of a pip.conf configures
the command from a file pipsrc cannot see.
"""

from __future__ import annotations

import re

from pipsrc.compat import zip_strict
from pipsrc.kinds import shell
from pipsrc.model import Document, Scope
from pipsrc.records import replace
from pipsrc.syntax.dockerscan import Instr, body_ranges, json_loads, value_pieces
from pipsrc.syntax.emit import Ctx
from pipsrc.syntax.pipcli import analyze_command
from pipsrc.syntax.words import Piece, Resolver, SegMap, Tok, VarDef

_SHELLS = re.compile(r"(?:/usr)?(?:/bin/)?(?:ba|da|z|k)?sh(?:\s+-[a-z]+)*\s*")


def _mounts_config(flag: str) -> bool:
    """``RUN --mount=type=secret,target=/etc/pip.conf`` (or a bind of a pip.conf, or a
    secret exposed as ``env=PIP_INDEX_URL``): pip in that RUN is configured by a file
    pipsrc cannot see, so it does not fall back to pypi.org (no PS104)."""
    if not flag.startswith("--mount="):
        return False
    for part in flag[len("--mount=") :].split(","):
        key, _, value = part.partition("=")
        if key in ("target", "dst", "destination") and value.rsplit("/", 1)[-1] in (
            "pip.conf",
            "pip.ini",
        ):
            return True
        if key == "env" and value in ("PIP_INDEX_URL", "PIP_CONFIG_FILE"):
            return True
    return False


def analyze_run(
    doc: Document,
    scope: Scope,
    stage_env: dict[str, VarDef],
    posix: bool,
    ins: Instr,
    logical: str,
    segmap: SegMap,
    a0: int,
) -> None:
    """Analyse ``RUN [--flags] command`` (the command starts at logical offset ``a0``)
    in a stage whose scope, variables and ``SHELL`` kind are given."""
    flags = []
    while (m := re.match(r"--\S+\s*", logical[a0:])) is not None:
        flags.append(m.group(0).strip())
        a0 += m.end()
    first = len(doc.sites)
    env = {k: replace(v) for k, v in stage_env.items()}
    _Run(doc, scope, env).command(ins, logical, segmap, a0, posix)
    if any(_mounts_config(f) for f in flags):
        for site in doc.sites[first:]:
            site.opaque_config = True


class _Run:
    """One ``RUN`` command of a stage: the document, the stage's scope and a copy of its
    variables (assignments in one ``RUN`` do not reach the next)."""

    def __init__(self, doc: Document, scope: Scope, env: dict[str, VarDef]) -> None:
        self.doc = doc
        self.text = doc.text
        self.scope = scope
        self.env = env

    def command(self, ins: Instr, logical: str, segmap: SegMap, a0: int, posix: bool) -> None:
        env = self.env
        cmd = logical[a0:]
        if cmd.lstrip().startswith("["):
            try:
                argv = json_loads(cmd)
            except ValueError:
                argv = None
            if isinstance(argv, list) and all(isinstance(x, str) for x in argv):
                self._exec_form(logical, segmap, a0, argv)
            # invalid JSON is shell form to Docker, but ``[`` ... is no pip command either
            return
        if not posix:
            self._token_scan(logical, segmap, a0)
            return
        if ins.heredocs:
            self._with_heredocs(ins, logical, a0)
            return
        smap = SegMap.from_file_ranges(_cut(ins.ranges, a0))
        # a trailing `# pipsrc: ignore[...]` is a shell comment of the RUN (own-line
        # comments are the Dockerfile's, collected by its scanner)
        mine = "pipsrc" in cmd
        shell.analyze(self.doc, cmd, smap, env, self.scope, nested=True, comments=mine)

    def _with_heredocs(self, ins: Instr, logical: str, a0: int) -> None:
        """A command with heredocs: when it only runs a shell (``RUN <<EOF``, ``RUN bash
        <<EOF``) each body is a script; otherwise the command line and its bodies are
        analysed as one shell text (``cat <<EOF > /etc/pip.conf``)."""
        # the command without its heredoc markers (cut by position: a replace per
        # marker would be quadratic in a line of thousands of markers)
        parts, pos = [], a0
        for hd in sorted(ins.heredocs, key=lambda h: h.marker[0]):
            if hd.marker[0] >= pos:
                parts.append(logical[pos : hd.marker[0]])
                pos = hd.marker[1]
        rest = "".join([*parts, logical[pos:]])
        if _SHELLS.fullmatch(rest.strip() + " ") or not rest.strip():
            for hd in ins.heredocs:
                self._shell_body(hd.body_start, hd.body_end, hd.strip_tabs)
            return
        ranges = [*_cut(ins.ranges, a0), (ins.text_end, ins.end)]
        smap = SegMap.from_file_ranges(ranges)
        text = "".join(self.text[x:y] for x, y in ranges)
        mine = "pipsrc" in text  # a trailing suppression (see command)
        shell.analyze(self.doc, text, smap, self.env, self.scope, nested=True, comments=mine)

    def _shell_body(self, a: int, b: int, strip_tabs: bool) -> None:
        ranges = body_ranges(self.text, a, b, strip_tabs)
        smap = SegMap.from_file_ranges(ranges)
        body = "".join(self.text[x:y] for x, y in ranges)
        shell.analyze(self.doc, body, smap, self.env, self.scope, nested=True)

    def _exec_form(self, logical: str, segmap: SegMap, a0: int, argv: list[str]) -> None:
        strings = list(re.finditer(r'"((?:[^"\\]|\\.)*)"', logical[a0:]))
        if len(strings) != len(argv):
            return
        words = []
        for m, value in zip_strict(strings, argv):
            s, e = a0 + m.start(1), a0 + m.end(1)
            words.append(Tok(s - 1, e + 1, [Piece(s, e, value, "\\" not in m.group(1))]))
        res = Resolver(self.text, segmap, self.env, logical)
        ctx = Ctx(self.doc, res, self.scope.id, exec_form=True)
        analyze_command(ctx, words, [], a0, len(logical))

    def _token_scan(self, logical: str, segmap: SegMap, a0: int) -> None:
        """Non-POSIX ``SHELL``: a plain whitespace token scan, nothing editable."""
        res = Resolver(self.text, segmap, self.env, logical)
        ctx = Ctx(self.doc, res, self.scope.id, editable=False)
        words: list[Tok] = []
        start = a0
        for m in re.finditer(r"[^\s;|&]+|[;|&]+", logical[a0:]):
            s, e = a0 + m.start(), a0 + m.end()
            w = m.group(0)
            if w[0] in ";|&":
                analyze_command(ctx, words, [], start, s)
                words = []
                start = e
                continue
            words.append(Tok(s, e, value_pieces(w, s, expand=False)))
        analyze_command(ctx, words, [], start, len(logical))


def _cut(ranges: list[tuple[int, int]], k: int) -> list[tuple[int, int]]:
    """File ranges of a logical text after dropping its first ``k`` characters."""
    out = []
    for a, b in ranges:
        if k >= b - a:
            k -= b - a
            continue
        out.append((a + k, b))
        k = 0
    return out
