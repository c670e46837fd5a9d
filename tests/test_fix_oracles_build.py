"""Fix, then build: the install commands of Dockerfiles and shell scripts, run for real.

Extends tests/e2e/test_pip_pypiserver.py from requirements files and pip.conf to Dockerfile
RUN chains and shell scripts: each Dockerfile stage becomes a shell script with the stage's
ENV and ARG values, and real pip installs (``--dry-run --report``) through the files before
and after ``pipsrc fix --mirror aliyun``, from loopback indexes standing for Aliyun (the
policy mirror), PyPI and the public mirrors (the old mirrors), an intranet Nexus, a devpi on
an intranet IP, a vendor's private index and the PyTorch CUDA index. See
tests/oracles/build.py for how the programs are run and sandboxed.

The oracle: whatever installed before the fix installs after it; a package that came from a
public index now comes from the policy index; one that came from a private or vendor index
still comes from there.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.oracles import build, core
from tests.oracles.core import suppressed
from tests.oracles.harness import MODES, files, fix_only, git_tree, pipsrc_cli
from tests.oracles.model import CaseResult, failure
from tests.oracles.strategies import dockerfile_doc, shell_doc
from tests.oracles.urls import host_of
from tests.test_fixtures import FIXTURES, POLICY_URL, PROXY, SCENARIOS

# how the fixtures' scripts are run (their README: `./build.sh dev` installs the dev tools)
SCRIPT_ARGS = {"build.sh": ("dev",)}
WORKERS = 4  # targets built at once (each builds before and after the fix side by side)


@pytest.fixture(scope="module")
def farm_box() -> Iterator[tuple[build.Farm, build.Toolbox, Path]]:
    root = build.scratch("pipsrc-build-")
    farm = build.Farm(root / "farm", extra_hosts=[("devpi.internal:3141", "private")])
    box = build.Toolbox(root / "box")
    try:
        yield farm, box, root
    finally:
        farm.close()
        shutil.rmtree(root, ignore_errors=True)


_runs = 0


def _work(root: Path) -> Path:
    global _runs
    _runs += 1
    return root / f"run{_runs:04d}"


def build_and_compare(
    farm_box: tuple[build.Farm, build.Toolbox, Path],
    before: dict[str, str],
    afters: dict[str, dict[str, str]],  # mode -> files after the fix
    target: str,
    *,
    policy_host: str = "mirrors.aliyun.com",
    policy_args: tuple[str, ...] = ("--mirror", "aliyun"),
    build_args: dict[str, str] | None = None,
    script_args: tuple[str, ...] = (),
) -> CaseResult:
    """Build ``target`` from ``before`` and from each fixed tree; the build oracle's verdict."""
    farm, box, root = farm_box
    result = CaseResult(target, before[target], policy_args=policy_args)
    distinct: dict[str, list[str]] = {}
    for mode, tree in afters.items():
        result.fixes[mode] = tree[target]
        if tree[target] != before[target]:
            distinct.setdefault(tree[target], []).append(mode)
    if not distinct:
        for mode in afters:
            result.found[mode] = []
        return result
    trees = {"before": before, **{modes[0]: afters[modes[0]] for modes in distinct.values()}}
    with ThreadPoolExecutor(max_workers=len(trees)) as pool:
        futures = {
            side: pool.submit(
                build.build, tree, target, farm, box, _work(root), build_args, script_args
            )
            for side, tree in trees.items()
        }
        outcomes = {side: f.result() for side, f in futures.items()}
    kept = {host_of(u) for text in before.values() for u in suppressed(text)}
    for modes in distinct.values():
        found = build.compare(outcomes["before"], outcomes[modes[0]], farm, policy_host, kept)
        for mode in modes:
            result.found[mode] = found
    result.outcomes = outcomes  # type: ignore[attr-defined]
    return result


# --- the fixtures ------------------------------------------------------------------------------


def changes_a_build(name: str) -> bool:
    """Whether the fixture's committed fix changes a Dockerfile or a script (what this test
    builds; project files are built by real uv in tests/e2e/test_uv_projects.py)."""
    before, after = files(FIXTURES / name / "before"), files(FIXTURES / name / "after")
    return any(
        core.kind_of(p) in ("dockerfile", "shell") and after.get(p) != t for p, t in before.items()
    )


