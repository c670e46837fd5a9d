"""The reliability catalogue's machinery: one :class:`Case` per adversarial input.

A case is the exact bytes of one or more files plus the outcome pipsrc must produce at
the CLI level. Outcomes (reliability reference §5 conventions):

* ``fix``: ``check`` reports the findings in ``where``; ``fix`` changes only the bytes
  named in ``after`` (a byte-exact comparison of every file); a second ``fix`` changes
  nothing.
* ``error``: the messages in ``where`` (``path:line[:col]: CODE ...``) are printed, the
  exit status is non-zero, and ``fix`` writes nothing.
* ``skip``: a warning line starting with the path and naming the reason; nothing is
  written; a control file elsewhere in the tree is still checked and fixed.
* ``report``: findings are printed but ``fix`` (including ``--unsafe-fixes``) writes
  nothing.
* ``clean``: no finding at all, nothing written.

Every case also asserts that nothing in ``absent`` appears in any output (text, JSON,
``--diff``), and that ``check`` finishes within ``budget`` seconds. Adding a case is a
few lines in ``cases.py``; ``docs/reliability.md`` is generated from the table.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from pipsrc.cli import main

OLD = "https://pypi.tuna.tsinghua.edu.cn/simple"
NEW = "https://mirrors.aliyun.com/pypi/simple"
MIRROR = ("--mirror", "aliyun")
CONTROL = "control/requirements.txt"
CONTROL_BEFORE = f"-i {OLD}\nflask\n".encode()
CONTROL_AFTER = f"-i {NEW}\nflask\n".encode()

OUTCOMES = ("fix", "error", "skip", "report", "clean")


@dataclass(frozen=True)
class Case:
    """One catalogue entry: exact input files, exact expected outcome."""

    id: str
    title: str
    files: dict[str, bytes]
    outcome: str
    where: tuple[str, ...] = ()  # substrings every one of which appears in `check` output
    after: dict[str, bytes] = field(default_factory=dict)  # expected bytes after `fix`
    absent: tuple[str, ...] = ()  # never in any output
    args: tuple[str, ...] = MIRROR
    setup: Callable[[Path], None] | None = None  # extra file-system set-up (links, FIFOs)
    verify: Callable[[Path, str], None] | None = None  # extra checks: (root, all outputs)
    budget: float = 10.0  # seconds for one `check`
    also: str = ""  # parser-level tests covering the same input (reused, not duplicated)
    unsafe: bool = False  # run `fix --unsafe-fixes`

    def __post_init__(self) -> None:
        assert self.outcome in OUTCOMES, self.outcome
        assert (self.outcome == "fix") == bool(self.after), f"{self.id}: after <=> fix"


def swap(data: str | bytes, *pairs: tuple[str, str], encoding: str = "utf-8") -> bytes:
    """``data`` with each ``old`` replaced by ``new`` exactly once (in ``encoding``)."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    for old, new in pairs:
        o, n = old.encode(encoding), new.encode(encoding)
        if encoding.startswith("utf-16") and raw.startswith(b"\xff\xfe"):
            o, n = old.encode("utf-16-le"), new.encode("utf-16-le")
        assert raw.count(o) >= 1, (old, raw)
        raw = raw.replace(o, n, 1)
    return raw


def fixed(data: str | bytes, encoding: str = "utf-8") -> bytes:
    """The usual exact fix: the tuna URL becomes the aliyun URL, nothing else changes."""
    return swap(data, (OLD, NEW), encoding=encoding)


@dataclass
class Run:
    code: int
    out: str


def invoke(*args: str) -> Run:
    """Run the CLI in-process; ``check`` prints one ``path:line:col: CODE`` line per finding
    (``--format concise``) unless the caller chose a format, so cases can name locations.

    A repository given as the last argument is entered first, as a user runs pipsrc
    (``cd repo && pipsrc check .``): paths are printed relative to where one stands."""
    argv = list(args)
    if argv[:1] == ["check"] and not any(
        a == "--format" or a.startswith("--format=") for a in argv
    ):
        argv[1:1] = ["--format", "concise"]
    cwd = os.getcwd()
    if argv and os.path.isabs(argv[-1]) and os.path.isdir(argv[-1]):
        os.chdir(argv[-1])
        argv[-1] = "."
    try:
        result = CliRunner().invoke(main, argv)
    finally:
        os.chdir(cwd)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.output)


