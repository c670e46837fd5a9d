"""What the audit report says, measured from one run, before any wording.

The report must never claim what the run did not see (the hand-written
report of seeds/000 called files "confirmed" that the same commit changed, and
counted a comment as configuration). So every line of the report is derived
here from the run's own records: the documents as they are after the run, the
changes the fix engine applied, the findings left, and the effective index of
every install command. The renderer only words these facts in a language.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from pipsrc.catalogue import catalogue
from pipsrc.context import Context
from pipsrc.engine.repository import make_context
from pipsrc.engine.results import Change, FileResult, Finding, RunResult
from pipsrc.model import Document, InstallSite, Method, Setting, SettingKind
from pipsrc.policy import Policy
from pipsrc.records import field, record
from pipsrc.redaction import redact
from pipsrc.report.proxysection import ProxyFacts, proxy_facts
from pipsrc.resolution import Effective, effective_index
from pipsrc.textio import LineIndex
from pipsrc.urls import identity, parse_url
from pipsrc.vocabulary import URL_KINDS

# statuses, in the order the status column lists them
CHANGED, EXCEPTION, DEPENDS, VIOLATION, CONFIGURED = (
    "changed",
    "exception",
    "depends",
    "violation",
    "configured",
)
# where an install command gets its index from, when it is not its own file
DEPENDENCY_SOURCES = ("inherited", "image", "config-file", "build-arg", "requirements")
PYPI = "https://pypi.org/simple"


@record(frozen=True)
class SettingRow:
    """One setting of a file as it is after the run."""

    line: int
    kind: SettingKind
    key: str
    value: str  # redacted
    method: Method
    changed: bool  # this run wrote it
    exception: bool  # an allowed exception index
    ineffective: bool  # pip ignores it


@record(frozen=True)
class ExceptionKept:
    """An index kept although it is not the policy's: an allowed exception, or a
    finding accepted by a suppression comment (``code`` is then the rule it silences)."""

    path: str
    line: int
    value: str  # redacted
    reason_en: str
    reason_zh: str
    code: str | None = None


@record(frozen=True)
class Dependency:
    """An install command whose index comes from configuration outside its own file."""

    path: str
    line: int
    source: str  # one of DEPENDENCY_SOURCES
    detail: str  # the file, image or construct it depends on (redacted)


@record(frozen=True)
class SiteRow:
    """One pip install command and the index it really uses (the verification table)."""

    path: str
    line: int
    command: str
    source: str  # Effective.source: cli | requirements | env | config | config-file | ...
    index: str | None  # redacted; None when it comes from elsewhere or is unknown
    verdict: str  # policy | exception | other | pypi | elsewhere | no-index | unknown


@record
class FileFacts:
    path: str
    kind: str
    settings: list[SettingRow] = field(default_factory=list)
    sites: int = 0
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)
    site_rows: list[SiteRow] = field(default_factory=list)
    error: str | None = None

    @property
    def statuses(self) -> list[str]:
        out = []
        if self.changes:
            out.append(CHANGED)
        if any(s.exception for s in self.settings):
            out.append(EXCEPTION)
        own_index = any(
            s.kind == SettingKind.INDEX and not s.ineffective and not s.exception
            for s in self.settings
        )
        if self.dependencies and not own_index:
            out.append(DEPENDS)
        if self.blocking or self.error:
            out.append(VIOLATION)
        if not out:
            out.append(CONFIGURED)
        return out

    @property
    def blocking(self) -> list[Finding]:
        """Findings that make ``check`` fail (info findings do not)."""
        return [f for f in self.findings if f.severity.value != "info"]

    @property
    def methods(self) -> list[Method]:
        seen: list[Method] = []
        for s in self.settings:
            if not s.ineffective and s.method not in seen:
                seen.append(s.method)
        return seen

    @property
    def listed(self) -> bool:
        """Whether the file has anything to say in the per-file sections."""
        return bool(self.settings or self.sites or self.changes or self.findings or self.error)


@record
class ProbeResult:
    """One index measured by ``pipsrc report --probe``."""

    url: str  # redacted
    status: str  # "ok" | an error word
    samples_ms: list[float] = field(default_factory=list)
    http_status: int | None = None

    @property
    def median_ms(self) -> float | None:
        if not self.samples_ms:
            return None
        ordered = sorted(self.samples_ms)
        mid = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[mid]
        return (ordered[mid - 1] + ordered[mid]) / 2


@record
class ReportFacts:
    mode: str  # check | fix | diff
    index: str | None  # the target index, redacted (None: no index to judge against)
    index_id: str | None
    consistency: bool  # no policy index: the repository's dominant index was used
    proxy: bool
    trusted_host: bool  # whether the policy wants a trusted-host next to the index
    files: list[FileFacts]
    exceptions: list[ExceptionKept]
    skipped: list[tuple[str, str]]
    probe: list[ProbeResult] | None = None
    date: str | None = None
    # the conda mirror (base URL, redacted), its catalogue id and community channels
    conda_mirror: str | None = None
    conda_id: str | None = None
    conda_channels: tuple[str, ...] | None = None
    proxy_section: ProxyFacts | None = None  # the internal proxy, when the run has one

    @property
    def listed(self) -> list[FileFacts]:
        return [f for f in self.files if f.listed]

    @property
    def changes(self) -> list[Change]:
        return [c for f in self.files for c in f.changes]

    @property
    def changed_files(self) -> list[FileFacts]:
        return [f for f in self.files if f.changes]

    @property
    def findings(self) -> list[Finding]:
        return sorted((x for f in self.files for x in f.findings), key=Finding.sort_key)

    @property
    def dependencies(self) -> list[Dependency]:
        return [d for f in self.files for d in f.dependencies]

    @property
    def site_rows(self) -> list[SiteRow]:
        return [row for f in self.files for row in f.site_rows]

    @property
    def severity_counts(self) -> Counter[str]:
        return Counter(f.severity.value for f in self.findings)

    def change_groups(self) -> list[tuple[tuple[str, str], list[Change]]]:
        """Changes grouped by kind (action, setting kind), in a stable order."""
        order = {"replace": 0, "remove": 1, "add": 2}
        groups: dict[tuple[str, str], list[Change]] = {}
        for c in self.changes:
            groups.setdefault(c.kind, []).append(c)
        return sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0][1]))


def wants_trusted_host(policy: Policy, index: str | None) -> bool:
    """Whether the policy's standard configuration carries a trusted-host line."""
    if index is None or policy.trusted_host == "never":
        return False
    if policy.trusted_host == "always":
        return True
    parsed = parse_url(index)
    return parsed is not None and parsed.scheme == "http"


