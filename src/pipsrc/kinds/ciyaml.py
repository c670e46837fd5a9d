"""Travis CI, Azure Pipelines and CircleCI files: their script steps as shell, their
environment blocks as settings, where the structure is simple.

- ``.travis.yml``: ``env:`` (``global:`` and a list of ``K=V K2=V2`` lines), and the
  phases (``before_install``, ``install``, ``before_script``, ``script``...) run in one
  shell, in that order; each ``jobs.include`` entry is a job of its own.
- ``azure-pipelines*.yml``: ``variables:`` (a map, or ``- name:``/``value:`` items), and the
  ``script:``/``bash:`` steps of ``steps:`` at the top, in ``jobs:`` and in ``stages:``,
  each a shell of its own with its step ``env:``. ``$(var)`` macros are command
  substitutions to the shell, so unresolved; ``${{ }}`` and ``$[ ]`` expressions too.
- ``.circleci/config.yml``: each job's ``environment:`` and its ``run:`` steps (a string,
  or ``command:`` with a step ``environment:``); ``<< parameters.x >>`` is unresolved.

PowerShell and cmd steps (``powershell:``, ``pwsh:``, ``task:``) are not read.
"""

from __future__ import annotations

import re
from typing import Any

from pipsrc.kinds import yamldoc
from pipsrc.kinds.yamlenv import EnvBlocks
from pipsrc.kinds.yamlscript import GITHUB_EXPR, analyze_script, content_start
from pipsrc.model import Document, Method, Scope, Setting, Span
from pipsrc.syntax.words import VarDef
from pipsrc.textio import majority_newline
from pipsrc.vocabulary import ENV_VARS

KIND = "ci-yaml"
_AZURE_EXPR = re.compile(r"\$\[.*?\]", re.S)
_CIRCLE_EXPR = re.compile(r"<<\s*[\w.-]+\s*>>")
_MASKS = (GITHUB_EXPR, _AZURE_EXPR, _CIRCLE_EXPR)
_TRAVIS_PHASES = ("before_install", "install", "before_script", "script", "after_success",
                  "after_failure", "before_deploy", "after_deploy", "after_script")  # fmt: skip
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S*)")


prepare = yamldoc.prepare_with_shell


def parse(text: str, path: str) -> Document:
    doc = Document(path, KIND, text)
    doc.scopes.append(Scope("file", 0, len(text), nl=majority_newline(text)))
    read = yamldoc.read(doc, text, _Pipeline)
    if read is None:
        return doc
    roots, walker = read
    name = path.rsplit("/", 1)[-1].lower()
    for root in roots[:1]:
        if isinstance(root, walker.Mapping):
            if "travis" in name:
                walker.travis(root)
            elif "azure" in name:
                walker.azure(root, {}, "file")
            else:
                walker.circle(root)
    walker.comments()
    return doc


