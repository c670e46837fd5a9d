"""The oracles' own view of package-index URLs: a fixed vocabulary, each URL with its class.

This table is deliberately independent of pipsrc's catalogue: the oracles judge pipsrc's
rewrites, so they must not ask pipsrc what a URL is. Every URL the generators write comes
from :data:`VOCABULARY`; a URL met in a rewritten file that is neither in the file before the
fix (or the canonical form of one that was) nor the policy index is "unexpected".

Classes:

* ``policy``: the index the run was given (``--mirror aliyun``: Aliyun over https)
* ``public``: PyPI and the catalogued public mirrors (a fix points them at the policy)
* ``vendor``: vendor indexes that stay (PyTorch CUDA builds, NVIDIA): allowed exceptions
* ``private``: anything else (an intranet Nexus, a devpi on an intranet IP, a vendor's
  private index, a URL with credentials): it may host packages no public mirror has, so a fix
  must never replace it by a public mirror
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

POLICY_URL = "https://mirrors.aliyun.com/pypi/simple/"


@dataclass(frozen=True)
class IndexURL:
    url: str
    cls: str  # policy | public | vendor | private
    canonical: str | None = None  # the catalogued form a legacy address may be rewritten to


VOCABULARY: tuple[IndexURL, ...] = (
    IndexURL("https://mirrors.aliyun.com/pypi/simple/", "policy"),
    IndexURL("https://mirrors.aliyun.com/pypi/simple", "policy"),
    IndexURL("http://mirrors.aliyun.com/pypi/simple/", "public", POLICY_URL),
    IndexURL("https://pypi.org/simple", "public"),
    IndexURL("https://pypi.org/simple/", "public"),
    IndexURL("https://pypi.python.org/simple", "public", "https://pypi.org/simple/"),
    IndexURL("https://pypi.tuna.tsinghua.edu.cn/simple", "public"),
    IndexURL("https://mirrors.ustc.edu.cn/pypi/simple", "public"),
    IndexURL("http://pypi.douban.com/simple/", "public", "https://pypi.doubanio.com/simple/"),
    IndexURL("https://pypi.doubanio.com/simple/", "public"),
    IndexURL("https://mirrors.cloud.tencent.com/pypi/simple", "public"),
    IndexURL("https://download.pytorch.org/whl/cu118", "vendor"),
    IndexURL("https://download.pytorch.org/whl/cu121", "vendor"),
    IndexURL("https://pypi.nvidia.com", "vendor"),
    IndexURL("https://nexus.corp.example/repository/pypi-group/simple", "private"),
    IndexURL("http://10.8.0.12:3141/root/dev/+simple/", "private"),
    IndexURL("https://pypi.vendor-sdk.example/simple/", "private"),
)

# the URLs each class offers the generators
PUBLIC = tuple(u.url for u in VOCABULARY if u.cls == "public")
POLICY = tuple(u.url for u in VOCABULARY if u.cls == "policy")
VENDOR = tuple(u.url for u in VOCABULARY if u.cls == "vendor")
PRIVATE = tuple(u.url for u in VOCABULARY if u.cls == "private")
ALL = tuple(u.url for u in VOCABULARY)

_URL_RE = re.compile(r"""https?://[^\s"'`<>|;&)(\\{}]+""")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise(url: str) -> str:
    """Scheme and host case, default ports, the trailing slash: what pip treats alike."""
    url = url.strip().strip("\"'")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    netloc = host if port in (None, _DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"


_BY_NORMAL = {normalise(u.url): u for u in VOCABULARY}
_POLICY_NORMAL = normalise(POLICY_URL)


def classify(url: str, policy: str = POLICY_URL) -> str:
    """policy | public | vendor | private | unknown (never seen in the vocabulary)."""
    n = normalise(url)
    if n == normalise(policy):
        return "policy"
    if "download.pytorch.org/whl/" in n:
        return "vendor"  # the CUDA variant may be a variable
    known = _BY_NORMAL.get(n)
    if known is None:
        return "unknown"
    if known.cls == "policy":  # the policy of *this* run may be another index (--proxy)
        return "public"
    return known.cls


def canonical_forms(url: str) -> set[str]:
    """``url`` and the catalogued form a legacy-address fix may rewrite it to (normalised)."""
    n = normalise(url)
    known = _BY_NORMAL.get(n)
    out = {n}
    if known is not None and known.canonical:
        out.add(normalise(known.canonical))
    return out


def urls_in(text: str) -> list[str]:
    """Every http(s) URL written in ``text`` (quotes and shell punctuation excluded)."""
    return [m.group(0).rstrip(".,") for m in _URL_RE.finditer(text)]


def host_of(url: str) -> str:
    """``host`` or ``host:port`` as pip's trusted-host compares it."""
    parts = urlsplit(url.strip("\"'"))
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


# `--route-vendors` with a devpi proxy as the policy index: a vendor index may become the
# proxy's mirror index for it. The oracles' own naming (host/path prefix -> index name stem),
# kept apart from pipsrc's catalogue like the rest of this table.
_ROUTED = (
    ("https://download.pytorch.org/whl/", "torch-"),
    ("https://pypi.nvidia.com", "nvidia"),
    ("https://pypi.ngc.nvidia.com", "nvidia"),
)
_DEVPI_POLICY = re.compile(r"^(https?://[^/]+)/[^/+]+/[^/+]+/\+simple/?$")


def routed_form(url: str, policy: str) -> str | None:
    """The normalised URL of the policy proxy's mirror index for vendor ``url``, if any."""
    m = _DEVPI_POLICY.match(normalise(policy) + "/")
    n = normalise(url)
    if m is None:
        return None
    for prefix, stem in _ROUTED:
        if n == prefix.rstrip("/") or (prefix.endswith("/") and n.startswith(prefix)):
            tail = n[len(prefix) :] if prefix.endswith("/") else ""
            return f"{m.group(1)}/root/{stem}{tail}/+simple"
    return None


# a proxy's own upstream written next to these names (devpi's index options, an image's
# variable): a fix may point it at a public mirror, which no client reads
_UPSTREAM_LINE = re.compile(r"mirror_url=|mirror_web_url_fmt=|MIRROR_URL|UPSTREAM")


def upstream_only(text: str, url: str) -> bool:
    """Whether every line of ``text`` that names ``url`` sets a proxy's upstream."""
    lines = [ln for ln in text.splitlines() if url in ln]
    return bool(lines) and all(_UPSTREAM_LINE.search(ln) for ln in lines)
