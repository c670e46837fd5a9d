"""Credentials committed inside index URLs."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.model import Document
from pipsrc.redaction import credentials_in
from pipsrc.rules.base import EVERY_KIND, Example, Rule, Violation


class CredentialsInUrl(Rule):
    code = "PS301"
    name = "credentials-in-url"
    summary = "A user, password or token inside an index URL."
    why = (
        "A credential committed to the repository is in its history for good, and a URL in "
        "a Dockerfile ENV is baked into every image layer. Use keyring or .netrc, "
        "`UV_INDEX_<NAME>_USERNAME/PASSWORD`, or a BuildKit secret mount "
        "(`RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf`), and rotate the secret."
    )
    kinds = EVERY_KIND  # a channel URL of a .condarc can hold a token too
    fix_safety = (
        "None, ever: pipsrc never moves or copies a secret. The value is redacted in all output."
    )
    good = (
        Example(
            "requirements.txt",
            "-i https://${PIP_USER}:${PIP_PASSWORD}@pypi.corp.example/simple\nx\n",
            mirror=None,
        ),
        Example(
            "Dockerfile",
            "FROM python:3.12\n"
            "RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf pip install corp-app\n",
            mirror=None,
        ),
        Example(
            "build.sh",
            '#!/bin/sh\npip install -i "https://ci:${CI_JOB_TOKEN}@gitlab.corp.example'
            '/api/v4/projects/42/packages/pypi/simple" corp-app\n',
            mirror=None,
        ),
        # the password lives in keyring or ~/.netrc
        Example(
            "pip.conf", "[global]\nindex-url = https://pypi.corp.example/simple\n", mirror=None
        ),
        Example(
            "docker-compose.yml",
            "services:\n  app:\n    build:\n      context: .\n      args:\n"
            "        PIP_INDEX_URL: https://${PYPI_USER}:${PYPI_TOKEN}@pypi.corp.example/simple\n",
            mirror=None,
        ),
        # PDM expands ${VAR} in source URLs at use time
        Example(
            "pyproject.toml",
            '[[tool.pdm.source]]\nname = "corp"\n'
            'url = "https://${PDM_USER}:${PDM_TOKEN}@pypi.corp.example/simple"\n',
            mirror=None,
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            "-i https://deploy:SENTINEL0123456789abcdef@pypi.corp.example/simple\nx\n",
            mirror=None,
        ),
        Example(
            "Dockerfile",
            "FROM python:3.12\n"
            "ENV PIP_INDEX_URL=https://deploy:SENTINEL0123456789abcdef@pypi.corp.example/simple\n"
            "RUN pip install corp-app\n",
            mirror=None,
        ),
        Example(
            "build.sh",
            "#!/bin/sh\npip install -i https://ci:glpat-SENTINEL0123456789@gitlab.corp.example"
            "/api/v4/projects/42/packages/pypi/simple corp-app\n",
            mirror=None,
        ),
        Example(
            "pip.conf",
            "[global]\n"
            "index-url = https://deploy:SENTINEL0123456789abcdef@pypi.corp.example/simple\n",
            mirror=None,
        ),
        Example(
            "docker-compose.yml",
            "services:\n  app:\n    build:\n      context: .\n      args:\n        PIP_INDEX_URL: "
            "https://deploy:SENTINEL0123456789abcdef@pypi.corp.example/simple\n",
            mirror=None,
        ),
        Example(
            "Pipfile",
            '[[source]]\nname = "corp"\n'
            'url = "https://deploy:SENTINEL0123456789abcdef@pypi.corp.example/simple"\n'
            "verify_ssl = true\n",
            mirror=None,
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        seen: set[tuple[int, int]] = set()
        for s in doc.settings:
            for value in (s.value, s.raw):
                if not value:
                    continue
                found = credentials_in(value)
                if found and (s.span.start, s.span.end) not in seen:
                    seen.add((s.span.start, s.span.end))
                    yield Violation(s.span, f"index URL embeds credentials ({found})", value)
                    break


RULES: tuple[type[Rule], ...] = (CredentialsInUrl,)
