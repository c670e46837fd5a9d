"""What an index *is*, for fix safety: public, or a place whose packages exist nowhere else.

A fix that replaces an index by the policy index keeps the build working only when the old
index serves what the policy index serves: PyPI itself or a public mirror of it. Anything
else may publish packages that no mirror has (a company's Nexus, a devpi on the office
network, a hardware vendor's wheel index), and replacing it breaks the build in a way no
parser can see. :func:`origin` sorts an index URL into one of these classes:

- ``public``: PyPI or a catalogued public mirror, in its canonical, alias, legacy or
  plain-http form: replacing it is safe.
- ``intranet``: a catalogued mirror's cloud-internal address (Aliyun's ECS endpoint ...):
  the same packages, but a build machine inside that cloud may reach nothing else, so
  replacing it is unsafe.
- ``mirror-like``: an uncatalogued host that is shaped like a public PyPI mirror
  (``mirrors.<university>/pypi/web/simple``): unsafe.
- ``vendor``: a catalogued vendor index, or a URL shaped like a wheel host (``/whl/``, an
  ``.html`` find-links page): never replaced.
- ``private``: a private address (RFC 1918 and other non-global IPs, single-label hosts,
  ``.local``/``.internal``/``.corp``/``.lan`` ..., reserved names such as ``.example``), an
  internal proxy shape (devpi ``/+simple/`` or ``/root/...``, Nexus
  ``/repository/NAME/``, Artifactory ``/artifactory/api/pypi/NAME``, quetz ``/get/CHANNEL``,
  GitLab, Azure Artifacts, CodeArtifact, Artifact Registry, Gemfury, Cloudsmith), or a URL with
  credentials: never replaced.
- ``unknown``: any other host: never replaced (only its owner knows what it serves).

The classes are checked in that order, so a catalogued vendor on an Artifactory
(Habana's vault) is a vendor, and a catalogued mirror on a Nexus path (Huawei Cloud) is
public.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pipsrc.catalogue import catalogue
from pipsrc.model import Applicability
from pipsrc.records import record
from pipsrc.urls import Url, parse_url

Class = Literal["public", "intranet", "mirror-like", "vendor", "private", "unknown"]

# host suffixes that never resolve on the public internet: RFC 6761/6762/8375 names and
# the intranet suffixes companies use
_PRIVATE_SUFFIXES = (
    ".local",
    ".localdomain",
    ".localhost",
    ".internal",
    ".intranet",
    ".corp",
    ".lan",
    ".home",
    ".home.arpa",
    ".private",
    ".svc",
    ".cluster.local",
    ".example",
    ".test",
    ".invalid",
)
# a label that names an intranet anywhere in the host (pypi.corp.acme.com)
_PRIVATE_LABELS = frozenset({"corp", "intranet", "internal", "intra", "lan"})
# (pattern over the path, what it is)
_PROXY_PATHS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"/\+simple(/|$)"), "a devpi index"),
    (re.compile(r"^/root(/|$)"), "a devpi index"),
    (re.compile(r"^(/[^/]+)?/repository/[^/]+(/|$)"), "a Nexus repository"),
    (re.compile(r"/artifactory/"), "an Artifactory repository"),
    (re.compile(r"^/api/pypi/[^/]+/simple"), "an Artifactory repository"),
    (re.compile(r"/api/v4/(projects|groups)/[^/]+/packages/pypi"), "a GitLab package registry"),
    (re.compile(r"/_packaging/[^/]+/pypi/"), "an Azure Artifacts feed"),
    (re.compile(r"^(/[^/]+)?/get/[^/]+"), "a quetz channel"),
)
_PROXY_HOSTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\.codeartifact\.[^.]+\.amazonaws\.com$"), "an AWS CodeArtifact repository"),
    (re.compile(r"-python\.pkg\.dev$"), "a Google Artifact Registry repository"),
    (re.compile(r"(^|\.)pkgs\.dev\.azure\.com$"), "an Azure Artifacts feed"),
    (re.compile(r"(^|\.)pypi\.fury\.io$"), "a Gemfury repository"),
    (re.compile(r"(^|\.)cloudsmith\.io$"), "a Cloudsmith repository"),
    (re.compile(r"(^|\.)packagecloud\.io$"), "a packagecloud repository"),
)
# a wheel host rather than a PyPI-shaped index
_WHEEL_PATH = re.compile(r"(^|/)(whl|whls|wheels)(/|$)|\.html?$", re.IGNORECASE)
# an uncatalogued public mirror: a mirror host serving PyPI's simple API
_MIRROR_HOST = re.compile(r"^(mirror|mirrors|mirrors\d*|mirror\d*)\.")
_MIRROR_PATH = re.compile(r"^/pypi(/web)?/simple/?$")


@record(frozen=True)
class Origin:
    """The class of an index URL, and why, in words a finding can quote."""

    cls: Class
    why: str

    @property
    def replace_safety(self) -> Applicability | None:
        """How safe replacing this index by the policy index is (None: never offered)."""
        if self.cls == "public":
            return Applicability.SAFE
        if self.cls in ("intranet", "mirror-like"):
            return Applicability.UNSAFE
        return None


def origin(url: str) -> Origin:
    """The class of the index ``url`` (see the module's docstring)."""
    parsed = parse_url(url)
    if parsed is None or parsed.scheme not in ("http", "https"):
        return Origin("unknown", f"{url} is not an http(s) URL")
    match = catalogue().match(url)
    if match is not None:
        m = match.mirror
        if m.is_vendor:
            return Origin("vendor", f"it is the {m.name_en} index ({m.reason_en})")
        if match.form == "intranet":
            return Origin(
                "intranet",
                f"it is {m.name_en}'s cloud-internal address: a build machine inside that "
                "network may reach no other index",
            )
        return Origin("public", f"it is {m.name_en}")
    private = _private(parsed)
    if private is not None:
        return Origin("private", private)
    if _WHEEL_PATH.search(parsed.path):
        return Origin("vendor", "it looks like a vendor's wheel index")
    if _MIRROR_HOST.match(parsed.host) and _MIRROR_PATH.match(parsed.path):
        return Origin("mirror-like", "it looks like a public PyPI mirror the catalogue lacks")
    return Origin("unknown", "it is not a catalogued public mirror")


def _private(url: Url) -> str | None:
    """Why ``url`` is a private index (an intranet address or an internal proxy), if it is."""
    if url.has_credentials:
        return "it needs credentials: a private index"
    host = url.host.strip("[]").lower()
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None and not ip.is_global:
        return f"{host} is a private network address"
    if ip is None and "." not in host:
        return f"{host} is a single-label host name: an intranet address"
    if ip is None and (
        host.endswith(_PRIVATE_SUFFIXES) or _PRIVATE_LABELS & set(host.split(".")[:-1])
    ):
        return f"{host} is an intranet or reserved host name, not a public one"
    for pattern, what in _PROXY_HOSTS:
        if pattern.search(host):
            return f"it is {what}: an internal proxy"
    for pattern, what in _PROXY_PATHS:
        if pattern.search(url.path):
            return f"it is {what}: an internal proxy"
    return None


def left_note(url: str) -> str:
    """Why a fix leaves an index that is not the policy's, for a finding's message."""
    o = origin(url)
    return (
        f"left as it is: {o.why}; packages published only there would be lost "
        "(allow it with `exceptions` or `extra-indexes` in the policy, or change it by hand)"
    )
