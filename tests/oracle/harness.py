"""The differential harness: run scenarios concurrently, compare real clients with pipsrc.

:class:`Oracle` owns a :class:`~tests.oracle.sandbox.Sandbox` and a thread pool. Each task
renders one scenario, has pipsrc read the repository (:func:`tests.oracle.adapter.
pipsrc_answer`, before the client writes into it), then runs the real pip or uv there. The
threads only wait on subprocesses and sockets, so a pool a little larger than the number
of CPUs keeps every core busy.

:func:`disagreement` compares the two normalised answers and returns a message (the
scenario's files, both answers, the client's output) or None.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.oracle.adapter import pipsrc_answer
from tests.oracle.classes import CLASSES, suspects
from tests.oracle.sandbox import Observation, Sandbox, name_of
from tests.oracle.scenario import Rendered, Scenario, describe


def workers() -> int:
    if os.environ.get("ORACLE_WORKERS"):
        return max(1, int(os.environ["ORACLE_WORKERS"]))
    return (os.cpu_count() or 2) + 2


class Oracle:
    def __init__(self, base: Path) -> None:
        self.sandbox = Sandbox(base)
        self.pool = ThreadPoolExecutor(max_workers=workers(), thread_name_prefix="oracle")
        self.futures: dict[str, Future[Observation]] = {}
        self._lock = threading.Lock()

    @property
    def mode(self) -> str:
        return self.sandbox.mode

    def runnable(self, s: Scenario) -> bool:
        return self.mode == "namespace" or not s.needs_namespace

    def submit(self, scenarios: list[Scenario]) -> None:
        with self._lock:
            for s in scenarios:
                if s.key not in self.futures and self.runnable(s):
                    self.futures[s.key] = self.pool.submit(self.run_one, s)

    def run_one(self, s: Scenario) -> Observation:
        def before(repo: Path, rendered: Rendered, urls: dict[str, str]) -> dict[str, Any]:
            try:
                return pipsrc_answer(repo, rendered.path, rendered.line)
            except Exception as exc:  # a pipsrc crash is an answer too
                return {"error": f"pipsrc raised {type(exc).__name__}: {exc}"}

        return self.sandbox.run(s, before=before)

    def result(self, s: Scenario) -> Observation:
        self.submit([s])
        return self.futures[s.key].result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def record(self, path: Path, scenarios: list[Scenario]) -> None:
        """Write every finished run's answers to ``path`` (debugging aid, ORACLE_RECORD)."""
        rows = []
        for s in scenarios:
            fut = self.futures.get(s.key)
            if fut is None or not fut.done() or fut.exception() is not None:
                continue
            obs = fut.result()
            rows.append({"key": s.key, "title": s.title, "scenario": describe(s),
                         "real": obs.answer, "pipsrc": normalised_pipsrc(obs),
                         "seconds": round(obs.seconds, 2)})  # fmt: skip
        path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def normalised_pipsrc(obs: Observation) -> dict[str, Any]:
    """pipsrc's answer with URLs replaced by the symbolic index names."""
    mine = dict(obs.pipsrc)
    if "index" in mine:
        mine["index"] = name_of(mine["index"], obs.urls)
    if "indexes" in mine:
        mine["indexes"] = [name_of(u, obs.urls) for u in mine["indexes"]]
    return mine


def disagreement(s: Scenario, obs: Observation) -> str | None:
    """None when pipsrc agrees with the real client, else a message saying how not."""
    real = obs.answer
    mine = normalised_pipsrc(obs)
    tool = "uv" if s.tool == "uv" else "pip"
    problem: str | None = None
    if "error" in real:
        problem = f"the real {tool} stopped before resolving"
    elif "error" in mine:
        problem = "pipsrc has no answer for this install command"
    elif real["no_index"] != mine.get("no_index"):
        problem = "no-index differs"
    elif not real["no_index"] and real["index"] != mine.get("index"):
        problem = "the primary index differs"
    elif "indexes" in mine and mine["indexes"] != real["indexes"]:
        problem = "the ordered index list differs"
    elif s.full_list and "indexes" not in mine and real["indexes"] != [real["index"]]:
        problem = (f"pipsrc reports only the primary index, but {tool} used the list "
                   f"{real['indexes']}")  # fmt: skip
    if problem is None:
        return None
    return report(s, obs, problem, mine)


def report(s: Scenario, obs: Observation, problem: str, mine: dict[str, Any]) -> str:
    urls = obs.urls
    lines = [f"DISAGREEMENT: {problem}", f"scenario {s.key}: {s.title or describe(s)}",
             f"  {describe(s)}"]  # fmt: skip
    for c in suspects(s, obs.answer, mine):
        lines.append(f"  suspected class [{c}]: {CLASSES[c]}")
    lines.append("")
    for rel, text in sorted(obs.rendered.files.items()):
        lines.append(
            f"--- {rel}"
            + (
                f"   <- install command at line {obs.rendered.line}"
                if rel == obs.rendered.path
                else ""
            )
        )
        for name, url in urls.items():
            text = text.replace(url, f"<{name}>")
        lines += ["    " + ln for ln in text.rstrip("\n").splitlines()]
    real = obs.answer
    answers = f"real {s.tool}: {json.dumps(real)}\npipsrc:   {json.dumps(mine)}"
    out = obs.output
    for name, url in urls.items():
        out = out.replace(url, f"<{name}>")
        answers = answers.replace(url, f"<{name}>")
    lines += ["", *answers.splitlines()]
    tail = out.strip().splitlines()[-8:]
    lines += ["", f"{s.tool} output (exit {obs.returncode}, last lines):"]
    lines += ["    " + ln for ln in tail]
    return "\n".join(lines)
