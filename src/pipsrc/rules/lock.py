"""Lock files resolved against an index the policy does not allow (PS108)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.model import Document, SettingKind
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.common import ALIYUN, TUNA
from pipsrc.urls import host_port
from pipsrc.vocabulary import RELOCK


def _uv_lock(registry: str) -> str:
    return (
        'version = 1\nrequires-python = ">=3.12"\n\n[[package]]\nname = "flask"\n'
        f'version = "3.0.3"\nsource = {{ registry = "{registry}" }}\n'
    )


def _poetry_lock(url: str) -> str:
    return (
        '[[package]]\nname = "flask"\nversion = "3.0.3"\nfiles = []\n\n'
        f'[package.source]\ntype = "legacy"\nurl = "{url}"\nreference = "mirror"\n'
    )


class LockedIndexOffPolicy(Rule):
    code = "PS108"
    name = "lock-off-policy"
    summary = "A lock file resolved against an index the policy does not allow."
    why = (
        "A lock records where each package comes from, and `uv sync --frozen`, `poetry "
        "install` or `pipenv sync` download from there whatever the project file now says. "
        "Until the lock is written again, builds keep using the old index."
    )
    fix_safety = (
        "None, ever: a lock is the tool's output. Point the project file at the policy index "
        "(`pipsrc fix` does), then run the command the message names to lock again."
    )
    kinds = frozenset({"lockfile"})
    needs_policy = True
    good = (
        Example("uv.lock", _uv_lock(ALIYUN)),
        Example("poetry.lock", _poetry_lock("https://mirrors.aliyun.com/pypi/simple")),
    )
    bad = (
        Example("uv.lock", _uv_lock(TUNA)),
        Example("poetry.lock", _poetry_lock(TUNA)),
        Example(
            "Pipfile.lock",
            '{\n    "_meta": {\n        "sources": [\n            {\n'
            f'                "name": "pypi",\n                "url": "{TUNA}",\n'
            '                "verify_ssl": true\n            }\n        ]\n    },\n'
            '    "default": {}\n}\n',
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        policy = ctx.policy
        if policy.index is None:
            return
        name = posixpath.basename(doc.path)
        off = [
            s for s in doc.settings
            if s.kind is SettingKind.LOCKED_INDEX and s.value and not _allowed(s.value, ctx)
        ]  # fmt: skip
        if not off:
            return
        urls = list(dict.fromkeys(s.value or "" for s in off))
        relock = RELOCK.get(name, "the tool's lock command")
        yield Violation(
            off[0].span,
            f"{name} was resolved against {', '.join(urls)}, which the policy does not "
            f"allow: point the project at the policy index and run `{relock}`",
            urls[0],
        )


def _allowed(value: str, ctx: Context) -> bool:
    policy = ctx.policy
    if policy.is_policy_index(value) or policy.exception_for(value) is not None:
        return True
    if policy.allowed_extra(value):
        return True
    # pdm.lock names the host files came from: the policy index's host is fine
    return "/" not in value.split("://", 1)[-1] and host_port(value) == host_port(
        policy.index or ""
    )


RULES: tuple[type[Rule], ...] = (LockedIndexOffPolicy,)
