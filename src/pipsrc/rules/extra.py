"""Rules on extra indexes: off the policy (PS102), repeating the primary (PS103), a vendor
index added for every package (PS106)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.effective import live, scope_settings
from pipsrc.model import (
    Applicability,
    Document,
    Edit,
    Fix,
    Setting,
    SettingKind,
    Severity,
)
from pipsrc.origin import left_note, origin
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.common import (
    ALIYUN,
    CORP,
    CORP_ALLOWED,
    TORCH,
    TORCH_PER_COMMAND,
    TUNA,
    judged,
    kept_note,
    moved_trusted_hosts,
    off_policy,
)
from pipsrc.urls import rewrite_like, same_mirror

# a page of links (``torch_stable.html``), not a PEP 503 index: pip reads it with -f only
_PAGE = re.compile(r"\.html?/?$", re.IGNORECASE)


def _primaries(doc: Document, s: Setting) -> list[Setting]:
    """The primary indexes that apply where ``s`` does: the scope's, and a command's own
    ``--index-url`` only for that command's own extras."""
    scope = scope_settings(doc, s.scope)
    return [
        p for p in live(scope)
        if p.kind == SettingKind.INDEX and p.value and p.tool == s.tool
        and (p.site is None or p.site == s.site)
    ]  # fmt: skip


def repeats_primary(doc: Document, s: Setting) -> bool:
    """An extra index that is the primary index wherever it applies (over http or https).
    With several primaries (two `-i` lines, an ENV and a pip config) which one pip uses
    depends on their order and source, so only an extra equal to all of them is redundant."""
    primaries = _primaries(doc, s)
    return bool(primaries) and all(same_mirror(s.value or "", p.value or "") for p in primaries)


def _general(url: str, ctx: Context) -> bool:
    """An index that serves all of PyPI: the policy index, PyPI or a catalogued public
    mirror (which a fix moves to the policy index)."""
    return ctx.policy.is_policy_index(url) or origin(url).replace_safety is Applicability.SAFE


