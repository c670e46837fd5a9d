"""The standard configuration patterns for a conda mirror: a .condarc, the `conda config`
commands that write the same, and an environment file that keeps to them.

The layout is the one the mirrors' help pages give (mirrorz-help ``anaconda.mdx``):
``defaults`` through ``default_channels`` under ``<base>/pkgs/``, community channels
through ``custom_channels`` (their base, ``<base>/cloud``, to which conda appends the
name), so that environment files keep portable channel names.
"""

from __future__ import annotations

from pipsrc.conda import CONDA_DEFAULT_CHANNELS
from pipsrc.report.patterns import Pattern


def conda_patterns(base: str, carried: tuple[str, ...] | None) -> list[Pattern]:
    """Every standard way to send conda to the mirror at ``base`` (already redacted);
    ``carried``: its community channels (None: a mirror given by URL, conda-forge shown)."""
    base = base.rstrip("/")
    channels = carried if carried else ("conda-forge",)
    defaults = [f"{base}/pkgs/{ch}" for ch in CONDA_DEFAULT_CHANNELS]
    condarc = (
        "channels:\n  - defaults\nshow_channel_urls: true\ndefault_channels:\n"
        + "".join(f"  - {u}\n" for u in defaults)
        + "custom_channels:\n"
        + "".join(f"  {ch}: {base}/cloud\n" for ch in channels)
    ).rstrip("\n")
    commands = "\n".join(
        [f"conda config --add default_channels {u}" for u in reversed(defaults)]
        + [f"conda config --set custom_channels.{ch} {base}/cloud" for ch in channels]
    )
    env = "channels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.12"
    return [
        Pattern("condarc", "yaml", condarc),
        Pattern("conda-config", "sh", commands),
        Pattern("conda-env", "yaml", env),
    ]
