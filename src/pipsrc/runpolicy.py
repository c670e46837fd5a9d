"""The policy a command runs with: the policy file found (or given), then ``--mirror`` or
``--proxy``, ``--route-vendors``, ``--upstream`` and ``--conda-mirror`` applied, each error
naming where its bad value came from (the option or its ``PIPSRC_*`` variable)."""

from __future__ import annotations

import os
from pathlib import Path

from pipsrc.catalogue import UnknownMirror
from pipsrc.options import SPEC_BY_NAME, Options
from pipsrc.policy import BadIndex, Policy, find_policy, load_policy
from pipsrc.records import replace


class UsageProblem(Exception):
    pass


def given(opts: Options, name: str) -> str:
    """How the user gave option ``name``: ``--flag VALUE`` or ``PIPSRC_X=VALUE``, for an
    error message that points at the right place."""
    spec = SPEC_BY_NAME[name]
    value = getattr(opts, name)
    if name in opts.from_env and spec.envvar:
        return f"{spec.envvar}={value}"
    return f"{spec.flags[0]} {value}"


def resolve_policy(
    paths: list[str], opts: Options, mirror: str | None, proxy: str | None
) -> Policy:
    """The policy file's policy, with ``--mirror``/``--proxy`` applied."""
    if mirror and proxy:
        raise UsageProblem("--mirror and --proxy cannot be used together")
    policy_file = opts.policy_file
    if policy_file:
        if not os.path.isfile(policy_file):
            raise UsageProblem(f"{given(opts, 'policy_file')}: policy file not found")
        policy = load_policy(Path(policy_file))
    else:
        start = Path(paths[0]) if paths else Path(".")
        found = find_policy(start)
        policy = load_policy(found) if found else Policy()
    for name, value in (("mirror", mirror), ("proxy", proxy)):
        if value:
            try:
                policy = policy.with_index(value, proxy=name == "proxy")
            except (UnknownMirror, BadIndex) as exc:
                raise UsageProblem(f"{given(opts, name)}: {exc}") from None
    if opts.route_vendors:
        policy = _route_vendors(policy)
    if opts.upstream:
        policy = _with_upstream(policy, opts.upstream)
    if opts.conda_mirror:
        try:
            policy = replace(policy, conda=policy.conda.with_mirror(opts.conda_mirror))
        except BadIndex as exc:
            raise UsageProblem(f"{given(opts, 'conda_mirror')}: {exc}") from None
    return policy


def _route_vendors(policy: Policy) -> Policy:
    """``--route-vendors``: only with a devpi proxy, whose mirror indexes it names."""
    proxy = policy.proxy_policy
    if proxy.url is None or proxy.devpi is None:
        raise UsageProblem(
            "--route-vendors needs a devpi proxy: --proxy URL of its simple index "
            "(.../root/pypi/+simple/) or [tool.pipsrc.proxy] url"
        )
    return replace(policy, proxy_policy=replace(proxy, route_vendors=True))


def _with_upstream(policy: Policy, value: str) -> Policy:
    """``--upstream``: the mirror the proxy follows, checked as the policy key is."""
    from pipsrc.proxypolicy import with_upstream

    proxy = with_upstream(policy.proxy_policy, value, lambda m: UsageProblem(f"--upstream: {m}"))
    return replace(policy, proxy_policy=proxy)


def index_options(opts: Options) -> tuple[str | None, str | None]:
    """--mirror/--proxy after precedence: one given on the command line beats both env vars.

    ``PIPSRC_MIRROR`` in a CI job's environment must not turn ``--proxy URL`` on the
    command line into a "cannot be used together" error. ``opts.from_env`` names the
    options whose value came from the environment (:mod:`pipsrc.cli` knows which).
    """
    mirror, proxy, from_env = opts.mirror, opts.proxy, opts.from_env
    if mirror and proxy:
        if "mirror" in from_env and "proxy" not in from_env:
            mirror = None
        elif "proxy" in from_env and "mirror" not in from_env:
            proxy = None
    return mirror, proxy