class ExtraIndexOffPolicy(Rule):
    code = "PS102"
    name = "extra-index-off-policy"
    summary = "An extra index that the policy does not allow."
    why = (
        "pip merges every extra index with the primary one and takes the best version from "
        "any of them, so an extra index both bypasses the mirror and opens the door to "
        "dependency confusion (a public package shadowing an internal one)."
    )
    fix_safety = (
        "Safe when the extra index is PyPI or a catalogued public mirror: it is removed when "
        "a primary index applies wherever it does (pointing it at the policy index would "
        "only duplicate it; a command's own `--index-url` does not count for a stage-wide "
        "extra index), otherwise pointed at the policy index. Unsafe for a mirror's "
        "cloud-internal address or an uncatalogued mirror-shaped host. No fix for private, "
        "proxy, vendor or other unknown indexes: only their owner knows which packages "
        "exist only there."
    )
    fix_applicability = Applicability.SAFE
    also = frozenset({Applicability.UNSAFE})
    needs_policy = True
    # the company's index, which the policy allows as an extra index
    good = (
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\n--extra-index-url {CORP}\ncorp-utils\n",
            policy=CORP_ALLOWED,
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\n"
            f"RUN pip install --extra-index-url {CORP} corp-utils\n",
            policy=CORP_ALLOWED,
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {ALIYUN} --extra-index-url {CORP} corp-utils\n",
            policy=CORP_ALLOWED,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\nextra-index-url = {CORP}\n",
            policy=CORP_ALLOWED,
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n"
            f"      PIP_EXTRA_INDEX_URL: {CORP}\n",
            policy=CORP_ALLOWED,
        ),
        Example("Pipfile", f'[[source]]\nname = "aliyun"\nurl = "{ALIYUN}"\nverify_ssl = true\n'),
    )
    bad = (
        Example(
            "Dockerfile",
            f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\n'
            'ENV PIP_EXTRA_INDEX_URL="https://pypi.org/simple"\nRUN pip install flask\n',
            fixed=f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\nRUN pip install flask\n',
        ),
        Example(
            "requirements-dev.txt",
            "--extra-index-url https://pypi.org/simple\npytest\n",
            fixed="--extra-index-url https://mirrors.aliyun.com/pypi/simple\npytest\n",
        ),
        Example("requirements.txt", f"-i {ALIYUN}\n--extra-index-url {CORP}\nx\n"),
        Example(
            "build.sh",
            f"#!/bin/sh\nset -e\npip install -i {ALIYUN} --extra-index-url https://pypi.org/simple "
            "-r requirements.txt\n",
            fixed=f"#!/bin/sh\nset -e\npip install -i {ALIYUN} -r requirements.txt\n",
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\nextra-index-url = https://pypi.org/simple\n",
            fixed=f"[global]\nindex-url = {ALIYUN}\n",
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    build:\n      context: .\n      args:\n"
            f"        - PIP_INDEX_URL={ALIYUN}\n"
            "        - PIP_EXTRA_INDEX_URL=https://pypi.org/simple\n",
            fixed=f"services:\n  app:\n    build:\n      context: .\n      args:\n"
            f"        - PIP_INDEX_URL={ALIYUN}\n",
        ),
        Example(
            "pyproject.toml",
            f'[tool.uv]\nindex-url = "{ALIYUN}"\nextra-index-url = ["{TUNA}"]\n',
            fixed=f'[tool.uv]\nindex-url = "{ALIYUN}"\n',
        ),
        # a mirror the catalogue does not know: it probably mirrors PyPI, but only probably
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\n--extra-index-url https://mirrors.sustech.edu.cn/pypi/web/simple\nx\n",
            fixed=f"-i {ALIYUN}\nx\n",
            unsafe=True,
        ),
        # the stage-wide extra index serves every install; the one command's own -i does
        # not make it redundant, and a vendor's index is never dropped
        Example(
            "Dockerfile",
            "FROM python:3.12\n"
            "ENV PIP_EXTRA_INDEX_URL=https://repos.gpu-vendor.example.com/r/maca/simple\n"
            f"RUN pip install -i {ALIYUN} maca-runtime\nRUN pip install -r requirements.txt\n",
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        target = ctx.policy.index
        if target is None:
            return
        for s in judged(doc):
            if s.kind != SettingKind.EXTRA_INDEX or not off_policy(s, ctx):
                continue
            assert s.value is not None
            if repeats_primary(doc, s):
                continue  # PS103 reports it (one finding per value)
            safety = origin(s.value).replace_safety
            fix = None
            primaries = _primaries(doc, s)
            # an extra beside a vendor, private or unknown primary is the only index for
            # everything else: it moves to the policy index, it is never dropped
            general = bool(primaries) and all(_general(p.value or "", ctx) for p in primaries)
            if safety is not None and s.editable:
                if general and s.removal is not None:
                    fix = Fix(
                        (Edit.delete(s.removal), *moved_trusted_hosts(doc, s, ctx, None)),
                        safety,
                        "Remove the extra index",
                    )
                elif not general:
                    fix = Fix(
                        (Edit.replace(s.span, rewrite_like(s.raw, target)),),
                        safety,
                        f"Use the policy index {target}",
                    )
            note = f" ({left_note(s.value)})" if safety is None else kept_note(s, fix)
            yield Violation(
                s.span, f"extra index {s.value} is not allowed by the policy{note}", s.value, fix
            )


class RedundantExtraIndex(Rule):
    code = "PS103"
    name = "redundant-extra-index"
    summary = "An extra index equal to the primary index of the same scope."
    why = "It changes nothing but the number of requests pip makes, and confuses readers."
    fix_safety = "Safe: the extra index is removed."
    fix_applicability = Applicability.SAFE
    good = (
        Example("requirements.txt", f"-i {ALIYUN}\nflask\n", mirror=None),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN} \\\n    PIP_EXTRA_INDEX_URL={CORP}\n"
            "RUN pip install flask corp-utils\n",
            mirror=None,
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {ALIYUN} --extra-index-url {CORP} corp-utils\n",
            mirror=None,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\nextra-index-url = {CORP}\n",
            mirror=None,
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    environment:\n      - PIP_INDEX_URL={ALIYUN}\n"
            f"      - PIP_EXTRA_INDEX_URL={CORP}\n",
            mirror=None,
        ),
        Example("uv.toml", f'index-url = "{ALIYUN}"\n'),
    )
    bad = (
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\n--extra-index-url {ALIYUN}\nflask\n",
            fixed=f"-i {ALIYUN}\nflask\n",
            mirror=None,
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN} \\\n    PIP_EXTRA_INDEX_URL={ALIYUN}\n"
            "RUN pip install flask\n",
            fixed=f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\nRUN pip install flask\n",
            mirror=None,
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\nexport PIP_INDEX_URL={ALIYUN}\nexport PIP_EXTRA_INDEX_URL={ALIYUN}\n"
            "pip install -r requirements.txt\n",
            fixed=f"#!/bin/sh\nexport PIP_INDEX_URL={ALIYUN}\npip install -r requirements.txt\n",
            mirror=None,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\nextra-index-url = {ALIYUN}\n",
            fixed=f"[global]\nindex-url = {ALIYUN}\n",
            mirror=None,
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n"
            f"      PIP_EXTRA_INDEX_URL: {ALIYUN}\n      TZ: Asia/Shanghai\n",
            fixed=f"services:\n  app:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n"
            "      TZ: Asia/Shanghai\n",
            mirror=None,
        ),
        Example(
            "uv.toml",
            f'index-url = "{ALIYUN}"\nextra-index-url = [\n  "{TORCH}",\n  "{ALIYUN}",\n]\n',
            fixed=f'index-url = "{ALIYUN}"\nextra-index-url = [\n  "{TORCH}",\n]\n',
            policy='extra-indexes = ["https://download.pytorch.org/whl/*"]\n',
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for s in judged(doc):
            if s.kind != SettingKind.EXTRA_INDEX:
                continue
            if repeats_primary(doc, s):
                fix = None
                if s.removal is not None and s.editable:
                    fix = Fix(
                        (Edit.delete(s.removal), *moved_trusted_hosts(doc, s, ctx, None)),
                        Applicability.SAFE,
                        "Remove it",
                    )
                message = f"extra index {s.value} repeats the primary index{kept_note(s, fix)}"
                yield Violation(s.span, message, s.value or "", fix)


class ExceptionAsExtraIndex(Rule):
    code = "PS106"
    name = "exception-as-extra-index"
    severity = Severity.WARNING
    summary = "An allowed vendor index (PyTorch, NVIDIA ...) added as an extra index."
    why = (
        "As an extra index it is consulted for every package, not only the vendor's: any "
        "name published there can shadow the one from your mirror (dependency confusion). "
        "Use `--index-url` on the command that installs the vendor packages, or an explicit "
        "uv index pinned to those packages."
    )
    fix_safety = "None: moving packages to their own install command needs a human."
    good = (
        TORCH_PER_COMMAND,
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {ALIYUN} -r requirements.txt\n"
            f"pip install --index-url {TORCH} torch torchvision\n",
        ),
        # a policy may accept the risk for a vendor index it names
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\n--extra-index-url {TORCH}\ntorch\n",
            policy='extra-indexes = ["https://download.pytorch.org/whl/*"]\n',
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\nextra-index-url = {TORCH}\n",
            policy='extra-indexes = ["https://download.pytorch.org/whl/*"]\n',
        ),
        # a build arg of its own, for the Dockerfile's `pip install --index-url $TORCH_INDEX_URL`
        Example(
            "docker-compose.yml",
            f"services:\n  trainer:\n    build:\n      context: .\n      args:\n"
            f"        PIP_INDEX_URL: {ALIYUN}\n        TORCH_INDEX_URL: {TORCH}\n",
        ),
        # uv's explicit index serves only the packages pinned to it
        Example(
            "pyproject.toml",
            f'[tool.uv]\nindex-url = "{ALIYUN}"\n\n[[tool.uv.index]]\nname = "pytorch"\n'
            f'url = "{TORCH}"\nexplicit = true\n\n'
            '[tool.uv.sources]\ntorch = { index = "pytorch" }\n',
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\n--extra-index-url https://download.pytorch.org/whl/cu121\ntorch\n",
        ),
        # a find-links page given as an index: the finding says to use -f instead
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\n--extra-index-url https://download.pytorch.org/whl/torch_stable.html\n"
            "torch==2.1.0+cu118\n",
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\nENV PIP_EXTRA_INDEX_URL={TORCH}\n"
            "RUN pip install torch -r requirements.txt\n",
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {ALIYUN} --extra-index-url {TORCH} torch torchvision\n",
        ),
        Example("pip.conf", f"[global]\nindex-url = {ALIYUN}\nextra-index-url = {TORCH}\n"),
        Example(
            "docker-compose.yml",
            f"services:\n  trainer:\n    build:\n      context: .\n      args:\n"
            f"        PIP_INDEX_URL: {ALIYUN}\n        PIP_EXTRA_INDEX_URL: {TORCH}\n",
        ),
        Example(
            "pyproject.toml",
            f'[tool.uv]\nindex-url = "{ALIYUN}"\n\n[[tool.uv.index]]\nname = "pytorch"\n'
            f'url = "{TORCH}"\n',
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for s in judged(doc):
            if s.kind != SettingKind.EXTRA_INDEX or s.value is None or s.pinned:
                continue
            exc = ctx.policy.exception_for(s.value)
            if exc is None or ctx.policy.allowed_extra(s.value):
                continue
            if _PAGE.search(s.value):
                # pip asks <url>/<project>/ of an index: a page such as torch_stable.html
                # answers nothing, so the option does nothing (and --index-url would fail)
                message = (
                    f"{exc[0]} page {s.value} is a find-links page, not an index: as an extra"
                    " index pip finds nothing there; pass it with -f/--find-links"
                )
            else:
                message = (
                    f"{exc[0]} index {s.value} is an extra index: every package may come from"
                    " it; install the vendor packages with --index-url instead"
                )
            yield Violation(s.span, message, s.value)


RULES: tuple[type[Rule], ...] = (ExtraIndexOffPolicy, RedundantExtraIndex, ExceptionAsExtraIndex)
