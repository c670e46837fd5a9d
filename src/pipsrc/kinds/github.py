"""GitHub Actions workflows (``.github/workflows/*.yml``) and composite actions (``action.yml``).

Scopes follow the runner: the workflow (``file``), each job (``job:ID``, or ``action`` for
a composite action's steps) and each step (``job:ID/step:N``). A step sees the workflow's
``env:``, its job's and its own, the most specific winning: each block's settings take
effect from the start of what it belongs to, so the nearer block is the later assignment.
What a step leaves behind for the job's later steps is moved into the job's scope, which
is *ordered* (its settings reach a step only from their position on): a pip
configuration file written by ``pip config set`` or a heredoc, and ``NAME=value`` lines
appended to ``$GITHUB_ENV``, which take effect from the next step. Shell variables and
exports of a ``run:`` script end with its step.

``run:`` scripts are shell (bash unless ``shell:``, the job's or the workflow's
``defaults.run.shell`` say otherwise; a Windows runner defaults to PowerShell), read by
:mod:`pipsrc.kinds.yamlscript`; a script in PowerShell, cmd or Python that mentions pip
gets a note instead. ``${{ ... }}`` expressions are unresolved values. Neither
``actions/setup-python`` nor ``astral-sh/setup-uv`` has an input that sets an index;
setup-python's ``pip-install:`` input is an install that the step's environment configures.
"""

from __future__ import annotations

import re
from typing import Any

from pipsrc.kinds import yamldoc
from pipsrc.kinds.embedded import ENV_FILE
from pipsrc.kinds.yamlenv import EnvBlocks
from pipsrc.kinds.yamlscript import GITHUB_EXPR, analyze_script, note_skipped
from pipsrc.model import Document, InstallSite, Method, Scope, Span, Tool
from pipsrc.syntax.words import VarDef
from pipsrc.textio import majority_newline

KIND = "github-actions"
_POSIX_SHELLS = frozenset({"bash", "sh"})
# what a step writes that the job's later steps read (pip's configuration files)
_PERSISTED = frozenset({Method.PIP_CONFIG, Method.PIP_CONF})


prepare = yamldoc.prepare_with_shell


def parse(text: str, path: str) -> Document:
    """Parse a workflow or composite action; YAML errors become problems."""
    doc = Document(path, KIND, text)
    doc.scopes.append(Scope("file", 0, len(text), nl=majority_newline(text)))
    read = yamldoc.read(doc, text, _Workflow)
    if read is None:
        return doc
    roots, walker = read
    if roots:
        walker.root(roots[0])
    walker.comments()
    return doc


# the labels of GitHub's hosted runner images (``ubuntu-latest``, ``windows-2022`` ...)
_HOSTED = ("ubuntu-", "windows-", "macos-")
_MATRIX = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")


