"""``--format markdown``: the audit report (SPEC §8) of the run, in the policy's language."""

from __future__ import annotations

from pipsrc.engine.results import RunResult
from pipsrc.output import RenderOptions


def render(result: RunResult, opts: RenderOptions) -> str:
    from pipsrc.report import report

    return report(result, opts.lang)
