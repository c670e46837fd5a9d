"""Rules on conda channels (PS6xx): off the conda policy (PS601), Anaconda's ``defaults``
(PS602), a ``custom_channels`` entry at odds with ``channel_alias`` (PS603)."""

from __future__ import annotations

from collections.abc import Iterator

from pipsrc.conda import ANACONDA, DEFAULTS, channel_url, is_url
from pipsrc.context import Context
from pipsrc.model import Applicability, Document, Edit, Fix, Method, Setting, Severity
from pipsrc.redaction import credentials_in
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.condacommon import (
    ALIYUN_CONDA,
    TUNA_CONDA,
    TUNA_POLICY,
    K,
    conda_settings,
    off_policy,
)

_KINDS = frozenset({"condarc", "conda-env", "shell", "dockerfile"})


class ChannelOffPolicy(Rule):
    code = "PS601"
    name = "channel-off-policy"
    summary = "A conda channel, default_channels entry or channel base not on the conda mirror."
    why = (
        "With `[tool.pipsrc.conda] mirror` set, every conda channel should come from that "
        "mirror, as every pip install comes from the policy index: a channel URL of another "
        "mirror or of conda.anaconda.org makes builds slow or dependent on a server nobody "
        "chose. In a .condarc, a channel name that neither `channel_alias` nor "
        "`custom_channels` sends to a mirror is looked up at conda.anaconda.org."
    )
    fix_safety = (
        "Safe: the same channel on the conda mirror (`<mirror>/pkgs/main`, "
        "`<mirror>/cloud/conda-forge`, a label kept), or the mirror's `cloud` base for "
        "`channel_alias` and `custom_channels`, when the catalogue's help-page URLs say the "
        "mirror carries that channel. Unsafe when the catalogue only reports the mirror's "
        "conda URLs, or the old URL holds credentials. None for a channel the mirror does "
        "not carry, for a name, and for a base on an internal proxy (a quetz `/get/` "
        "channel, an intranet host), which may serve channels no mirror has."
    )
    fix_applicability = Applicability.SAFE
    also = frozenset({Applicability.UNSAFE})
    needs_policy = True
    kinds = _KINDS
    good = (
        Example(".condarc", f"channels:\n  - {TUNA_CONDA}/cloud/conda-forge/\n",
                mirror=None, policy=TUNA_POLICY),
        Example("environment.yml", "channels:\n  - pytorch\n  - conda-forge\n  - nodefaults\n"
                "dependencies:\n  - pytorch\n", mirror=None, policy=TUNA_POLICY),
        Example("setup.sh", f"#!/bin/sh\nconda install -y -c {TUNA_CONDA}/cloud/pytorch pytorch\n",
                mirror=None, policy=TUNA_POLICY),
        # a company channel the policy allows
        Example("Dockerfile", "FROM continuumio/miniconda3\n"
                "RUN conda install -c https://conda.corp.example/ml corp-models\n", mirror=None,
                policy=TUNA_POLICY + 'allowed-channels = ["https://conda.corp.example/*"]\n'),
    )  # fmt: skip
    bad = (
        Example(
            ".condarc",
            f"channels:\n  - {ALIYUN_CONDA}/cloud/conda-forge/\n  - {ALIYUN_CONDA}/pkgs/main/\n",
            fixed=f"channels:\n  - {TUNA_CONDA}/cloud/conda-forge/\n  - {TUNA_CONDA}/pkgs/main/\n",
            mirror=None,
            policy=TUNA_POLICY,
        ),
        Example(
            "environment.yml",
            "channels:\n  - https://conda.anaconda.org/conda-forge\n  - nodefaults\n"
            "dependencies:\n  - numpy\n",
            fixed=f"channels:\n  - {TUNA_CONDA}/cloud/conda-forge\n  - nodefaults\n"
            "dependencies:\n  - numpy\n",
            mirror=None,
            policy=TUNA_POLICY,
        ),
        Example(
            "setup.sh",
            f"#!/bin/sh\nconda install -y -c {ALIYUN_CONDA}/cloud/pytorch pytorch\n",
            fixed=f"#!/bin/sh\nconda install -y -c {TUNA_CONDA}/cloud/pytorch pytorch\n",
            mirror=None,
            policy=TUNA_POLICY,
        ),
        Example(
            "Dockerfile",
            "FROM continuumio/miniconda3\n"
            "RUN conda config --set channel_alias https://conda.anaconda.org\n",
            fixed="FROM continuumio/miniconda3\n"
            f"RUN conda config --set channel_alias {TUNA_CONDA}/cloud\n",
            mirror=None,
            policy=TUNA_POLICY,
        ),
        # a bare name nothing in the file sends to a mirror: conda.anaconda.org
        Example(".condarc", "channels:\n  - conda-forge\n", mirror=None, policy=TUNA_POLICY),
        # TUNA does not carry nvidia's channel: no fix
        Example("setup.sh", "#!/bin/sh\nconda install -c https://conda.anaconda.org/nvidia cuda\n",
                mirror=None, policy=TUNA_POLICY),
        # Aliyun's conda URLs are reported, not on a help page: the fix waits for --unsafe-fixes
        Example(
            ".condarc",
            f"custom_channels:\n  conda-forge: {TUNA_CONDA}/cloud\n",
            fixed=f"custom_channels:\n  conda-forge: {ALIYUN_CONDA}/cloud\n",
            unsafe=True,
            mirror=None,
            policy='[conda]\nmirror = "aliyun"\n',
        ),
    )  # fmt: skip

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        conda = ctx.policy.conda
        if conda.mirror is None:
            return
        for s in conda_settings(doc):
            assert s.value is not None
            off, target = off_policy(s, conda)
            if off:
                fix = None
                if target is not None and s.editable:
                    unsafe = not conda.verified or credentials_in(s.value) is not None
                    fix = Fix((Edit.replace(s.span, target),),
                              Applicability.UNSAFE if unsafe else Applicability.SAFE,
                              f"Use the conda mirror: {target}")  # fmt: skip
                yield Violation(s.span, _off_message(s, conda.mirror, target), s.value, fix)
            elif _unmirrored_name(doc, s):
                msg = (
                    f"channel {s.value} is looked up at https://conda.anaconda.org/{s.value}: "
                    f"this file sends it to no mirror (channel_alias, custom_channels)"
                )
                yield Violation(s.span, msg, s.value)


