"""PS104: an install that falls back to pypi.org because nothing configures an index, and
the configuration its fix inserts."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc import kinds
from pipsrc.context import Context
from pipsrc.model import (
    Applicability,
    Document,
    Edit,
    Fix,
    Tool,
)
from pipsrc.resolution import effective_index
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.ciexamples import SCRIPT_KINDS
from pipsrc.rules.common import (
    ALIYUN,
)
from pipsrc.urls import host_port, parse_url
from pipsrc.vocabulary import INDEX_VAR, TRUSTED_VAR


class ImplicitPypi(Rule):
    code = "PS104"
    name = "implicit-pypi"
    summary = "An install that falls back to pypi.org because nothing configures an index."
    why = (
        "A `pip install` with no index flag, no PIP_INDEX_URL and no pip config written "
        "earlier in its stage or script silently uses pypi.org: the build works on a laptop "
        "and stalls on the build farm. This is the setting people forget most."
    )
    fix_safety = (
        "Unsafe in general (it adds configuration), and safe when `--mirror` or `--proxy` "
        "names the index on the command line, so `pipsrc fix` applies it then: "
        "`ENV PIP_INDEX_URL=...` after the stage's FROM, or `export PIP_INDEX_URL=...` near "
        "the top of a script. A Dockerfile fragment without FROM is reported as depending on "
        "configuration elsewhere instead."
    )
    fix_applicability = Applicability.UNSAFE
    also = frozenset({Applicability.SAFE})
    # only Dockerfiles, shell scripts and CI/build files hold install commands: a
    # requirements file, a pip.conf, a .env file and a compose file have none to judge
    kinds = frozenset({"dockerfile", "shell"}) | SCRIPT_KINDS
    good = (
        Example(
            "Dockerfile",
            f"FROM python:3.12\nRUN pip config set global.index-url {ALIYUN} && pip install x\n",
        ),
        Example(
            "Dockerfile", "FROM python:3.12\n# pip install x comes from elsewhere\nRUN echo hi\n"
        ),
        Example(
            "build.sh",
            f"#!/bin/bash\nset -euo pipefail\nexport PIP_INDEX_URL={ALIYUN}\n"
            "pip install -r requirements.txt\n",
        ),
    )
    bad = (
        Example(
            "Dockerfile",
            "FROM python:3.12\nRUN pip install salt\n",
            fixed=f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\nRUN pip install salt\n',
        ),
        Example(
            "build.sh",
            "#!/bin/sh\nset -e\npip install -r requirements.txt\n",
            fixed=f'#!/bin/sh\nset -e\nexport PIP_INDEX_URL="{ALIYUN}"\n'
            "pip install -r requirements.txt\n",
        ),
        # the index comes from the policy file only: the insertion waits for --unsafe-fixes
        Example(
            "Dockerfile",
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\n",
            fixed=f'FROM python:3.12-slim\nENV PIP_INDEX_URL="{ALIYUN}"\nWORKDIR /app\n'
            "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
            unsafe=True,
            mirror=None,
            policy='index = "aliyun"\n',
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        target = ctx.target_index
        if not ctx.policy.require_index or target is None:
            return
        fixed_scopes: set[str] = set()
        for site in doc.sites:
            eff = effective_index(doc, site, ctx)
            if not eff.implicit_pypi:
                continue
            scope = doc.scope(site.scope)
            fix = None
            if (
                scope is not None
                and scope.insert_at is not None
                and ctx.policy.index is not None
                and doc.fixable
                and site.scope not in fixed_scopes
            ):
                fixed_scopes.add(site.scope)
                snippet = config_snippet(scope.insert_style, ctx, site.tool, scope.nl)
                if snippet:
                    fix = Fix(
                        (Edit.insert(scope.insert_at, snippet),),
                        Applicability.SAFE if ctx.cli_index else Applicability.UNSAFE,
                        f"Configure the index {ctx.policy.index} for this scope",
                    )
            yield Violation(
                site.span,
                f"`{site.command}` uses pypi.org: no index is configured for it",
                "",
                fix,
            )


def config_snippet(style: str | None, ctx: Context, tool: Tool, nl: str) -> str | None:
    """The lines PS104 inserts, in the syntax of the scope's kind: the policy index
    (and trusted-host for plain http)."""
    index = ctx.policy.index
    if index is None or tool not in INDEX_VAR:
        return None
    pairs = [(INDEX_VAR[tool], index)]
    parsed = parse_url(index)
    if tool != Tool.UV and parsed is not None and parsed.scheme == "http":
        hp = host_port(index)
        if hp and ctx.policy.trusted_host != "never":
            pairs.append((TRUSTED_VAR[tool], hp))
    return kinds.config_lines(style, pairs, nl)


RULES: tuple[type[Rule], ...] = (ImplicitPypi,)
