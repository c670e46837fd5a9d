"""The audit report (SPEC §8): what the run found and did, as markdown in English or Chinese.

:func:`gather` turns a run into language-free facts (:mod:`.facts`);
:func:`render` words them (:mod:`.markdown`, :mod:`.texts`). ``--probe``
measurements come from :mod:`.probe`, the only module of pipsrc that opens a
network connection, and only when asked.
"""

from __future__ import annotations

from pipsrc.engine.results import RunResult
from pipsrc.redaction import redact
from pipsrc.report.facts import ProbeResult, ReportFacts, gather
from pipsrc.report.texts import LANGS


def render(facts: ReportFacts, lang: str) -> str:
    from pipsrc.report.markdown import render as render_markdown

    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r} (choose from {', '.join(LANGS)})")
    return redact(render_markdown(facts, lang))


def report(
    result: RunResult,
    lang: str | None = None,
    *,
    probe: list[ProbeResult] | None = None,
    date: str | None = None,
) -> str:
    """The markdown report of ``result`` (language: ``lang``, else the policy's, else en)."""
    facts = gather(result, probe=probe)
    facts.date = date
    return render(facts, lang or result.policy.report_lang or "en")


__all__ = ["LANGS", "ProbeResult", "ReportFacts", "gather", "render", "report"]
