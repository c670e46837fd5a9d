"""What the index rules share: judging a value against the policy, and the trusted-hosts
that belong to an index a fix moves; the URLs the examples use."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.catalogue import catalogue
from pipsrc.context import Context
from pipsrc.effective import live, scope_settings, served_by
from pipsrc.model import (
    Applicability,
    Document,
    Edit,
    Setting,
    SettingKind,
)
from pipsrc.origin import origin
from pipsrc.rules.base import Example
from pipsrc.urls import bare_trusted_host, host_port, parse_url

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


def moved_trusted_hosts(doc: Document, s: Setting, ctx: Context, new: str | None) -> list[Edit]:
    """Trusted-host entries that belonged only to ``s``, which a fix moves to ``new`` (or
    removes, when ``new`` is None): they follow the policy for the new index in the same fix
    (SPEC §6, PS203), moved to the new host when it is served over http or the policy says
    ``trusted-host = "always"``, removed otherwise, so that ``fix`` never leaves a PS204 (or
    a trusted-host for nothing) behind."""
    new_host = host_port(new) if new is not None else ""
    if new_host is None or s.value is None:
        return []
    parsed = parse_url(new) if new is not None else None
    keep = new is not None and (
        ctx.policy.trusted_host == "always"
        or (parsed is not None and parsed.scheme == "http" and ctx.policy.trusted_host != "never")
    )
    edits = []
    in_scope = scope_settings(doc, s.scope)
    for th in live(in_scope):
        if th.kind != SettingKind.TRUSTED_HOST or not th.value or not th.editable:
            continue
        users = served_by(th, in_scope)
        if not any(u is s for u, _ in users):
            continue
        # every other user of this trusted-host is also being moved to the policy index
        # what still needs it after the fix: other http indexes that stay (https ones never)
        if all(u is s or _moved_safely(u, ctx) or is_https(v) for u, v in users):
            entry = bare_trusted_host(th.value) or th.value
            if not keep and th.removal is not None:
                edits.append(Edit.delete(th.removal))
            elif entry != new_host and not th.raw.startswith(("http://", "https://")):
                edits.append(Edit.replace(th.span, new_host))
    return Edit.joined(edits)


def is_https(value: str) -> bool:
    parsed = parse_url(value)
    return parsed is not None and parsed.scheme == "https"


def _moved_safely(u: Setting, ctx: Context) -> bool:
    """Whether a safe fix moves ``u`` to the policy index too (it serves no trusted-host
    then)."""
    if not u.editable:
        return False
    if off_policy(u, ctx):
        return origin(u.value or "").replace_safety == Applicability.SAFE
    return policy_over_http(u, ctx)


def policy_over_http(u: Setting, ctx: Context) -> bool:
    """The policy's own mirror written over http, which PS201 safely switches to https
    (the policy names it over https and the catalogue says the host serves https)."""
    value, policy = u.value or "", ctx.policy.index
    if policy is None or not is_https(policy) or not ctx.policy.is_policy_index(value):
        return False
    match = catalogue().match(value)
    return match is not None and match.mirror.https and u.raw[:5].lower() == "http:"


def kept_note(s: Setting, fix: object) -> str:
    """Why a setting a rule would remove is left (`` (left as it is: ...)``), if it is."""
    return f" (left as it is: {s.kept})" if fix is None and s.kept else ""
