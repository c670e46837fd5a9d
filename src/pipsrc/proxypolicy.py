"""``[tool.pipsrc.proxy]``: the internal caching proxy (devpi) the clients go through.

```toml
[tool.pipsrc.proxy]
url = "http://devpi.internal:3141/root/pypi/+simple/"   # the proxy's simple index
upstream = "aliyun"          # what the proxy's PyPI mirror index follows (id or URL)
route-vendors = true         # vendor indexes go through mirror indexes on the proxy
```

``url`` becomes the policy index (as ``--proxy URL`` does). ``upstream`` is judged where the
proxy's set-up is written (``devpi index root/pypi mirror_url=...``, a compose variable
such as ``SOURCE_MIRROR_URL``: PS110); without it, the policy's ``index`` (when the file
names a mirror there) is the upstream. With ``route-vendors`` every catalogued vendor
index a client names (PyTorch's CUDA builds, NVIDIA ...) is rewritten to the mirror index
the proxy keeps for it, ``<base>/root/<name>/+simple/`` (PS111), and ``pipsrc proxy-setup``
prints the devpi commands that make those indexes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pipsrc.catalogue import UnknownMirror, catalogue
from pipsrc.records import record, replace
from pipsrc.urls import parse_url

KEYS = ("url", "upstream", "route-vendors")
# devpi: [<context path>]/<user>/<index>[/+simple][/]
_DEVPI = re.compile(r"^(?P<prefix>(?:/[^/+]+)*?)/(?P<user>[^/+]+)/(?P<index>[^/+]+)/\+simple/?$")
_ROOT = re.compile(r"^(?P<prefix>(?:/[^/+]+)*?)/root/(?P<index>[^/+]+)/?$")
# the name of the mirror index the proxy keeps for a vendor: "<vendor>-<last path part>"
_NAME = re.compile(r"[^a-z0-9._-]+")


@record(frozen=True)
class ProxyPolicy:
    """The proxy of ``[tool.pipsrc.proxy]`` (or ``--proxy URL --route-vendors``)."""

    url: str | None = None  # the proxy's simple index, as clients use it
    upstream: str | None = None  # URL of the mirror its PyPI mirror index follows
    upstream_id: str | None = None  # catalogue id of that mirror
    route_vendors: bool = False

    @property
    def devpi(self) -> tuple[str, str, str] | None:
        """(base URL, user, index) when ``url`` is a devpi index, else None."""
        parsed = parse_url(self.url or "")
        if parsed is None:
            return None
        m = _DEVPI.match(parsed.path) or _ROOT.match(parsed.path)
        if m is None:
            return None
        user = m.groupdict().get("user") or "root"
        base = f"{parsed.scheme}://{parsed.host_port}{m.group('prefix')}"
        return base, user, m.group("index")

    def own_index(self, value: str) -> str | None:
        """``user/index`` when ``value`` is another index of the same devpi proxy (a mirror
        index of a vendor, a team's index), else None (also for the proxy's own index)."""
        devpi, parsed = self.devpi, parse_url(value)
        if devpi is None or parsed is None:
            return None
        other = replace(self, url=value).devpi
        if other is None or other[0].split("://", 1)[1] != devpi[0].split("://", 1)[1]:
            return None
        if other[1:] == devpi[1:]:
            return None  # the proxy's own index: the policy index, no exception
        return f"{other[1]}/{other[2]}"

    def routed(self, vendor_url: str) -> tuple[str, str] | None:
        """(index name on the proxy, its client URL) for a catalogued vendor index, when
        vendors are routed through a devpi proxy; None otherwise."""
        devpi = self.devpi
        if not self.route_vendors or devpi is None:
            return None
        name = vendor_index_name(vendor_url)
        if name is None:
            return None
        return name, f"{devpi[0]}/root/{name}/+simple/"


def vendor_index_name(url: str) -> str | None:
    """The name of the proxy's mirror index for a catalogued vendor index:
    ``https://download.pytorch.org/whl/cu118`` -> ``torch-cu118`` (the catalogue's
    ``proxy_name``, else the vendor id, and the last part of the URL's path),
    ``https://pypi.nvidia.com`` -> ``nvidia``; None for a URL of no catalogued vendor."""
    match = catalogue().match(url)
    if match is None or not match.mirror.is_vendor:
        return None
    parsed = parse_url(url)
    if parsed is None or parsed.path.lower().endswith((".html", ".htm")):
        return None  # a find-links page, not an index a devpi mirror can follow
    m = match.mirror
    stem = m.proxy_name or m.id
    last = parsed.path.strip("/").rsplit("/", 1)[-1] if parsed.path.strip("/") else ""
    if last.lower() in ("", "simple", "whl", stem):
        return _NAME.sub("-", stem.lower())
    return _NAME.sub("-", f"{stem}-{last}".lower())