class _Workflow(yamldoc.YamlWalker):
    """Walks one workflow (or composite action) into scopes, settings and install sites."""

    def __init__(self, doc: Document, text: str) -> None:
        super().__init__(doc, text)
        self.envs = EnvBlocks(self, GITHUB_EXPR)

    def root(self, root: Any) -> None:
        if not isinstance(root, self.Mapping):
            return
        env = self._env(self.get(root, "env"), "file", 0)
        default = self._default_shell(root)
        jobs = self.get(root, "jobs")
        if isinstance(jobs, self.Mapping):
            for name, (key, job, _owner) in self.merged(jobs).items():
                if isinstance(job, self.Mapping):
                    self.job(f"job:{name}", name, key.start_mark.index, job, env, default)
        runs = self.get(root, "runs")
        if isinstance(runs, self.Mapping) and isinstance(self.get(runs, "steps"), self.Sequence):
            start = runs.start_mark.index
            self.job("action", "action", start, runs, env, None)

    def _env(self, node: Any, scope: str, position: int) -> dict[str, VarDef]:
        return self.envs.read(node, scope, position) if node is not None else {}

    def _default_shell(self, owner: Any) -> str | None:
        defaults = self.get(owner, "defaults")
        run = self.get(defaults, "run") if defaults is not None else None
        return self.scalar(self.get(run, "shell")) if run is not None else None

    def job(
        self, sid: str, name: str, start: int, job: Any, env: dict[str, VarDef], default: str | None
    ) -> None:
        """One job: its scope (ordered, for what steps leave behind), env and steps."""
        runs_on = self.get(job, "runs-on")
        labels = self._labels(job, runs_on)
        hosted = "self-hosted" not in labels and any(w.startswith(_HOSTED) for w in labels)
        self.doc.scopes.append(Scope(sid, start, job.end_mark.index, name=name, parent="file",
                                     ordered=True, hosted=hosted))  # fmt: skip
        job_env = {**env, **self._env(self.get(job, "env"), sid, start)}
        shell = self._default_shell(job) or default
        if shell is None and runs_on is not None and "windows" in self._words(runs_on):
            shell = "pwsh"
        steps = self.get(job, "steps")
        if not isinstance(steps, self.Sequence):
            return
        for n, step in enumerate(steps.value, 1):
            if isinstance(step, self.Mapping):
                self.step(sid, n, step, job_env, shell)

    def _labels(self, job: Any, runs_on: Any) -> list[str]:
        """The runner labels of a job; ``${{ matrix.os }}`` stands for every value of that
        matrix axis (a job on ``[ubuntu-latest, windows-latest]`` runs on both)."""
        words = self._words(runs_on).split() if runs_on is not None else []
        m = _MATRIX.fullmatch(" ".join(words))
        if m is None:
            return words
        strategy = self.get(job, "strategy")
        matrix = self.get(strategy, "matrix") if strategy is not None else None
        axis = self.get(matrix, m.group(1)) if matrix is not None else None
        return self._words(axis).split() if isinstance(axis, self.Sequence) else []

    def _words(self, node: Any) -> str:
        if isinstance(node, self.Scalar):
            return str(node.value).lower()
        if isinstance(node, self.Sequence):
            return " ".join(self._words(x) for x in node.value)
        return ""

    def step(self, job: str, n: int, step: Any, env: dict[str, VarDef], shell: str | None) -> None:
        """One step: its env, its ``run:`` script, setup-python's ``pip-install:``."""
        sid = f"{job}/step:{n}"
        start, end = step.start_mark.index, step.end_mark.index
        scope = Scope(sid, start, end, parent=job, nl=majority_newline(self.text))
        self.doc.scopes.append(scope)
        step_env = {**env, **self._env(self.get(step, "env"), sid, start)}
        run = self.get(step, "run")
        if isinstance(run, self.Scalar):
            name = self.scalar(self.get(step, "shell")) or shell or "bash"
            base = name.split()[0].rsplit("/", 1)[-1] if name.split() else ""
            if base in _POSIX_SHELLS:
                settings, _sites = analyze_script(self.doc, run, dict(step_env), scope)
                self._persist(job, sid, settings, end)
            else:
                note_skipped(self.doc, run, name)
        uses = self.scalar(self.get(step, "uses")) or ""
        if uses.split("@")[0].lower() == "actions/setup-python":
            packages = self.get(self.get(step, "with"), "pip-install")
            if isinstance(packages, self.Scalar) and str(packages.value).strip():
                span = Span(packages.start_mark.index, packages.end_mark.index)
                site = InstallSite(span, sid, "pip install", Tool.PIP)
                site.index = len(self.doc.sites)
                self.doc.sites.append(site)

    def _persist(self, job: str, sid: str, first: int, end: int) -> None:
        """Move what a step leaves for the job's later steps into the job's scope: pip
        configuration (in effect from where it is written) and ``$GITHUB_ENV`` lines (from
        the next step on, in the order they are written)."""
        doc = self.doc
        k = 0
        for s in doc.settings[first:]:
            if s.written_to == ENV_FILE:
                s.scope, s.position, s.assign = job, end, end + k
                k += 1
            elif s.method in _PERSISTED and s.scope == sid and s.site is None:
                s.scope = job
        doc.unsets[:] = [(job if sc == sid else sc, key, at) for sc, key, at in doc.unsets]
