"""PS403: a ``uv pip`` install after pip configuration that uv ignores."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.model import Document, SettingKind, Tool
from pipsrc.resolution import effective_index, visible_settings
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.ciexamples import SCRIPT_KINDS
from pipsrc.rules.common import ALIYUN
from pipsrc.textio import LineIndex

_INDEX_KINDS = frozenset({SettingKind.INDEX, SettingKind.EXTRA_INDEX})


class UvIgnoresPipConfig(Rule):
    code = "PS403"
    name = "uv-ignores-pip-config"
    summary = "A `uv pip` install after pip configuration that uv ignores."
    why = (
        "uv reads neither pip's configuration files (`pip config set`, a written pip.conf) "
        "nor the `PIP_*` variables. A script or workflow that configures the index for pip "
        "and then installs with `uv pip install` looks configured, and downloads from "
        "pypi.org. uv wants `UV_DEFAULT_INDEX` (or `--default-index`, `[tool.uv]`, "
        "`uv.toml`). Only an install that nothing configures for uv is reported."
    )
    fix_safety = (
        "None: whether to set UV_DEFAULT_INDEX, pass --default-index or configure uv in "
        "pyproject.toml is the repository's choice."
    )
    # the kinds whose files hold install commands (and so `uv pip` ones)
    kinds = frozenset({"dockerfile", "shell"}) | SCRIPT_KINDS
    good = (
        Example(
            "build.sh",
            f"#!/bin/sh\npip config set global.index-url {ALIYUN}\n"
            f"export UV_DEFAULT_INDEX={ALIYUN}\nuv pip install -r requirements.txt\n",
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN} UV_DEFAULT_INDEX={ALIYUN}\n"
            "RUN pip install uv && uv pip install --system flask\n",
        ),
    )
    bad = (
        Example(
            ".github/workflows/test.yml",
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            f"      - run: pip config set global.index-url {ALIYUN}\n"
            "      - run: pip install uv && uv pip install --system -r requirements.txt\n",
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\npip config set global.index-url {ALIYUN}\n"
            "uv pip install -r requirements.txt\n",
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\n"
            "RUN pip install uv && uv pip install --system flask\n",
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        lines: LineIndex | None = None
        for site in doc.sites:
            if site.tool is not Tool.UV or not effective_index(doc, site, ctx).implicit_pypi:
                continue
            pip_only = [
                s
                for s in visible_settings(doc, site, ctx)
                if s.tool is Tool.PIP and s.kind in _INDEX_KINDS
            ]
            if not pip_only:
                continue
            lines = lines or LineIndex(doc.text)
            last = max(pip_only, key=lambda s: s.position)
            line = lines.line_col(last.span.start)[0]
            yield Violation(
                site.span,
                f"`{site.command}` ignores {last.key} set on line {line} (uv reads neither "
                "pip's configuration nor PIP_* variables): it uses pypi.org; set "
                "UV_DEFAULT_INDEX for it",
                related=[s.span for s in pip_only],
            )


RULES: tuple[type[Rule], ...] = (UvIgnoresPipConfig,)
