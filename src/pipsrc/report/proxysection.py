"""The report's section on the internal proxy (``--proxy`` or ``[tool.pipsrc.proxy]``):
which files' clients go through it, which client indexes bypass it, which vendor indexes
are routed through its mirror indexes, and the upstream its own set-up names."""

from __future__ import annotations

from collections.abc import Callable

from pipsrc.catalogue import catalogue
from pipsrc.engine.results import RunResult
from pipsrc.model import SettingKind, Tool
from pipsrc.policy import Policy
from pipsrc.records import field, record
from pipsrc.redaction import redact
from pipsrc.textio import LineIndex
from pipsrc.urls import same_mirror

K = SettingKind


@record
class ProxyFacts:
    url: str  # redacted
    upstream: str | None  # redacted
    upstream_id: str | None
    route_vendors: bool
    clients: list[str] = field(default_factory=list)  # files whose indexes all use the proxy
    bypass: list[tuple[str, int, str]] = field(default_factory=list)  # path, line, value
    routed: list[tuple[str, int, str]] = field(default_factory=list)  # path, line, user/index
    # path, line, value, and "ok" (the policy's upstream), "off" or "vendor" (a mirror index
    # of a vendor index, which no policy upstream is meant for)
    upstreams: list[tuple[str, int, str, str]] = field(default_factory=list)


def proxy_facts(result: RunResult, policy: Policy) -> ProxyFacts | None:
    """The proxy section's facts, None when the run has no proxy."""
    proxy = policy.proxy_policy
    if proxy.url is None:
        return None
    upstream = proxy.upstream
    facts = ProxyFacts(redact(proxy.url), redact(upstream) if upstream else None,
                       proxy.upstream_id, proxy.route_vendors)  # fmt: skip
    for r in sorted(result.files, key=lambda r: r.path):
        if r.doc is None:
            continue
        lines = LineIndex(r.doc.text)
        through = True
        used = False
        for s in r.doc.settings:
            if s.value is None or s.ineffective is not None:
                continue
            line = lines.line_col(s.span.start)[0]
            if s.tool is Tool.PROXY and s.kind is K.PROXY_UPSTREAM:
                facts.upstreams.append((r.path, line, redact(s.value), _status(s.value, upstream)))
            elif s.kind in (K.INDEX, K.EXTRA_INDEX) and s.tool is not Tool.PROXY:
                used = True
                own = proxy.own_index(s.value)
                if own is not None:
                    facts.routed.append((r.path, line, own))
                elif not policy.is_policy_index(s.value):
                    through = False
                    facts.bypass.append((r.path, line, redact(s.value)))
        if used and through:
            facts.clients.append(r.path)
    return facts


def _status(value: str, upstream: str | None) -> str:
    match = catalogue().match(value)
    if match is not None and match.mirror.is_vendor:
        return "vendor"
    return "ok" if upstream is not None and same_mirror(value, upstream) else "off"


def render_proxy(
    add: Callable[..., None], facts: ProxyFacts, lang: str, text: Callable[..., str],
    code: Callable[[str], str],
) -> None:  # fmt: skip
    """The section, through the report's own ``add``/``text``/``code`` helpers."""
    add("## " + text(lang, "proxy"))
    sep = "" if lang == "zh" else " "
    intro = [text(lang, "proxy_intro", url=facts.url)]
    if facts.upstream is None:
        intro.append(text(lang, "proxy_no_upstream"))
    else:
        mirror = catalogue().get(facts.upstream_id) if facts.upstream_id else None
        url = code(facts.upstream)
        paren = f"（{url}）" if lang == "zh" else f" ({url})"
        name = mirror.name(lang) + paren if mirror else url
        intro.append(text(lang, "proxy_upstream", name=name))
    if facts.route_vendors:
        intro.append(text(lang, "proxy_routes"))
    add(sep.join(intro))
    rows = [
        ("proxy_clients", len(facts.clients)),
        ("proxy_bypass", len(facts.bypass)),
        ("proxy_routed", len(facts.routed)),
        ("proxy_upstreams", len(facts.upstreams)),
    ]
    add(
        f"| {text(lang, 'measure')} | {text(lang, 'count')} |",
        "|---|---|",
        *(f"| {text(lang, key)} | {n} |" for key, n in rows),
    )
    colon = "：" if lang == "zh" else ": "
    for key, items in (
        ("proxy_clients", [f"- {code(p)}" for p in facts.clients]),
        ("proxy_bypass", [f"- {code(f'{p}:{n}')} {code(v)}" for p, n, v in facts.bypass]),
        ("proxy_routed", [f"- {code(f'{p}:{n}')} {code(v)}" for p, n, v in facts.routed]),
        ("proxy_upstreams", [
            f"- {code(f'{p}:{n}')} {code(v)}{colon}"
            + text(lang, f"proxy_upstream_{status}")
            for p, n, v, status in facts.upstreams
        ]),
    ):  # fmt: skip
        if items:
            add(f"**{text(lang, key)}**{colon}" if lang == "zh" else f"**{text(lang, key)}**:")
            add(*items)
    if facts.routed or facts.route_vendors:
        add(text(lang, "proxy_setup"))