class _Pipeline(yamldoc.YamlWalker):
    def __init__(self, doc: Document, text: str) -> None:
        super().__init__(doc, text)
        self.envs = EnvBlocks(self, GITHUB_EXPR)

    def _scope(self, sid: str, node: Any, parent: str) -> Scope:
        taken = {s.id for s in self.doc.scopes}
        base, n = sid, 2
        while sid in taken:
            sid, n = f"{base}:{n}", n + 1
        scope = Scope(sid, node.start_mark.index, node.end_mark.index, parent=parent,
                      nl=majority_newline(self.text))  # fmt: skip
        self.doc.scopes.append(scope)
        return scope

    def _scripts(self, node: Any, env: dict[str, VarDef], scope: Scope) -> None:
        items = node.value if isinstance(node, self.Sequence) else [node]
        for item in items:
            if isinstance(item, self.Scalar):
                analyze_script(self.doc, item, env, scope, masks=_MASKS)

    # -- Travis ---------------------------------------------------------------------------

    def travis(self, root: Any) -> None:
        env: dict[str, VarDef] = {}
        block = self.get(root, "env")
        lines = self.get(block, "global") if isinstance(block, self.Mapping) else block
        env.update(self._assignments(lines, "file", 0))
        self._travis_job(root, env, "build")
        jobs = self.get(root, "jobs") or self.get(root, "matrix")
        include = self.get(jobs, "include") if isinstance(jobs, self.Mapping) else None
        if isinstance(include, self.Sequence):
            for n, job in enumerate(include.value, 1):
                if isinstance(job, self.Mapping):
                    self._travis_job(job, env, f"job:{n}")

    def _travis_job(self, job: Any, env: dict[str, VarDef], sid: str) -> None:
        phases = [self.get(job, p) for p in _TRAVIS_PHASES]
        if all(p is None for p in phases) and self.get(job, "env") is None:
            return
        scope = self._scope(sid, job, "file")
        own = dict(env)
        if sid != "build":
            own.update(self._assignments(self.get(job, "env"), scope.id, scope.start))
        for phase in phases:
            if phase is not None:
                self._scripts(phase, own, scope)

    def _assignments(self, node: Any, scope: str, position: int) -> dict[str, VarDef]:
        """Travis env lines: ``K=V K2="a b"`` strings (or a list of them)."""
        out: dict[str, VarDef] = {}
        items = node.value if isinstance(node, self.Sequence) else [node]
        for item in items:
            if not isinstance(item, self.Scalar):
                continue
            value = str(item.value)
            start = content_start(self.text, item.start_mark.index, item.end_mark.index)
            verbatim = self.text[start : start + len(value)] == value
            for m in _ASSIGN.finditer(value):
                raw = m.group(2)
                literal = raw.strip("\"'") if raw[:1] in "\"'" else raw
                off = start + m.start(2) + (1 if raw[:1] in "\"'" else 0)
                span = Span(off, off + len(literal)) if verbatim else None
                exact = span is not None and "$" not in literal and "\\" not in literal
                out[m.group(1)] = VarDef(literal if exact or "$" not in literal else None,
                                         span if exact else None, exact, True)  # fmt: skip
                if m.group(1) in ENV_VARS:
                    at = span or Span(start, start + len(value))
                    self._setting(m.group(1), at, out[m.group(1)], scope, position)
        return out

    def _setting(self, name: str, span: Span, var: VarDef, scope: str, position: int) -> None:
        spec = ENV_VARS[name]
        values = (var.value or "").split() if spec.split and var.value else [var.value]
        exact = var.exact and len(values) == 1
        for value in values:
            self.doc.settings.append(
                Setting(
                    spec.kind,
                    name,
                    self.text[span.start : span.end],
                    value,
                    span,
                    Method.CI_ENV,
                    scope,
                    spec.tool,
                    exact,
                    ineffective=spec.ineffective,
                    position=position,
                )
            )

    # -- Azure Pipelines ------------------------------------------------------------------

    def azure(self, node: Any, env: dict[str, VarDef], parent: str) -> None:
        """A pipeline, stage or job: its variables, then its stages, jobs and steps."""
        own = dict(env)
        own.update(self._azure_variables(self.get(node, "variables"), parent, node))
        for key in ("stages", "jobs"):
            items = self.get(node, key)
            if isinstance(items, self.Sequence):
                for item in items.value:
                    if isinstance(item, self.Mapping):
                        name = self.scalar(self.get(item, key[:-1]) or self.get(item, "deployment"))
                        scope = self._scope(f"{key[:-1]}:{name or '?'}", item, parent)
                        self.azure(item, own, scope.id)
        steps = self.get(node, "steps")
        if isinstance(steps, self.Sequence):
            for n, step in enumerate(steps.value, 1):
                if isinstance(step, self.Mapping):
                    self._azure_step(step, own, parent, n)

    def _azure_variables(self, node: Any, scope: str, owner: Any) -> dict[str, VarDef]:
        if node is None:
            return {}
        start = 0 if scope == "file" else owner.start_mark.index
        if isinstance(node, self.Mapping):
            return self.envs.read(node, scope, start)
        out: dict[str, VarDef] = {}
        if isinstance(node, self.Sequence):
            for item in node.value:
                name = self.scalar(self.get(item, "name"))
                value = self.get(item, "value")
                if name and isinstance(value, self.Scalar):
                    out[name] = self.envs.one(name, value, scope, start)
        return out

    def _azure_step(self, step: Any, env: dict[str, VarDef], parent: str, n: int) -> None:
        script = self.get(step, "script") or self.get(step, "bash")
        if not isinstance(script, self.Scalar):
            return
        scope = self._scope(f"{parent}/step:{n}", step, parent)
        own = {**env, **self._env(self.get(step, "env"), scope)}
        self._scripts(script, own, scope)

    def _env(self, node: Any, scope: Scope) -> dict[str, VarDef]:
        return self.envs.read(node, scope.id, scope.start) if node is not None else {}

    # -- CircleCI ---------------------------------------------------------------------------

    def circle(self, root: Any) -> None:
        jobs = self.get(root, "jobs")
        if not isinstance(jobs, self.Mapping):
            return
        for name, (_key, job, _o) in self.merged(jobs).items():
            if not isinstance(job, self.Mapping):
                continue
            scope = self._scope(f"job:{name}", job, "file")
            env = self._env(self.get(job, "environment"), scope)
            steps = self.get(job, "steps")
            if not isinstance(steps, self.Sequence):
                continue
            for n, step in enumerate(steps.value, 1):
                run = self.get(step, "run") if isinstance(step, self.Mapping) else None
                if run is None:
                    continue
                step_scope = self._scope(f"job:{name}/step:{n}", step, scope.id)
                own = dict(env)
                command = run
                if isinstance(run, self.Mapping):
                    own.update(self._env(self.get(run, "environment"), step_scope))
                    command = self.get(run, "command")
                if isinstance(command, self.Scalar):
                    self._scripts(command, own, step_scope)
