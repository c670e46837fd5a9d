"""Run pipsrc on an input and every oracle on what it made.

pipsrc is driven only through its stable interfaces: ``pipsrc.api.fix_text``/``check_text``
in process (generated cases: thousands of them) and ``python -m pipsrc`` in a subprocess
(fixtures, hand-written cases). Per input and per mode (safe fixes; ``--unsafe-fixes``):

1. the fix, then :func:`tests.oracles.core.compare` (the real tools);
2. ``check`` after ``fix`` with the same options: in the safe mode no finding may have a
   safe fix, nor be a finding with a fix that the fix itself created (a new code/value
   pair, e.g. PS204 on a trusted-host the fix moved); with ``--unsafe-fixes``, no finding
   may have a fix at all;
3. a second ``fix`` is a no-op.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.oracles import core, dockerfile, tools
from tests.oracles.model import CaseResult, Disagreement
from tests.oracles.urls import POLICY_URL

MODES = ("safe", "unsafe")
MIRROR_ARGS = ("--mirror", "aliyun")


@functools.cache
def _api() -> tuple[object, object, object]:
    from pipsrc.api import Policy, check_text, fix_text

    return Policy().with_index("aliyun"), fix_text, check_text


def _value(x: object) -> str:
    return str(getattr(x, "value", x))


def _key(f: object) -> tuple[str, str]:
    return (str(getattr(f, "code", "")), str(getattr(f, "value", "")))


def _check_after_fix(
    before_findings: list[object], after_findings: list[object], mode: str
) -> list[Disagreement]:
    out: list[Disagreement] = []
    had = Counter(_key(f) for f in before_findings if getattr(f, "fixable", False))
    for f in after_findings:
        if not getattr(f, "fixable", False):
            continue
        app = _value(getattr(f, "applicability", ""))
        code, value = _key(f)
        what = f"{code} line {getattr(f, 'line', '?')}: {getattr(f, 'message', '')}"
        if mode == "unsafe":
            out.append(
                Disagreement(
                    "check-after-fix",
                    "pipsrc check",
                    f"after `fix --unsafe-fixes` it still reports {what} ({app} fix)",
                )
            )
        elif app == "safe":
            out.append(
                Disagreement(
                    "check-after-fix",
                    "pipsrc check",
                    f"after `fix` it still reports {what} (safe fix)",
                )
            )
        elif had[(code, value)] <= 0:
            out.append(
                Disagreement(
                    "check-after-fix",
                    "pipsrc check",
                    f"the fix created {what} ({app} fix): `check` exits 1 after `fix`",
                )
            )
        else:
            had[(code, value)] -= 1
    return out


def fix_only(text: str, path: str, mode: str) -> str:
    """``pipsrc fix --mirror aliyun [--unsafe-fixes]`` of one text, through the library."""
    policy, fix_text, _ = _api()
    return str(fix_text(text, path, policy, unsafe=mode == "unsafe"))  # type: ignore[operator]


@dataclass
class Input:
    path: str  # a file name the kind is read from (e.g. "Dockerfile", "scripts/build.sh")
    text: str
    siblings: dict[str, str] = field(default_factory=dict)  # files next to it (-r base.txt)


def run_api(inp: Input, modes: tuple[str, ...] = MODES) -> CaseResult:
    """pipsrc through ``pipsrc.api`` (``--mirror aliyun``), then every oracle."""
    policy, fix_text, check_text = _api()
    result = CaseResult(inp.path, inp.text, policy_args=MIRROR_ARGS)
    fixes = {m: fix_text(inp.text, inp.path, policy, unsafe=m == "unsafe") for m in modes}  # type: ignore[operator]
    result.fixes = fixes
    _prefetch(inp.path, inp.text, list(fixes.values()))
    findings = {inp.text: check_text(inp.text, inp.path, policy)}  # type: ignore[operator]
    oracles: dict[str, list[Disagreement]] = {}
    for mode, after in fixes.items():
        if after not in oracles:
            oracles[after] = core.compare(inp.path, inp.text, after, siblings=inp.siblings)
            findings.setdefault(after, check_text(after, inp.path, policy))  # type: ignore[operator]
        found = list(oracles[after])
        found += _check_after_fix(findings[inp.text], findings[after], mode)
        again = fix_text(after, inp.path, policy, unsafe=mode == "unsafe")  # type: ignore[operator]
        if again != after:
            found.append(
                Disagreement(
                    "fix-not-idempotent",
                    "pipsrc fix",
                    "a second fix changes it again:\n" + _diff(after, again),
                )
            )
        result.found[mode] = found
    return result


def _prefetch(path: str, before: str, afters: list[str]) -> None:
    """Start the tools the oracles will ask about these texts (they run while we work)."""
    changed = [a for a in afters if a != before]
    if not changed:
        return
    kind = core.kind_of(path)
    if kind == "shell":
        tools.prefetch(bash=[before, *changed])
    elif kind == "dockerfile":
        progs: list[set[str]] = []
        for text in (before, *changed):
            cmds, _ = dockerfile.parse(text)
            progs.append({p.text for c in cmds or [] for p in dockerfile.programs(c)})
        differ = set().union(*progs) - set.intersection(*progs)
        tools.prefetch(bash=differ, dockerfiles=[before, *changed])


def _diff(a: str, b: str) -> str:
    import difflib

    return "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1))


# --- the command line, for trees -----------------------------------------------------------


def pipsrc_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m pipsrc ARGS`` in the oracles' hermetic environment, running the pipsrc
    this process imported (the tree under test, not whichever one is installed)."""
    import pipsrc

    env = dict(tools.env(), NO_COLOR="1", PYTHONPATH=str(Path(pipsrc.__file__).parents[1]))
    return subprocess.run(
        [sys.executable, "-m", "pipsrc", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def git_tree(src: Path, dest: Path) -> Path:
    """A copy of ``src`` in a fresh git work tree (pipsrc's discovery is git-aware)."""
    shutil.copytree(src, dest)
    subprocess.run(["git", "init", "-q", str(dest)], check=True, timeout=60)
    return dest


def files(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and not rel.startswith(".git/"):
            try:
                out[rel] = p.read_bytes().decode("utf-8")  # line endings as they are
            except UnicodeDecodeError:
                continue
    return out


def findings_json(root: Path, policy_args: tuple[str, ...]) -> list[dict[str, object]]:
    proc = pipsrc_cli("check", "--format", "json", *policy_args, str(root))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return list(json.loads(proc.stdout)["findings"])


class _F:
    """A JSON finding with the attributes :func:`_check_after_fix` reads."""

    def __init__(self, d: dict[str, object]) -> None:
        self.__dict__.update(d)


def _mine(findings: list[dict[str, object]], root: Path, rel: str) -> list[_F]:
    """The findings of ``rel``: the command line names files as it was given the tree (an
    absolute path here), so each is compared relative to ``root``."""
    out = []
    for f in findings:
        path = Path(str(f.get("path", "")))
        if path.is_absolute():
            try:
                path = path.relative_to(root)
            except ValueError:
                continue
        if path.as_posix() == rel:
            out.append(_F(f))
    return out


def _conda_mirror(policy_args: tuple[str, ...]) -> str | None:
    """The conda mirror's base URL named by ``--conda-mirror`` (new URLs under it are the
    policy's, as the policy index is)."""
    from pipsrc.policy import CondaPolicy

    if "--conda-mirror" not in policy_args:
        return None
    value = policy_args[policy_args.index("--conda-mirror") + 1]
    return CondaPolicy().with_mirror(value).mirror


def run_cli_tree(
    before_root: Path,
    work: Path,
    policy_args: tuple[str, ...],
    policy_url: str = POLICY_URL,
    modes: tuple[str, ...] = MODES,
) -> list[CaseResult]:
    """`pipsrc fix` over a whole tree with the command line, then every oracle on each file."""
    from tests.oracles import pipfiles

    before_files = files(before_root)
    results: dict[str, CaseResult] = {
        p: CaseResult(p, t, policy_args=policy_args)
        for p, t in before_files.items()
        if core.kind_of(p)
    }
    before_check = git_tree(before_root, work / "check")
    before_findings = findings_json(before_check, policy_args)
    for mode in modes:
        tree = git_tree(before_root, work / mode)
        extra = ("--unsafe-fixes",) if mode == "unsafe" else ()
        proc = pipsrc_cli("fix", *extra, *policy_args, str(tree))
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
        after_files = files(tree)
        after_findings = findings_json(tree, policy_args)
        again = pipsrc_cli("fix", *extra, *policy_args, str(tree))
        after_again = files(tree)
        docker = [
            t for p, t in {**before_files, **after_files}.items() if core.kind_of(p) == "dockerfile"
        ]
        tools.hadolint(docker)
        for rel, res in results.items():
            after = after_files.get(rel, "")
            res.fixes[mode] = after
            parsed = None
            if core.kind_of(rel) == "requirements":
                parsed = (
                    pipfiles.parse_requirements(before_check / rel),
                    pipfiles.parse_requirements(tree / rel),
                )
            found = core.compare(rel, res.before, after, policy=policy_url, requirements=parsed,
                                 conda=_conda_mirror(policy_args))  # fmt: skip
            if core.kind_of(rel) == "pipconf" and after != res.before:
                found += _pip_config_list(before_check / rel, tree / rel)
            found += _check_after_fix(
                _mine(before_findings, before_check, rel), _mine(after_findings, tree, rel), mode
            )
            if after_again.get(rel) != after:
                found.append(
                    Disagreement(
                        "fix-not-idempotent",
                        "pipsrc fix (CLI)",
                        "a second fix changes it again:\n" + _diff(after, after_again.get(rel, "")),
                    )
                )
            res.found[mode] = found
        assert again.returncode in (0, 1), again.stdout + again.stderr
    return list(results.values())


def _pip_config_list(before: Path, after: Path) -> list[Disagreement]:
    from tests.oracles import pipfiles

    code_b, _ = pipfiles.pip_config_list(before)
    code_a, lines_a = pipfiles.pip_config_list(after)
    if code_b == 0 and code_a != 0:
        return [Disagreement("pipconf-parse", "pip config list", " ".join(lines_a)[:300])]
    return []
