"""Credentials committed inside index URLs."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.model import Document
from pipsrc.redaction import credentials_in
from pipsrc.rules.base import Example, Rule, Violation


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
    fix_safety = (
        "None, ever: pipsrc never moves or copies a secret. The value is redacted in all output."
    )
    good = (
        Example(
            "requirements.txt",
            "-i https://${PIP_USER}:${PIP_PASSWORD}@pypi.corp.example/simple\nx\n",
            mirror=None,
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            "-i https://deploy:SENTINEL0123456789abcdef@pypi.corp.example/simple\nx\n",
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