def vendor_for_index(name: str) -> str | None:
    """The vendor index a proxy's mirror index ``name`` follows (``torch-cu118`` ->
    ``https://download.pytorch.org/whl/cu118``): the inverse of :func:`vendor_index_name`,
    so that a repository already routed through the proxy still tells what to mirror."""
    for m in catalogue().mirrors:
        if not m.is_vendor:
            continue
        stem = _NAME.sub("-", (m.proxy_name or m.id).lower())
        url = m.url.rstrip("/")
        if name == stem:
            candidate = url
        elif name.startswith(stem + "-"):
            parsed = parse_url(url)
            head = url.rsplit("/", 1)[0] if parsed is not None and parsed.path.strip("/") else url
            candidate = f"{head}/{name[len(stem) + 1 :]}"
        else:
            continue
        if vendor_index_name(candidate) == name:
            return candidate
    return None


Fail = Callable[[str], Exception]


def read_proxy(value: Any, fail: Fail) -> ProxyPolicy:
    """``[proxy]``: ``url``, ``upstream`` and ``route-vendors``, each checked."""
    if not isinstance(value, dict):
        raise fail("proxy must be a table: [tool.pipsrc.proxy]")
    unknown = sorted(set(value) - set(KEYS))
    if unknown:
        raise fail(f"unknown proxy key {unknown[0]!r} (known: {', '.join(KEYS)})")
    out = ProxyPolicy()
    if "url" in value:
        url = value["url"]
        parsed = parse_url(url) if isinstance(url, str) else None
        if parsed is None or parsed.scheme not in ("http", "https"):
            raise fail("proxy.url must be the http(s) URL of the proxy's simple index")
        out = replace(out, url=url)
    if "upstream" in value:
        out = with_upstream(out, value["upstream"], fail)
    if "route-vendors" in value:
        if not isinstance(value["route-vendors"], bool):
            raise fail("proxy.route-vendors must be true or false")
        out = replace(out, route_vendors=value["route-vendors"])
    return out


def with_upstream(proxy: ProxyPolicy, value: Any, fail: Fail) -> ProxyPolicy:
    """The upstream: a catalogue id of a PyPI mirror, or an http(s) URL."""
    if not isinstance(value, str) or not value:
        raise fail("proxy.upstream must be a catalogue id or a URL")
    try:
        url = catalogue().resolve(value)
    except UnknownMirror as exc:
        raise fail(f"proxy.upstream: {exc}") from None
    parsed = parse_url(url)
    if parsed is None or parsed.scheme not in ("http", "https"):
        raise fail(f"proxy.upstream: {value!r} is not a catalogue id or an http(s) URL")
    match = catalogue().match(url)
    if match is not None and match.mirror.is_vendor:
        raise fail(f"proxy.upstream: {value!r} is a vendor index, not a PyPI mirror")
    mirror_id = match.mirror.id if match is not None else None
    return replace(proxy, upstream=url, upstream_id=mirror_id)