# fixtures whose fixed builds are proven elsewhere, and why this oracle cannot judge them
BUILT_ELSEWHERE = {
    # `--route-vendors` moves a vendor index's packages to the proxy's mirror index on purpose
    # (this oracle requires a vendor's packages to stay on the vendor's host), and its
    # packages' versions (torch==2.1.0+cu118) are no farm's: tests/e2e/test_devpi_proxy.py
    # installs through a real devpi from the rewritten RUN, requirements and pip.conf instead
    "proxy",
}


@pytest.mark.parametrize(
    "name", sorted(n for n in SCENARIOS if changes_a_build(n) and n not in BUILT_ELSEWHERE)
)
def test_fixture_builds_still_install_after_the_fix(
    name: str, farm_box: tuple[build.Farm, build.Toolbox, Path], tmp_path: Path
) -> None:
    before = files(FIXTURES / name / "before")
    afters: dict[str, dict[str, str]] = {}
    for mode in MODES:
        tree = git_tree(FIXTURES / name / "before", tmp_path / mode)
        extra = ["--unsafe-fixes"] if mode == "unsafe" else []
        proc = pipsrc_cli("fix", *extra, *SCENARIOS[name], str(tree))
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
        afters[mode] = files(tree)
    targets = build.docker_targets(before) + build.shell_targets(before)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(
            pool.map(
                lambda t: build_and_compare(
                    farm_box,
                    before,
                    afters,
                    t,
                    policy_host=host_of(POLICY_URL[name]),
                    policy_args=tuple(SCENARIOS[name]),
                    script_args=SCRIPT_ARGS.get(t, ()),
                ),
                targets,
            )
        )
    ran = [r for r in results if getattr(r, "outcomes", None)]
    assert ran, "no Dockerfile or script of the fixture changed: nothing was built"
    installed = [i for r in ran for o in r.outcomes["before"] for i in o.installs]  # type: ignore[attr-defined]
    assert installed, "no install succeeded before the fix: the build test tested nothing"
    bad = [r for r in results if r.all()]
    assert not bad, "\n\n".join(r.report() for r in bad)


# --- the fixes the issue lists, as builds -------------------------------------------------------

NEXUS = "https://nexus.corp.example/repository/pypi-group/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
KNOWN: dict[str, tuple[str, str, dict[str, str]]] = {
    # name: (target, text, build args)
    "unset-after-redundant-extra-index-removed": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
RUN pip config set global.index-url {ALIYUN} && \\
    pip config set global.extra-index-url {ALIYUN}
RUN pip install requests
RUN pip config unset global.extra-index-url
""",
        {},
    ),
    "only-command-of-a-then-branch-removed": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
ENV PIP_INDEX_URL={ALIYUN}
RUN if [ -n "$PIP_INDEX_URL" ]; then \\
      pip config set global.extra-index-url https://pypi.org/simple; fi \\
    && pip install requests
""",
        {},
    ),
    "only-command-of-a-then-branch-removed-in-a-script": (
        "build.sh",
        f"""\
#!/bin/bash
set -euo pipefail
pip config set global.index-url {ALIYUN}
if [ -n "${{CI:-x}}" ]; then
  pip config set global.extra-index-url {TUNA}
fi
pip install requests
""",
        {},
    ),
    "private-index-replaced-by-the-public-mirror": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
RUN pip install -i {NEXUS} corp-utils
""",
        {},
    ),
    "env-inserted-above-arg-shadows-the-build-argument": (
        "Dockerfile",
        """\
FROM python:3.12-slim
ARG PIP_INDEX_URL
RUN pip install corp-utils
""",
        {"PIP_INDEX_URL": NEXUS},
    ),
    "continuation-left-open-swallows-the-next-instruction": (
        "Dockerfile",
        f"""\
FROM python:3.12-slim
ENV PIP_INDEX_URL={ALIYUN}
RUN pip install requests \\
    # the public index, for the nightly builds
    --extra-index-url https://pypi.org/simple/
