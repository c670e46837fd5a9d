"""Facts derived from located settings, shared by the rules (SPEC §5).

Which settings are in force at a point of a scope (a Dockerfile stage
inherits from the stage it is built ``FROM``), what index an install site
really uses (CLI flag > environment > config written earlier in the scope; a
requirements-file ``-i`` replaces the list; none of these means pypi.org),
and which index hosts a trusted-host entry serves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pipsrc.model import Document, InstallSite, Method, Setting, SettingKind, Tool
from pipsrc.policy import Policy
from pipsrc.records import record
from pipsrc.urls import identity, parse_url, trusted_host_matches
from pipsrc.vocabulary import URL_KINDS

if TYPE_CHECKING:
    from pipsrc.context import Context

ENV_METHODS = frozenset({Method.ENV, Method.BUILD_ARG, Method.COMPOSE_ENV, Method.COMPOSE_ARG})
CONFIG_METHODS = frozenset({Method.PIP_CONFIG, Method.PIP_CONF})


@record
class Effective:
    """The index an install site uses, and where it comes from."""

    # cli | requirements | env | config | config-file | image | inherited | no-index | default
    source: str
    setting: Setting | None = None
    detail: str = ""

    @property
    def implicit_pypi(self) -> bool:
        return self.source == "default"


def live(settings: Iterable[Setting]) -> Iterator[Setting]:
    """Settings pip actually reads."""
    return (s for s in settings if s.ineffective is None)


def scope_chain(doc: Document, scope_id: str) -> list[str]:
    """The scope and the scopes it inherits from, nearest first (cycle-safe)."""
    chain: list[str] = []
    current: str | None = scope_id
    while current is not None and current not in chain:
        chain.append(current)
        scope = doc.scope(current)
        current = scope.parent if scope is not None else None
    return chain


def scope_settings(doc: Document, scope_id: str) -> list[Setting]:
    """Settings visible in a scope: its own and the inherited ones (not build args)."""
    chain = scope_chain(doc, scope_id)
    out = [s for s in doc.settings if s.scope == scope_id]
    for parent in chain[1:]:
        out.extend(
            s
            for s in doc.settings
            if s.scope == parent and s.method != Method.BUILD_ARG and s.site is None
        )
    return out


def last_index(doc: Document | None) -> Setting | None:
    """The primary index a whole file sets (the last one wins), if any."""
    if doc is None:
        return None
    idx = [s for s in live(doc.settings) if s.kind == SettingKind.INDEX]
    return idx[-1] if idx else None


def _reads(tool: Tool, setting: Setting) -> bool:
    return setting.tool == Tool.BOTH or setting.tool == tool


def effective_index(doc: Document, site: InstallSite, ctx: Context) -> Effective:
    """What index ``site`` would use (SPEC §5)."""
    found = _from_command(doc, site, ctx)
    if found is not None:
        return found
    for n, scope_id in enumerate(scope_chain(doc, site.scope)):
        found = _from_scope(doc, site, ctx, scope_id, own=n == 0)
        if found is not None:
            return found
    return Effective("default")


def _from_command(doc: Document, site: InstallSite, ctx: Context) -> Effective | None:
    """The index the command itself chooses, strongest first: ``--no-index``, an index
    flag, a requirements file's ``-i``, then a ``PIP_INDEX_URL=`` prefix."""
    for s in site.settings:
        if s.ineffective is None and s.kind == SettingKind.NO_INDEX:
            return Effective("no-index", s)
    cli = [
        s
        for s in site.settings
        if s.kind == SettingKind.INDEX and s.ineffective is None and s.method == Method.CLI
    ]
    if cli:
        return Effective("cli", cli[-1])
    for name in site.requirement_files:
        req = ctx.find_file(doc, name)
        found = last_index(req)
        if req is not None and found is not None:
            return Effective("requirements", found, req.path)
    prefix = [s for s in site.settings if s.kind == SettingKind.INDEX and s.ineffective is None]
    if prefix:
        return Effective("env", prefix[-1])
    return None


def _from_scope(
    doc: Document, site: InstallSite, ctx: Context, scope_id: str, own: bool
) -> Effective | None:
    """The index one scope of the site's chain sets (``own``: the site's own scope, where
    only what is written before the site counts), or None to look further up the chain.

    Environment beats configuration; a scope with config files pipsrc cannot resolve to
    an index, a fragment without ``FROM``, or a base image the policy says is configured
    ends the search without pypi.org being the answer.
    """
    candidates = [
        s
        for s in live(doc.settings)
        if s.scope == scope_id
        and s.site is None
        and s.kind == SettingKind.INDEX
        and _reads(site.tool, s)
        and (not own or s.position < site.span.start)
        and (own or s.method != Method.BUILD_ARG)
    ]
    env = [s for s in candidates if s.method in ENV_METHODS]
    if env:
        return Effective("env", max(env, key=lambda s: s.position))
    if site.tool != Tool.UV:
        conf = [s for s in candidates if s.method in CONFIG_METHODS]
        if conf:
            return Effective("config", max(conf, key=lambda s: s.position))
    scope = doc.scope(scope_id)
    if scope is None:
        return None
    opaque = scope.opaque_config or (own and site.opaque_config)
    if site.tool != Tool.UV and (scope.config_files or opaque):
        for name in scope.config_files:
            conf_doc = ctx.find_file(doc, name)
            found = last_index(conf_doc)
            if conf_doc is not None and found is not None:
                return Effective("config-file", found, conf_doc.path)
        return Effective("config-file", None, ", ".join(scope.config_files))
    if scope.fragment:
        return Effective("inherited", None, "fragment without FROM")
    if scope.parent is None and ctx.policy.image_configured(scope.base_image):
        return Effective("image", None, scope.base_image or "")
    return None


def index_hosts(settings: Iterable[Setting]) -> list[tuple[Setting, str]]:
    """(setting, value) for every live index-like setting with a resolved URL."""
    out = []
    for s in live(settings):
        if s.kind in URL_KINDS and s.value and parse_url(s.value) is not None:
            out.append((s, s.value))
    return out


def trusted_users(entry: str, settings: Iterable[Setting]) -> list[tuple[Setting, str]]:
    """The index-like settings whose host a trusted-host entry matches."""
    return [(s, v) for s, v in index_hosts(settings) if trusted_host_matches(entry, v)]


def dominant_index(docs: Iterable[Document], policy: Policy) -> str | None:
    """The most common primary index of the repository (consistency mode)."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for doc in sorted(docs, key=lambda d: d.path):
        for s in live(doc.settings):
            if s.kind != SettingKind.INDEX or not s.value:
                continue
            if policy.exception_for(s.value) is not None:
                continue
            key = identity(s.value)
            if key is None:
                continue
            counts[key] += 1
            first.setdefault(key, s.value)
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: (kv[1], -list(first).index(kv[0])))
    return first[best[0]]
