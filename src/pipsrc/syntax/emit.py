"""What a recognised command sets: the context it is read in and the settings it makes.

Every surface that finds commands (a shell script, a Dockerfile ``RUN`` in shell or
exec form, the PowerShell fallback) and every kind of command it finds (a pip install,
``pip config set``, ``docker build --build-arg``, a ``PIP_*=`` prefix) records settings
the same way: through a :class:`Ctx` and :func:`emit_env`, so an index variable is
located, split into list items and judged ineffective alike wherever it is written.
"""

from __future__ import annotations

import re

from pipsrc.model import (
    Document,
    Insertion,
    InstallSite,
    Method,
    Scope,
    Setting,
    SettingKind,
    Span,
)
from pipsrc.records import field, record, replace
from pipsrc.syntax.words import Resolved, Resolver, split_items
from pipsrc.textio import line_ending_at
from pipsrc.vocabulary import ENV_VARS, URL_KINDS, EnvVar

K = SettingKind

_PIP_INDEX_REF = re.compile(r"\$\{?PIP_INDEX(?![A-Za-z0-9_])")


@record
class Ctx:
    """Where and with which variables one command list is being analysed."""

    doc: Document
    res: Resolver
    scope: str
    bad: list[tuple[int, int]] = field(default_factory=list)  # logical error ranges
    exec_form: bool = False  # Dockerfile exec form: no variable expansion
    editable: bool = True  # False for non-POSIX shells and unfixable contexts
    method: Method = Method.ENV
    # the command being read is the only one in a compound's body (``then``, ``do``, ``{``):
    # removing it would leave an empty body, a syntax error in bash
    sole: bool = False
    # the directory the commands run in after the text's `cd`s (see InstallSite.cwd)
    cwd: str | None = ""

    def is_bad(self, start: int, end: int) -> bool:
        return any(a <= end and start <= b for a, b in self.bad)

    def add(self, setting: Setting, site: InstallSite | None = None) -> Setting:
        self.doc.settings.append(setting)
        if site is not None:
            site.settings.append(setting)
        return setting


def pip_index_ineffective(text: str) -> str | None:
    """PS401 note for ``PIP_INDEX`` unless the file interpolates it by hand."""
    spec = ENV_VARS["PIP_INDEX"]
    return None if _PIP_INDEX_REF.search(text) else spec.ineffective


def emit_env(
    ctx: Ctx,
    name: str,
    res: Resolved,
    method: Method,
    *,
    removal: Span | None,
    sibling: Insertion | None,
    site: InstallSite | None = None,
    position: int = -1,
    ineffective: str | None = None,
    ok: bool = True,
    handed_on: bool = False,
) -> list[Setting]:
    """Settings for one ``NAME=value`` of an index variable (one per list item).

    ``handed_on``: a build argument passed to a Dockerfile not seen here, which may
    interpolate any name by hand (``-i $PIP_INDEX``), so none is judged ineffective.
    """
    spec = ENV_VARS.get(name)
    if spec is None:
        return []
    if spec.ineffective is not None and ineffective is None and not handed_on:
        ineffective = pip_index_ineffective(ctx.doc.text)
        if ineffective is None:
            return []  # interpolated by hand (-i $PIP_INDEX): that use is the setting
    if res.value == "" and spec.kind is not K.NO_INDEX:
        note: str | None = (
            ineffective or f"an empty {name} is ignored: it does not clear configured values"
        )
        if method is Method.BUILD_ARG and ineffective is None:
            note = None  # `ARG NAME=`: a placeholder, or the reset of an earlier default
        s = Setting(spec.kind, name, res.raw, "", res.span, method, ctx.scope, spec.tool, False,
                    removal, res.use_span, note, position=position)  # fmt: skip
        return [ctx.add(s, site)]
    out: list[Setting] = []
    items = _env_items(res, spec)
    assign = position if position >= 0 else (res.use_span or res.span).start
    for item, span, exact, item_removal in items:
        value = item if res.value is not None else None
        s = Setting(
            spec.kind, name, ctx.doc.text[span.start : span.end], value, span, method, ctx.scope,
            spec.tool, assign=assign,
            editable=exact and ok and ctx.editable and value is not None,
            removal=item_removal if len(items) > 1 else removal,
            use_span=res.use_span,
            ineffective=ineffective,
            sibling=sibling if spec.kind in URL_KINDS else None,
            position=position,
            site=site.index if site is not None else None,
        )  # fmt: skip
        out.append(ctx.add(s, site))
    return out


def _env_items(res: Resolved, spec: EnvVar) -> list[tuple[str, Span, bool, Span | None]]:
    """The items of a variable's value: one for a scalar, each word of a list."""
    if res.value is None:
        return [("", res.span, False, None)]
    items = split_items(res, spec.named) if spec.split or spec.named else []
    return items or [(res.value, res.span, res.exact, None)]


def command_scope(ctx: Ctx, kind: str, lstart: int, lend: int) -> Ctx:
    """A context whose settings belong to a new scope covering one command only.

    The id is ``<kind>@<line>`` (with ``:2``, ``:3``... for more commands on
    that line); the scope has no insertion point and no parent, so nothing in
    it counts as configuration of the file's own install sites.
    """
    span, _ = ctx.res.fspan(lstart, lend)
    text = ctx.doc.text
    base = f"{kind}@{text.count(chr(10), 0, span.start) + 1}"
    taken = {sc.id for sc in ctx.doc.scopes}
    sid, n = base, 2
    while sid in taken:
        sid, n = f"{base}:{n}", n + 1
    ctx.doc.scopes.append(Scope(sid, span.start, span.end, nl=line_ending_at(text, span.start)))
    return replace(ctx, scope=sid)