def gather(result: RunResult, *, probe: list[ProbeResult] | None = None) -> ReportFacts:
    """The facts of one run (``check``, ``fix`` or ``fix --diff``)."""
    policy = result.policy
    ctx = make_context(result.files, policy, False, result.repository)
    target = ctx.target_index
    files: list[FileFacts] = []
    exceptions: list[ExceptionKept] = []
    for r in sorted(result.files, key=lambda r: r.path):
        accepted = _accepted(r)
        facts = _file_facts(r, ctx, accepted)
        files.append(facts)
        if r.doc is not None:
            found = _exceptions(r.doc, policy)
            known = {(e.line, e.value) for e in found}
            found += [e for e in accepted.values() if (e.line, e.value) not in known]
            exceptions.extend(sorted(found, key=lambda e: (e.line, e.value)))
    return ReportFacts(
        mode=result.mode,
        index=redact(target) if target else None,
        index_id=policy.index_id if policy.index else _catalogue_id(target),
        consistency=policy.index is None,
        proxy=policy.proxy,
        trusted_host=wants_trusted_host(policy, target),
        files=files,
        exceptions=exceptions,
        skipped=[(s.path, redact(s.reason)) for s in result.skipped],
        probe=probe,
        conda_mirror=redact(policy.conda.mirror) if policy.conda.mirror else None,
        conda_id=policy.conda.mirror_id,
        conda_channels=policy.conda.carried,
        proxy_section=proxy_facts(result, policy),
    )


def _catalogue_id(url: str | None) -> str | None:
    if url is None:
        return None
    m = catalogue().match(url)
    return m.mirror.id if m is not None and not m.mirror.is_vendor else None


def _accepted(r: FileResult) -> dict[int, ExceptionKept]:
    """Findings a suppression comment accepted, keyed by the index of the setting they are on
    (-1 - n when the finding is on no setting)."""
    out: dict[int, ExceptionKept] = {}
    if r.doc is None:
        return out
    for n, (f, reason) in enumerate(r.suppressed):
        key = -1 - n
        for i, s in enumerate(r.doc.settings):
            spans = [s.span] + ([s.use_span] if s.use_span else [])
            if any(sp.start <= f.span.start < max(sp.end, sp.start + 1) for sp in spans):
                key = i
                break
        value = f.value
        if key >= 0:
            setting = r.doc.settings[key]
            value = redact(setting.value if setting.value is not None else setting.raw)
        out.setdefault(key, ExceptionKept(r.path, f.line, value, reason, reason, f.code))
    return out


