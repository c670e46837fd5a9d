"""Dockerfiles: stages, ENV/ARG, RUN commands and pip.conf written or copied into the image.

Instruction boundaries come from :mod:`pipsrc.syntax.dockerscan` (BuildKit's
rules); ``RUN`` bodies are handed to the shell analyser (by :mod:`pipsrc.kinds.dockerrun`)
as logical text with a :class:`SegMap` back to the file, so a URL on a continuation
line is located on its physical line and stays editable, while a value that straddles
a ``\\`` line break is reported but not editable.

Variables follow Docker's scoping: an ``ARG`` lasts to the end of its stage, an
``ARG`` before the first ``FROM`` is only visible to ``FROM`` lines unless
redeclared in the stage, ``ENV`` is inherited through ``FROM <stage alias>``,
and build args named like ``PIP_*`` are exported to ``RUN`` (so they are
settings on their own).
"""

from __future__ import annotations

import posixpath
import re

from pipsrc.compat import zip_strict
from pipsrc.kinds.dockerrun import analyze_run
from pipsrc.kinds.embedded import merge_pipconf
from pipsrc.kinds.shellwrites import is_pip_config_path
from pipsrc.model import Document, FileKind, Insertion, Method, ParseProblem, Scope, Span
from pipsrc.records import field, record, replace
from pipsrc.syntax.dockerscan import Instr, body_ranges, json_loads, scan, value_pieces
from pipsrc.syntax.emit import Ctx, emit_env
from pipsrc.syntax.proxyvars import proxy_variables
from pipsrc.syntax.words import (
    Resolved,
    Resolver,
    SegMap,
    VarDef,
    build_content,
)
from pipsrc.textio import line_ending_at
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR

_NON_POSIX = ("powershell", "pwsh", "cmd")


@record
class _Stage:
    scope: Scope
    env: dict[str, VarDef] = field(default_factory=dict)
    posix: bool = True
    scope_args: set[str] = field(default_factory=set)  # ARG-only names (not inherited)


