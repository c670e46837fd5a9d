"""The files a shell script writes: pip.conf bodies and Dockerfiles it creates.

``cat > /etc/pip.conf <<EOF``, ``echo "[global]" > ~/.pip/pip.conf``, ``printf ... |
tee pip.conf`` and ``cat <<EOF > Dockerfile`` hold configuration that pip (or a later
build) reads, written inside the script. Their bodies are parsed by the kind they
become (:mod:`pipsrc.kinds.pipconf`, :mod:`pipsrc.kinds.dockerfile`) and merged back
into the script's document through offset maps (:mod:`pipsrc.kinds.embedded`), so a
URL in such a body is located, and fixed, where the script spells it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import Any

from pipsrc import kinds
from pipsrc.compat import zip_strict
from pipsrc.kinds.embedded import merge_env_lines, merge_pipconf, rebase
from pipsrc.model import Document, Scope, Setting
from pipsrc.syntax.bashtree import WORD_NODES, NodeReader
from pipsrc.syntax.emit import command_scope
from pipsrc.syntax.words import Content, SegMap, Tok, build_content
from pipsrc.vocabulary import uv_config_level

_DOCKERFILE_NAME = re.compile(r"(?:Dockerfile|Containerfile)(?:\..+)?|.+\.[Dd]ockerfile")
# conda's configuration files (~/.condarc, /etc/conda/.condarc, $CONDA_PREFIX/condarc ...)
_CONDARC_NAME = re.compile(r"\.?condarc|\.mambarc")
_WRITES = (">", ">>", ">|", "&>")
_REDIRECTED = "redirected_statement"
# the files a GitHub step appends NAME=value lines to, for the job's later steps
ENV_FILES = frozenset({"$GITHUB_ENV", "${GITHUB_ENV}"})

# the command whose output a redirect writes: its name and words
BodyCommand = tuple[str, list[Tok]]


def is_pip_config_path(path: str) -> bool:
    """Whether a written/copied path is a pip configuration file or directory."""
    p = path.strip().rstrip("/")
    base = posixpath.basename(p)
    if base in ("pip.conf", "pip.ini"):
        return True
    if path.endswith("/") and base in ("pip", ".pip"):
        return True
    parent = posixpath.basename(posixpath.dirname(p))
    return parent in ("pip", ".pip") and base.endswith(".conf")


def _earlier_writes(node: Any) -> list[Any]:
    """The redirected statements inside a ``list`` that a redirect is hung on (all but its
    last command, which the outer redirect belongs to), in text order."""
    if node.type != "redirected_statement":
        return []
    body = node.child_by_field_name("body")
    out: list[Any] = []
    stack = [body] if body is not None and body.type == "list" else []
    while stack:
        lst = stack.pop()
        for child in lst.children[:-1]:
            if child.type == "redirected_statement":
                out.append(child)
            elif child.type == "list":
                stack.append(child)
    return sorted(out, key=lambda n: n.start_byte)


def _group_bodies(
    node: Any, body: Callable[[Any, list[str]], BodyCommand | None]
) -> list[BodyCommand]:
    """The ``echo``/``printf`` commands of a group whose output one redirect writes:
    ``{ echo '[global]'; echo 'index-url = ...'; } > pip.conf`` (or ``( ... )``), in the
    order they run."""
    group = node.child_by_field_name("body") if node.type == _REDIRECTED else None
    if group is None or group.type not in ("compound_statement", "subshell"):
        return []
    out: list[BodyCommand] = []
    stack = list(reversed(group.children))
    while stack:
        n = stack.pop()
        if n.type == "command":
            cmd = body(n, [])
            if cmd is not None:
                out.append(cmd)
        elif n.type == "list":
            stack.extend(reversed(n.children))
    return out


class FileWrites:
    """Reads the redirections of one script (through its walker's :class:`NodeReader`)
    and merges what they write to pip.conf files and Dockerfiles into its document."""

    def __init__(self, reader: NodeReader, scope: Scope) -> None:
        self.reader = reader
        self.ctx = reader.ctx
        self.logical = reader.logical
        self.text = reader.text
        self.scope = scope
        # pip.conf paths written so far -> the section their text ends in (for ``>>``),
        # kept by the scope: a Dockerfile stage's RUNs write one file system
        self.written = scope.written_sections
        self.appending = False  # the redirect being read is ``>>``
        self.done: set[int] = set()  # redirected statements read already (by node id)

    def redirects(self, node: Any) -> None:
        """``echo/printf ... > pip.conf``, ``cat <<EOF > pip.conf``, ``tee``, Dockerfiles.

        In ``echo '[global]' > f && echo 'k = v' >> f`` tree-sitter hangs the last redirect
        on the whole list, around the first one: the writes inside are read first, in the
        order bash runs them, so the append continues the section the first one wrote."""
        if self._seen(node):
            return
        for inner in _earlier_writes(node):
            self.redirects(inner)
        targets, heredocs, body_cmd = self._collect(node)
        if node.type == "heredoc_redirect":
            parent = node.parent
            if parent is not None and parent.type == "redirected_statement":
                return  # handled with its statement
        conf = [p for p in targets if is_pip_config_path(p) or uv_config_level(p)]
        dockerfiles = [p for p in targets if _DOCKERFILE_NAME.fullmatch(posixpath.basename(p))]
        condarcs = [p for p in targets if _CONDARC_NAME.fullmatch(posixpath.basename(p))]
        if condarcs and not conf and not dockerfiles:
            self._condarc(heredocs, body_cmd)
            return
        if any(p in ENV_FILES for p in targets):
            self._env_file(node, heredocs, body_cmd)
        if not conf and not dockerfiles:
            return
        if conf and not self.appending:
            at = self.ctx.res.segmap.orig(self.reader.rng(node)[0])
            self.ctx.doc.overwrites += [(self.ctx.scope, path, at) for path in conf]
        for hd in heredocs:
            self._heredoc(hd, conf, dockerfiles)
        bodies = [body_cmd] if body_cmd is not None else _group_bodies(node, self._tee_or_body)
        for cmd in bodies if conf and not heredocs else []:
            content = self._echo_content(*cmd)
            if content is not None:
                self._merge_config(content, expanding=True, target=conf[0])
            self.appending = True  # a group's later output follows its earlier one

    def _seen(self, node: Any) -> bool:
        """Whether ``node``'s writes are read already, or with the node around it (a
        pipeline's ``tee`` with the redirected statement it is part of)."""
        parent = node.parent
        if node.type == "pipeline" and parent is not None and parent.type == _REDIRECTED:
            return True
        if node.id in self.done:
            return True
        self.done.add(node.id)
        return False

    def _env_file(self, node: Any, heredocs: list[Any], body_cmd: BodyCommand | None) -> None:
        """``echo "PIP_INDEX_URL=..." >> $GITHUB_ENV``: variables of the *later* steps of a
        GitHub job, so recorded in a scope of their own that nothing here inherits (the
        workflow kind moves them to the job), and marked ``written_to`` the env file."""
        contents: list[tuple[Content | None, bool]] = []
        for hd in heredocs:
            found = self._heredoc_content(hd)
            if found is not None:
                contents.append((found[0], not found[1]))
        if not heredocs and body_cmd is not None:
            contents.append((self._echo_content(*body_cmd), True))
        start, end = self.reader.rng(node)
        for content, expanding in contents:
            if content is not None:
                scoped = command_scope(self.ctx, "env-file", start, end)
                merge_env_lines(scoped, content, expanding, self.ctx.is_bad(start, end))

    def _collect(self, node: Any) -> tuple[list[str], list[Any], BodyCommand | None]:
        """Everything a redirected statement writes: the paths it writes to (``>`` targets
        and ``tee`` arguments), its heredocs, and the first ``echo``/``printf`` command
        (whose output is the body when there is no heredoc)."""
        targets: list[str] = []
        heredocs: list[Any] = []
        body_cmd: BodyCommand | None = None
        self.appending = False  # until a `>>` says otherwise (`tee` without -a overwrites)
        stack = [node]
        while stack:
            n = stack.pop()
            t = n.type
            if t == "file_redirect":
                target = self._redirect_target(n)
                if target is not None:
                    targets.append(target)
            elif t == "heredoc_redirect":
                if n is not node or node.type == "heredoc_redirect":
                    heredocs.append(n)
                stack.extend(n.children)
            elif t == "command":
                cmd = self._tee_or_body(n, targets)
                if body_cmd is None:
                    body_cmd = cmd
            elif t in ("redirected_statement", "pipeline"):
                stack.extend(n.children)
            elif t == "list":
                # tree-sitter-bash hangs `a && printf ... > f`'s redirect on the whole list;
                # bash gives it to the last command, whose output is the body
                stack.append(n.children[-1])
        return targets, heredocs, body_cmd

    def _redirect_target(self, n: Any) -> str | None:
        """The path a writing redirect (``>``, ``>>``, ``>|``, ``&>``) writes to: its value,
        else (``$VIRTUAL_ENV/pip.conf``) the value its variables have here, else the word
        as written, which still names a pip.conf and the level pip reads it at."""
        op = n.children[0].type if n.children else ""
        dest = n.child_by_field_name("destination")
        if op not in _WRITES or dest is None:
            return None
        self.appending = op == ">>"
        tok = self.reader.tok(dest)
        if tok.value is not None:
            return tok.value
        resolved = self.ctx.res.resolve(tok.pieces, tok.start).value
        return resolved or self.logical[tok.start : tok.end].strip("\"'")

    def _tee_or_body(self, n: Any, targets: list[str]) -> BodyCommand | None:
        """A ``tee`` adds its file arguments to ``targets``; an ``echo``/``printf`` is
        returned as a candidate body command."""
        words = [self.reader.tok(c.children[0] if c.type == "command_name" else c)
                 for c in n.children if c.type in WORD_NODES or (c.type == "command_name"
                 and c.children)]  # fmt: skip
        vals = [w.value for w in words]
        names = [posixpath.basename(v) for v in vals if v is not None]
        if "tee" in names:
            k = names.index("tee")
            targets.extend(v for v in vals[k + 1 :] if v and not v.startswith("-"))
        elif names and names[0] in ("echo", "printf"):
            return names[0], words
        return None

    def _condarc(self, heredocs: list[Any], body_cmd: BodyCommand | None) -> None:
        """A .condarc written by ``cat <<EOF > ~/.condarc`` or ``echo ... > ~/.condarc``:
        its channels, located where the script spells them."""
        for hd in heredocs:
            found = self._heredoc_content(hd)
            if found is not None:
                content, quoted, bad = found
                self._merge_embedded("condarc", content, not quoted, bad, add_scopes=False)
        echoed = self._echo_content(*body_cmd) if not heredocs and body_cmd else None
        if echoed is not None:
            self._merge_embedded("condarc", echoed, True, False, add_scopes=False)

    def _heredoc(self, hd: Any, conf: list[str], dockerfiles: list[str]) -> None:
        found = self._heredoc_content(hd)
        if found is None:
            return
        content, quoted, bad = found
        if conf:
            self._merge_config(content, expanding=not quoted, bad=bad, target=conf[0])
        elif dockerfiles:
            self._merge_dockerfile(content, expanding=not quoted, bad=bad)

    def _heredoc_content(self, hd: Any) -> tuple[Content, bool, bool] | None:
        """A heredoc's body (tabs stripped for ``<<-``), whether its delimiter is quoted
        (no expansion), and whether it overlaps a parse error."""
        start = body = end = None
        strip_tabs = False
        for c in hd.children:
            if c.type == "heredoc_start":
                start = c
            elif c.type == "heredoc_body":
                body = c
            elif c.type == "heredoc_end":
                end = c
            elif c.type == "<<-":
                strip_tabs = True
        if start is None or body is None:
            return None
        delim = start.text.decode("utf-8", "replace")
        quoted = any(q in delim for q in "'\"\\")
        logical = self.logical
        rng = self.reader.rng
        ba = logical.rfind("\n", 0, rng(body)[0]) + 1
        bb = rng(end)[0] if end is not None else rng(body)[1]
        bb = logical.rfind("\n", 0, bb) + 1 if end is not None else bb
        bb = max(ba, bb)
        chunks: list[tuple[str, int, bool]] = []
        pos = ba
        while pos < bb:
            eol = logical.find("\n", pos, bb)
            eol = bb if eol == -1 else eol + 1
            s = pos
            if strip_tabs:
                while s < eol and logical[s] == "\t":
                    s += 1
            chunks.append((logical[s:eol], s, True))
            pos = eol
        return build_content(chunks, decode=False), quoted, self.ctx.is_bad(ba, bb)

    def _echo_content(self, cmd: str, words: list[Tok]) -> Content | None:
        args = words[1:]
        decode = cmd == "printf"
        while args and (v := args[0].value) is not None and v.startswith("-") and cmd == "echo":
            decode = decode or "e" in v
            args = args[1:]
        if not args:
            return None
        chunks: list[tuple[str, int, bool]] = []
        if cmd == "printf":
            fmt, rest = args[0], list(args[1:])
            for p in fmt.pieces:
                if p.value is None:
                    chunks.append((self.logical[p.start : p.end], p.start, False))
                    continue
                parts = p.value.split("%s") if p.exact else [p.value]
                off = p.start
                for k, part in enumerate(parts):
                    chunks.append((part, off, p.exact))
                    off += len(part) + 2
                    if k + 1 < len(parts) and rest:
                        self._tok_chunks(rest.pop(0), chunks)
            return build_content(chunks, decode=True)
        for k, w in enumerate(args):
            if k:
                chunks.append((" ", args[k - 1].end, False))
            self._tok_chunks(w, chunks)
        return build_content(chunks, decode=decode or "\\" in "".join(c[0] for c in chunks))

    def _tok_chunks(self, w: Tok, chunks: list[tuple[str, int, bool]]) -> None:
        for p in w.pieces:
            if p.value is not None:
                chunks.append((p.value, p.start, p.exact))
            else:
                chunks.append((self.logical[p.start : p.end], p.start, p.var is not None))

    def _merge_config(
        self, content: Content, expanding: bool, bad: bool = False, target: str = ""
    ) -> None:
        """A configuration file's body written to ``target``: a pip.conf or a uv.toml."""
        level = uv_config_level(target)
        if level is None:
            self._merge_pipconf(content, expanding, bad, target)
            self.scope.config_files.append(target)
            return
        project = kinds.module("project")
        sub: Document = project.parse(content.text, "uv.toml")
        merge_pipconf(self.ctx, sub, content, expanding, bad, target, level)

    def _merge_pipconf(
        self, content: Content, expanding: bool, bad: bool = False, target: str | None = None
    ) -> None:
        """Merge a pip.conf body written to ``target``; appended (``>>``) to a file written
        earlier here, it continues that file's last section."""
        # through the registry: a kind module never imports another one (no import cycle)
        pipconf = kinds.module("pipconf")
        section = self._section_of(target) if self.appending and target else None
        sub: Document = pipconf.parse(content.text, self.ctx.doc.path, section)
        merge_pipconf(self.ctx, sub, content, expanding, bad, target)
        if target:
            last = pipconf.last_section(sub, content.text)
            self.written[target] = last if last is not None else section

    def _section_of(self, target: str) -> str | None:
        """The section a pip.conf written earlier ends in: here, else in the stage this one
        is built from (``FROM base AS app`` has the base stage's files)."""
        scope: Scope | None = self.scope
        seen: set[str] = set()
        while scope is not None and scope.id not in seen:
            if target in scope.written_sections:
                return scope.written_sections[target]
            seen.add(scope.id)
            scope = self.ctx.doc.scope(scope.parent) if scope.parent else None
        return None

    def _merge_dockerfile(self, content: Content, expanding: bool, bad: bool) -> None:
        self._merge_embedded("dockerfile", content, expanding, bad, add_scopes=True)

    def _merge_embedded(
        self, kind: str, content: Content, expanding: bool, bad: bool, add_scopes: bool
    ) -> None:
        """Parse a written body as ``kind`` and merge it where the script spells it: its
        scopes prefixed (a Dockerfile's stages), or its settings in the script's scope."""
        ranges = []
        for la, fa, n in zip_strict(content.cmap._log, content.cmap._file, content.cmap._len):
            span, contiguous = self.ctx.res.fspan(fa, fa + n)
            if not contiguous:
                return
            ranges.append((la, span.start, n))
        fmap = SegMap(ranges)
        sub = kinds.parse(kind, content.text, self.ctx.doc.path)
        line = self.text.count("\n", 0, fmap.orig(0)) + 1
        prefix = f"heredoc@{line}:"
        scope = self.ctx.scope

        def ok(s: Setting) -> bool:
            return not bad and not (expanding and "$" in s.raw)

        def scope_id(sid: str) -> str:
            return prefix + sid if add_scopes else scope

        rebase(self.ctx.doc, sub, fmap, scope_id, ok, add_scopes=add_scopes)
