"""GitLab CI files (``.gitlab-ci.yml`` and the files it includes).

The top-level ``variables:`` are the ``file`` scope's; each job (every top-level mapping
that is not a keyword, hidden ``.templates`` included) is a scope, whose ``variables:``
take effect from the job's start, so they win over the global ones. A job that
``extends:`` a template inherits from it (the last one named, as GitLab merges the later
over the earlier), and YAML anchors and ``<<:`` merges are followed by the composer.

``before_script`` and ``script`` run in one shell, line after line: each item is read as
shell (:mod:`pipsrc.kinds.yamlscript`) with the variables of the lines before it, so an
``export`` in ``before_script`` reaches ``script``. ``after_script`` runs in a shell of
its own. A job without ``before_script`` runs ``default:``'s (or the deprecated top-level
one), which is read once, in a scope of its own. ``include: local`` files are read as
GitLab CI files too (their jobs do not see this file's variables: a limit of reading each
file alone). ``$[[ inputs.x ]]`` is an unresolved value.
"""

from __future__ import annotations

import re
from typing import Any

from pipsrc.kinds import yamldoc
from pipsrc.kinds.yamlenv import EnvBlocks
from pipsrc.kinds.yamlscript import analyze_script
from pipsrc.model import Document, Scope
from pipsrc.syntax.words import VarDef
from pipsrc.textio import majority_newline

KIND = "gitlab-ci"
_INPUTS = re.compile(r"\$\[\[.*?\]\]", re.S)
_KEYWORDS = frozenset(
    {"variables", "default", "stages", "include", "workflow", "image", "services", "cache",
     "before_script", "after_script", "types", "spec"}
)  # fmt: skip


prepare = yamldoc.prepare_with_shell


def parse(text: str, path: str) -> Document:
    doc = Document(path, KIND, text)
    doc.scopes.append(Scope("file", 0, len(text), nl=majority_newline(text)))
    read = yamldoc.read(doc, text, _Pipeline)
    if read is None:
        return doc
    roots, walker = read
    for root in roots[-1:]:  # a `spec:` header document comes first
        walker.root(root)
    walker.comments()
    return doc


class _Pipeline(yamldoc.YamlWalker):
    LAST_KEY_WINS = True

    def __init__(self, doc: Document, text: str) -> None:
        super().__init__(doc, text)
        self.envs = EnvBlocks(self, _INPUTS)
        self.globals: dict[str, VarDef] = {}
        self.read: set[int] = set()  # script lines read (an anchored line once, where first met)
        self.envs_of: dict[str, dict[str, VarDef]] = {}  # job -> its variables, for `extends`

    def root(self, root: Any) -> None:
        if not isinstance(root, self.Mapping):
            return
        variables = self.get(root, "variables")
        if variables is not None:
            self.globals = self.envs.read(variables, "file", 0)
        self._includes(self.get(root, "include"))
        default = self.get(root, "default")
        owner = default if isinstance(default, self.Mapping) else root
        before = self.get(owner, "before_script") or self.get(root, "before_script")
        if before is not None:  # `default:`'s, or the deprecated top-level one
            scope = self._scope("default", before, "file")
            self._scripts(before, dict(self.globals), scope)
        jobs = [(name, key, job) for name, (key, job, _o) in self.merged(root).items()
                if name not in _KEYWORDS and isinstance(job, self.Mapping)]  # fmt: skip
        for name, key, job in jobs:
            self.job(name, key, job, root)

    def _includes(self, node: Any) -> None:
        """``include: local`` files (and bare paths): read as GitLab CI files."""
        items = node.value if isinstance(node, self.Sequence) else [node]
        for item in items:
            local = self.get(item, "local") if isinstance(item, self.Mapping) else item
            name = self.scalar(local) if local is not None else None
            if name and "://" not in name and "$" not in name and "*" not in name:
                self.doc.includes.append(name.lstrip("/"))

    def _scope(self, sid: str, node: Any, parent: str, start: int | None = None) -> Scope:
        begin = node.start_mark.index if start is None else start
        scope = Scope(
            sid, begin, node.end_mark.index, parent=parent, nl=majority_newline(self.text)
        )
        self.doc.scopes.append(scope)
        return scope

    def job(self, name: str, key: Any, job: Any, root: Any) -> None:
        """A job: its variables, its scripts, the template it extends."""
        start = key.start_mark.index
        parent = "file"
        extends = self.get(job, "extends")
        names = extends.value if isinstance(extends, self.Sequence) else [extends]
        bases = [self.scalar(n) for n in names if n is not None]
        known = [b for b in bases if b and isinstance(self.get(root, b), self.Mapping)]
        if known:
            parent = f"job:{known[-1]}"
        scope = self._scope(f"job:{name}", job, parent, start)
        env = dict(self.globals)
        for base in known:
            env.update(self.envs_of.get(base) or self._template_vars(root, base))
        variables = self.get(job, "variables")
        if variables is not None:
            env.update(self.envs.read(variables, scope.id, start))
        self.envs_of[name] = env
        shared = dict(env)
        main = None  # before_script and script: one shell, a scope under the job's
        for field in ("before_script", "script"):
            node = self.get(job, field)
            if node is not None:
                main = main or self._scope(f"job:{name}/script", job, scope.id, start)
                self._scripts(node, shared, main)
        after = self.get(job, "after_script")
        if after is not None:
            self._scripts(after, dict(env), self._scope(f"job:{name}/after", after, scope.id))

    def _template_vars(self, root: Any, name: str) -> dict[str, VarDef]:
        """The variables a template defines, as values only (its settings are its own)."""
        out: dict[str, VarDef] = {}
        node = self.get(self.get(root, name), "variables")
        if isinstance(node, self.Mapping):
            for var, (_k, value, _o) in self.merged(node).items():
                if isinstance(value, self.Scalar) and "$" not in str(value.value):
                    out[var] = VarDef(str(value.value), None, False, True)
        return out

    def _scripts(self, node: Any, env: dict[str, VarDef], scope: Scope) -> None:
        """Each line of a script (a string, or a list of strings and nested lists)."""
        stack = [node]
        seen: set[int] = set()
        lines = []
        while stack:
            n = stack.pop()
            if id(n) in seen:
                continue
            seen.add(id(n))
            if isinstance(n, self.Scalar):
                lines.append(n)
            elif isinstance(n, self.Sequence):
                stack.extend(reversed(n.value))
        for line in lines:
            if id(line) not in self.read:
                self.read.add(id(line))
                analyze_script(self.doc, line, env, scope, masks=(_INPUTS,))