def _off_message(s: Setting, mirror: str, target: str | None) -> str:
    if s.kind in (K.CHANNEL_ALIAS, K.CUSTOM_CHANNEL):
        what = "channel_alias" if s.kind is K.CHANNEL_ALIAS else s.key
        return f"{what} {s.value} is not the conda mirror's channel base {mirror}/cloud"
    what = "default channel" if s.kind is K.DEFAULT_CHANNEL else "channel"
    where = "" if target is not None else ": the mirror does not carry it"
    return f"{what} {s.value} is not on the conda mirror {mirror}{where}"


def _unmirrored_name(doc: Document, s: Setting) -> bool:
    """A channel name in a .condarc whose file sets neither ``channel_alias`` nor
    ``custom_channels.NAME``: conda looks it up at conda.anaconda.org."""
    if doc.kind != "condarc" or s.kind is not K.CHANNEL or s.value is None:
        return False
    if is_url(s.value) or s.value in (DEFAULTS, "nodefaults") or "$" in s.value:
        return False
    keys = {o.key for o in doc.settings if o.kind in (K.CHANNEL_ALIAS, K.CUSTOM_CHANNEL)}
    return "channel_alias" not in keys and f"custom_channels.{s.value}" not in keys


class DefaultsChannel(Rule):
    code = "PS602"
    name = "defaults-channel"
    severity = Severity.WARNING
    summary = "conda's `defaults` channel (repo.anaconda.com), named or left implicit."
    why = (
        "`defaults` is whatever `default_channels` lists, repo.anaconda.com/pkgs/main, r "
        "and msys2 unless a .condarc says otherwise, and Anaconda's terms of service require "
        "a paid licence for many organisations. An environment file that does not list "
        "`nodefaults` gets the configured channels too (`defaults` on Anaconda and "
        "Miniconda), and `conda config --add channels X` on a fresh configuration writes "
        "`defaults` after X. Prefer conda-forge, or a mirror through `default_channels`."
    )
    fix_safety = (
        "Unsafe: `- nodefaults` added to an environment file's channels changes what the "
        "solver may pick; in a .condarc, with a conda mirror in the policy, a "
        "`default_channels` list on the mirror (pkgs/main, r, msys2) is added. None "
        "elsewhere: what `defaults` should become needs a human."
    )
    fix_applicability = Applicability.UNSAFE
    kinds = _KINDS
    good = (
        Example(".condarc", "channels:\n  - defaults\ndefault_channels:\n"
                f"  - {TUNA_CONDA}/pkgs/main\n  - {TUNA_CONDA}/pkgs/r\n", mirror=None),
        Example("environment.yml", "channels:\n  - conda-forge\n  - nodefaults\n"
                "dependencies:\n  - numpy\n", mirror=None),
        Example("setup.sh", "#!/bin/sh\n"
                "conda install -y --override-channels -c conda-forge numpy\n", mirror=None),
        Example("Dockerfile", "FROM condaforge/miniforge3\n"
                "RUN conda install -y -c conda-forge numpy\n", mirror=None),
    )  # fmt: skip
    bad = (
        Example(
            "environment.yml",
            "name: analysis\nchannels:\n  - conda-forge\ndependencies:\n  - numpy\n",
            fixed="name: analysis\nchannels:\n  - conda-forge\n  - nodefaults\n"
            "dependencies:\n  - numpy\n",
            unsafe=True,
            mirror=None,
        ),
        Example(".condarc", "channels:\n  - defaults\nshow_channel_urls: true\n", mirror=None),
        Example(
            ".condarc",
            "# team settings\nchannels:\n  - defaults\n",
            fixed="# team settings\ndefault_channels:\n"
            + "".join(f"  - {TUNA_CONDA}/pkgs/{ch}\n" for ch in ("main", "r", "msys2"))
            + "channels:\n  - defaults\n",
            unsafe=True,
            mirror=None,
            policy=TUNA_POLICY,
        ),
        Example("setup.sh", "#!/bin/sh\nconda install -y -c defaults numpy\n", mirror=None),
        Example("Dockerfile", "FROM continuumio/miniconda3\nRUN conda config --add channels "
                "https://repo.anaconda.com/pkgs/main\n", mirror=None),
    )  # fmt: skip

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        mirrored = _mirrored_defaults(doc)
        for s in conda_settings(doc):
            assert s.value is not None
            if s.implied:
                fix = None
                if s.sibling is not None:
                    edit = Edit.insert(s.sibling.offset, s.sibling.render(""))
                    fix = Fix((edit,), Applicability.UNSAFE, "Add nodefaults to the channels")
                yield Violation(s.span, "conda adds the configured channels to this file's "
                                "(`defaults`, repo.anaconda.com, on Anaconda and Miniconda) "
                                "unless `channels` lists `nodefaults`", "", fix)  # fmt: skip
            elif s.kind is K.CHANNEL and s.value == DEFAULTS and not mirrored:
                yield Violation(s.span, "`defaults` is repo.anaconda.com (pkgs/main, r, msys2) "
                                "unless default_channels points elsewhere", s.value,
                                _default_channels_fix(s, ctx.policy.conda.mirror))  # fmt: skip
            elif (
                s.kind in (K.CHANNEL, K.DEFAULT_CHANNEL)
                and _anaconda_pkgs(s.value)
                and ctx.policy.conda.mirror is None  # else PS601 moves it to the mirror
            ):
                yield Violation(s.span, f"{s.value} is Anaconda's repository "
                                    "(repo.anaconda.com)", s.value)  # fmt: skip


def _default_channels_fix(s: Setting, mirror: str | None) -> Fix | None:
    """A .condarc's ``default_channels`` on the conda mirror, where the parser found room."""
    if mirror is None or s.sibling is None or s.method is not Method.CONDARC:
        return None
    edit = Edit.insert(s.sibling.offset, s.sibling.render(mirror))
    return Fix((edit,), Applicability.UNSAFE, f"Send defaults to the conda mirror {mirror}")


def _anaconda_pkgs(value: str) -> bool:
    ch = channel_url(value) if is_url(value) else None
    return ch is not None and ch.provider == ANACONDA and ch.pkgs


def _mirrored_defaults(doc: Document) -> bool:
    """The document sets ``default_channels``, none of them on repo.anaconda.com."""
    entries = [s for s in doc.settings if s.kind is K.DEFAULT_CHANNEL]
    return bool(entries) and not any(_anaconda_pkgs(s.value or "") for s in entries)


RULES: tuple[type[Rule], ...] = (ChannelOffPolicy, DefaultsChannel)
