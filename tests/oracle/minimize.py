"""Shrink disagreeing scenarios to minimal ones (a debugging tool, not a test).

    python -m tests.oracle.minimize [--cases] [--per-class N] [--limit N] [--out FILE]

runs the generated scenarios (and with ``--cases`` the hand-picked ones), and for the
disagreements no known class explains (classes.py), plus ``--per-class`` of each set of
suspected classes (default 1), greedily removes parts (a flag, a variable, a config file,
a requirements option, a uv setting ...) and simplifies others (the command, the form, a
section) for as long as the disagreement stays of the same kind, re-running the real
client each time. The minimal scenarios are then grouped: each group is one class of
disagreement, printed with its smallest member rendered as files.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

from tests.oracle.cases import CASES
from tests.oracle.classes import suspects
from tests.oracle.harness import Oracle, disagreement, normalised_pipsrc
from tests.oracle.sandbox import Observation
from tests.oracle.scenario import PipConf, ReqFile, Scenario, UvConf, describe
from tests.oracle.strategies import generated


def _drop(items: tuple, i: int) -> tuple:  # type: ignore[type-arg]
    return items[:i] + items[i + 1 :]


def simpler(s: Scenario) -> list[Scenario]:
    """Every scenario one step simpler than ``s``."""
    out: list[Scenario] = []
    if s.form != "shell":
        env = tuple(replace(e, how="export") if e.how in ("env", "arg") else e for e in s.env)
        confs = tuple(replace(c, writer="heredoc") for c in s.pipconfs)
        out.append(replace(s, form="shell", env=env, pipconfs=confs))
    for cmd in ("pip install", "uv pip install"):
        if (
            s.command != cmd
            and s.tool == cmd.split()[0]
            and s.command not in ("uv sync", "uv lock")
        ):
            out.append(replace(s, command=cmd))
    out += [replace(s, flags=_drop(s.flags, i)) for i in range(len(s.flags))]
    out += [replace(s, env=_drop(s.env, i)) for i in range(len(s.env))]
    out += [replace(s, config_sets=_drop(s.config_sets, i)) for i in range(len(s.config_sets))]
    for i, c in enumerate(s.pipconfs):
        out.append(replace(s, pipconfs=_drop(s.pipconfs, i)))
        cs: list[PipConf] = []
        if c.writer == "mkdir&&printf":
            cs.append(replace(c, writer="printf"))
        if c.section != "global":
            cs.append(replace(c, section="global"))
        if c.index and (c.extras or c.no_index):
            cs.append(replace(c, index=None))
        if c.extras and (c.index or c.no_index):
            cs.append(replace(c, extras=()))
        if c.no_index:
            cs.append(replace(c, no_index=False))
        out += [replace(s, pipconfs=(*s.pipconfs[:i], x, *s.pipconfs[i + 1 :])) for x in cs]
    if s.config_file:
        out.append(replace(s, config_file=None,
                           pipconfs=tuple(c for c in s.pipconfs if c.level != "file")))  # fmt: skip
        if s.config_file_how != "export":
            out.append(replace(s, config_file_how="export"))
    for i, r in enumerate(s.reqs):
        if not r.requirement:
            out.append(replace(s, reqs=_drop(s.reqs, i),
                               flags=tuple(f for f in s.flags if f[1] != r.path)))  # fmt: skip
        for j in range(len(r.options)):
            nr = ReqFile(r.path, _drop(r.options, j), r.requirement)
            out.append(replace(s, reqs=(*s.reqs[:i], nr, *s.reqs[i + 1 :])))
    for i, u in enumerate(s.uv):
        out.append(replace(s, uv=_drop(s.uv, i)))
        us: list[UvConf] = []
        if u.index_url:
            us.append(replace(u, index_url=None))
        if u.extra_index_url:
            us.append(replace(u, extra_index_url=()))
        for j in range(len(u.index)):
            us.append(replace(u, index=_drop(u.index, j)))
        if u.no_index:
            us.append(replace(u, no_index=False))
        if u.pip:
            us.append(replace(u, pip=False))
        out += [replace(s, uv=(*s.uv[:i], x, *s.uv[i + 1 :])) for x in us]
    return [x for x in out if x.key != s.key]


def kind(problem: str | None) -> str | None:
    return None if problem is None else problem.splitlines()[0]


def shrink(oracle: Oracle, s: Scenario, first: Observation) -> tuple[Scenario, Observation]:
    target = kind(disagreement(s, first))
    best, best_obs = s, first
    while True:
        candidates = simpler(best)
        futs: list[tuple[Scenario, Future[Observation]]] = [
            (c, oracle.pool.submit(oracle.run_one, c)) for c in candidates if oracle.runnable(c)
        ]
        for c, fut in futs:
            obs = fut.result()
            if kind(disagreement(c, obs)) == target:
                best, best_obs = c, obs
                for _, other in futs:
                    other.cancel()
                break
        else:
            return best, best_obs


def size(s: Scenario) -> int:
    return (len(s.flags) + len(s.env) + len(s.pipconfs) + len(s.config_sets) + len(s.uv)
            + sum(len(r.options) + 1 for r in s.reqs) + (s.config_file is not None))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="shrink at most N disagreements")
    ap.add_argument("--cases", action="store_true", help="include the hand-picked cases")
    ap.add_argument(
        "--per-class",
        type=int,
        default=1,
        help="disagreements to shrink per set of suspected classes",
    )
    ap.add_argument("--out", type=Path, help="write the groups as JSON here")
    args = ap.parse_args(argv)
    scenarios = (list(CASES) if args.cases else []) + generated()
    oracle = Oracle(Path(tempfile.mkdtemp(prefix="oracle-min-")))
    oracle.submit(scenarios)
    failing = []
    for s in scenarios:
        if not oracle.runnable(s):
            continue
        obs = oracle.result(s)
        if disagreement(s, obs) is not None:
            failing.append((s, obs))
    print(f"{len(failing)} of {len(scenarios)} disagree", file=sys.stderr)
    seen: dict[tuple[str, ...], int] = defaultdict(int)
    chosen = []
    for s, obs in failing:
        sig = tuple(suspects(s, obs.answer, normalised_pipsrc(obs)))
        seen[sig] += 1
        if not sig or seen[sig] <= args.per_class:
            chosen.append((s, obs))
    for sig, n in sorted(seen.items(), key=lambda kv: -kv[1]):
        print(f"  {n:4d} x suspected {list(sig) or 'UNEXPLAINED'}", file=sys.stderr)
    failing = chosen
    print(f"shrinking {len(failing)}", file=sys.stderr)
    if args.limit:
        failing = failing[: args.limit]
    groups: dict[str, list[tuple[Scenario, Observation, Scenario]]] = defaultdict(list)
    for n, (s, obs) in enumerate(failing, 1):
        small, small_obs = shrink(oracle, s, obs)
        key = describe(replace(small, title=""))
        groups[key].append((small, small_obs, s))
        print(f"[{n}/{len(failing)}] {key}", file=sys.stderr)
    rows = []
    for key, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        small, obs, _ = min(members, key=lambda m: size(m[0]))
        message = disagreement(small, obs) or ""
        rows.append({"class": key, "count": len(members), "message": message,
                     "from": [m[2].title or m[2].key for m in members]})  # fmt: skip
        print(f"\n===== {len(members)} x {key}\n{message}")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    oracle.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
