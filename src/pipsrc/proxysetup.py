"""``pipsrc proxy-setup``: the devpi indexes a repository needs on its proxy, as commands.

From the policy's proxy (``--proxy URL`` or ``[tool.pipsrc.proxy] url``), its upstream and
the vendor indexes the repository's files name (directly, or already routed to the proxy's
``root/<name>`` mirror index), the plan is:

- the proxy's PyPI mirror index (``root/pypi``, or ``root/<index>`` when the proxy URL names
  a root index) following the policy's upstream;
- one mirror index per vendor index, ``root/<name>`` (``root/torch-cu118``), with
  ``mirror_url`` and ``mirror_web_url_fmt`` from the catalogue's URL;
- when the proxy URL names a user's index (``team/dev/+simple/``), that index, inheriting
  (``bases``) from all of them.

Every index is written as "modify, else create" (``devpi index NAME k=v ... || devpi index -c
NAME type=mirror k=v ...``), so the script can run again after each change. The JSON form
carries the same plan and the argument lists for automation.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable

from pipsrc.model import Document, SettingKind, Tool
from pipsrc.policy import Policy
from pipsrc.proxypolicy import vendor_for_index, vendor_index_name
from pipsrc.records import field, record
from pipsrc.redaction import redact
from pipsrc.textio import LineIndex

K = SettingKind


class NoProxy(ValueError):
    """The policy names no devpi proxy (the message says what to give)."""


@record
class DevpiIndex:
    name: str  # user/index
    role: str  # upstream | vendor | user
    mirror_url: str | None = None
    mirror_web_url_fmt: str | None = None
    bases: tuple[str, ...] = ()
    used_by: list[str] = field(default_factory=list)  # path:line of the settings naming it

    @property
    def options(self) -> list[str]:
        out = []
        if self.mirror_url:
            out.append(f"mirror_url={self.mirror_url}")
        if self.mirror_web_url_fmt:
            out.append(f"mirror_web_url_fmt={self.mirror_web_url_fmt}")
        if self.bases:
            out.append("bases=" + ",".join(self.bases))
        return out

    @property
    def modify(self) -> list[str]:
        return ["devpi", "index", self.name, *self.options]

    @property
    def create(self) -> list[str]:
        kind = [] if self.role == "user" else ["type=mirror"]
        return ["devpi", "index", "-c", self.name, *kind, *self.options]


@record
class Plan:
    server: str  # the devpi server's base URL
    proxy: str  # the client index URL
    upstream: str | None
    indexes: list[DevpiIndex]


def web_fmt(url: str) -> str:
    """Where devpi's web pages link a project of the mirror at ``url``."""
    return url.rstrip("/") + "/{name}/"


def plan(docs: Iterable[Document], policy: Policy) -> Plan:
    """The indexes the repository's clients need on the policy's devpi proxy."""
    proxy = policy.proxy_policy
    devpi = proxy.devpi
    if proxy.url is None or devpi is None:
        raise NoProxy(
            "proxy-setup needs a devpi proxy: --proxy URL of its simple index "
            "(http://HOST:3141/root/pypi/+simple/) or [tool.pipsrc.proxy] url"
        )
    base, user, index = devpi
    upstream = proxy.upstream
    mirror_name = f"root/{index}" if user == "root" else "root/pypi"
    first = DevpiIndex(mirror_name, "upstream", upstream, web_fmt(upstream) if upstream else None)
    vendors: dict[str, DevpiIndex] = {}
    for doc, line, vendor, name in _vendor_uses(docs, policy):
        entry = vendors.setdefault(
            name, DevpiIndex(f"root/{name}", "vendor", vendor, web_fmt(vendor))
        )
        entry.used_by.append(f"{doc.path}:{line}")
    indexes = [first, *(vendors[k] for k in sorted(vendors))]
    if user != "root":
        bases = tuple(i.name for i in indexes)
        indexes.append(DevpiIndex(f"{user}/{index}", "user", bases=bases))
    return Plan(base, proxy.url, upstream, indexes)


def _vendor_uses(
    docs: Iterable[Document], policy: Policy
) -> Iterable[tuple[Document, int, str, str]]:
    """(document, line, vendor URL, mirror index name) for each index setting that names a
    vendor index, or the proxy's mirror index of one."""
    proxy = policy.proxy_policy
    for doc in sorted(docs, key=lambda d: d.path):
        lines: LineIndex | None = None
        for s in doc.settings:
            if s.kind not in (K.INDEX, K.EXTRA_INDEX) or s.tool is Tool.PROXY or not s.value:
                continue
            name = vendor_index_name(s.value)
            vendor = s.value.rstrip("/") if name is not None else None
            own = proxy.own_index(s.value)
            if own is not None and own.startswith("root/"):
                name = own.partition("/")[2]
                vendor = vendor_for_index(name)
            if name is None or vendor is None:
                continue
            lines = lines or LineIndex(doc.text)
            yield doc, lines.line_col(s.span.start)[0], vendor, name


def as_shell(p: Plan) -> str:
    """The plan as a POSIX shell script of devpi-client commands."""
    out = [
        "#!/bin/sh",
        f"# The indexes {redact(p.proxy)} needs, from pipsrc proxy-setup. Each index is",
        "# modified when it exists and created when it does not: run it again after a change.",
        "# Log in as a user that may change them first (devpi login root).",
        "set -e",
        shlex.join(["devpi", "use", redact(p.server)]),
    ]
    for i in p.indexes:
        out.append(_comment(i))
        if not i.options:
            continue
        modify, create = (shlex.join([redact(a) for a in c]) for c in (i.modify, i.create))
        out.append(f"{modify} >/dev/null 2>&1 || \\\n    {create}")
    return "\n".join(out) + "\n"


def _comment(i: DevpiIndex) -> str:
    if i.role == "upstream":
        if i.mirror_url is None:
            return f"# {i.name}: no upstream in the policy ([proxy] upstream): devpi's default"
        return f"# {i.name}: the PyPI mirror, following {redact(i.mirror_url)}"
    if i.role == "vendor":
        return f"# {i.name}: a mirror of {redact(i.mirror_url or '')} ({', '.join(i.used_by)})"
    return f"# {i.name}: the index clients use, inheriting from the mirrors"


def as_json(p: Plan) -> str:
    """The plan for automation: the indexes, and the argument lists that make each."""
    data = {
        "version": 1,
        "server": redact(p.server),
        "proxy": redact(p.proxy),
        "upstream": redact(p.upstream) if p.upstream else None,
        "indexes": [
            {
                "name": i.name,
                "role": i.role,
                "type": "stage" if i.role == "user" else "mirror",
                "mirror_url": redact(i.mirror_url) if i.mirror_url else None,
                "mirror_web_url_fmt": i.mirror_web_url_fmt,
                "bases": list(i.bases),
                "used_by": i.used_by,
                "modify": [redact(a) for a in i.modify] if i.options else None,
                "create": [redact(a) for a in i.create] if i.options else None,
            }
            for i in p.indexes
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