def snapshot(top: Path) -> dict[str, bytes]:
    """Every entry under ``top`` by relative path: file bytes, ``-> target`` for a
    symlink (never followed), ``<fifo>`` for anything else; ``.git`` left out."""
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in [*filenames, *dirnames]:
            p = Path(dirpath, name)
            rel = p.relative_to(top).as_posix()
            if p.is_symlink():
                out[rel] = b"-> " + os.fsencode(os.readlink(p))
            elif p.is_file():
                out[rel] = p.read_bytes()
            elif not p.is_dir():
                out[rel] = b"<special>"
    return out


def materialise(case: Case, root: Path) -> None:
    for rel, data in case.files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    if case.outcome == "skip":
        (root / CONTROL).parent.mkdir(parents=True, exist_ok=True)
        (root / CONTROL).write_bytes(CONTROL_BEFORE)
    if case.setup is not None:
        case.setup(root)


def _check_outcome(
    case: Case, tmp: Path, chk: Run, fx: Run, data: Any, after: dict[str, bytes], ctx: str
) -> None:
    """The assertions particular to the case's expected outcome (exit codes, findings,
    skip messages), once the run's files have been compared with the expected ones."""
    codes = {f["code"] for f in data["findings"]}
    repo = str(tmp / "repo")
    if case.outcome == "fix":
        assert chk.code == 1 and fx.code == 1, ctx
        again = invoke("fix", *case.args, *(("--unsafe-fixes",) if case.unsafe else ()), repo)
        assert again.code == 0 and snapshot(tmp) == after, f"{ctx}\nsecond fix:\n{again.out}"
    elif case.outcome == "error":
        assert chk.code != 0 and (codes or data["files"] or data["skipped"]), ctx
    elif case.outcome == "skip":
        lines = chk.out.splitlines()
        for w in case.where:  # a skip message starts its line with the path
            assert any(line.startswith(w) for line in lines), f"{ctx}\nno line starts {w!r}"
        assert any(line.startswith(f"{CONTROL}:") for line in lines), f"{ctx}\ncontrol unchecked"
    elif case.outcome == "report":
        assert codes, ctx
    elif case.outcome == "clean":
        assert chk.code == 0 and not codes, ctx


def run_case(case: Case, tmp: Path) -> None:
    """Run one case end to end; raise AssertionError with the outputs on any mismatch."""
    root = tmp / "repo"
    root.mkdir()
    (tmp / "outside").mkdir()  # a sibling a case may link to; never written
    materialise(case, root)
    before = snapshot(tmp)
    repo = str(root)

    # CPU time of this process (the run is in-process): other jobs on a busy machine do
    # not inflate it as they do wall-clock time
    t0 = time.process_time()
    chk = invoke("check", *case.args, repo)
    elapsed = time.process_time() - t0
    ctx = f"{case.id}: check exit {chk.code}\n{chk.out}"
    assert elapsed < case.budget, f"{ctx}\ncheck took {elapsed:.2f}s of CPU > {case.budget}s"
    assert "Traceback" not in chk.out and "internal error" not in chk.out, ctx
    for w in case.where:
        assert w in chk.out, f"{ctx}\nmissing: {w!r}"
    js = invoke("check", *case.args, "--format", "json", repo)
    data = json.loads(js.out.split("\n", 1)[1] if js.out.startswith("pipsrc") else js.out)

    diff = invoke("fix", "--diff", *case.args, *(("--unsafe-fixes",) if case.unsafe else ()), repo)
    assert snapshot(tmp) == before, f"{case.id}: --diff wrote\n{diff.out}"
    fx = invoke("fix", *case.args, *(("--unsafe-fixes",) if case.unsafe else ()), repo)
    after = snapshot(tmp)
    ctx += f"\nfix exit {fx.code}\n{fx.out}"

    expected = dict(before)  # the whole tmp tree: the repository and a sibling outside it
    if case.outcome == "fix":
        expected.update({f"repo/{k}": v for k, v in case.after.items()})
    if case.outcome == "skip":
        expected[f"repo/{CONTROL}"] = CONTROL_AFTER
    for rel in sorted(set(expected) | set(after)):
        assert after.get(rel) == expected.get(rel), (
            f"{ctx}\n{rel}: got {after.get(rel)!r}\nexpected {expected.get(rel)!r}"
        )

    _check_outcome(case, tmp, chk, fx, data, after, ctx)
    if case.verify is not None:
        case.verify(root, "\n".join((chk.out, js.out, diff.out, fx.out)))
    for secret in case.absent:
        for out in (chk.out, js.out, diff.out, fx.out):
            assert secret not in out, f"{case.id}: {secret!r} leaked:\n{out}"
