"""trusted-host entries: stale (PS203), needless for https (PS204), malformed (PS205)."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.context import Context
from pipsrc.effective import live, scope_settings, served_by
from pipsrc.model import Applicability, Document, Edit, Fix, SettingKind, Severity
from pipsrc.rules.base import ALL_KINDS, Example, Rule, Violation
from pipsrc.rules.common import ALIYUN
from pipsrc.rules.transport import PROXY, PROXY_TRUSTED
from pipsrc.urls import bare_trusted_host, parse_url


class StaleTrustedHost(Rule):
    code = "PS203"
    name = "stale-trusted-host"
    summary = "A trusted-host that no index in scope uses."
    why = (
        "Dead trusted-host entries outlive the mirror they were added for and turn off "
        "certificate checks for a host nobody meant to trust any more."
    )
    fix_safety = (
        "Safe: it is removed. When it belonged to an index that a fix moves (PS101, PS102), "
        "that fix already takes it along: moved to the new host when the new index is "
        'served over http or the policy says `trusted-host = "always"`, removed otherwise, '
        "so `fix` never leaves a PS204 behind. Unsafe when the host comes from a variable "
        "(`ARG TRUSTED=127.0.0.1` then `ENV PIP_TRUSTED_HOST=$TRUSTED`): a build or the "
        "environment may give it, and the index beside it, other values that need it."
    )
    fix_applicability = Applicability.SAFE
    also = frozenset({Applicability.UNSAFE})
    good = (
        *PROXY_TRUSTED,
        Example(
            "pip.conf",
            "[global]\nindex-url = http://mirrors.cloud.aliyuncs.com/pypi/simple/\n"
            "trusted-host = mirrors.cloud.aliyuncs.com\n",
            mirror=None,
        ),
        Example(
            "uv.toml",
            'index-url = "http://mirrors.cloud.aliyuncs.com/pypi/simple/"\n'
            'allow-insecure-host = ["mirrors.cloud.aliyuncs.com"]\n',
            mirror=None,
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\n--trusted-host pypi.tuna.tsinghua.edu.cn\nx\n",
            fixed=f"-i {ALIYUN}\nx\n",
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN} \\\n"
            "    PIP_TRUSTED_HOST=pypi.douban.com\nRUN pip install flask\n",
            fixed=f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\nRUN pip install flask\n",
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {ALIYUN} --trusted-host pypi.tuna.tsinghua.edu.cn "
            "-r requirements.txt\n",
            fixed=f"#!/bin/sh\npip install -i {ALIYUN} -r requirements.txt\n",
        ),
        # a build argument's host: another build may pass an index that needs it
        Example(
            "Dockerfile",
            f"FROM python:3.12\nARG IDX={ALIYUN}\nARG TH=127.0.0.1\n"
            "ENV PIP_INDEX_URL=$IDX PIP_TRUSTED_HOST=$TH\nRUN pip install flask\n",
            fixed=f"FROM python:3.12\nARG IDX={ALIYUN}\nARG TH=127.0.0.1\n"
            "ENV PIP_INDEX_URL=$IDX\nRUN pip install flask\n",
            unsafe=True,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\ntrusted-host = pypi.douban.com\n",
            fixed=f"[global]\nindex-url = {ALIYUN}\n",
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n"
            "      PIP_TRUSTED_HOST: pypi.douban.com\n",
            fixed=f"services:\n  app:\n    environment:\n      PIP_INDEX_URL: {ALIYUN}\n",
        ),
        Example(
            "uv.toml",
            f'index-url = "{ALIYUN}"\nallow-insecure-host = ["pypi.douban.com"]\n',
            fixed=f'index-url = "{ALIYUN}"\n',
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for th in live(doc.settings):
            if th.kind != SettingKind.TRUSTED_HOST or not th.value:
                continue
            scope = scope_settings(doc, th.scope)
            indexes = [
                s
                for s in live(scope)
                if s.kind in (SettingKind.INDEX, SettingKind.EXTRA_INDEX, SettingKind.FIND_LINKS)
            ]
            if not indexes or any(s.value is None for s in indexes):
                continue  # the index comes from elsewhere, or is not known
            if served_by(th, scope):
                continue
            fix = None
            if th.removal is not None and th.editable:
                # through a variable (a build argument): another build may still need it
                safety = Applicability.SAFE if th.use_span is None else Applicability.UNSAFE
                fix = Fix((Edit.delete(th.removal),), safety, "Remove the trusted-host")
            yield Violation(
                th.span, f"trusted-host {th.value} is not used by any index in scope", th.value, fix
            )


class NeedlessTrustedHost(Rule):
    code = "PS204"
    name = "needless-trusted-host"
    severity = Severity.WARNING
    summary = "A trusted-host for an https index: it only turns off certificate checks."
    why = (
        "pip needs trusted-host only for plain-http indexes. For an https index it disables "
        "TLS verification of that host, which hides a man in the middle."
    )
    fix_safety = (
        "Unsafe: removed with --unsafe-fixes. A proxy that intercepts TLS may rely on it; "
        'set `trusted-host = "always"` in the policy to keep such entries.'
    )
    fix_applicability = Applicability.UNSAFE
    good = (
        *PROXY_TRUSTED,
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\ntrusted-host = mirrors.aliyun.com\n",
            policy='trusted-host = "always"\n',
        ),
        Example(
            "pyproject.toml",
            '[tool.uv]\nindex-url = "http://mirrors.cloud.aliyuncs.com/pypi/simple/"\n'
            'allow-insecure-host = ["mirrors.cloud.aliyuncs.com"]\n',
            mirror=None,
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            f"-i {ALIYUN}\n--trusted-host mirrors.aliyun.com\nx\n",
            fixed=f"-i {ALIYUN}\nx\n",
            unsafe=True,
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nRUN pip config set global.index-url {ALIYUN} \\\n"
            " && pip config set global.trusted-host mirrors.aliyun.com \\\n && pip install flask\n",
            fixed=f"FROM python:3.12\nRUN pip config set global.index-url {ALIYUN} \\\n"
            " && pip install flask\n",
            unsafe=True,
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\nexport PIP_INDEX_URL={ALIYUN}\n"
            "export PIP_TRUSTED_HOST=mirrors.aliyun.com\npip install -r requirements.txt\n",
            fixed=f"#!/bin/sh\nexport PIP_INDEX_URL={ALIYUN}\npip install -r requirements.txt\n",
            unsafe=True,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {ALIYUN}\ntrusted-host = mirrors.aliyun.com\n",
            fixed=f"[global]\nindex-url = {ALIYUN}\n",
            unsafe=True,
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    environment:\n      - PIP_INDEX_URL={ALIYUN}\n"
            "      - PIP_TRUSTED_HOST=mirrors.aliyun.com\n",
            fixed=f"services:\n  app:\n    environment:\n      - PIP_INDEX_URL={ALIYUN}\n",
            unsafe=True,
        ),
        Example(
            "pyproject.toml",
            f'[tool.uv]\nindex-url = "{ALIYUN}"\nallow-insecure-host = ["mirrors.aliyun.com"]\n',
            fixed=f'[tool.uv]\nindex-url = "{ALIYUN}"\n',
            unsafe=True,
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        if ctx.policy.trusted_host != "auto":
            return
        for th in live(doc.settings):
            if th.kind != SettingKind.TRUSTED_HOST or not th.value:
                continue
            users = served_by(th, scope_settings(doc, th.scope))
            if not users or any((parse_url(v) or _NOURL).scheme == "http" for _, v in users):
                continue
            fix = None
            if th.removal is not None and th.editable:
                fix = Fix(
                    (Edit.delete(th.removal),), Applicability.UNSAFE, "Remove the trusted-host"
                )
            yield Violation(
                th.span, f"trusted-host {th.value} is only used by https indexes", th.value, fix
            )


class _NoUrl:
    scheme = ""


_NOURL = _NoUrl()


class MalformedTrustedHost(Rule):
    code = "PS205"
    name = "malformed-trusted-host"
    summary = "A trusted-host with a scheme or path, which pip ignores."
    why = "pip parses `https://mirrors.aliyun.com` as the host `https`: the entry does nothing."
    # uv's allow-insecure-host takes a host, a host:port or a URL alike
    kinds = ALL_KINDS - {"project"}
    fix_safety = "Safe: the bare host (with its port)."
    fix_applicability = Applicability.SAFE
    good = PROXY_TRUSTED
    bad = (
        Example(
            "requirements.txt",
            f"-i {PROXY}\n--trusted-host http://devpi.internal:3141/root/\nx\n",
            fixed=f"-i {PROXY}\n--trusted-host devpi.internal:3141\nx\n",
            mirror=None,
            proxy=PROXY,
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={PROXY}\n"
            "ENV PIP_TRUSTED_HOST=http://devpi.internal:3141/root/pypi\nRUN pip install flask\n",
            fixed=f"FROM python:3.12\nENV PIP_INDEX_URL={PROXY}\n"
            "ENV PIP_TRUSTED_HOST=devpi.internal:3141\nRUN pip install flask\n",
            mirror=None,
            proxy=PROXY,
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {PROXY} --trusted-host http://devpi.internal:3141 "
            "-r requirements.txt\n",
            fixed=f"#!/bin/sh\npip install -i {PROXY} --trusted-host devpi.internal:3141 "
            "-r requirements.txt\n",
            mirror=None,
            proxy=PROXY,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {PROXY}\ntrusted-host = http://devpi.internal:3141\n",
            fixed=f"[global]\nindex-url = {PROXY}\ntrusted-host = devpi.internal:3141\n",
            mirror=None,
            proxy=PROXY,
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    build:\n      context: .\n      args:\n"
            f'        PIP_INDEX_URL: {PROXY}\n        PIP_TRUSTED_HOST: "http://devpi.internal:3141"\n',
            fixed=f"services:\n  app:\n    build:\n      context: .\n      args:\n"
            f'        PIP_INDEX_URL: {PROXY}\n        PIP_TRUSTED_HOST: "devpi.internal:3141"\n',
            mirror=None,
            proxy=PROXY,
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for th in live(doc.settings):
            if th.kind != SettingKind.TRUSTED_HOST or not th.value:
                continue
            if "://" not in th.value and "/" not in th.value:
                continue
            bare = bare_trusted_host(th.value)
            fix = None
            if bare and th.editable:
                fix = Fix((Edit.replace(th.span, bare),), Applicability.SAFE, f"Use {bare}")
            yield Violation(
                th.span,
                f"trusted-host {th.value} has a scheme or path; pip ignores it",
                th.value,
                fix,
            )


RULES: tuple[type[Rule], ...] = (StaleTrustedHost, NeedlessTrustedHost, MalformedTrustedHost)
