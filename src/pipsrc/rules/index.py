"""Index selection rules: which index each setting and install site points at."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc import kinds
from pipsrc.catalogue import catalogue
from pipsrc.context import Context
from pipsrc.effective import effective_index, live, scope_settings, trusted_users
from pipsrc.model import (
    Applicability,
    Document,
    Edit,
    Fix,
    Setting,
    SettingKind,
    Severity,
    Tool,
)
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.urls import bare_trusted_host, host_port, identity, parse_url, rewrite_like
from pipsrc.vocabulary import INDEX_VAR, TRUSTED_VAR

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
TORCH = "https://download.pytorch.org/whl/cu121"
CORP = "https://pkgs.corp.example/simple/"
# a policy that allows the company's own index as an extra index
CORP_ALLOWED = f'extra-indexes = ["{CORP}"]\n'
# the PyTorch CUDA index on the one command that needs it: the recommended form
TORCH_PER_COMMAND = Example(
    "Dockerfile",
    "FROM python:3.12\nRUN pip install --index-url https://download.pytorch.org/whl/cu118 torch\n",
)


def judged(doc: Document) -> Iterator[Setting]:
    """Live settings with a resolved value: what index rules judge."""
    for s in live(doc.settings):
        if s.value:
            yield s


def off_policy(s: Setting, ctx: Context) -> bool:
    """A primary/extra index that is neither the policy index nor allowed."""
    policy = ctx.policy
    value = s.value
    if policy.index is None or value is None or parse_url(value) is None:
        return False
    if policy.is_policy_index(value) or policy.exception_for(value) is not None:
        return False
    return not (s.kind == SettingKind.EXTRA_INDEX and policy.allowed_extra(value))


def moved_trusted_hosts(doc: Document, s: Setting, ctx: Context, new: str) -> list[Edit]:
    """Trusted-host entries that belonged to ``s`` and move with it (PS203)."""
    new_host = host_port(new)
    old = s.value
    if new_host is None or old is None:
        return []
    edits = []
    in_scope = scope_settings(doc, s.scope)
    for th in live(in_scope):
        if th.kind != SettingKind.TRUSTED_HOST or not th.value or not th.editable:
            continue
        users = trusted_users(th.value, in_scope)
        if not any(u is s for u, _ in users):
            continue
        # every other user of this trusted-host is also being moved to the policy index
        if all(u is s or (off_policy(u, ctx) and u.editable) for u, _ in users):
            entry = bare_trusted_host(th.value) or th.value
            if entry != new_host and not th.raw.startswith(("http://", "https://")):
                edits.append(Edit.replace(th.span, new_host))
    return edits


class IndexOffPolicy(Rule):
    code = "PS101"
    name = "index-off-policy"
    summary = "A primary index that is not the policy index nor an allowed exception."
    why = (
        "Every image and script should fetch packages from the one index the team chose "
        "(a mirror close to the build machines, or an internal proxy). A stray primary "
        "index makes builds slow, flaky or dependent on an index nobody vetted."
    )
    fix_safety = (
        "Safe: the value is replaced by the policy URL, keeping quotes and the trailing-slash "
        "style; a trusted-host that belonged to the old index moves with it to the new host. "
        "Credentials in the old URL are never copied (such a fix is unsafe)."
    )
    fix_applicability = Applicability.SAFE
    also = frozenset({Applicability.UNSAFE})
    needs_policy = True
    good = (
        Example("requirements.txt", f"-i {ALIYUN}\nrequests\n"),
        TORCH_PER_COMMAND,
        Example(
            "build.sh",
            f"#!/bin/sh\nset -e\nexport PIP_INDEX_URL={ALIYUN}\npip install -r requirements.txt\n",
        ),
        Example("pip.conf", f"[global]\nindex-url = {ALIYUN}\n"),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    build: .\n    environment:\n      - PIP_INDEX_URL={ALIYUN}\n",
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            f"-i {TUNA}  # tuna\nrequests\n",
            fixed="-i https://mirrors.aliyun.com/pypi/simple  # tuna\nrequests\n",
        ),
        Example(
            "Dockerfile",
            'FROM python:3.12\nENV PIP_INDEX_URL="https://pypi.tuna.tsinghua.edu.cn/simple/"\n'
            "RUN pip install flask\n",
            fixed=f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\nRUN pip install flask\n',
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\nset -e\npip install -i {TUNA} -r requirements.txt\n",
            fixed="#!/bin/sh\nset -e\n"
            "pip install -i https://mirrors.aliyun.com/pypi/simple -r requirements.txt\n",
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {TUNA}\ntimeout = 60\n",
            fixed="[global]\nindex-url = https://mirrors.aliyun.com/pypi/simple\ntimeout = 60\n",
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    build:\n      context: .\n      args:\n"
            f"        PIP_INDEX_URL: {TUNA}\n",
            fixed="services:\n  app:\n    build:\n      context: .\n      args:\n"
            "        PIP_INDEX_URL: https://mirrors.aliyun.com/pypi/simple\n",
        ),
        # the old URL carries a password: the fix drops it, so it waits for --unsafe-fixes
        Example(
            "requirements.txt",
            "-i https://deploy:SENTINEL0123456789abcdef@pypi.corp.example/simple\nrequests\n",
            fixed="-i https://mirrors.aliyun.com/pypi/simple\nrequests\n",
            unsafe=True,
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        target = ctx.policy.index
        if target is None:
            return
        for s in judged(doc):
            if s.kind != SettingKind.INDEX or not off_policy(s, ctx):
                continue
            assert s.value is not None
            fix = None
            if s.editable:
                parsed = parse_url(s.value)
                unsafe = parsed is not None and parsed.has_credentials
                edits = [Edit.replace(s.span, rewrite_like(s.raw, target))]
                edits += moved_trusted_hosts(doc, s, ctx, target)
                fix = Fix(
                    tuple(edits),
                    Applicability.UNSAFE if unsafe else Applicability.SAFE,
                    f"Use the policy index {target}",
                )
            yield Violation(
                s.span,
                f"index {s.value} is not the policy index {target}",
                s.value,
                fix,
                [s.use_span] if s.use_span else [],
            )


def _primaries(doc: Document, s: Setting) -> list[Setting]:
    scope = scope_settings(doc, s.scope)
    return [p for p in live(scope) if p.kind == SettingKind.INDEX and p.value and p.tool == s.tool]


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
        "Safe when the extra index is PyPI or a catalogued mirror: it is removed when the "
        "scope already has a primary index (pointing it at the policy index would only "
        "duplicate it), otherwise pointed at the policy index. No fix for unknown private "
        "indexes: only their owner knows whether they are needed."
    )
    fix_applicability = Applicability.SAFE
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
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        target = ctx.policy.index
        if target is None:
            return
        for s in judged(doc):
            if s.kind != SettingKind.EXTRA_INDEX or not off_policy(s, ctx):
                continue
            assert s.value is not None
            known = catalogue().match(s.value)
            fix = None
            if known is not None and known.mirror.kind == "mirror" and s.editable:
                if _primaries(doc, s) and s.removal is not None:
                    fix = Fix(
                        (Edit.delete(s.removal),), Applicability.SAFE, "Remove the extra index"
                    )
                elif not _primaries(doc, s):
                    fix = Fix(
                        (Edit.replace(s.span, rewrite_like(s.raw, target)),),
                        Applicability.SAFE,
                        f"Use the policy index {target}",
                    )
            yield Violation(
                s.span,
                f"extra index {s.value} is not allowed by the policy",
                s.value,
                fix,
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
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for s in judged(doc):
            if s.kind != SettingKind.EXTRA_INDEX:
                continue
            key = identity(s.value or "")
            if key is None:
                continue
            if any(identity(p.value or "") == key for p in _primaries(doc, s)):
                fix = None
                if s.removal is not None and s.editable:
                    fix = Fix((Edit.delete(s.removal),), Applicability.SAFE, "Remove it")
                yield Violation(
                    s.span, f"extra index {s.value} repeats the primary index", s.value or "", fix
                )


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
    # only Dockerfiles and shell scripts hold install commands: a requirements file,
    # a pip.conf and a compose file (whose `command:` is not read) have none to judge
    kinds = frozenset({"dockerfile", "shell"})
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


class InconsistentIndex(Rule):
    code = "PS105"
    name = "inconsistent-index"
    summary = "With no policy: an index that differs from the repository's dominant index."
    why = (
        "When there is no policy yet, the index most settings use is the de-facto standard; "
        "files that disagree are usually leftovers of an earlier mirror."
    )
    fix_safety = "No fix without a policy: run `pipsrc fix --mirror ID` to choose the index."
    good = (
        Example("requirements.txt", f"-i {ALIYUN}\nflask\n", mirror=None),
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {ALIYUN} -r requirements.txt\n"
            f"pip install -i {ALIYUN} -r requirements-dev.txt\n",
            mirror=None,
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12 AS build\nENV PIP_INDEX_URL={ALIYUN}\n"
            "RUN pip wheel -w /wheels -r requirements.txt\n"
            f"FROM python:3.12-slim\nENV PIP_INDEX_URL={ALIYUN}\nRUN pip install gunicorn\n",
            mirror=None,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\n\n[download]\nindex-url = {ALIYUN}\n",
            mirror=None,
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  api:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n"
            f"  worker:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n",
            mirror=None,
        ),
    )
    bad = (
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {ALIYUN} a\npip install -i {ALIYUN} b\n"
            f"pip install -i {TUNA} c\n",
            mirror=None,
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12 AS build\nENV PIP_INDEX_URL={ALIYUN}\n"
            "RUN pip wheel -w /wheels -r requirements.txt\n"
            f"FROM python:3.12-slim\nENV PIP_INDEX_URL={TUNA}\nRUN pip install gunicorn\n",
            mirror=None,
        ),
        # two files pasted together: pip uses the last -i for every package
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\nflask\n# from the data team's list\n-i {TUNA}\npandas\n",
            mirror=None,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\n\n[install]\nindex-url = {TUNA}\n",
            mirror=None,
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  api:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n"
            f"  worker:\n    environment:\n      PIP_INDEX_URL: {TUNA}\n",
            mirror=None,
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        if ctx.policy.index is not None:
            return
        dominant = ctx.dominant_index
        if dominant is None and doc.path not in ctx.docs:
            return
        for s in judged(doc):
            if s.kind != SettingKind.INDEX or parse_url(s.value or "") is None:
                continue
            if ctx.policy.exception_for(s.value or "") is not None:
                continue
            # a single-document run (examples, stdin) measures against its own first index
            ref = dominant or s.value
            if identity(s.value or "") != identity(ref or ""):
                yield Violation(
                    s.span,
                    f"index {s.value} differs from the repository's usual index {ref}",
                    s.value or "",
                )


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
    )
    bad = (
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\n--extra-index-url https://download.pytorch.org/whl/cu121\ntorch\n",
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
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for s in judged(doc):
            if s.kind != SettingKind.EXTRA_INDEX or s.value is None:
                continue
            exc = ctx.policy.exception_for(s.value)
            if exc is None or ctx.policy.allowed_extra(s.value):
                continue
            yield Violation(
                s.span,
                f"{exc[0]} index {s.value} is an extra index: every package may come from it;"
                " install the vendor packages with --index-url instead",
                s.value,
            )


class LegacyMirrorUrl(Rule):
    code = "PS107"
    name = "legacy-mirror-url"
    severity = Severity.WARNING
    summary = "A dead or legacy mirror address, or a non-canonical form of a catalogued mirror."
    why = (
        "Old addresses (pypi.douban.com, pypi.mirrors.ustc.edu.cn, pypi.python.org) redirect "
        "or no longer answer; aliases make the same mirror look like two and defeat "
        "consistency checks."
    )
    fix_safety = "Safe: the canonical URL of the same mirror, in the file's own style."
    fix_applicability = Applicability.SAFE
    good = (
        Example("requirements.txt", "-i https://mirrors.ustc.edu.cn/pypi/simple\nx\n", mirror=None),
        Example(
            "Dockerfile",
            "FROM python:3.12\nENV PIP_INDEX_URL=https://pypi.doubanio.com/simple/\n"
            "RUN pip install flask\n",
            mirror=None,
        ),
        Example("build.sh", f"#!/bin/sh\npip install -i {TUNA} flask\n", mirror=None),
        Example("pip.conf", "[global]\nindex-url = https://pypi.org/simple\n", mirror=None),
        Example(
            "docker-compose.yml",
            "services:\n  app:\n    environment:\n"
            "      - PIP_INDEX_URL=https://mirrors.ustc.edu.cn/pypi/simple\n",
            mirror=None,
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            "-i https://pypi.mirrors.ustc.edu.cn/simple/\nx\n",
            fixed="-i https://mirrors.ustc.edu.cn/pypi/simple/\nx\n",
            mirror=None,
        ),
        Example(
            "Dockerfile",
            "FROM python:3.12\nENV PIP_INDEX_URL=https://pypi.mirrors.ustc.edu.cn/simple/\n"
            "RUN pip install flask\n",
            fixed="FROM python:3.12\nENV PIP_INDEX_URL=https://mirrors.ustc.edu.cn/pypi/simple/\n"
            "RUN pip install flask\n",
            mirror=None,
        ),
        Example(
            "build.sh",
            "#!/bin/sh\npip install -i https://pypi.douban.com/simple/ flask\n",
            fixed="#!/bin/sh\npip install -i https://pypi.doubanio.com/simple/ flask\n",
            mirror=None,
        ),
        Example(
            "pip.conf",
            "[global]\nindex-url = https://pypi.python.org/simple\n",
            fixed="[global]\nindex-url = https://pypi.org/simple\n",
            mirror=None,
        ),
        Example(
            "docker-compose.yml",
            "services:\n  app:\n    environment:\n"
            "      - PIP_INDEX_URL=https://mirrors.tuna.tsinghua.edu.cn/pypi/web/simple\n",
            fixed=f"services:\n  app:\n    environment:\n      - PIP_INDEX_URL={TUNA}\n",
            mirror=None,
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for s in judged(doc):
            if s.kind not in (SettingKind.INDEX, SettingKind.EXTRA_INDEX) or s.value is None:
                continue
            if off_policy(s, ctx):
                continue  # PS101/PS102 rewrite it anyway
            match = catalogue().match(s.value)
            if match is None or match.form not in ("legacy", "alias"):
                continue
            fix = None
            if s.editable:
                fix = Fix(
                    (Edit.replace(s.span, rewrite_like(s.raw, match.mirror.url)),),
                    Applicability.SAFE,
                    f"Use {match.mirror.url}",
                )
            yield Violation(
                s.span,
                f"{s.value} is a {match.form} address of {match.mirror.name_en}; "
                f"use {match.mirror.url}",
                s.value,
                fix,
            )


RULES: tuple[type[Rule], ...] = (
    IndexOffPolicy,
    ExtraIndexOffPolicy,
    RedundantExtraIndex,
    ImplicitPypi,
    InconsistentIndex,
    ExceptionAsExtraIndex,
    LegacyMirrorUrl,
)
