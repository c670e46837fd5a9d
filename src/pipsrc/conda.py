"""conda channels: what a channel string names, and where a conda mirror serves it.

A channel is written as a name (``conda-forge``), the group ``defaults`` (what
``default_channels`` lists), ``nodefaults`` (environment files: leave ``defaults`` out), or
a URL. A URL is recognised on conda's own hosts (``repo.anaconda.com/pkgs/<ch>``,
``conda.anaconda.org/<ch>``, ``prefix.dev/<ch>``) and on every catalogued conda mirror
(``<base>/pkgs/<ch>`` for the channels of ``defaults``, ``<base>/cloud/<ch>`` for community
channels), so that a URL of one provider can be rewritten to the same channel of another.
Sources: docs.conda.io "Mirroring channels"; mirrorz-help ``contents/anaconda.mdx``.
"""

from __future__ import annotations

import functools

from pipsrc.catalogue import catalogue
from pipsrc.mirrors import (
    CONDA_ALIAS,
    CONDA_COMMUNITY_HOSTS,
    CONDA_DEFAULT_CHANNELS,
    CONDA_DEFAULTS,
    CONDA_DEFAULTS_LEGACY,
    CONDA_PKGS_CHANNELS,
)
from pipsrc.records import record
from pipsrc.urls import parse_url

DEFAULTS = "defaults"
NODEFAULTS = "nodefaults"
ANACONDA = "anaconda"  # the provider id of conda's own hosts
PREFIX = "prefix.dev"

__all__ = [
    "ANACONDA",
    "CONDA_ALIAS",
    "CONDA_DEFAULTS",
    "CONDA_DEFAULT_CHANNELS",
    "DEFAULTS",
    "NODEFAULTS",
    "ChannelUrl",
    "base_provider",
    "channel_url",
    "is_url",
    "mirror_url",
    "same_base",
]


@record(frozen=True)
class ChannelUrl:
    """A channel URL taken apart: who serves it, which channel, and what follows the name."""

    provider: str  # a catalogue id, "anaconda" (conda's own hosts) or "prefix.dev"
    channel: str  # main, r, msys2, conda-forge, pytorch ...
    pkgs: bool  # one of defaults' channels (<base>/pkgs/<ch>) rather than a community one
    rest: str  # what follows the name, kept by a rewrite ("/label/cuda-11.8.0", "/")


def is_url(value: str) -> bool:
    """Whether a channel is written as a URL (conda also reads ``file://`` channels)."""
    return "://" in value


def _key(url: str) -> str | None:
    """Scheme-less, lower-case host and path without a trailing slash."""
    parsed = parse_url(url)
    if parsed is None or parsed.scheme not in ("http", "https"):
        return None
    return (parsed.host_port + parsed.path).rstrip("/")


@functools.cache
def _bases() -> tuple[tuple[str, str, str], ...]:
    """(scheme-less base, provider, layout) for every known conda location, longest first:
    layout "pkgs" (<base>/<defaults channel>), "cloud" (<base>/<community channel>)."""
    out: list[tuple[str, str, str]] = []

    def add(url: str, provider: str, layout: str) -> None:
        key = _key(url)
        if key is not None:
            out.append((key, provider, layout))

    for host in (CONDA_DEFAULTS, *CONDA_DEFAULTS_LEGACY):
        add(host + "/pkgs", ANACONDA, "pkgs")
    add(CONDA_ALIAS, ANACONDA, "cloud")
    for host in CONDA_COMMUNITY_HOSTS:
        add(host, PREFIX, "cloud")
    for m in catalogue().mirrors:
        if m.conda:
            add(m.conda + "/pkgs", m.id, "pkgs")
            add(m.conda + "/cloud", m.id, "cloud")
    return tuple(sorted(out, key=lambda b: -len(b[0])))


def channel_url(url: str) -> ChannelUrl | None:
    """The provider and channel of a channel URL, None for a URL of no known provider."""
    key = _key(url)
    if key is None:
        return None
    for base, provider, layout in _bases():
        if not key.startswith(base + "/"):
            continue
        parts = key[len(base) + 1 :].split("/")
        if layout == "cloud" and provider == ANACONDA and parts[0] == "t" and len(parts) > 2:
            parts = parts[2:]  # conda.anaconda.org/t/<token>/<channel>
        name = parts[0]
        if not name or (layout == "pkgs" and name not in CONDA_PKGS_CHANNELS):
            return None
        rest = "".join("/" + p for p in parts[1:]) + ("/" if url.endswith("/") else "")
        return ChannelUrl(provider, name, layout == "pkgs", rest)
    return None


def base_provider(url: str) -> tuple[str, str] | None:
    """(provider, layout) when ``url`` is itself a base (a ``channel_alias`` or a
    ``custom_channels`` value): ``…/anaconda/cloud``, ``https://conda.anaconda.org``."""
    key = _key(url)
    if key is None:
        return None
    for base, provider, layout in _bases():
        if key == base:
            return provider, layout
    return None


def same_base(a: str, b: str) -> bool:
    """Two base URLs that name the same location (scheme and trailing slash aside)."""
    ka, kb = _key(a), _key(b)
    return ka is not None and ka == kb


def on_base(url: str, base: str) -> bool:
    """Whether ``url`` is under ``base`` (a policy mirror given as a URL)."""
    ku, kb = _key(url), _key(base)
    return ku is not None and kb is not None and (ku == kb or ku.startswith(kb + "/"))


def mirror_url(base: str, ch: ChannelUrl, like: str = "") -> str:
    """The URL of channel ``ch`` on the conda mirror at ``base``, with what followed the
    name in the original (a label, the trailing-slash style of ``like``)."""
    group = "pkgs" if ch.pkgs else "cloud"
    url = f"{base.rstrip('/')}/{group}/{ch.channel}{ch.rest.rstrip('/')}"
    return url + "/" if (like or ch.rest).endswith("/") else url