def _file_facts(r: FileResult, ctx: Context, accepted: dict[int, ExceptionKept]) -> FileFacts:
    facts = FileFacts(r.path, r.kind, changes=list(r.changes), findings=list(r.findings))
    facts.error = r.error
    doc = r.doc
    if doc is None:
        return facts
    lines = LineIndex(doc.text)
    changed_lines = {(c.new_line, c.setting) for c in r.changes if c.action != "remove"}
    for i, s in enumerate(doc.settings):
        if s.implied:
            continue  # not written in the file (the findings say what it implies)
        line = lines.line_col(s.span.start)[0]
        exc = i in accepted or (
            s.value is not None
            and s.kind in URL_KINDS
            and ctx.policy.exception_for(s.value) is not None
        )
        changed = (line, s.kind.value) in changed_lines or (line, "") in changed_lines
        facts.settings.append(
            SettingRow(
                line,
                s.kind,
                s.key,
                redact(s.value if s.value is not None else s.raw),
                s.method,
                changed,
                exc,
                s.ineffective is not None,
            )
        )
    facts.settings.sort(key=lambda row: row.line)
    facts.sites = len(doc.sites)
    seen: set[tuple[str, str]] = set()
    for site in doc.sites:
        eff = effective_index(doc, site, ctx)
        facts.site_rows.append(
            _site_row(r.path, lines.line_col(site.span.start)[0], site, eff, ctx)
        )
        if eff.source not in DEPENDENCY_SOURCES:
            continue
        detail = eff.detail or (eff.setting.key if eff.setting else "")
        if (eff.source, detail) in seen:
            continue
        seen.add((eff.source, detail))
        facts.dependencies.append(
            Dependency(r.path, lines.line_col(site.span.start)[0], eff.source, redact(detail))
        )
    return facts


def _site_row(path: str, line: int, site: InstallSite, eff: Effective, ctx: Context) -> SiteRow:
    verdict, value = site_verdict(eff, ctx)
    return SiteRow(path, line, site.command, eff.source, redact(value) if value else None, verdict)


def site_verdict(eff: Effective, ctx: Context) -> tuple[str, str | None]:
    """How the policy sees the index an install site uses (one of the report's verdicts:
    policy | exception | other | pypi | elsewhere | no-index | unknown), and that index."""
    value = eff.setting.value if eff.setting is not None else None
    if eff.source == "default":
        verdict, value = "pypi", PYPI
    elif eff.source == "no-index":
        verdict = "no-index"
    elif value is None:
        verdict = "elsewhere" if eff.source in DEPENDENCY_SOURCES else "unknown"
    elif ctx.target_index is not None and identity(value) == identity(ctx.target_index):
        verdict = "policy"
    elif ctx.policy.exception_for(value) is not None:
        verdict = "exception"
    else:
        verdict = "other"
    return verdict, value


def _exceptions(doc: Document, policy: Policy) -> list[ExceptionKept]:
    out = []
    lines = LineIndex(doc.text)
    for s in doc.settings:
        if s.value is None or s.ineffective is not None:
            continue
        if s.kind not in URL_KINDS:
            continue
        reasons = _exception_reasons(s, policy)
        if reasons is None:
            continue
        out.append(
            ExceptionKept(
                doc.path,
                lines.line_col(s.span.start)[0],
                redact(s.value),
                redact(reasons[0]),
                redact(reasons[1]),
            )
        )
    return out


def _exception_reasons(s: Setting, policy: Policy) -> tuple[str, str] | None:
    """(English, Chinese) reason an exception index is kept (its name if it has none)."""
    assert s.value is not None
    en, zh = policy.exception_for(s.value, "en"), policy.exception_for(s.value, "zh")
    if en is None or zh is None:
        return None
    return en[1] or en[0], zh[1] or zh[0]


def index_label(facts: ReportFacts, lang: str) -> str:
    """How the report names the target index: the mirror's name, else the URL's host."""
    if facts.index is None:
        return ""
    if facts.index_id:
        mirror = catalogue().get(facts.index_id)
        if mirror is not None:
            return mirror.name(lang)
    parsed = urlsplit(facts.index)
    return parsed.netloc.rsplit("@", 1)[-1] or facts.index