def _word_re(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(rf"""(?:"(?:[^"{e}]|{e}.)*"?|'[^']*'?|{e}.|[^\s"'{e}])+""", re.S)


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.doc = Document(path, FileKind.DOCKERFILE, text)
        self.global_args: dict[str, VarDef] = {}
        self.global_arg_names: dict[str, tuple[Span, Resolved]] = {}
        self.redeclared: set[str] = set()
        self.aliases: dict[str, _Stage] = {}
        self.stages: list[_Stage] = []
        self.stage: _Stage | None = None
        self.words = _word_re("\\")

    # -- driver -----------------------------------------------------------

    def run(self) -> Document:
        text = self.text
        if re.search(r"\r(?!\n)", text):
            at = re.search(r"\r(?!\n)", text)
            self.doc.problems.append(
                ParseProblem(at.start() if at else 0, "unsupported line endings (CR)", True)
            )
            return self.doc
        sc = scan(text)
        self.words = _word_re(sc.escape)
        self.doc.comments.extend(sc.comments)
        self.doc.problems.extend(sc.problems)
        kws = [self._keyword(ins) for ins in sc.instrs]
        first_from = next((k for k, kw in enumerate(kws) if kw == "FROM"), None)
        pre = kws if first_from is None else kws[:first_from]
        if first_from is None or any(kw != "ARG" for kw in pre):
            end = len(text) if first_from is None else sc.instrs[first_from].line_start
            frag = Scope("fragment", 0, end, fragment=True, insert_style="dockerfile")
            self.doc.scopes.append(frag)
            self.stage = _Stage(frag)
        for ins, kw in zip_strict(sc.instrs, kws):
            try:
                self._instruction(ins, kw)
            except (ValueError, IndexError, KeyError) as exc:  # defensive: never crash
                self.doc.problems.append(
                    ParseProblem(ins.line_start, f"could not read instruction: {exc}", True)
                )
        self._unused_global_args()
        _keep_runs_apart(self.doc, sc.instrs, kws)
        return self.doc

    def _keyword(self, ins: Instr) -> str:
        logical = ins.logical(self.text)
        return logical.split(None, 1)[0].upper() if logical.strip() else ""

    def _instruction(self, ins: Instr, kw: str) -> None:
        logical = ins.logical(self.text)
        segmap = SegMap.from_file_ranges(ins.ranges)
        m = re.match(r"\S+\s*", logical)
        a0 = m.end() if m else len(logical)
        if kw == "ONBUILD":
            wrapped = self._onbuild(logical, a0)
            if wrapped is None:
                return
            kw, a0 = wrapped
        if kw == "FROM":
            self._from(ins, logical, a0)
            return
        if self.stage is None:
            if kw == "ARG":
                self._arg(ins, logical, segmap, a0, global_=True)
            return
        if kw == "ARG":
            self._arg(ins, logical, segmap, a0)
        elif kw == "ENV":
            self._env_instr(ins, logical, segmap, a0)
        elif kw == "RUN":
            stage = self.stage
            analyze_run(self.doc, stage.scope, stage.env, stage.posix, ins, logical, segmap, a0)
        elif kw in ("COPY", "ADD"):
            self._copy(ins, logical, segmap, a0)
        elif kw == "SHELL":
            self._shell(logical, a0)

    @staticmethod
    def _onbuild(logical: str, a0: int) -> tuple[str, int] | None:
        """``ONBUILD X ...``: the wrapped keyword and where its arguments start. It is
        read like ``X`` itself, since it runs in every image built from this one."""
        m = re.match(r"(\S+)\s*", logical[a0:])
        if not m:
            return None
        return m.group(1).upper(), a0 + m.end()

    def _shell(self, logical: str, a0: int) -> None:
        """``SHELL ["pwsh", ...]``: later ``RUN`` s of the stage are not POSIX shell."""
        assert self.stage is not None
        try:
            argv = json_loads(logical[a0:])
        except ValueError:
            return
        if isinstance(argv, list) and argv and isinstance(argv[0], str):
            exe = posixpath.basename(argv[0].replace("\\", "/")).lower()
            self.stage.posix = not exe.startswith(_NON_POSIX)

    # -- words ------------------------------------------------------------

    def _split(self, logical: str, a0: int) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in self.words.finditer(logical, a0)]

    # -- FROM -------------------------------------------------------------

    def _from(self, ins: Instr, logical: str, a0: int) -> None:
        words = [logical[a:b] for a, b in self._split(logical, a0)]
        words = [w for w in words if not w.startswith("--")]
        image = words[0] if words else ""
        name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
        prev = self.stage
        if prev is not None:
            prev.scope.end = ins.line_start
        parent = self.aliases.get(image.lower())
        idx = len(self.stages)
        nl = line_ending_at(self.text, ins.text_end)
        scope = Scope(f"stage:{idx}", ins.line_start, len(self.text), name, image,
                      parent.scope.id if parent else None, insert_at=ins.end,
                      insert_style="dockerfile", nl=nl)  # fmt: skip
        self.doc.scopes.append(scope)
        stage = _Stage(scope)
        if parent is not None:
            stage.env = {k: replace(v) for k, v in parent.env.items() if not v.array}
            stage.env = {k: v for k, v in stage.env.items() if k not in parent.scope_args}
            stage.posix = parent.posix
            scope.config_files.extend(parent.scope.config_files)
            scope.config_copies.extend(parent.scope.config_copies)
            scope.opaque_config = parent.scope.opaque_config
        self.stages.append(stage)
        self.stage = stage
        if name:
            self.aliases[name.lower()] = stage

    # -- ARG / ENV --------------------------------------------------------

    def _pairs(self, logical: str, a0: int) -> list[tuple[int, int, str, int]]:
        """(word start, word end, name, value start) of ``name=value`` words."""
        out = []
        for a, b in self._split(logical, a0):
            w = logical[a:b]
            name, eq, _ = w.partition("=")
            out.append((a, b, name, a + len(name) + 1 if eq else -1))
        return out

    def _arg(
        self, ins: Instr, logical: str, segmap: SegMap, a0: int, global_: bool = False
    ) -> None:
        env = self.global_args if global_ or self.stage is None else self.stage.env
        res = Resolver(self.text, segmap, dict(env), logical)
        pairs = self._pairs(logical, a0)
        for k, (a, b, name, vstart) in enumerate(pairs):
            if vstart < 0:
                if global_:
                    self.global_args[name] = VarDef(None)
                    continue
                assert self.stage is not None
                if name in self.stage.scope_args:
                    continue  # declared again in the stage: it keeps the value it has
                self.stage.scope_args.add(name)
                g = self.global_args.get(name)
                if g is not None:
                    self.stage.env[name] = replace(g, exported=True)
                    self.redeclared.add(name)
                    if g.value is not None and name in ENV_VARS and g.span is not None:
                        use = segmap.span(a, b)[0]
                        raw = self.text[g.span.start : g.span.end]
                        r = Resolved(g.value, raw, g.span, g.exact, use)
                        ctx = self._ctx(res)
                        emit_env(ctx, name, r, Method.BUILD_ARG, removal=None, sibling=None)
                else:
                    self.stage.env[name] = VarDef(None, exported=True)
                    if name in ENV_VARS:
                        # its value comes from the build (--build-arg, compose build.args)
                        at = segmap.span(a, b)[0].end
                        r = Resolved(None, "", Span(at, at), False, None)
                        emit_env(self._ctx(res), name, r, Method.BUILD_ARG, removal=None,
                                 sibling=None)  # fmt: skip
                continue
            pieces = value_pieces(logical[vstart:b], vstart)
            r = res.resolve(pieces, vstart)
            d = VarDef(r.value, r.span if r.use_span is not None or r.exact else None,
                       r.exact, exported=not global_)  # fmt: skip
            if global_:
                self.global_args[name] = d
                if name in ENV_VARS:
                    self.global_arg_names[name] = (segmap.span(a, b)[0], r)
                continue
            assert self.stage is not None
            self.stage.env[name] = d
            self.stage.scope_args.add(name)
            self._emit_pair(ins, logical, segmap, res, pairs, k, name, r, Method.BUILD_ARG, "ARG")

    def _unused_global_args(self) -> None:
        for name, (_span, r) in self.global_arg_names.items():
            if name in self.redeclared:
                continue
            scope = self.stages[0].scope if self.stages else None
            if scope is None:
                continue
            ctx = Ctx(self.doc, Resolver(self.text, SegMap([]), {}, ""), scope.id)
            emit_env(ctx, name, r, Method.BUILD_ARG, removal=None, sibling=None,
                     ineffective=f"ARG {name} before the first FROM is not visible to RUN "
                     "unless redeclared in the stage", ok=True)  # fmt: skip

    def _env_instr(self, ins: Instr, logical: str, segmap: SegMap, a0: int) -> None:
        assert self.stage is not None
        res = Resolver(self.text, segmap, dict(self.stage.env), logical)
        pairs = self._pairs(logical, a0)
        if pairs and pairs[0][3] < 0:  # legacy ``ENV NAME value``
            name = pairs[0][2]
            m = re.match(r"\S+[ \t]+", logical[a0:])
            vstart = a0 + (m.end() if m else len(logical) - a0)
            raw = logical[vstart:].rstrip()
            r = res.resolve(value_pieces(raw, vstart), vstart)
            self._define(name, r)
            self._emit_pair(ins, logical, segmap, res, [pairs[0]], 0, name, r, Method.ENV,
                            "ENV", legacy=True)  # fmt: skip
            return
        for k, (_a, b, name, vstart) in enumerate(pairs):
            if vstart < 0:
                continue
            r = res.resolve(value_pieces(logical[vstart:b], vstart), vstart)
            self._define(name, r)
            res.env[name] = self.stage.env[name]  # ENV A=1 B=$A: later pairs see A
            self._emit_pair(ins, logical, segmap, res, pairs, k, name, r, Method.ENV, "ENV")

    def _define(self, name: str, r: Resolved) -> None:
        assert self.stage is not None
        span = r.span if r.use_span is not None or r.exact else None
        self.stage.env[name] = VarDef(r.value, span, r.exact, exported=True)
        self.stage.scope_args.discard(name)

    def _ctx(self, res: Resolver) -> Ctx:
        assert self.stage is not None
        return Ctx(self.doc, res, self.stage.scope.id)

    def _emit_pair(
        self,
        ins: Instr,
        logical: str,
        segmap: SegMap,
        res: Resolver,
        pairs: list[tuple[int, int, str, int]],
        k: int,
        name: str,
        r: Resolved,
        method: Method,
        kw: str,
        legacy: bool = False,
    ) -> None:
        if name not in ENV_VARS:
            return
        text = self.text
        a, b = pairs[k][0], pairs[k][1]
        word, contiguous = segmap.span(a, b)
        removal: Span | None = None
        if len(pairs) == 1 or legacy:
            removal = Span(ins.line_start, ins.end)
        elif k > 0:
            # from the end of the previous pair: takes the separator (and a
            # line continuation) with it, leaving the next pair's own one
            removal = _file_range(text, segmap, pairs[k - 1][1], b)
        else:
            removal = _file_range(text, segmap, a, pairs[1][0])
        trusted = TRUSTED_VAR.get(ENV_VARS[name].tool, "PIP_TRUSTED_HOST")
        sib: Insertion | None
        if legacy:
            nl = line_ending_at(text, ins.text_end)
            if ins.end > 0 and text[ins.end - 1] == "\n":
                sib = Insertion(ins.end, f"{kw} {trusted} {{value}}{{nl}}", nl)
            else:
                sib = Insertion(ins.end, f"{{nl}}{kw} {trusted} {{value}}", nl)
        else:
            sib = Insertion(word.end, f" {trusted}={{value}}") if contiguous else None
        emit_env(self._ctx(res), name, r, method, removal=removal, sibling=sib)

    # -- COPY / ADD -------------------------------------------------------

    def _copy(self, ins: Instr, logical: str, segmap: SegMap, a0: int) -> None:
        assert self.stage is not None
        spans = self._split(logical, a0)
        words = [logical[a:b] for a, b in spans]
        from_other = any(w.startswith("--from") for w in words)
        words = [w for w in words if not w.startswith("--")]
        if words and words[0].startswith("["):
            try:
                argv = json_loads(logical[a0:].split("]", 1)[0] + "]")
                words = [str(x) for x in argv]
            except ValueError:
                return
        if len(words) < 2:
            return
        dest = words[-1].strip("\"'")
        sources = [w.strip("\"'") for w in words[:-1]]
        scope = self.stage.scope
        if ins.heredocs:
            if not is_pip_config_path(dest):
                return
            self.doc.overwrites.append((scope.id, dest, ins.line_start))
            for hd in ins.heredocs:
                self._pipconf_body(hd.body_start, hd.body_end, hd.strip_tabs, not hd.quoted, dest)
            return
        if not from_other:
            scope.copies.extend((src, dest, ins.line_start) for src in sources)
        for src in sources:
            base = posixpath.basename(src.rstrip("/"))
            if is_pip_config_path(dest) or (dest.endswith("/") and base in ("pip.conf", "pip.ini")):
                scope.config_files.append(src)
                target = dest + base if dest.endswith("/") else dest
                scope.config_copies.append((src, target, ins.line_start))
                self.doc.overwrites.append((scope.id, target, ins.line_start))
                if not from_other:
                    self.doc.includes.append(src)

    def _pipconf_body(
        self, a: int, b: int, strip_tabs: bool, expanding: bool, dest: str | None = None
    ) -> None:
        assert self.stage is not None
        try:
            from pipsrc.kinds import pipconf
        except ImportError:  # pragma: no cover - provided by another module
            return
        chunks = [(self.text[x:y], x, True) for x, y in body_ranges(self.text, a, b, strip_tabs)]
        content = build_content(chunks, decode=False)
        res = Resolver(self.text, SegMap.shifted(0, len(self.text)), dict(self.stage.env),
                       self.text)  # fmt: skip
        sub = pipconf.parse(content.text, self.doc.path)
        merge_pipconf(self._ctx(res), sub, content, expanding, False, dest)


_QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
_CONNECTOR = re.compile(r"&&|\|\||;|\|")


def _commands(body: str) -> int:
    """How many commands a ``RUN`` line holds (1 + its top-level connectors, roughly)."""
    body = re.sub(r"\\\r?\n", " ", body)
    body = "\n".join(ln for ln in body.splitlines() if not ln.lstrip().startswith("#"))
    return 1 + len(_CONNECTOR.findall(_QUOTED.sub("", body)))


def _keep_runs_apart(doc: Document, instrs: list[Instr], kws: list[str]) -> None:
    """A removal that would leave a ``RUN`` with one command next to another one-command
    ``RUN`` makes hadolint ask to consolidate them (DL3059): such a command is left, and
    the rule that would remove it says why."""
    single = singles(doc.text, instrs, kws)
    for st in doc.settings:
        if st.removal is not None and _lone(doc.text, instrs, kws, single, st.removal):
            st.removal = None
            st.kept = LONE_RUNS


LONE_RUNS = (
    "removing it would leave one-command RUN instructions in a row, which hadolint asks to "
    "consolidate (DL3059): edit them together by hand"
)


def singles(text: str, instrs: list[Instr], kws: list[str]) -> list[bool]:
    return [kw == "RUN" and _count(text, ins) == 1 for ins, kw in zip_strict(instrs, kws)]


