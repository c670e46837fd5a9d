"""Rules on the internal caching proxy (``[tool.pipsrc.proxy]``): its own upstream off the
policy (PS110), and a vendor index that clients still fetch from the internet while the
policy routes vendors through the proxy (PS111)."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.catalogue import catalogue
from pipsrc.context import Context
from pipsrc.model import Applicability, Document, Edit, Fix, Setting, SettingKind, Tool
from pipsrc.origin import left_note, origin
from pipsrc.policy import Policy
from pipsrc.rules.base import Rule, Violation
from pipsrc.rules.common import judged
from pipsrc.rules.proxyexamples import (
    BYPASS_BAD,
    BYPASS_GOOD,
    UPSTREAM_BAD,
    UPSTREAM_GOOD,
    UPSTREAM_KINDS,
)
from pipsrc.urls import parse_url, rewrite_like, same_mirror

K = SettingKind


def upstream_target(policy: Policy) -> str | None:
    """The mirror the proxy should follow: ``[proxy] upstream``, else the policy index when
    it is a public mirror (a team that chose Aliyun wants its devpi on Aliyun too)."""
    if policy.proxy_policy.upstream is not None:
        return policy.proxy_policy.upstream
    if policy.index is not None and not policy.proxy and origin(policy.index).cls == "public":
        return policy.index
    return None


def _same_upstream(value: str, target: str) -> bool:
    if same_mirror(value, target):
        return True
    a, b = catalogue().match(value), catalogue().match(target)
    return a is not None and b is not None and a.mirror.id == b.mirror.id and a.form != "intranet"


def web_fmt(target: str, old: str) -> str:
    """``mirror_web_url_fmt`` for the mirror at ``target``, in ``old``'s slash style."""
    return target.rstrip("/") + "/{name}" + ("/" if old.endswith("/") else "")


def _vendor(value: str) -> bool:
    match = catalogue().match(value)
    return match is not None and match.mirror.is_vendor


class ProxyUpstreamOffPolicy(Rule):
    code = "PS110"
    name = "proxy-upstream-off-policy"
    summary = "A caching proxy (devpi) whose upstream is not the policy's mirror."
    why = (
        "A devpi proxy fetches every package it does not have from its upstream "
        "(`devpi index root/pypi mirror_url=...`, or a `SOURCE_MIRROR_URL`-style variable "
        "of the image that runs it). Clients can all point at the proxy and still depend on a "
        "mirror the team no longer wants, slower or gone, when that upstream drifts."
    )
    fix_safety = (
        "Safe when the old upstream is PyPI or a catalogued public mirror: `mirror_url` "
        "becomes the policy's upstream (`[proxy] upstream`, else the policy index), and a "
        "`mirror_web_url_fmt` of the same command follows it in the same edit "
        "(`<upstream>/{name}/`). Unsafe for a catalogued mirror's cloud-internal address or an "
        "uncatalogued mirror-shaped host, and when the old URL carries credentials (never "
        "copied); no fix for a private or unknown upstream. A devpi "
        "index that mirrors a vendor index (PyTorch, NVIDIA) is not judged."
    )
    fix_applicability = Applicability.SAFE
    also = frozenset({Applicability.UNSAFE})
    # where a devpi command or a proxy's environment is written (a requirements file, a
    # pip.conf, a project file or a conda environment file holds neither)
    kinds = UPSTREAM_KINDS
    needs_policy = True
    good = UPSTREAM_GOOD
    bad = UPSTREAM_BAD

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        target = upstream_target(ctx.policy)
        if target is None:
            return
        mine = [s for s in doc.settings if s.tool is Tool.PROXY and s.value]
        urls = {s.assign for s in mine if s.kind is K.PROXY_UPSTREAM}
        for s in mine:
            value = s.value or ""
            if s.kind is K.PROXY_WEB_FMT:
                if s.assign in urls:
                    continue  # follows its mirror_url's fix
                value = value.split("{name}", 1)[0]
            if _vendor(value) or _same_upstream(value, target):
                continue
            yield self._violation(s, value, target, mine)

    def _violation(self, s: Setting, value: str, target: str, mine: list[Setting]) -> Violation:
        what = "mirror_web_url_fmt" if s.kind is K.PROXY_WEB_FMT else "upstream"
        message = f"the proxy's {what} {value} is not the policy's upstream {target}"
        safety = origin(value).replace_safety
        parsed = parse_url(value)
        if safety is not None and parsed is not None and parsed.has_credentials:
            safety = Applicability.UNSAFE  # its credentials are not copied to the new one
        if safety is None or not s.editable:
            return Violation(s.span, f"{message} ({left_note(value)})", value)
        if s.kind is K.PROXY_WEB_FMT:
            edits = [Edit.replace(s.span, web_fmt(target, s.raw))]
        else:
            edits = [Edit.replace(s.span, rewrite_like(s.raw, target))]
            for f in mine:
                if f.kind is K.PROXY_WEB_FMT and f.assign == s.assign and f.editable:
                    edits.append(Edit.replace(f.span, web_fmt(target, f.raw)))
        fix = Fix(tuple(edits), safety, f"Follow {target}")
        return Violation(s.span, message, value, fix)


class VendorIndexBypassesProxy(Rule):
    code = "PS111"
    name = "vendor-index-bypasses-proxy"
    summary = "A vendor index fetched from the internet while vendors go through the proxy."
    why = (
        "With `[proxy] route-vendors = true` (or `--route-vendors`), the proxy keeps a mirror "
        "index for each vendor index (`root/torch-cu118` for "
        "`https://download.pytorch.org/whl/cu118`): every build that still names the vendor's "
        "own URL downloads gigabytes of CUDA wheels from the internet again, and fails where "
        "only the proxy is reachable. (A public index that bypasses the proxy is PS101's or "
        "PS102's.)"
    )
    fix_safety = (
        "Safe: the URL becomes the proxy's mirror index for it, "
        "`<proxy>/root/<name>/+simple/` (`pipsrc proxy-setup` prints the devpi commands that "
        "make it), and an http proxy gets its trusted-host where PS202 adds one. No fix for a "
        "vendor page that is no index (a find-links `.html` page), a URL with credentials, or "
        "a value pipsrc cannot edit."
    )
    fix_applicability = Applicability.SAFE
    needs_policy = True
    good = BYPASS_GOOD
    bad = BYPASS_BAD

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        proxy = ctx.policy.proxy_policy
        if not proxy.route_vendors or proxy.devpi is None:
            return
        for s in judged(doc):
            if s.kind not in (K.INDEX, K.EXTRA_INDEX) or not s.value or not _vendor(s.value):
                continue
            routed = proxy.routed(s.value)
            message = f"vendor index {s.value} is fetched from the internet, not through the proxy"
            parsed = parse_url(s.value)
            if parsed is not None and parsed.has_credentials:
                routed = None  # a login the proxy's mirror index would not carry
            if routed is None or not s.editable:
                yield Violation(s.span, message + " (no mirror index for it: change it by hand)",
                                s.value)  # fmt: skip
                continue
            name, url = routed
            new = rewrite_like(s.raw, url)
            fix = Fix((Edit.replace(s.span, new),), Applicability.SAFE,
                      f"Use the proxy's mirror index {name}")  # fmt: skip
            yield Violation(s.span, f"{message}: use its mirror index {new}", s.value, fix)


RULES: tuple[type[Rule], ...] = (ProxyUpstreamOffPolicy, VendorIndexBypassesProxy)