COPY . /app
""",
        {},
    ),
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_bad_fixes_still_build(
    name: str, farm_box: tuple[build.Farm, build.Toolbox, Path]
) -> None:
    target, text, build_args = KNOWN[name]
    before = {target: text, "requirements.txt": "six\n"}
    afters = {m: {**before, target: fix_only(text, target, m)} for m in MODES}
    result = build_and_compare(farm_box, before, afters, target, build_args=build_args)
    installed = [i for o in getattr(result, "outcomes", {}).get("before", []) for i in o.installs]
    assert installed or not getattr(result, "outcomes", None), "nothing installed before the fix"
    err = failure(result)
    if err is not None:
        if build_args:
            args = " ".join(f"--build-arg {k}={v}" for k, v in build_args.items())
            raise type(err)(f"{err}\n  (built with {args})")
        raise err


# --- generated Dockerfiles and scripts, built ----------------------------------------------------


def test_generated_dockerfiles_and_scripts_still_build(
    farm_box: tuple[build.Farm, build.Toolbox, Path],
) -> None:
    """A derandomized sample of generated files: building costs ~1 s a pip call, so a sample
    (the oracles without a build run on thousands: tests/test_fix_oracles.py)."""
    cases: list[tuple[str, str]] = []

    @settings(
        max_examples=6,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(
        st.one_of(
            dockerfile_doc().map(lambda t: ("Dockerfile", t)),
            shell_doc().map(lambda t: ("build.sh", t)),
        )
    )
    def collect(case: tuple[str, str]) -> None:
        cases.append(case)

    collect()

    def one(case: tuple[str, str]) -> CaseResult:
        target, text = case
        before = {target: text, "requirements.txt": "six\n"}
        afters = {m: {**before, target: fix_only(text, target, m)} for m in MODES}
        return build_and_compare(farm_box, before, afters, target)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(one, cases))
    built = [r for r in results if getattr(r, "outcomes", None)]
    assert len(built) >= len(cases) // 2, "most generated cases were not changed by the fix"
    bad = [r for r in results if r.all()]
    assert not bad, "\n\n".join(r.report() for r in bad)


# --- the build oracle itself ---------------------------------------------------------------------


def test_a_good_fix_builds_from_the_policy_index(
    farm_box: tuple[build.Farm, build.Toolbox, Path],
) -> None:
    """Positive control: tuna -> aliyun; requests comes from the (loopback) Aliyun index."""
    text = f"FROM python:3.12-slim\nRUN pip install -i {TUNA} requests\n"
    fixed = fix_only(text, "Dockerfile", "safe")
    assert ALIYUN.rstrip("/") in fixed
    result = build_and_compare(
        farm_box, {"Dockerfile": text}, {"safe": {"Dockerfile": fixed}}, "Dockerfile"
    )
    assert result.all() == [], result.report()
    outcomes = result.outcomes  # type: ignore[attr-defined]
    assert [(i.project, i.host) for i in outcomes["before"][0].installs] == [
        ("requests", "pypi.tuna.tsinghua.edu.cn")
    ]
    assert [(i.project, i.host) for i in outcomes["safe"][0].installs] == [
        ("requests", "mirrors.aliyun.com")
    ]


def test_the_build_oracle_sees_a_broken_build(
    farm_box: tuple[build.Farm, build.Toolbox, Path],
) -> None:
    text = f"FROM python:3.12-slim\nARG IDX={NEXUS}\nRUN pip install -i $IDX corp-utils\n"
    broken = text.replace(NEXUS, ALIYUN)  # what replacing a private index does
    result = build_and_compare(
        farm_box, {"Dockerfile": text}, {"safe": {"Dockerfile": broken}}, "Dockerfile"
    )
    assert result.classes() == {"build-broke"}, result.report()
    moved = text.replace("corp-utils", "requests")
    result = build_and_compare(
        farm_box,
        {"Dockerfile": moved},
        {"safe": {"Dockerfile": moved.replace(NEXUS, ALIYUN)}},
        "Dockerfile",
    )
    assert result.classes() == {"private-index-replaced"}, result.report()


def test_proxy_scenario_maps_the_proxy_to_loopback(
    farm_box: tuple[build.Farm, build.Toolbox, Path],
) -> None:
    farm, _, _ = farm_box
    assert "127.0.0.1" in farm.to_loopback(PROXY)
    assert farm.to_loopback("https://example.invalid/simple") == "https://example.invalid/simple"