_MARKERS_ONLY = re.compile(r"\s*RUN\s+(?:--\S+\s+)*<<-?[\"']?\w+[\"']?\s*", re.IGNORECASE)


def _count(text: str, ins: Instr, removal: Span | None = None) -> int:
    """How many commands hadolint counts in a ``RUN`` (without ``removal``): its command
    line's, or, for ``RUN <<EOF`` with one heredoc as the whole program, its body's lines
    (a body of one command counts as one-command, as hadolint reads it)."""

    def cut(a: int, b: int) -> str:
        if removal is None or removal.end <= a or removal.start >= b:
            return text[a:b]
        return text[a : max(a, removal.start)] + text[min(b, removal.end) : b]

    if not ins.heredocs:
        return _commands(cut(ins.line_start, ins.end))
    if len(ins.heredocs) > 1 or not _MARKERS_ONLY.fullmatch(ins.logical(text)):
        return 2  # a command line of its own around the heredoc: not one command
    h = ins.heredocs[0]
    lines = [ln.strip() for ln in cut(h.body_start, h.body_end).splitlines()]
    return sum(_commands(ln) for ln in lines if ln and not ln.startswith("#"))


def _lone(text: str, instrs: list[Instr], kws: list[str], single: list[bool], r: Span) -> bool:
    """Whether deleting ``r`` inside a ``RUN`` of several commands leaves it one command long
    next to a one-command ``RUN``, or deleting a whole instruction (an ``ENV`` line) puts two
    one-command ``RUN`` instructions next to each other."""
    k = next((k for k, ins in enumerate(instrs) if ins.line_start <= r.start < ins.end), -1)
    if k < 0:
        return False
    ins = instrs[k]
    if r.start <= ins.line_start and r.end >= ins.end:  # the whole instruction goes
        return 0 < k < len(instrs) - 1 and single[k - 1] and single[k + 1]
    if kws[k] != "RUN" or single[k]:
        return False
    if _count(text, ins, r) != 1:
        return False
    return (k > 0 and single[k - 1]) or (k + 1 < len(instrs) and single[k + 1])


