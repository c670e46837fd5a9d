"""Findings about the input itself: unparsable files and unused suppressions."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.model import Applicability, Document, Severity, Span
from pipsrc.rules.base import EVERY_KIND, Example, Rule, Violation
from pipsrc.rules.common import ALIYUN


class ParseError(Rule):
    code = "PS900"
    name = "parse-error"
    summary = "A file, or a part of one, that cannot be parsed."
    why = (
        "pipsrc cannot judge what it cannot read, and pip may refuse the file too (a pip.conf "
        "with a duplicate key or no section header is not loaded at all). The file is never "
        "edited while such a problem stands; the rest of the run goes on."
    )
    fix_safety = "None."
    kinds = EVERY_KIND  # any file can be unreadable
    good = (
        Example("pip.conf", f"[global]\nindex-url = {ALIYUN}\n"),
        Example("docker-compose.yml", "services:\n  app:\n    image: python\n"),
        Example(
            "requirements.txt",
            f"--index-url={ALIYUN}\n--trusted-host mirrors.aliyun.com\nflask\n",
        ),
        Example("Dockerfile", f"FROM python:3.12\nRUN <<EOF\npip install -i {ALIYUN} flask\nEOF\n"),
        Example(
            "build.sh",
            f'#!/bin/sh\nif [ -n "$CI" ]; then\n  pip install -i {ALIYUN} flask\nfi\n',
        ),
        Example("pyproject.toml", f'[tool.uv]\nindex-url = "{ALIYUN}"\n'),
    )
    bad = (
        Example("pip.conf", f"[global]\nindex-url = {ALIYUN}\nindex-url = {ALIYUN}\n"),
        Example("docker-compose.yml", "services:\n  app:\n    image:\tpython\n"),
        Example(
            "requirements.txt",
            f"--index-url={ALIYUN}\n--trusted-hosts mirrors.aliyun.com\nflask\n",
        ),
        Example("Dockerfile", f"FROM python:3.12\nRUN <<EOF\npip install -i {ALIYUN} flask\n"),
        Example(
            "build.sh",
            f'#!/bin/sh\nif [ -n "$CI" ]; then\n  pip install -i {ALIYUN} flask\n',
        ),
        Example("pyproject.toml", f'[tool.uv\nindex-url = "{ALIYUN}"\n'),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for p in doc.problems:
            at = min(max(p.offset, 0), len(doc.text))
            yield Violation(
                Span(at, at),
                p.message,
                severity=None if p.blocks_fix else Severity.WARNING,
            )


class UnusedSuppression(Rule):
    """Reported by the engine once every other rule has run."""

    code = "PS901"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "An inline suppression that suppresses nothing."
    why = "Stale suppressions hide the next real finding on that line and mislead readers."
    fix_safety = "Safe: the suppression comment is removed."
    fix_applicability = Applicability.SAFE
    kinds = EVERY_KIND  # a suppression comment can be in any file
    good = (
        Example(
            "requirements.txt",
            "# pipsrc: ignore[PS101] the CI image uses TUNA on purpose\n"
            "-i https://pypi.tuna.tsinghua.edu.cn/simple\nx\n",
        ),
        Example(
            "Dockerfile",
            "FROM corp/python-base:3.12\n# pipsrc: ignore[PS104] the base image configures pip\n"
            "RUN pip install flask\n",
        ),
        Example(
            "build.sh",
            "#!/bin/sh\n# pipsrc: ignore[PS101] the CI runners sit next to TUNA\n"
            "pip install -i https://pypi.tuna.tsinghua.edu.cn/simple -r requirements.txt\n",
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\n"
            "# pipsrc: ignore[PS204] the TLS proxy re-signs certificates\n"
            "trusted-host = mirrors.aliyun.com\n",
        ),
        Example(
            "docker-compose.yml",
            "services:\n  app:\n    environment:\n"
            "      # pipsrc: ignore[PS101] staging tests the TUNA mirror\n"
            "      PIP_INDEX_URL: https://pypi.tuna.tsinghua.edu.cn/simple\n",
        ),
        Example(
            "pyproject.toml",
            "[tool.uv]\n# pipsrc: ignore[PS101] the CI runners sit next to TUNA\n"
            'index-url = "https://pypi.tuna.tsinghua.edu.cn/simple"\n',
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            f"# pipsrc: ignore[PS101] old exception\n-i {ALIYUN}\nx\n",
            fixed=f"-i {ALIYUN}\nx\n",
        ),
        Example(
            "Dockerfile",
            "FROM python:3.12\n# pipsrc: ignore[PS104] the base image configures pip\n"
            f"RUN pip install -i {ALIYUN} flask\n",
            fixed=f"FROM python:3.12\nRUN pip install -i {ALIYUN} flask\n",
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {ALIYUN} -r requirements.txt  # pipsrc: ignore[PS101]\n",
            fixed=f"#!/bin/sh\npip install -i {ALIYUN} -r requirements.txt\n",
        ),
        Example(
            "pip.conf",
            f"[global]\n# pipsrc: ignore[PS204] the TLS proxy needs it\nindex-url = {ALIYUN}\n",
            fixed=f"[global]\nindex-url = {ALIYUN}\n",
        ),
        Example(
            "docker-compose.yml",
            "services:\n  app:\n    environment:\n"
            "      # pipsrc: ignore[PS101] staging tests the TUNA mirror\n"
            f"      PIP_INDEX_URL: {ALIYUN}\n",
            fixed=f"services:\n  app:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n",
        ),
        Example(
            "pyproject.toml",
            f'[tool.uv]\nindex-url = "{ALIYUN}"  # pipsrc: ignore[PS101]\n',
            fixed=f'[tool.uv]\nindex-url = "{ALIYUN}"\n',
        ),
    )


RULES: tuple[type[Rule], ...] = (ParseError, UnusedSuppression)
