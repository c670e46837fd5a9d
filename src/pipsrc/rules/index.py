"""Rules on the primary index: off the policy (PS101), inconsistent with the repository
(PS105), a legacy or non-canonical form of a catalogued mirror (PS107)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipsrc.catalogue import catalogue
from pipsrc.context import Context
from pipsrc.model import (
    Applicability,
    Document,
    Edit,
    Fix,
    InstallSite,
    Setting,
    SettingKind,
    Severity,
)
from pipsrc.origin import left_note, origin
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.common import (
    ALIYUN,
    TORCH_PER_COMMAND,
    TUNA,
    judged,
    moved_trusted_hosts,
    off_policy,
)
from pipsrc.rules.fallback import branch_of, chain_target, feeds_a_fallback
from pipsrc.urls import parse_url, rewrite_like, same_index, same_mirror


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
        "By what the old index is. Safe when it is PyPI or a catalogued public mirror (or "
        "one of its aliases or legacy addresses): the value is replaced by the policy URL, "
        "keeping quotes and the trailing-slash style, and a trusted-host that served only "
        "the old index follows the policy for the new one in the same fix (removed for an "
        'https index under `trusted-host = "auto"`, moved to the new host for an http '
        "one). Unsafe for a catalogued mirror's cloud-internal address and for an "
        "uncatalogued host shaped like a public mirror, and when the old URL carries "
        "credentials (they are never copied). No fix at all for an index that may publish "
        "packages no mirror has: a private address (RFC 1918, `.local`, `.internal`, "
        "`.corp`, `.lan`, a single-label host), an internal proxy (devpi, Nexus, "
        "Artifactory ...), a vendor's index, or any other unknown host; the finding says so. "
        "In an install fallback (`pip install -i A x || pip install -i B x`) the attempts go to "
        "the policy index and the policy's `fallback-indexes` in order, or are left (PS109); a "
        "setting that a `|| pip install x` fallback reads is rewritten only as an unsafe fix."
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
        Example("pyproject.toml", f'[tool.uv]\nindex-url = "{ALIYUN}"\n'),
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
            "-i https://deploy:SENTINEL0123456789abcdef@pypi.tuna.tsinghua.edu.cn/simple\n"
            "requests\n",
            fixed="-i https://mirrors.aliyun.com/pypi/simple\nrequests\n",
            unsafe=True,
        ),
        Example(
            "pyproject.toml",
            f'[[tool.poetry.source]]\nname = "tuna"\nurl = "{TUNA}"\npriority = "primary"\n',
            fixed='[[tool.poetry.source]]\nname = "tuna"\n'
            'url = "https://mirrors.aliyun.com/pypi/simple"\npriority = "primary"\n',
        ),
        # the cloud-internal address of a mirror: the build may reach nothing else
        Example(
            "pip.conf",
            "[global]\nindex-url = http://mirrors.cloud.aliyuncs.com/pypi/simple/\n"
            "trusted-host = mirrors.cloud.aliyuncs.com\n",
            fixed=f"[global]\nindex-url = {ALIYUN}\n",
            unsafe=True,
        ),
        # a company's Nexus may hold packages no mirror has: reported, never replaced
        Example(
            "Dockerfile",
            "FROM python:3.12\nRUN pip install -i "
            "https://nexus.corp.example/repository/pypi-group/simple corp-utils\n",
        ),
        Example(
            "build.sh",
            "#!/bin/sh\npip config set global.index-url http://10.8.0.12:3141/root/dev/+simple/\n"
            "pip config set global.trusted-host 10.8.0.12:3141\npip install corp-utils\n",
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        target = ctx.policy.index
        if target is None:
            return
        for s in judged(doc):
            if s.kind != SettingKind.INDEX or s.value is None:
                continue
            branch = branch_of(doc, s) if s.site is not None else None
            if branch is not None:
                yield from self._branch(doc, s, ctx, *branch)
            elif off_policy(s, ctx):
                yield self._judge(doc, s, ctx, target, f"the policy index {target}")

    @staticmethod
    def _judge(doc: Document, s: Setting, ctx: Context, target: str, what: str) -> Violation:
        """The finding on an index that should be ``target``, with the fix its origin
        allows (:mod:`pipsrc.origin`)."""
        assert s.value is not None
        fix = None
        toggle = ""
        safety = origin(s.value).replace_safety
        if s.editable and safety is not None:
            parsed = parse_url(s.value)
            if parsed is not None and parsed.has_credentials:
                safety = Applicability.UNSAFE
            if s.site is None and doc.sites and feeds_a_fallback(doc, s, s.scope, ctx):
                return Violation(  # a `|| pip install x` reads it: PS109 says what to do
                    s.span,
                    f"index {s.value} is not {what} (left as it is: a `|| pip install` "
                    "fallback reads it, and moving it would make the fallback try the policy "
                    "index again: see PS109)",
                    s.value,
                    None,
                    [s.use_span] if s.use_span else [],
                )
            partner = toggle_partner(doc, s)
            if partner is not None and _second(s, partner):
                safety = Applicability.UNSAFE  # both branches alike: the switch would do nothing
                toggle = (
                    f" (fix unsafe: the other branch of its `if` sets {partner.value}; "
                    "moving both makes the switch do nothing)"
                )
            edits = [Edit.replace(s.span, rewrite_like(s.raw, target))]
            edits += moved_trusted_hosts(doc, s, ctx, target)
            fix = Fix(tuple(edits), safety, f"Use {what}")
        note = f" ({left_note(s.value)})" if safety is None else toggle
        return Violation(
            s.span,
            f"index {s.value} is not {what}{note}",
            s.value,
            fix,
            [s.use_span] if s.use_span else [],
        )

    def _branch(
        self, doc: Document, s: Setting, ctx: Context, chain: list[InstallSite], k: int
    ) -> Iterator[Violation]:
        """An index of an install fallback chain (:mod:`pipsrc.rules.fallback`): the first
        attempt goes to the policy index, the others to the policy's fallbacks in order;
        where that would make the attempts alike, the index is left and PS109 says why."""
        assert s.value is not None
        target = chain_target(chain, k, ctx)
        if target is not None:
            if not same_index(s.value, target) and (k > 0 or off_policy(s, ctx)):
                what = f"the policy index {target}" if k == 0 else f"fallback index {target}"
                yield self._judge(doc, s, ctx, target, what)
        elif off_policy(s, ctx):
            line = doc.text.count("\n", 0, chain[0].span.start) + 1
            yield Violation(
                s.span,
                f"index {s.value} is not the policy index {ctx.policy.index} (left as it is: "
                f"it is attempt {k + 1} of the install fallback on line {line}, see PS109)",
                s.value,
                None,
                [s.use_span] if s.use_span else [],
            )


_JUDGED = (SettingKind.INDEX, SettingKind.EXTRA_INDEX)
_IF = re.compile(r"\bif\b")
_ELSE = re.compile(r"\b(?:else|elif)\b")
_FI = re.compile(r"\bfi\b")


def toggle_partner(doc: Document, s: Setting) -> Setting | None:
    """The assignment of the same variable in the other branch of the ``if`` holding ``s``
    (``if [ "$NEED_MIRROR" = 1 ]; then export X=<mirror>; else export X=<pypi>; fi``): moving
    both to the policy index makes the switch do nothing."""
    if s.site is not None:
        return None
    for o in doc.settings:
        if o is s or o.key != s.key or o.scope != s.scope or o.site is not None:
            continue
        a, b = sorted((o.span.start, s.span.start))
        between = doc.text[a:b]
        if not _ELSE.search(between) or _FI.search(between):
            continue
        before = doc.text[max(0, a - 1000) : a]
        opened = [m.end() for m in _IF.finditer(before)]
        if opened and not _FI.search(before, opened[-1]):
            return o
    return None


def _second(s: Setting, partner: Setting) -> bool:
    """Which of two toggled values gives way: PyPI's (the "no mirror" branch), else the
    later one."""
    pypi = [same_mirror(x.value or "", "https://pypi.org/simple") for x in (s, partner)]
    if pypi[0] != pypi[1]:
        return pypi[0]
    return s.span.start > partner.span.start


def public_mirror(value: str) -> bool:
    """PyPI or a catalogued public mirror: an index anyone could use instead of another."""
    match = catalogue().match(value)
    return match is not None and match.mirror.kind == "mirror"


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
        Example(
            "pyproject.toml",
            f'[tool.uv]\nindex-url = "{ALIYUN}"\n\n[[tool.pdm.source]]\nname = "pypi"\n'
            f'url = "{ALIYUN}"\n',
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
        Example(
            "pyproject.toml",
            f'[tool.uv]\nindex-url = "{ALIYUN}"\n\n[tool.pixi.pypi-options]\n'
            f'index-url = "{ALIYUN}"\n\n[[tool.pdm.source]]\nname = "pypi"\nurl = "{TUNA}"\n',
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
            if s.kind not in _JUDGED or parse_url(s.value or "") is None:
                continue
            if ctx.policy.exception_for(s.value or "") is not None:
                continue
            if s.kind is SettingKind.EXTRA_INDEX and not public_mirror(s.value or ""):
                continue  # a private or vendor extra is not "another usual index"
            if s.site is not None and not public_mirror(s.value or ""):
                continue  # one command's own vendor or private `-i`: for its packages only
            # a single-document run (examples, stdin) measures against its own first index
            ref = dominant or s.value
            if not same_mirror(s.value or "", ref or ""):
                what = "extra index" if s.kind is SettingKind.EXTRA_INDEX else "index"
                yield Violation(
                    s.span,
                    f"{what} {s.value} differs from the repository's usual index {ref}",
                    s.value or "",
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
    fix_safety = (
        "Safe: the canonical URL of the same mirror, in the file's own style. None for a "
        "mirror the catalogue marks unreliable: the message names mirrors to choose instead."
    )
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
        Example(
            "Pipfile",
            f'[[source]]\nname = "tuna"\nurl = "{TUNA}"\nverify_ssl = true\n',
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
            # Douban is marked unreliable: no fix moves the value there (the message names
            # mirrors to choose instead)
            "#!/bin/sh\npip install -i https://pypi.douban.com/simple/ flask\n",
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
        Example(
            "uv.toml",
            'index-url = "https://pypi.mirrors.ustc.edu.cn/simple/"\n',
            fixed='index-url = "https://mirrors.ustc.edu.cn/pypi/simple/"\n',
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
            if not match.mirror.reliable:  # no fix moves a value to it: say what to pick
                yield Violation(
                    s.span,
                    f"{s.value} is a {match.form} address of {match.mirror.name_en}, and "
                    f"{catalogue().instead_of(match.mirror)} (`pipsrc fix --mirror ID`)",
                    s.value,
                )
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


RULES: tuple[type[Rule], ...] = (IndexOffPolicy, InconsistentIndex, LegacyMirrorUrl)
