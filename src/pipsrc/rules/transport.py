"""Plain http indexes: an index over http (PS201), and an http index without the
trusted-host pip needs to use it (PS202)."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.catalogue import catalogue
from pipsrc.context import Context
from pipsrc.effective import live, scope_settings, trusted_users
from pipsrc.model import Applicability, Document, Edit, Fix, Setting, SettingKind, Tool
from pipsrc.rules.base import ALL_KINDS, Example, Rule, Violation
from pipsrc.rules.common import (
    ALIYUN,
    judged,
    moved_trusted_hosts,
    off_policy,
    policy_over_http,
)
from pipsrc.rules.extra import repeats_primary
from pipsrc.urls import bare_trusted_host, host_port, parse_url, same_index

PROXY = "http://devpi.internal:3141/root/pypi/+simple/"
HTTP_ALIYUN = "http://mirrors.aliyun.com/pypi/simple/"
CORP_HTTP = "http://pypi.corp.example/simple/"
# an http proxy with its trusted-host, in every file kind: what every trusted-host rule
# accepts
PROXY_TRUSTED = (
    Example(
        "requirements.txt",
        f"-i {PROXY}\n--trusted-host devpi.internal:3141\nx\n",
        mirror=None,
        proxy=PROXY,
    ),
    Example(
        "Dockerfile",
        f"FROM python:3.12\nENV PIP_INDEX_URL={PROXY}\nENV PIP_TRUSTED_HOST=devpi.internal:3141\n"
        "RUN pip install flask\n",
        mirror=None,
        proxy=PROXY,
    ),
    Example(
        "build.sh",
        f"#!/bin/sh\npip install -i {PROXY} --trusted-host devpi.internal:3141 "
        "-r requirements.txt\n",
        mirror=None,
        proxy=PROXY,
    ),
    Example(
        "pip.conf",
        f"[global]\nindex-url = {PROXY}\ntrusted-host = devpi.internal:3141\n",
        mirror=None,
        proxy=PROXY,
    ),
    Example(
        "docker-compose.yml",
        f"services:\n  app:\n    build:\n      context: .\n      args:\n"
        f"        PIP_INDEX_URL: {PROXY}\n        PIP_TRUSTED_HOST: devpi.internal:3141\n",
        mirror=None,
        proxy=PROXY,
    ),
)


class PlainHttpIndex(Rule):
    code = "PS201"
    name = "plain-http-index"
    summary = "An index over plain http whose host is not in `allow-http`."
    why = (
        "Over http anyone on the path can swap the packages; pip also refuses such an index "
        "unless its host is a trusted-host, which people then add without thinking."
    )
    fix_safety = (
        "Unsafe: switch to https only when the catalogue says the host serves https; an "
        "internal proxy may not. Put internal proxies in `allow-http` instead. Safe when the "
        "index is the policy's own mirror, which the policy names over https: the fix is "
        "then the policy itself, and the trusted-host that served the http index goes with it. "
        "None for a mirror the catalogue marks unreliable (PS107 names mirrors to choose)."
    )
    fix_applicability = Applicability.UNSAFE
    also = frozenset({Applicability.SAFE})
    good = (
        *PROXY_TRUSTED,
        # not the --proxy of this run, but a host the policy allows over http
        Example(
            "pip.conf",
            f"[global]\nindex-url = {PROXY}\ntrusted-host = devpi.internal:3141\n",
            mirror=None,
            policy='allow-http = ["devpi.internal"]\n',
        ),
        Example(
            "Pipfile",
            f'[[source]]\nname = "proxy"\nurl = "{PROXY}"\nverify_ssl = false\n',
            mirror=None,
            policy='allow-http = ["devpi.internal"]\n',
        ),
    )
    # with https the trusted-host is needless, and goes too (PS204, also unsafe)
    bad = (
        # the policy's mirror over http: its https form is the policy (a safe fix)
        Example(
            "Dockerfile",
            f"FROM python:3.12\nRUN pip config set global.index-url {HTTP_ALIYUN} && \\\n"
            "    pip config set global.trusted-host mirrors.aliyun.com && \\\n"
            "    pip install flask\n",
            fixed=f"FROM python:3.12\nRUN pip config set global.index-url {ALIYUN} && \\\n"
            "    pip install flask\n",
        ),
        Example(
            "requirements.txt",
            f"-i {HTTP_ALIYUN}\n--trusted-host mirrors.aliyun.com\nx\n",
            fixed=f"-i {ALIYUN}\nx\n",
            unsafe=True,
            mirror=None,
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={HTTP_ALIYUN} \\\n"
            "    PIP_TRUSTED_HOST=mirrors.aliyun.com\nRUN pip install flask\n",
            fixed=f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\nRUN pip install flask\n",
            unsafe=True,
            mirror=None,
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {HTTP_ALIYUN} --trusted-host mirrors.aliyun.com "
            "-r requirements.txt\n",
            fixed=f"#!/bin/sh\npip install -i {ALIYUN} -r requirements.txt\n",
            unsafe=True,
            mirror=None,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {HTTP_ALIYUN}\ntrusted-host = mirrors.aliyun.com\n",
            fixed=f"[global]\nindex-url = {ALIYUN}\n",
            unsafe=True,
            mirror=None,
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    build:\n      context: .\n      args:\n"
            f"        PIP_INDEX_URL: {HTTP_ALIYUN}\n        PIP_TRUSTED_HOST: mirrors.aliyun.com\n",
            fixed=f"services:\n  app:\n    build:\n      context: .\n      args:\n"
            f"        PIP_INDEX_URL: {ALIYUN}\n",
            unsafe=True,
            mirror=None,
        ),
        Example(
            "pyproject.toml",
            f'[tool.uv]\nindex-url = "{HTTP_ALIYUN}"\n'
            'allow-insecure-host = ["mirrors.aliyun.com"]\n',
            fixed=f'[tool.uv]\nindex-url = "{ALIYUN}"\n',
            unsafe=True,
            mirror=None,
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        for s in judged(doc):
            if s.kind not in (SettingKind.INDEX, SettingKind.EXTRA_INDEX, SettingKind.FIND_LINKS):
                continue
            url = parse_url(s.value or "")
            if url is None or url.scheme != "http" or ctx.policy.http_allowed(url.host):
                continue
            if url.host in ("localhost", "127.0.0.1", "::1"):
                continue
            if s.kind is not SettingKind.FIND_LINKS and off_policy(s, ctx):
                continue  # PS101/PS102 replace or remove it (one finding per value)
            if s.kind is SettingKind.EXTRA_INDEX and repeats_primary(doc, s):
                continue  # PS103 removes it
            if _https_twin(doc, s, ctx):
                note = " (no fix: another attempt of its fallback uses it over https already)"
                yield Violation(s.span, f"index {s.value} uses plain http{note}", s.value or "")
                continue
            yield Violation(
                s.span, f"index {s.value} uses plain http", s.value or "", _to_https(doc, s, ctx)
            )


def _https_twin(doc: Document, s: Setting, ctx: Context) -> bool:
    """Whether ``s`` is an attempt of an install fallback (``pip install -i https://M x ||
    pip install -i http://M x``) whose other attempt names the same index over https: the
    switch would make the two attempts one."""
    from pipsrc.rules.fallback import branch_of, own_index

    branch = branch_of(doc, s) if s.site is not None else None
    if branch is None:
        return False
    from pipsrc.resolution import effective_index

    chain, k = branch
    https = "https" + (s.value or "")[4:]
    for i, site in enumerate(chain):
        other = own_index(site) if i != k else None
        if i != k and other is None:  # a bare attempt: the index its environment gives it
            other = effective_index(doc, site, ctx).setting
        if other is not None and same_index(other.value or "", https):
            return True
    return False


def _to_https(doc: Document, s: Setting, ctx: Context) -> Fix | None:
    """The switch to https of a catalogued host that serves it: safe for the policy's own
    mirror (the policy names it over https; its trusted-host goes in the same fix), unsafe
    for any other."""
    match = catalogue().match(s.value or "")
    if not (s.editable and match is not None and match.mirror.https):
        return None
    if not match.mirror.reliable:
        return None  # no fix keeps a value on a mirror the catalogue marks unreliable (PS107)
    if s.raw[:5].lower() != "http:":
        return None
    edit = Edit(s.span.start, s.span.start + 4, s.raw[:4] + "s")
    policy = ctx.policy.index
    if policy is not None and policy_over_http(s, ctx):
        hosts = moved_trusted_hosts(doc, s, ctx, policy)
        return Fix((edit, *hosts), Applicability.SAFE, "Use the policy index over https")
    return Fix((edit,), Applicability.UNSAFE, "Use https")


def _upgradable(value: str, ctx: Context) -> bool:
    """An http index that PS201 reports and can switch to https."""
    url = parse_url(value)
    if url is None or ctx.policy.http_allowed(url.host):
        return False
    match = catalogue().match(value)
    return match is not None and match.mirror.https


class MissingTrustedHost(Rule):
    code = "PS202"
    name = "missing-trusted-host"
    summary = "An http index with no matching trusted-host in scope: pip refuses to use it."
    why = (
        "pip skips an http index whose host is not a trusted-host and falls back to nothing: "
        "the install fails with 'not a trusted or secure host'. Pipenv runs pip, and passes "
        "a source's host as a trusted-host only when the Pipfile says `verify_ssl = false`; "
        "PDM trusts a source the same way."
    )
    # in project files: PDM and Pipenv sources, which Pipenv (and PDM) trust with
    # `verify_ssl = false` (uv, Pixi and Poetry use an http index as it is)
    kinds = ALL_KINDS
    fix_safety = (
        "Unsafe in general (it turns off a check); safe for a host the policy allows over "
        "http (`allow-http`, or the `--proxy` given), where trusted-host is managed."
    )
    fix_applicability = Applicability.UNSAFE
    also = frozenset({Applicability.SAFE})
    good = (
        *PROXY_TRUSTED,
        # Pipenv passes --trusted-host for a source it does not verify
        Example(
            "Pipfile",
            f'[[source]]\nurl = "{PROXY}"\nverify_ssl = false\nname = "devpi"\n',
            mirror=None,
            proxy=PROXY,
        ),
    )
    bad = (
        Example(
            "requirements.txt",
            f"-i {PROXY}\nx\n",
            fixed=f"-i {PROXY}\n--trusted-host devpi.internal:3141\nx\n",
            mirror=None,
            proxy=PROXY,
        ),
        Example(
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={PROXY}\nRUN pip install flask\n",
            fixed=f"FROM python:3.12\nENV PIP_INDEX_URL={PROXY} "
            "PIP_TRUSTED_HOST=devpi.internal:3141\nRUN pip install flask\n",
            mirror=None,
            proxy=PROXY,
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\nexport PIP_INDEX_URL={PROXY}\npip install -r requirements.txt\n",
            fixed=f"#!/bin/sh\nexport PIP_INDEX_URL={PROXY}\n"
            "export PIP_TRUSTED_HOST=devpi.internal:3141\npip install -r requirements.txt\n",
            mirror=None,
            proxy=PROXY,
        ),
        Example(
            "pip.conf",
            f"[global]\nindex-url = {PROXY}\ntimeout = 60\n",
            fixed=f"[global]\nindex-url = {PROXY}\ntrusted-host = devpi.internal:3141\n"
            "timeout = 60\n",
            mirror=None,
            proxy=PROXY,
        ),
        Example(
            "docker-compose.yml",
            f"services:\n  app:\n    environment:\n      - PIP_INDEX_URL={PROXY}\n",
            fixed=f"services:\n  app:\n    environment:\n      - PIP_INDEX_URL={PROXY}\n"
            "      - PIP_TRUSTED_HOST=devpi.internal:3141\n",
            mirror=None,
            proxy=PROXY,
        ),
        # Pipenv requires the key: `true` becomes `false`; PDM's gets a line
        Example(
            "Pipfile",
            f'[[source]]\nurl = "{PROXY}"\nverify_ssl = true\nname = "devpi"\n',
            fixed=f'[[source]]\nurl = "{PROXY}"\nverify_ssl = false\nname = "devpi"\n',
            mirror=None,
            proxy=PROXY,
        ),
        Example(
            "pyproject.toml",
            f'[[tool.pdm.source]]\nname = "pypi"\nurl = "{PROXY}"\n',
            fixed=f'[[tool.pdm.source]]\nname = "pypi"\nurl = "{PROXY}"\nverify_ssl = false\n',
            mirror=None,
            proxy=PROXY,
        ),
        # an http index that no policy allows: adding the trusted-host is unsafe
        Example(
            "requirements.txt",
            f"-i {CORP_HTTP}\nflask\n",
            fixed=f"-i {CORP_HTTP}\n--trusted-host pypi.corp.example\nflask\n",
            unsafe=True,
            mirror=None,
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        if ctx.policy.trusted_host == "never":
            return
        for s in judged(doc):
            if s.kind not in (SettingKind.INDEX, SettingKind.EXTRA_INDEX) or s.tool in _HTTP_OK:
                continue
            url = parse_url(s.value or "")
            if url is None or url.scheme != "http" or off_policy(s, ctx):
                continue
            if _upgradable(s.value or "", ctx):
                continue  # PS201 moves it to https; a trusted-host would only be needless
            # a command's own --trusted-host serves only that command
            scope = [x for x in scope_settings(doc, s.scope) if x.site is None or x.site == s.site]
            entries = [t for t in live(scope) if t.kind == SettingKind.TRUSTED_HOST and t.value]
            # a malformed entry counts: PS205 repairs it rather than adding a second one
            if any(
                trusted_users(bare_trusted_host(t.value or "") or t.value or "", [s])
                for t in entries
            ):
                continue
            hp = host_port(s.value or "")
            fix = None
            if hp and s.sibling is not None and s.editable and doc.fixable:
                safe = ctx.policy.http_allowed(url.host)
                sib = s.sibling
                edit = Edit(sib.offset, max(sib.offset, sib.end), sib.render(hp))
                fix = Fix(
                    (edit,),
                    Applicability.SAFE if safe else Applicability.UNSAFE,
                    f"Add trusted-host {hp}",
                )
            yield Violation(
                s.span,
                f"http index {s.value} has no trusted-host {hp}: pip will refuse it",
                s.value or "",
                fix,
            )


# installers that fetch from an http index without a trusted-host setting: uv (and Pixi,
# which resolves with uv), Poetry (requests, no trusted-host notion)
_HTTP_OK = frozenset({Tool.UV, Tool.PIXI, Tool.POETRY})

RULES: tuple[type[Rule], ...] = (PlainHttpIndex, MissingTrustedHost)
