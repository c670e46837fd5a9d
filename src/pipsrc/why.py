"""``pipsrc why PATH:LINE``: which index an install command really uses, and why.

For an install command, :func:`explain` lists every setting the resolution model
(:mod:`pipsrc.resolution`) used for it, with its file, line, method and role, the precedence
its installer applies, the effective index list, how the policy sees it and the findings that
judge it. For a setting line it lists the install commands the setting reaches. The answer is
plain data; :func:`to_text` and :func:`to_json` word it, and every string leaves through
:func:`pipsrc.redaction.redact` (the one redaction point).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from pipsrc.context import Context
from pipsrc.engine.repository import make_context
from pipsrc.engine.results import FileResult, Finding, RunResult
from pipsrc.model import Document, InstallSite, Setting, Tool
from pipsrc.records import field, record
from pipsrc.redaction import redact
from pipsrc.report.facts import site_verdict
from pipsrc.report.methods import METHODS
from pipsrc.report.texts import precedence
from pipsrc.resolution import Effective, effective_index, visible_settings
from pipsrc.textio import LineIndex

# uv's order, highest first (pipsrc.resolution.uv); pip's comes from the model itself
UV_PRECEDENCE = (
    "--default-index > UV_DEFAULT_INDEX > --index-url > UV_INDEX_URL > uv configuration "
    "([[index]] default = true, then index-url) > a requirements file's -i, else PyPI; "
    "extra indexes (--index, UV_INDEX, --extra-index-url, UV_EXTRA_INDEX_URL, requirements "
    "files, configuration) are read before the default"
)
VERDICT_WORDS = {
    "policy": "the policy's index",
    "exception": "an allowed exception index",
    "other": "another index than the policy's",
    "pypi": "PyPI: nothing configured",
    "elsewhere": "configuration pipsrc cannot see",
    "no-index": "no index (--no-index)",
    "unknown": "not known before run time",
}


class WhyError(Exception):
    """A question ``why`` cannot answer: the message names the path (and line)."""


@record
class SettingUse:
    """One setting and what it does for an install command."""

    path: str
    line: int
    method: str  # pipsrc.model.Method value
    key: str
    value: str  # redacted
    role: str  # index | extra | no-index | replaced | seen (read, not an index choice)


@record
class FindingRef:
    code: str
    name: str
    severity: str
    path: str
    line: int
    column: int
    message: str  # redacted


@record
class SiteAnswer:
    """One install command: its index list and everything behind it."""

    path: str
    line: int
    command: str
    tool: str
    indexes: list[str | None]  # in the order the installer reads them (redacted)
    source: str  # pipsrc.resolution.Effective.source
    detail: str
    verdict: str  # one of VERDICT_WORDS
    precedence: str
    settings: list[SettingUse] = field(default_factory=list)
    findings: list[FindingRef] = field(default_factory=list)
    role: str = ""  # for a setting line: what the setting does for this command


@record
class Answer:
    """The answer for ``PATH:LINE``: its install commands, or the setting and its reach."""

    path: str
    line: int
    sites: list[SiteAnswer] = field(default_factory=list)
    settings: list[SettingUse] = field(default_factory=list)  # the settings on that line
    reaches: list[SiteAnswer] = field(default_factory=list)


def parse_target(target: str) -> tuple[str, int]:
    """``PATH:LINE`` -> (PATH, LINE); WhyError when there is no positive line number."""
    path, sep, line = target.rpartition(":")
    if not sep or not path or not line.isdigit() or int(line) < 1:
        raise WhyError(f"{target}: expected PATH:LINE (a line number from 1)")
    return path, int(line)


def default_root(path: str) -> str:
    """The tree whose settings count: the git work tree holding ``path``, else the current
    directory when ``path`` is inside it, else the directory of ``path``."""
    from pipsrc.gitfiles import git_root

    directory = os.path.dirname(os.path.abspath(path))
    top = git_root(directory)
    if top is not None:
        return top
    cwd = os.path.realpath(os.getcwd())
    return cwd if os.path.realpath(directory).startswith(cwd + os.sep) else directory


class _Run:
    """One checked tree, with what ``explain`` looks up in it."""

    def __init__(self, result: RunResult, show: Callable[[str], str]) -> None:
        self.result, self.show = result, show
        self.ctx: Context = make_context(result.files, result.policy, False, result.repository)
        self.docs = {r.path: r.doc for r in result.files if r.doc is not None}
        if result.repository is not None:
            self.docs.update({d.path: d for d in result.repository.loaded})
        self._lines: dict[str, LineIndex] = {}

    def line_of(self, path: str, offset: int) -> int:
        if path not in self._lines:
            doc = self.docs.get(path)
            self._lines[path] = LineIndex(doc.text if doc is not None else "")
        return self._lines[path].line_col(offset)[0]

    def lines_of(self, path: str, start: int, end: int) -> range:
        return range(self.line_of(path, start), self.line_of(path, max(start, end - 1)) + 1)

    def use(self, path: str, s: Setting, role: str) -> SettingUse:
        value = s.value if s.value is not None else s.raw
        return SettingUse(
            self.show(path), self.line_of(path, s.span.start), s.method.value, s.key,
            redact(value), role,
        )  # fmt: skip


def explain(result: RunResult, path: str, line: int, show: Callable[[str], str]) -> Answer:
    """The answer for ``path:line`` (``path`` relative to the run's root), from a checked
    run of the tree; ``show`` turns a root-relative path into the one to print."""
    run = _Run(result, show)
    r = _file(result, path, show(path))
    doc = r.doc
    assert doc is not None
    answer = Answer(show(path), line)
    for site in doc.sites:
        if line in run.lines_of(path, site.span.start, site.span.end):
            answer.sites.append(_site_answer(run, doc, site, r.findings))
    if answer.sites:
        return answer
    on_line = [
        s for s in doc.settings
        if s.site is None and not s.implied and line in run.lines_of(path, s.span.start, s.span.end)
    ]  # fmt: skip
    if not on_line:
        raise WhyError(_nothing_there(run, doc, path, line, show(path)))
    answer.settings = [run.use(path, s, s.kind.value) for s in on_line]
    answer.reaches = _reaches(run, path, on_line)
    return answer


def _file(result: RunResult, path: str, shown: str) -> FileResult:
    """The checked file at ``path``, or WhyError saying why it was not read."""
    for r in result.files:
        if r.path == path:
            if r.doc is None:
                raise WhyError(f"{shown}: not read: {redact(r.error or 'no parser for it')}")
            return r
    for s in result.skipped:
        if s.path == path:
            raise WhyError(f"{shown}: not read: {redact(s.reason)}")
    raise WhyError(f"{shown}: not a file pipsrc reads (see the file kinds in README)")


def _nothing_there(run: _Run, doc: Document, path: str, line: int, shown: str) -> str:
    sites = sorted({run.line_of(path, s.span.start) for s in doc.sites})
    settings = sorted({run.line_of(path, s.span.start) for s in doc.settings if not s.implied})
    listed = f"install commands on lines {_lines_text(sites)}"
    listed += f"; settings on lines {_lines_text(settings)}"
    return f"{shown}:{line}: no install command or index setting on this line ({listed})"


def _lines_text(lines: list[int]) -> str:
    return ", ".join(str(n) for n in lines[:20]) + (", ..." if len(lines) > 20 else "") or "none"


def _site_answer(
    run: _Run, doc: Document, site: InstallSite, findings: list[Finding]
) -> SiteAnswer:
    eff = effective_index(doc, site, run.ctx)
    verdict, _value = site_verdict(eff, run.ctx)
    answer = SiteAnswer(
        run.show(doc.path), run.line_of(doc.path, site.span.start), site.command,
        site.tool.value, [redact(i) if i is not None else None for i in eff.indexes],
        eff.source, redact(eff.detail), verdict,
        UV_PRECEDENCE if site.tool is Tool.UV else precedence("en").replace("`", ""),
    )  # fmt: skip
    answer.settings = _settings_of(run, doc, site, eff)
    answer.findings = _judging(run, doc, site, answer.settings, findings)
    return answer


def _settings_of(run: _Run, doc: Document, site: InstallSite, eff: Effective) -> list[SettingUse]:
    """The settings behind the index list (the model's chain, weakest first), then the
    other settings the command reads (its trusted hosts, find-links)."""
    out = [run.use(u.path or doc.path, u.setting, u.role) for u in eff.chain]
    if eff.source == "no-index" and eff.setting is not None:
        out.append(run.use(doc.path, eff.setting, "no-index"))
    known = {(u.path, u.line, u.key) for u in out}
    seen = [*visible_settings(doc, site, run.ctx), *site.settings]
    for s in sorted(seen, key=lambda s: s.span.start):
        use = run.use(doc.path, s, "seen")
        if (use.path, use.line, use.key) not in known and s.ineffective is None:
            out.append(use)
            known.add((use.path, use.line, use.key))
    return out


def _judging(
    run: _Run,
    doc: Document,
    site: InstallSite,
    settings: list[SettingUse],
    findings: list[Finding],
) -> list[FindingRef]:
    """The findings on the command's lines and on the lines of the settings behind it."""
    where = {
        (run.show(doc.path), n) for n in run.lines_of(doc.path, site.span.start, site.span.end)
    }
    where |= {(u.path, u.line) for u in settings}
    pool = list(findings)
    pool += [f for r in run.result.files if r.path != doc.path for f in r.findings]
    out = [
        FindingRef(f.code, f.name, f.severity.value, run.show(f.path), f.line, f.column,
                   redact(f.message))
        for f in sorted(pool, key=Finding.sort_key)
        if (run.show(f.path), f.line) in where
    ]  # fmt: skip
    return out


def _reaches(run: _Run, path: str, on_line: list[Setting]) -> list[SiteAnswer]:
    """Every install command of the tree one of ``on_line`` takes part in, and its role."""
    wanted = {(path, s.span.start) for s in on_line}
    out = []
    for doc_path, doc in sorted(run.docs.items()):
        findings = next((r.findings for r in run.result.files if r.path == doc_path), [])
        for site in doc.sites:
            eff = effective_index(doc, site, run.ctx)
            roles = [u.role for u in eff.chain if (u.path or doc_path, u.setting.span.start)
                     in wanted]  # fmt: skip
            no_index = eff.setting if eff.source == "no-index" else None
            if no_index is not None and (doc_path, no_index.span.start) in wanted:
                roles.append("no-index")
            if not roles and doc_path == path:
                seen = visible_settings(doc, site, run.ctx)
                roles = ["seen" for s in seen if (path, s.span.start) in wanted][:1]
            if roles:
                answer = _site_answer(run, doc, site, findings)
                answer.role = roles[-1]
                out.append(answer)
    return out


# --- wording ---------------------------------------------------------------------------


def to_json(answer: Answer) -> str:
    """The answer as JSON (redacted)."""
    return redact(json.dumps(_plain(answer), indent=2, ensure_ascii=False)) + "\n"


def _plain(value: object) -> object:
    """A record as JSON data (its fields, in order; lists of records in turn)."""
    names = getattr(type(value), "__record_fields__", None)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_text(answer: Answer) -> str:
    """The answer as text (redacted)."""
    lines: list[str] = []
    for site in answer.sites:
        lines += _site_text(site)
    if answer.settings:
        for s in answer.settings:
            lines.append(f"{s.path}:{s.line}: {_setting_text(s)} ({s.role})")
        if not answer.reaches:
            lines.append("  reaches no install command of this tree")
        for site in answer.reaches:
            lines.append(f"  reaches {site.path}:{site.line}: {site.command} as {site.role}")
            lines += ["  " + ln for ln in _site_text(site)[1:]]
    return redact("\n".join(lines) + "\n")


def _setting_text(s: SettingUse) -> str:
    from pipsrc.model import Method

    method = METHODS["en"].get(Method(s.method), s.method)
    return f"{s.key} {s.value} [{method}]"


def _site_text(site: SiteAnswer) -> list[str]:
    indexes = [i if i is not None else f"(unresolved: {site.source})" for i in site.indexes]
    where = f"{site.source}" + (f": {site.detail}" if site.detail else "")
    lines = [
        f"{site.path}:{site.line}: {site.command} ({site.tool})",
        f"  effective index: {', '.join(indexes) or 'none'} (from {where})",
        f"  policy: {VERDICT_WORDS.get(site.verdict, site.verdict)}",
        f"  precedence ({site.tool}, highest first): {site.precedence}",
    ]
    if site.settings:
        lines.append("  settings (as the installer reads them, weakest first):")
        lines += [f"    {s.path}:{s.line}: {_setting_text(s)} -> {s.role}" for s in site.settings]
    else:
        lines.append("  settings: none (the installer's default)")
    if site.findings:
        lines.append("  judged by:")
        lines += [
            f"    {f.path}:{f.line}:{f.column}: {f.code} {f.name} ({f.severity}): {f.message}"
            for f in site.findings
        ]
    else:
        lines.append("  judged by: no finding (the policy's rules accept it)")
    return lines


def render(answer: Answer, fmt: str) -> str:
    return to_json(answer) if fmt == "json" else to_text(answer)


__all__ = [
    "Answer", "SettingUse", "SiteAnswer", "WhyError", "default_root", "explain",
    "parse_target", "render",
]  # fmt: skip
