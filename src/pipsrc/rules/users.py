"""PS404: pip configuration written for one user, installs run as another."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.effective import live, scope_chain
from pipsrc.model import Document, Severity, Tool
from pipsrc.resolution.users import user_at, users_file
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.common import ALIYUN
from pipsrc.textio import LineIndex


class ConfigForAnotherUser(Rule):
    code = "PS404"
    name = "config-for-another-user"
    summary = "pip configuration written to one user's file, read by installs that run as another."
    why = (
        "`pip config set` (with no flag or `--user`) and a pip.conf written under `~` go to "
        "the file of the user who runs them. After a Dockerfile `USER` switch, pip runs as "
        "the new user and reads that user's own file: the index configured for root is "
        "not used, and the install falls back to pypi.org (PS104 reports that install). "
        "`pip config --global set`, `/etc/pip.conf` or `ENV PIP_INDEX_URL` reach every user."
    )
    fix_safety = (
        "None: whether the setting belongs in `/etc/pip.conf`, an `ENV` or the new user's "
        "own file is the author's choice."
    )
    severity = Severity.WARNING
    kinds = frozenset({"dockerfile"})
    good = (
        Example(
            "Dockerfile",
            f"FROM python:3.12\nRUN pip config --global set global.index-url {ALIYUN}\n"
            "RUN useradd -m app\nUSER app\nRUN pip install --user flask\n",
        ),
        Example(
            "Dockerfile",
            "FROM python:3.12\nRUN useradd -m app\nUSER app\n"
            f"RUN pip config set global.index-url {ALIYUN}\nRUN pip install --user flask\n",
        ),
    )
    bad = (
        Example(
            "Dockerfile",
            f"FROM python:3.12\nRUN pip config set global.index-url {ALIYUN}\n"
            "RUN useradd -m app\nUSER app\nRUN pip install --user flask\n",
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        lines: LineIndex | None = None
        for s in live(doc.settings):
            owner = users_file(doc, s) if s.site is None else None
            if owner is None:
                continue
            for site in doc.sites:
                runs_as = user_at(doc, site.scope, site.span.start)
                if site.tool is not Tool.PIP or runs_as == owner:
                    continue
                same_stage = s.scope == site.scope and s.position < site.span.start
                if not same_stage and s.scope not in scope_chain(doc, site.scope)[1:]:
                    continue
                lines = lines or LineIndex(doc.text)
                line = lines.line_col(site.span.start)[0]
                yield Violation(
                    s.use_span or s.span,
                    f"{s.key} is written to {owner}'s pip configuration, but `{site.command}` "
                    f"on line {line} runs as {runs_as} and does not read it",
                    s.raw,
                )
                break


RULES: tuple[type[Rule], ...] = (ConfigForAnotherUser,)
