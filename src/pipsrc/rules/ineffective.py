"""Settings that pip ignores or that something else overrides."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.effective import ENV_METHODS, live, scope_settings
from pipsrc.model import Document, Method, Setting, SettingKind, Severity
from pipsrc.rules.base import ALL_KINDS, Example, Rule, Violation
from pipsrc.rules.common import ALIYUN, TUNA
from pipsrc.textio import LineIndex
from pipsrc.urls import identity, same_index


class IneffectiveSetting(Rule):
    code = "PS401"
    name = "ineffective-setting"
    severity = Severity.WARNING
    summary = "A setting pip ignores, or one shadowed by another set earlier in the same scope."
    why = (
        "These look like configuration and do nothing: index options on a requirement line, "
        "`-i=URL` (pip reads `=URL`), `PIP_INDEX` (not a pip variable), an inline `#` in a "
        "pip.conf value (it becomes part of the URL), comma-separated lists, a poetry.toml "
        "repository (an upload target for `poetry publish`, never read by installs: an info "
        "finding), `${VAR}` in "
        "exec-form RUN or pip.conf (never expanded), and `pip config set` under a `PIP_*` "
        "variable set earlier in the same scope (the variable wins; only an info finding "
        "when both name the same index). Someone reading the "
        "file believes the index is configured; pip does not."
    )
    # in project files only what their tool ignores (a poetry.toml repository, which is an
    # upload target): an info finding, since it is usually meant for `poetry publish`
    kinds = ALL_KINDS
    fix_safety = "None: the intent behind a broken setting needs a human."
    good = (
        Example("requirements.txt", f"--index-url {ALIYUN}\nrequests==2.32.3\n"),
        # the config persists the build argument's own value into the image
        Example(
            "Dockerfile",
            f"FROM python:3.12\nARG PIP_INDEX_URL={ALIYUN}\n"
            "RUN pip config set global.index-url ${PIP_INDEX_URL} && pip install x\n",
        ),
        Example("pip.conf", f"[global]\n# aliyun\nindex-url = {ALIYUN}\n"),
        Example("poetry.toml", "[virtualenvs]\nin-project = true\n[repositories]\n"),
        Example(
            "Dockerfile",
            f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\nRUN pip install x\n',
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\nexport PIP_INDEX_URL={ALIYUN}\npip install -r requirements.txt\n",
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n",
        ),
    )
    bad = (
        Example("requirements.txt", f"requests==2.32.3 --index-url {ALIYUN}\n"),
        # an upload target: `poetry install` never reads it (an info finding)
        Example("poetry.toml", f'[repositories.aliyun]\nurl = "{ALIYUN}"\n'),
        Example("requirements.txt", f"-i={ALIYUN}\nrequests\n"),
        Example("pip.conf", f"[global]\nindex-url = {ALIYUN}  # aliyun\n"),
        Example(
            "Dockerfile",
            f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\n'
            f"RUN pip config set global.index-url {TUNA} && pip install x\n",
            mirror=None,
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\nexport PIP_INDEX={ALIYUN}\npip install -r requirements.txt\n",
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    environment:\n      PIP_INDEX: {ALIYUN}\n",
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for s in doc.settings:
            if s.ineffective is not None:
                info = Severity.INFO if doc.kind == "project" else None
                yield Violation(s.span, f"{s.key}: {s.ineffective}", s.raw, severity=info)
        lines: LineIndex | None = None
        for s in live(doc.settings):
            if s.method != Method.PIP_CONFIG or s.site is not None:
                continue
            earlier = [
                e
                for e in live(scope_settings(doc, s.scope))
                if e.method in ENV_METHODS
                and e.kind == s.kind
                and e.tool == s.tool  # a UV_* variable never shadows pip's configuration
                and e.site is None
                and (e.scope != s.scope or e.position < s.position)
            ]
            if earlier and _same_value(earlier[-1], s):
                continue  # `pip config set global.index-url $PIP_INDEX_URL`: it persists it
            if earlier and _runs_only_when_unset(doc.text, s.position, earlier[-1].key):
                continue  # `if [ -z "$PIP_INDEX_URL" ]; then pip config set ...`: a default
            if earlier:
                lines = lines or LineIndex(doc.text)
                line = lines.line_col(earlier[-1].position)[0]
                same = s.value is not None and same_index(s.value, earlier[-1].value or "")
                # the same index either way: nothing is lost, so it is only worth knowing
                yield Violation(
                    s.use_span or s.span,
                    f"{s.key} is shadowed by {earlier[-1].key} set on line {line}:"
                    + (
                        " both name the same index, so it has no effect"
                        if same
                        else " the environment variable wins"
                    ),
                    s.raw,
                    severity=Severity.INFO if same else None,
                )


def _runs_only_when_unset(text: str, at: int, name: str) -> bool:
    """Whether the command at ``at`` is in the branch of an ``if`` that runs only when the
    variable ``name`` is empty: the ``then`` of ``[ -z "$NAME" ]``, or the ``else`` of
    ``[ -n "$NAME" ]`` (then the variable does not shadow it)."""
    var = rf"\$\{{?{re.escape(name)}\}}?"
    test = re.compile(rf"\bif\s+(?:\[\[?|test)\s+(-[zn])\s+\"?{var}\"?\s*(?:\]\]?)?\s*;?\s*then\b")
    before = text[max(0, at - 2000) : at]
    for m in reversed(list(test.finditer(before))):
        body = before[m.end() :]
        if re.search(r"\bfi\b", body):
            continue  # that if is closed before the command
        in_else = re.search(r"\belse\b", body) is not None
        return (m.group(1) == "-z") != in_else
    return False


def _same_value(env: Setting, config: Setting) -> bool:
    """The configuration writes the variable's own value (through it, or the same URL)."""
    if env.span == config.span:
        return True
    if env.kind is SettingKind.TRUSTED_HOST:
        return (env.value or "").strip().lower() == (config.value or "").strip().lower()
    a, b = identity(env.value or ""), identity(config.value or "")
    return a is not None and a == b


RULES: tuple[type[Rule], ...] = (IneffectiveSetting,)
