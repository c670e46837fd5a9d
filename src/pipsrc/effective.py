"""Facts derived from located settings, shared by the rules (SPEC §5).

Which settings are in force in a scope (a Dockerfile stage inherits from the stage it is
built ``FROM``), which index hosts a trusted-host entry serves, and the repository's
dominant index. What index an install site really uses is :mod:`pipsrc.resolution`.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pipsrc.model import Document, InstallSite, Method, Setting, SettingKind, Tool
from pipsrc.policy import Policy
from pipsrc.urls import bare_trusted_host, identity, parse_url, trusted_host_matches
from pipsrc.vocabulary import URL_KINDS

if TYPE_CHECKING:
    pass

ENV_METHODS = frozenset(
    {Method.ENV, Method.BUILD_ARG, Method.COMPOSE_ENV, Method.COMPOSE_ARG, Method.CI_ENV,
     Method.DOTENV, Method.NOTEBOOK_ENV, Method.TOX_ENV, Method.PYTHON_ENV}
)  # fmt: skip


def reaches_index(site: InstallSite) -> bool:
    """Whether an install asks an index for anything. ``--no-deps`` with only wheel files
    to install asks for nothing; with local paths, URLs or VCS sources it still asks for
    their build requirements unless ``--no-build-isolation`` is given too (pip installs
    setuptools & co. into an isolated environment from the index). ``uv sync --frozen``
    (and ``uv run --frozen``) installs the URLs its lock records and reads no index."""
    if site.tool is Tool.UV and "--frozen" in site.options:
        return False  # `uv sync --frozen`: the URLs recorded in the lock, no index (PS108)
    targets = site.targets
    if "--no-deps" not in site.options or not targets or site.requirement_files:
        return True
    if any(t is None or t.startswith("-") for t in targets):
        return True
    names = [t for t in targets if t is not None]
    if all(t.lower().endswith(".whl") for t in names):
        return False
    sources = all("/" in t or t.startswith(".") or "://" in t or t.endswith(".zip")
                  or t.endswith(".tar.gz") for t in names)  # fmt: skip
    return not (sources and "--no-build-isolation" in site.options)


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


def served_by(th: Setting, settings: list[Setting]) -> list[tuple[Setting, str]]:
    """The index-like settings among ``settings`` that the trusted-host ``th`` serves. A
    command's own ``--trusted-host`` serves that command only: its own flags, and the
    scope's settings it does not replace (its own ``--index-url`` replaces the scope's)."""
    users = trusted_users(bare_trusted_host(th.value or "") or th.value or "", settings)
    if th.site is None:
        return users
    own_index = any(u.site == th.site and u.kind == SettingKind.INDEX for u in settings)
    return [
        (u, v)
        for u, v in users
        if u.site == th.site or (u.site is None and not (own_index and u.kind == SettingKind.INDEX))
    ]


def _general(s: Setting) -> bool:
    """An index that can be a repository's usual one: any configured default (pip.conf,
    a variable, a project file), but a command's own ``--index-url`` only when it is PyPI or
    a catalogued mirror (a per-package vendor feed is not the usual index)."""
    if s.site is None:
        return True
    from pipsrc.catalogue import catalogue

    match = catalogue().match(s.value or "")
    return match is not None and match.mirror.kind == "mirror"


def dominant_index(docs: Iterable[Document], policy: Policy) -> str | None:
    """The most common primary index of the repository (consistency mode)."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for doc in sorted(docs, key=lambda d: d.path):
        for s in live(doc.settings):
            if s.kind != SettingKind.INDEX or not s.value:
                continue
            if policy.exception_for(s.value) is not None or not _general(s):
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


def copied_from(doc: Document, chain_ids: list[str], path: str, before: int) -> str | None:
    """The build-context file a Dockerfile stage (or one it is built from) COPYs to the
    image path ``path`` before offset ``before``: ``COPY requirements.txt /tmp`` (a
    directory: the file keeps its name), ``COPY req.txt /tmp/r.txt``, ``COPY . /app`` (a
    tree). The latest such COPY wins."""
    copies = [
        c
        for sid in chain_ids
        if (sc := doc.scope(sid)) is not None
        for c in sc.copies
        if c[2] < before
    ]
    for src, dest, _at in sorted(copies, key=lambda c: c[2], reverse=True):
        src = src.rstrip("/") or "."
        inside = dest.rstrip("/") + "/"  # what a path under the destination starts with
        dest = inside.rstrip("/") or "/"
        if path == dest and src != "." and not src.endswith("*"):
            return src
        if posixpath.dirname(path) == dest and posixpath.basename(path) == posixpath.basename(src):
            return src
        if src == "." and path.startswith(inside):
            return path[len(inside) :]
    return None
