"""PS603: a ``custom_channels`` entry at odds with ``channel_alias``, or with itself."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.conda import base_provider, same_base
from pipsrc.context import Context
from pipsrc.model import Applicability, Document, Edit, Fix, Setting, Severity
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.condacommon import (
    ALIYUN_CONDA,
    TUNA_CONDA,
    K,
    conda_settings,
    doubled,
    http_url,
    off_policy,
)
from pipsrc.urls import host_port, rewrite_like

_cf = "conda config --set custom_channels.conda-forge"
_head = f"FROM continuumio/miniconda3\nRUN conda config --set channel_alias {TUNA_CONDA}/cloud"
_pt = "conda config --set custom_channels.pytorch"


class CustomChannelMismatch(Rule):
    code = "PS603"
    name = "custom-channel-mismatch"
    severity = Severity.WARNING
    summary = (
        "A custom_channels entry that disagrees with channel_alias, or names its channel twice."
    )
    why = (
        "`custom_channels` beats `channel_alias` for its channel, so an entry that points at "
        "another server than the alias is usually a leftover of an earlier mirror: one "
        "channel quietly comes from elsewhere. Its value is a base to which conda appends "
        "the channel name: `conda-forge: …/cloud/conda-forge` makes conda look in "
        "`…/cloud/conda-forge/conda-forge`, which does not exist."
    )
    fix_safety = (
        "Safe: a doubled channel name is cut from the base. Unsafe: an entry at odds with "
        "`channel_alias` is pointed at the alias (the alias's server may not carry that "
        "channel)."
    )
    fix_applicability = Applicability.SAFE
    also = frozenset({Applicability.UNSAFE})
    # environment files have no channel_alias or custom_channels; pip's files no channels
    kinds = frozenset({"condarc", "shell", "dockerfile"})
    good = (
        Example(".condarc", f"channel_alias: {TUNA_CONDA}/cloud\ncustom_channels:\n"
                f"  pytorch: {TUNA_CONDA}/cloud\n", mirror=None),
        Example("setup.sh", f"#!/bin/sh\nconda config --set custom_channels.conda-forge "
                f"{TUNA_CONDA}/cloud\n", mirror=None),
        Example("Dockerfile", f"FROM continuumio/miniconda3\nRUN conda config --set "
                f"custom_channels.pytorch {TUNA_CONDA}/cloud/\n", mirror=None),
    )  # fmt: skip
    bad = (
        Example(
            ".condarc",
            f"custom_channels:\n  conda-forge: {TUNA_CONDA}/cloud/conda-forge\n",
            fixed=f"custom_channels:\n  conda-forge: {TUNA_CONDA}/cloud\n",
            mirror=None,
        ),
        Example(
            ".condarc",
            f"channel_alias: {TUNA_CONDA}/cloud\n"
            f"custom_channels:\n  pytorch: {ALIYUN_CONDA}/cloud\n",
            fixed=f"channel_alias: {TUNA_CONDA}/cloud\n"
            f"custom_channels:\n  pytorch: {TUNA_CONDA}/cloud\n",
            unsafe=True,
            mirror=None,
        ),
        Example(
            "setup.sh",
            f"#!/bin/sh\n{_cf} {TUNA_CONDA}/cloud/conda-forge/\n",
            fixed=f"#!/bin/sh\n{_cf} {TUNA_CONDA}/cloud/\n",
            mirror=None,
        ),
        Example(
            "Dockerfile",
            f"{_head} && \\\n    {_pt} http://{ALIYUN_CONDA[8:]}/cloud\n",
            fixed=f"{_head} && \\\n    {_pt} {TUNA_CONDA}/cloud\n",
            unsafe=True,
            mirror=None,
        ),
    )  # fmt: skip

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        settings = list(conda_settings(doc))
        aliases = [s for s in settings if s.kind is K.CHANNEL_ALIAS and s.value]
        for s in settings:
            if s.kind is not K.CUSTOM_CHANNEL or off_policy(s, ctx.policy.conda)[0]:
                continue  # PS601 points it at the conda mirror
            base = doubled(s)
            if base is not None:
                fix = Fix((Edit.replace(s.span, base),), Applicability.SAFE,
                          f"Use the base {base}") if s.editable else None  # fmt: skip
                yield Violation(s.span, f"{s.key} names its channel twice: conda appends "
                                f"the name to {s.value}", s.value or "", fix)  # fmt: skip
                continue
            alias = _alias_for(s, aliases)
            if alias is not None and _apart(s, alias):
                assert alias.value is not None
                target = rewrite_like(s.raw, alias.value)
                title = f"Use the channel_alias {alias.value}"
                edits = (Edit.replace(s.span, target),)
                fix = Fix(edits, Applicability.UNSAFE, title) if s.editable else None
                yield Violation(s.span, f"{s.key} is {s.value} but channel_alias is "
                                f"{alias.value}", s.value or "", fix, [alias.span])  # fmt: skip


def _alias_for(s: Setting, aliases: list[Setting]) -> Setting | None:
    """The channel_alias of the same scope (the last one written), if any."""
    same = [a for a in aliases if a.scope == s.scope]
    return same[-1] if same else None


def _apart(s: Setting, alias: Setting) -> bool:
    """A custom base on another server than the alias: other catalogued providers, or
    other hosts. An alias that is no known base on the custom base's own host is the odd
    one out (``…/anaconda`` without ``/cloud``), not the custom entry."""
    value, other = s.value or "", alias.value or ""
    if not (http_url(value) and http_url(other)) or same_base(value, other):
        return False
    mine, theirs = base_provider(value), base_provider(other)
    if mine is not None and theirs is not None:
        return mine[0] != theirs[0]
    return host_port(value) != host_port(other)


RULES: tuple[type[Rule], ...] = (CustomChannelMismatch,)