def leaves_lone_runs(text: str, removal: Span) -> bool:
    """Whether deleting ``removal`` from a Dockerfile makes hadolint's DL3059 appear (a rule
    that removes a whole command checks it with this)."""
    sc = scan(text)
    kws = [(ins.logical(text).split(None, 1) or [""])[0].upper() for ins in sc.instrs]
    return _lone(text, sc.instrs, kws, singles(text, sc.instrs, kws), removal)


def parse(text: str, path: str) -> Document:
    """Parse a Dockerfile (or a fragment of one) into the shared vocabulary; a devpi
    image's upstream ``ENV`` too (:mod:`pipsrc.syntax.proxyvars`)."""
    doc = _Parser(text, path).run()
    if doc.fixable:
        proxy_variables(doc, ("dockerfile",), Method.ENV)
    return doc


def _file_range(text: str, segmap: SegMap, a: int, b: int) -> Span | None:
    """The file range behind logical ``[a, b)``, if deleting it drops no comment line."""
    if b <= a:
        return None
    start, end = segmap.orig(a), segmap.orig(b - 1) + 1
    chunk = text[start:end]
    if any(line.lstrip().startswith("#") for line in chunk.split("\n")[1:]):
        return None
    return Span(start, end)


def config_lines(pairs: list[tuple[str, str]], nl: str) -> str:
    """``ENV A="a" B="b"``: what PS104 inserts after a stage's FROM."""
    body = " ".join(f'{k}="{v}"' for k, v in pairs)
    return f"ENV {body}{nl}"
