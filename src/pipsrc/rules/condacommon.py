"""What the conda rules (PS6xx) share: which settings they judge, and judging a channel
against ``[tool.pipsrc.conda]``. pip's rules never see these settings (their kinds are
:data:`pipsrc.vocabulary.CONDA_KINDS`), and these rules never read pip's."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.conda import channel_url, is_url, mirror_url, on_base, same_base
from pipsrc.model import Document, Setting, SettingKind, Tool
from pipsrc.origin import origin
from pipsrc.policy import CondaPolicy
from pipsrc.urls import parse_url, rewrite_like

K = SettingKind

TUNA_CONDA = "https://mirrors.tuna.tsinghua.edu.cn/anaconda"
ALIYUN_CONDA = "https://mirrors.aliyun.com/anaconda"
TUNA_POLICY = '[conda]\nmirror = "tuna"\n'


def conda_settings(doc: Document) -> Iterator[Setting]:
    """conda's settings with a value (implied ones included: the rules say which they judge)."""
    for s in doc.settings:
        if s.tool is Tool.CONDA and s.value and s.ineffective is None:
            yield s


def http_url(value: str) -> bool:
    parsed = parse_url(value)
    return parsed is not None and parsed.scheme in ("http", "https")


def off_policy(s: Setting, conda: CondaPolicy) -> tuple[bool, str | None]:
    """(whether the setting is off the conda policy, the value that would put it on it).

    Channel URLs must be on the mirror; a ``channel_alias`` or ``custom_channels`` base must
    be the mirror's ``cloud`` base. Names (``conda-forge``, ``defaults``) are resolved by
    configuration, which is judged where it is written; ``file://`` channels are local.
    """
    value = s.value
    base = conda.mirror
    if base is None or value is None or s.implied or conda.allows(value):
        return False, None
    if s.kind in (K.CHANNEL, K.DEFAULT_CHANNEL):
        if not is_url(value) or not http_url(value) or on_base(value, base):
            return False, None
        ch = channel_url(value)
        if ch is None or not conda.carries(ch.channel, ch.pkgs):
            return True, None
        return True, mirror_url(base, ch)
    if s.kind in (K.CHANNEL_ALIAS, K.CUSTOM_CHANNEL):
        cloud = f"{base}/cloud"
        fixed = doubled(s)
        if not http_url(value) or same_base(fixed or value, cloud):
            return False, None  # on the mirror (a doubled name is PS603's)
        name = s.key.partition(".")[2]
        if s.kind is K.CUSTOM_CHANNEL and not conda.carries(name, False):
            return True, None
        if origin(value).cls == "private":
            return True, None  # a quetz proxy, an intranet host: what it serves is its own
        return True, rewrite_like(s.raw, cloud)
    return False, None


def doubled(s: Setting) -> str | None:
    """A ``custom_channels.NAME`` value that ends in ``/NAME``: conda appends the name to the
    base, so it looks in ``…/NAME/NAME``. The base it should be, or None."""
    if s.kind is not K.CUSTOM_CHANNEL or s.value is None:
        return None
    name = s.key.partition(".")[2]
    stripped = s.value.rstrip("/")
    if not name or not stripped.endswith("/" + name):
        return None
    base = stripped[: -len(name) - 1]
    return base + "/" if s.value.endswith("/") else base
