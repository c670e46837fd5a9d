"""The audit report as markdown (GitHub/GitLab flavoured), in English or Chinese.

Everything variable is put in code spans or escaped, URLs never appear bare,
tables have a fixed column count and no HTML is used, so the report passes
a markdown linter and renders the same on GitHub, GitLab and in a job summary.
The order of everything is fixed (files by path, changes by kind then path
then line), so the same tree gives the same bytes and the report can be
committed and diffed.
"""

from __future__ import annotations

import re
from collections import Counter

from pipsrc.catalogue import catalogue
from pipsrc.engine.results import Change
from pipsrc.model import Applicability, Method
from pipsrc.report.condapatterns import conda_patterns
from pipsrc.report.facts import (
    DEPENDS,
    VIOLATION,
    FileFacts,
    ReportFacts,
    SettingRow,
    index_label,
)
from pipsrc.report.messages import message
from pipsrc.report.methods import METHODS
from pipsrc.report.patterns import patterns
from pipsrc.report.proxysection import render_proxy
from pipsrc.report.texts import change_title, precedence, text

# a URL ends at white space, a backtick or the full-width punctuation of a Chinese sentence
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s`（）：；，。、]+")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_ESCAPE = re.compile(r"([\\*_\[\]<>|~#])")


def code(value: str, *, table: bool = False) -> str:
    """``value`` as an inline code span (one line; backticks and table pipes handled)."""
    value = snippet(value)
    if table:
        value = value.replace("|", "\\|")
    if not value:
        return "` `"
    run = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (run + 1)
    pad = " " if run or value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def snippet(value: str) -> str:
    """A value or edited text on one line: continuations dropped, lines joined by ⏎."""
    parts = [ln.strip().rstrip("\\").strip() for ln in value.strip().splitlines()]
    return " ⏎ ".join(p for p in parts if p)


def prose(value: str) -> str:
    """Free text (a finding message): code spans and URLs kept as code, the rest escaped."""
    out: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(value):
        out.append(_plain(value[pos : m.start()]))
        out.append(code(m.group(2), table=True))
        pos = m.end()
    out.append(_plain(value[pos:]))
    return "".join(out)


def _plain(value: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(value):
        out.append(_ESCAPE.sub(r"\\\1", value[pos : m.start()]))
        url = m.group(0)
        trail = ""
        while url and url[-1] in ".,;:)":
            trail = url[-1] + trail
            url = url[:-1]
        out.append(code(url, table=True) + _ESCAPE.sub(r"\\\1", trail))
        pos = m.end()
    out.append(_ESCAPE.sub(r"\\\1", value[pos:]))
    return "".join(out).replace("\n", " ")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


class _Doc:
    """Markdown blocks joined with exactly one blank line between them."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def add(self, *lines: str) -> None:
        self.blocks.append("\n".join(lines))

    def heading(self, level: int, title: str) -> None:
        self.add("#" * level + " " + title)

    def text(self) -> str:
        return "\n\n".join(b for b in self.blocks if b) + "\n"


def render(facts: ReportFacts, lang: str) -> str:
    """The whole report for ``facts`` in ``lang`` ("en" or "zh")."""
    md = _Doc()
    name = index_label(facts, lang)
    if facts.index is None or facts.consistency:
        md.heading(1, text(lang, "title_consistency"))
    else:
        md.heading(1, text(lang, "title", name=name))
    _overview(md, facts, lang, name)
    if facts.proxy_section is not None:
        render_proxy(md.add, facts.proxy_section, lang, text, code)
    md.heading(2, text(lang, "inventory"))
    _by_file(md, facts, lang)
    _changes(md, facts, lang)
    _exceptions(md, facts, lang)
    _dependencies(md, facts, lang)
    _patterns(md, facts, lang, name)
    _verification(md, facts, lang)
    if facts.probe is not None:
        _probe(md, facts, lang)
    _remaining(md, facts, lang)
    _status_table(md, facts, lang)
    _next_steps(md, facts, lang)
    md.add("---")
    footer = [text(lang, "footer")]
    if facts.date:
        footer.append(text(lang, "date", date=facts.date))
    md.add(*(f"{line}  " if i < len(footer) - 1 else line for i, line in enumerate(footer)))
    return md.text()


def _overview(md: _Doc, facts: ReportFacts, lang: str, name: str) -> None:
    md.heading(2, text(lang, "overview"))
    if facts.index is None:
        intro = text(lang, "intro_no_index")
    elif facts.consistency:
        intro = text(lang, "intro_consistency", url=facts.index)
    elif facts.proxy or not facts.index_id:
        intro = text(lang, "intro_proxy", url=facts.index)
    else:
        intro = text(lang, "intro_index", name=name, url=facts.index)
    md.add(intro + ("" if lang == "zh" else " ") + text(lang, f"intro_{facts.mode}"))
    sev = facts.severity_counts
    diff = facts.mode == "diff"
    rows = [
        ("n_files", len(facts.files)),
        ("n_configured", sum(1 for f in facts.files if f.settings)),
        ("n_settings", sum(len(f.settings) for f in facts.files)),
        ("n_sites", sum(f.sites for f in facts.files)),
    ]
    if facts.mode != "check":
        rows.append(("n_would_change" if diff else "n_changed", len(facts.changed_files)))
        rows.append(("n_would_edit" if diff else "n_edits", len(facts.changes)))
    rows += [
        ("n_exceptions", len(facts.exceptions)),
        ("n_dependent", len({d.path for d in facts.dependencies})),
        ("n_findings", len(facts.findings)),
    ]
    for key, sev_key in (("n_errors", "error"), ("n_warnings", "warning"), ("n_infos", "info")):
        if sev.get(sev_key):
            rows.append((key, sev[sev_key]))
    not_checked = len(facts.skipped) + sum(1 for f in facts.files if f.error)
    if not_checked:
        rows.append(("n_skipped", not_checked))
    md.add(
        *table(
            [text(lang, "measure"), text(lang, "count")],
            [[text(lang, key), str(n)] for key, n in rows],
        )
    )


def _setting_text(s: SettingRow) -> str:
    """The setting as its kind of file writes it (values are shown resolved)."""
    if s.method == Method.PIP_CONF:
        return f"{s.key} = {s.value}"
    if s.method == Method.PIP_CONFIG:
        return f"config set {s.key} {s.value}"
    if s.method in (Method.CONDARC, Method.CONDA_ENV):
        return f"{s.key}: {s.value}"
    if s.method == Method.CONDA_CONFIG:
        return f"conda config {s.key} {s.value}"
    if s.key.startswith("-") or " " in s.key:
        return f"{s.key} {s.value}"
    return f"{s.key}={s.value}"


def _by_file(md: _Doc, facts: ReportFacts, lang: str) -> None:
    md.heading(3, "1. " + text(lang, "by_file"))
    listed = [f for f in facts.listed if f.settings or f.sites]
    if not listed:
        md.add(text(lang, "no_settings"))
    items: list[str] = []
    for f in listed:
        colon = "：" if lang == "zh" else ": "
        items.append(f"- **{code(f.path)}**{colon}{_statuses(f, lang)}")
        for s in f.settings:
            marks = []
            if s.changed:
                marks.append(text(lang, "changed_mark"))
            if s.exception:
                marks.append(text(lang, "exception_mark"))
            if s.ineffective:
                # a project file's tool is not pip (a poetry.toml upload repository)
                project = s.method is Method.PROJECT
                marks.append(text(lang, "ineffective_tool_mark" if project else "ineffective_mark"))
            sep = "" if lang == "zh" else " "
            suffix = (sep + sep.join(marks)) if marks else ""
            method = METHODS[lang][s.method]
            where = text(lang, "line", line=s.line)
            colon = "：" if lang == "zh" else ": "
            paren = f"（{method}）" if lang == "zh" else f" ({method})"
            items.append(f"  - {where}{colon}{code(_setting_text(s))}{paren}{suffix}")
        if not f.settings:
            items.append(f"  - {text(lang, 'sites_only', n=f.sites)}")
    if items:
        md.add(*items)
    rest = sum(1 for f in facts.files if not (f.settings or f.sites))
    if rest:
        md.add(text(lang, "unconfigured", n=rest))


def _statuses(f: FileFacts, lang: str) -> str:
    out = []
    for st in f.statuses:
        if st == VIOLATION:
            out.append(
                text(lang, "st_error")
                if f.error and not f.blocking
                else text(lang, "st_violation", n=len(f.blocking) + (1 if f.error else 0))
            )
        else:
            out.append(text(lang, f"st_{st}"))
    return "，".join(out) if lang == "zh" else ", ".join(out)


def _line_cell(c: Change) -> str:
    """The line in the fixed file, with the original one when the fix moved it."""
    if c.new_line == c.line or c.action == "add":
        return str(c.new_line)
    return f"{c.line} → {c.new_line}"


def _changes(md: _Doc, facts: ReportFacts, lang: str) -> None:
    md.heading(3, "2. " + text(lang, "changes_diff" if facts.mode == "diff" else "changes"))
    if facts.mode == "check":
        md.add(text(lang, "no_changes_check"))
        return
    groups = facts.change_groups()
    if not groups:
        md.add(text(lang, "no_changes_fix"))
        return
    for n, ((action, setting), changes) in enumerate(groups, 1):
        count = f"（{len(changes)}）" if lang == "zh" else f" ({len(changes)})"
        md.heading(4, f"2.{n} {change_title(lang, action, setting)}{count}")
        rows = []
        for c in sorted(changes, key=lambda c: (c.path, c.line, c.new_line)):
            before = code(c.before, table=True) if snippet(c.before) else text(lang, "added")
            after = code(c.after, table=True) if snippet(c.after) else text(lang, "removed")
            rows.append([code(c.path, table=True), _line_cell(c), before, after])
        md.add(
            *table(
                [
                    text(lang, "file"),
                    text(lang, "line_col"),
                    text(lang, "before"),
                    text(lang, "after"),
                ],
                rows,
            )
        )


def _exceptions(md: _Doc, facts: ReportFacts, lang: str) -> None:
    md.heading(3, "3. " + text(lang, "exceptions"))
    if not facts.exceptions:
        md.add(text(lang, "no_exceptions"))
        return
    rows = []
    for e in facts.exceptions:
        reason = prose(e.reason_zh if lang == "zh" else e.reason_en)
        if e.code is not None:
            # the suppression comment's own words, quoted as written
            said = e.reason_zh if lang == "zh" else e.reason_en
            said = code(said, table=True) if said.strip() else text(lang, "no_reason")
            reason = text(lang, "accepted", code=e.code, reason=said)
        value = code(e.value, table=True) if e.value else text(lang, "none")
        rows.append([code(e.path, table=True), str(e.line), value, reason])
    header = ["file", "line_col", "index_col", "reason"]
    md.add(*table([text(lang, h) for h in header], rows))


def _dependencies(md: _Doc, facts: ReportFacts, lang: str) -> None:
    md.heading(3, "4. " + text(lang, "dependencies"))
    deps = facts.dependencies
    if not deps:
        md.add(text(lang, "no_dependencies"))
        return
    items = []
    for d in deps:
        where = text(lang, "line", line=d.line)
        head = f"{code(d.path)}（{where}）：" if lang == "zh" else f"{code(d.path)} ({where}): "
        items.append(f"- {head}{_dep_text(lang, d.source, d.detail)}")
    md.add(*items)


def _dep_text(lang: str, source: str, detail: str) -> str:
    return text(lang, f"dep_{source}", detail=code(detail))


def _patterns(md: _Doc, facts: ReportFacts, lang: str, name: str) -> None:
    md.heading(2, text(lang, "patterns"))
    n = 0
    if facts.index is None and facts.conda_mirror is None:
        md.add(text(lang, "patterns_none"))
        return
    if facts.index is None:
        md.add(text(lang, "patterns_none"))
    else:
        th = text(lang, "patterns_th") if facts.trusted_host else ""
        md.add(text(lang, "patterns_intro", name=name or facts.index, th=th))
        for n, p in enumerate(patterns(facts.index, facts.trusted_host), 1):
            md.heading(3, text(lang, "pattern_n", n=n, title=text(lang, f"pat_{p.key}")))
            md.add(f"```{p.language}", p.body, "```")
    if facts.conda_mirror is not None:
        mirror = catalogue().get(facts.conda_id) if facts.conda_id else None
        label = mirror.name(lang) if mirror is not None else facts.conda_mirror
        md.add(text(lang, "conda_patterns_intro", name=label))
        found = conda_patterns(facts.conda_mirror, facts.conda_channels)
        for k, p in enumerate(found, n + 1):
            md.heading(3, text(lang, "pattern_n", n=k, title=text(lang, f"pat_{p.key}")))
            md.add(f"```{p.language}", p.body, "```")


VERDICTS = ("policy", "exception", "elsewhere", "no-index", "unknown", "other", "pypi")


def _verification(md: _Doc, facts: ReportFacts, lang: str) -> None:
    md.heading(2, text(lang, "verification"))
    rows = facts.site_rows
    if not rows:
        md.add(text(lang, "no_sites"))
        _pictures(md, facts, lang)
        return
    md.add(text(lang, "verification_intro").format(precedence=precedence(lang)))
    counts = Counter(r.verdict for r in rows)
    md.add(
        *table(
            [text(lang, "result"), text(lang, "commands")],
            [[text(lang, f"v_{v}"), str(counts[v])] for v in VERDICTS if counts[v]],
        )
    )
    _pictures(md, facts, lang)
    body = []
    for r in rows:
        used = text(lang, f"v_{r.verdict}")
        if r.index:
            used = f"{used.split(' ', 1)[0]} {code(r.index, table=True)}"
        body.append(
            [
                code(r.path, table=True),
                str(r.line),
                code(r.command, table=True),
                used,
                text(lang, f"src_{r.source}"),
            ]
        )
    header = ["file", "line_col", "command", "index_used", "from"]
    md.add(*table([text(lang, h) for h in header], body))


def _pictures(md: _Doc, facts: ReportFacts, lang: str) -> None:
    """The mermaid pie of commands by index and the flowchart files -> settings -> indexes."""
    from pipsrc.report import mermaid

    pie = mermaid.pie(facts, lang)
    if pie:
        md.add(*pie)
    flow, truncated = mermaid.flowchart(facts, lang)
    if flow:
        key = "flow_intro_truncated" if truncated else "flow_intro"
        md.add(text(lang, key, n=mermaid.MAX_SETTINGS))
        md.add(*flow)


def _next_steps(md: _Doc, facts: ReportFacts, lang: str) -> None:
    md.heading(2, text(lang, "next"))
    findings = facts.findings
    safe = sum(1 for f in findings if f.applicability == Applicability.SAFE)
    unsafe = sum(1 for f in findings if f.applicability == Applicability.UNSAFE)
    manual = len(findings) - safe - unsafe
    depends = len({d.path for d in facts.dependencies})
    items: list[str] = []
    for key, n in (
        ("next_safe", safe),
        ("next_unsafe", unsafe),
        ("next_manual", manual),
        ("next_depends", depends),
    ):
        if n:
            items.append(f"{len(items) + 1}. {text(lang, key, n=n)}")
    items.append(f"{len(items) + 1}. {text(lang, 'next_keep')}")
    md.add(*items)


def _remaining(md: _Doc, facts: ReportFacts, lang: str) -> None:
    md.heading(2, text(lang, "remaining"))
    findings = facts.findings
    if not findings and not facts.skipped and not any(f.error for f in facts.files):
        md.add(text(lang, "no_findings"))
        return
    if findings:
        rows = [
            [
                f.code,
                code(f"{f.path}:{f.line}:{f.column}", table=True),
                text(lang, f"sev_{f.severity.value}"),
                prose(message(f.message, lang)),
            ]
            for f in findings
        ]
        header = ["code", "location", "severity", "message"]
        md.add(*table([text(lang, h) for h in header], rows))
    not_checked = [(p, r) for p, r in facts.skipped]
    not_checked += [(f.path, f.error) for f in facts.files if f.error]
    if not_checked:
        md.heading(3, text(lang, "not_checked"))
        colon = "：" if lang == "zh" else ": "
        md.add(*(f"- {code(p)}{colon}{prose(message(r, lang))}" for p, r in sorted(not_checked)))


def _probe(md: _Doc, facts: ReportFacts, lang: str) -> None:
    assert facts.probe is not None
    md.heading(2, text(lang, "probe"))
    n = max((len(p.samples_ms) for p in facts.probe), default=0)
    md.add(text(lang, "probe_intro", n=n))
    rows = []
    for p in facts.probe:
        median = p.median_ms
        rows.append(
            [
                code(p.url, table=True),
                p.status if p.http_status is None else f"{p.status} (HTTP {p.http_status})",
                "" if median is None else f"{median:.0f}",
                str(len(p.samples_ms)),
            ]
        )
    header = ["index_col", "probe_status", "probe_median", "probe_samples"]
    md.add(*table([text(lang, h) for h in header], rows))


def _method_cell(f: FileFacts, lang: str) -> str:
    parts = [METHODS[lang][m] for m in f.methods]
    if DEPENDS in f.statuses:
        for d in f.dependencies:
            detail = code(snippet(d.detail), table=True)
            part = text(lang, f"dep_short_{d.source}", detail=detail)
            if part not in parts:
                parts.append(part)
    return " + ".join(parts) if parts else text(lang, "none")


def _status_table(md: _Doc, facts: ReportFacts, lang: str) -> None:
    md.heading(2, text(lang, "status_table"))
    listed = facts.listed
    if not listed:
        md.add(text(lang, "no_settings"))
        return
    rows = [[code(f.path, table=True), _statuses(f, lang), _method_cell(f, lang)] for f in listed]
    md.add(*table([text(lang, "file"), text(lang, "status"), text(lang, "method")], rows))
