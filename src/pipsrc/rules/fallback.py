"""Install fallback chains: ``pip install -i A x || pip install -i B x || pip install x``.

Each branch of such a chain is a different index tried when the one before fails. Fixing
every branch to the policy index would leave the same attempt two or three times and the
fallback gone (and an ``echo "A failed, trying B"`` between them lying). So in a chain:

- with ``fallback-indexes`` in the policy, the first branch's index goes to the policy index
  and the later branches' indexes to the fallbacks, in order (PS101 does it, safely);
- without it, PS101 leaves the chain's indexes alone and PS109 reports the chain, with an
  unsafe fix that keeps only its first branch;
- an ``echo``/``printf`` in the chain that names a mirror the fix replaces is reported.

Chains are read from the text between consecutive install commands: only blanks, line
continuations, ``||``, grouping and ``echo``/``printf`` commands may stand there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from pipsrc.catalogue import catalogue
from pipsrc.compat import zip_strict
from pipsrc.context import Context
from pipsrc.model import (
    Applicability,
    Document,
    Edit,
    Fix,
    InstallSite,
    Setting,
    SettingKind,
    Severity,
    Span,
)
from pipsrc.origin import origin
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.common import ALIYUN, TUNA, off_policy
from pipsrc.urls import parse_url

_CONT = re.compile(r"\\\r?\n(?:[ \t]*#[^\n]*\n)*")
_INDEX_KINDS = (SettingKind.INDEX, SettingKind.EXTRA_INDEX)
# a message: echo/printf and its words, up to any redirection (which makes it a file write)
_ECHO = re.compile(r"""\b(?:echo|printf)\b(?:[ \t]+(?:"[^"]*"|'[^']*'|[^\s;&|(){}"'<>]+))*""")
_LINK = re.compile(r"[\s(){};&|]*")

USTC = "https://mirrors.ustc.edu.cn/pypi/simple"


def _link(between: str) -> bool:
    """Whether the text between two install commands makes the second a fallback."""
    bare = _ECHO.sub("", _CONT.sub(" ", between))
    return "||" in bare and _LINK.fullmatch(bare) is not None


def chains(doc: Document) -> list[list[InstallSite]]:
    """The install fallback chains of a document (two or more commands each)."""
    out: list[list[InstallSite]] = []
    current: list[InstallSite] = []
    for site in doc.sites:
        prev = current[-1] if current else None
        if (
            prev is not None
            and prev.scope == site.scope
            and prev.span.end <= site.span.start
            and _link(doc.text[prev.span.end : site.span.start])
        ):
            current.append(site)
            continue
        if len(current) > 1:
            out.append(current)
        current = [site]
    if len(current) > 1:
        out.append(current)
    return out


def own_index(site: InstallSite) -> Setting | None:
    """The index a command names itself (``-i URL`` or a ``PIP_INDEX_URL=`` prefix)."""
    found = [s for s in site.settings if s.kind == SettingKind.INDEX and s.ineffective is None]
    return found[-1] if found else None


def branch_of(doc: Document, s: Setting) -> tuple[list[InstallSite], int] | None:
    """The chain a command-line index belongs to, and the position of its command."""
    if s.site is None:
        return None
    for chain in chains(doc):
        for k, site in enumerate(chain):
            if site.index == s.site:
                return chain, k
    return None


def chain_target(chain: list[InstallSite], k: int, ctx: Context) -> str | None:
    """The index the ``k``-th branch of a chain should use after the fix, or None when no
    rewrite keeps the chain a fallback (PS109 says so): the policy index for the first
    branch, the fallbacks in order for the others. Without fallbacks the first branch may
    still go to the policy index when every other branch names an index of its own that
    is not the policy's (the attempts stay different)."""
    policy = ctx.policy
    if policy.index is None:
        return None
    if k == 0:
        if policy.fallback_indexes:
            return policy.index
        others = [own_index(site) for site in chain[1:]]
        if all(o is not None and o.value and not policy.is_policy_index(o.value) for o in others):
            return policy.index
        return None
    if k - 1 < len(policy.fallback_indexes):
        return policy.fallback_indexes[k - 1]
    return None


class FallbackChain(Rule):
    code = "PS109"
    name = "fallback-chain"
    severity = Severity.WARNING
    summary = "An install fallback chain that the fix would make try one index every time."
    why = (
        "`pip install -i A x || pip install -i B x` tries a second index when the first "
        "fails. Pointing every branch at the policy index keeps the same attempt twice and "
        "loses the fallback; an `echo` naming the old mirror between them would then lie."
    )
    fix_safety = (
        "Unsafe: the chain is cut to its first branch (the policy index), which drops the "
        "fallback. Name the fallbacks in the policy (`fallback-indexes = [...]`) and PS101 "
        "rewrites the later branches' indexes to them, in order; a later branch with no index "
        "of its own gets its fallback with `-i` (safe). A message between the attempts that "
        "names a mirror none of them uses any more has no fix (an info finding): reword it."
    )
    fix_applicability = Applicability.UNSAFE
    also = frozenset({Applicability.SAFE})
    kinds = frozenset({"dockerfile", "shell"})
    needs_policy = True
    good = (
        Example(
            "Dockerfile",
            f"FROM python:3.12\nRUN pip install -i {ALIYUN} x || pip install -i {USTC} x\n",
            policy=f'fallback-indexes = ["{USTC}"]\n',
        ),
        Example(
            "build.sh",
            f"#!/bin/sh\npip install -i {TUNA} x || pip install -i {USTC} x\n",
            policy=f'fallback-indexes = ["{USTC}"]\n',
        ),
        # a retry on the same index is no fallback to fix
        Example("build.sh", f"#!/bin/sh\npip install -i {ALIYUN} x || pip install -i {ALIYUN} x\n"),
    )
    bad = (
        Example(
            "Dockerfile",
            f"FROM python:3.12\nRUN pip install -i {TUNA} requests || \\\n"
            f"    pip install -i {USTC} requests || \\\n    pip install requests\n",
            fixed=f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\n'
            "RUN pip install -i https://mirrors.aliyun.com/pypi/simple requests\n",
            unsafe=True,
        ),
        Example(
            "build.sh",
            f'#!/bin/sh\npip install -i {TUNA} x || {{ echo "tsinghua failed, trying ustc"; '
            f"pip install -i {USTC} x; }}\n",
            fixed="#!/bin/sh\npip install -i https://mirrors.aliyun.com/pypi/simple x\n",
            unsafe=True,
        ),
        # the policy names the fallback: the last resort gets it instead of the default
        Example(
            "build.sh",
            f"#!/bin/sh\nexport PIP_INDEX_URL={ALIYUN}\npip install x || pip install x\n",
            fixed=f"#!/bin/sh\nexport PIP_INDEX_URL={ALIYUN}\n"
            f"pip install x || pip install -i {USTC} x\n",
            policy=f'fallback-indexes = ["{USTC}"]\n',
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        if ctx.policy.index is None:
            return
        for chain in chains(doc):
            yield from self._echoes(doc, chain, ctx)
            yield from self._bare(doc, chain, ctx)
            if _unsettled(chain, ctx) or moving_sources(doc, chain, ctx):
                yield self._cut(doc, chain)

    @staticmethod
    def _cut(doc: Document, chain: list[InstallSite]) -> Violation:
        """The chain reported, with the unsafe fix that keeps its first attempt only (when
        no later attempt names an index that may hold packages no mirror has)."""
        first, last = chain[0], chain[-1]
        tail = doc.text[first.span.end : last.span.end]
        end = last.span.end
        opened = tail.count("(") + tail.count("{") - tail.count(")") - tail.count("}")
        m = re.match(r"(?:\s*;?\s*[)}]){" + str(max(opened, 0)) + "}", doc.text[end:])
        # every index a dropped attempt names counts, even one a later `-i` overrides: a
        # private index may be the one the author meant to keep
        dropped = [s for site in chain[1:] for s in site.settings if s.kind in _INDEX_KINDS]
        public = all(
            d.value is not None and origin(d.value).replace_safety is not None for d in dropped
        )
        from pipsrc.kinds.dockerfile import LONE_RUNS, leaves_lone_runs

        fix, note = None, ""
        if m is not None and not _whole_list(doc.text, first.span.start, end + m.end()):
            note = " (no fix: the chain is joined to other commands by `&&`/`||`/`|`)"
        elif m is not None and doc.fixable and public:
            span = Span(first.span.end, end + m.end())
            region = _dockerfile_region(doc, first.scope)
            if region is not None and leaves_lone_runs(
                doc.text[region[0] : region[1]],
                Span(span.start - region[0], span.end - region[0]),
            ):
                note = f" (no fix: {LONE_RUNS.replace('removing it', 'keeping one attempt')})"
            else:
                edit = Edit.delete(span)
                fix = Fix((edit,), Applicability.UNSAFE, "Keep only the first attempt")
        return Violation(
            chain[1].span,
            f"this fallback (`{first.command}` || ... {len(chain)} attempts) would try the "
            "policy index every time once fixed: name the later attempts' indexes in "
            f"`fallback-indexes` in the policy, or keep one attempt{note}",
            "",
            fix,
        )

    @staticmethod
    def _bare(doc: Document, chain: list[InstallSite], ctx: Context) -> Iterator[Violation]:
        """A later attempt with no index of its own, for which the policy names a fallback:
        it gets that fallback (otherwise it would use the same index as the first)."""
        fallbacks = ctx.policy.fallback_indexes
        for k, site in enumerate(chain[1:], 1):
            if own_index(site) is not None or k - 1 >= len(fallbacks):
                continue
            target = fallbacks[k - 1]
            m = _INSTALL.search(doc.text, site.span.start, site.span.end)
            fix = None
            if m is not None and doc.fixable:
                edit = Edit.insert(m.end(), f" -i {target}")
                fix = Fix((edit,), Applicability.SAFE, f"Use the fallback index {target}")
            yield Violation(
                site.span,
                f"attempt {k + 1} of this fallback uses the default index; the policy's "
                f"fallback for it is {target}",
                "",
                fix,
            )

    @staticmethod
    def _echoes(doc: Document, chain: list[InstallSite], ctx: Context) -> Iterator[Violation]:
        """Messages between the attempts that name a mirror no attempt uses once fixed."""
        words = mirror_words()
        used = {_mirror_id(ctx.policy.index or "")}
        for k, site in enumerate(chain):
            s = own_index(site)
            target = chain_target(chain, k, ctx)
            if s is not None and s.value:
                used.add(_mirror_id(target or s.value))
            elif k - 1 < len(ctx.policy.fallback_indexes) and k > 0:
                used.add(_mirror_id(ctx.policy.fallback_indexes[k - 1]))
        start, end = chain[0].span.end, chain[-1].span.start
        for m in _ECHO.finditer(doc.text, start, end):
            named = [w for w in re.findall(r"[a-z0-9]+", m.group(0).lower()) if w in words]
            stale = next((w for w in named if words[w] not in used), None)
            if stale is not None:
                yield Violation(
                    Span(m.start(), m.end()),
                    f"this message names {stale}, which no attempt of the fallback uses once "
                    "fixed: reword it",
                    stale,
                    severity=Severity.INFO,
                )


_JOINED_BEFORE = re.compile(r"(?:&&|\|\|?)[\s(){]*\Z")
_JOINED_AFTER = re.compile(r"[ \t]*(?:\\\r?\n[ \t]*)*(?:&&|\|)")


def _whole_list(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is not joined to a command before or after it by
    ``&&``, ``||`` or a pipe: cutting a chain out of ``A && B || C || D`` would leave ``A
    && B || C``, where ``C`` also runs when ``A`` fails (ShellCheck's SC2015)."""
    before = _CONT.sub(" ", text[max(0, start - 200) : start])
    return _JOINED_BEFORE.search(before) is None and _JOINED_AFTER.match(text, end) is None


def _dockerfile_region(doc: Document, scope_id: str) -> tuple[int, int] | None:
    """The text of the Dockerfile a scope is a stage of (the whole file, or a Dockerfile
    written by a heredoc of a script), or None when the scope is no Dockerfile stage."""
    if doc.kind == "dockerfile":
        return 0, len(doc.text)
    scope = doc.scope(scope_id)
    if scope is None or scope.insert_style != "dockerfile":
        return None
    prefix = scope_id.rpartition("stage:")[0]
    stages = [sc for sc in doc.scopes if sc.id.startswith(prefix) and sc.id != prefix]
    return min(sc.start for sc in stages), max(sc.end for sc in stages)


def _unsettled(chain: list[InstallSite], ctx: Context) -> bool:
    """Whether a branch names an index off the policy that no rewrite can settle without
    making the attempts alike (PS101 leaves it)."""
    for k, site in enumerate(chain):
        s = own_index(site)
        unsettled = s is not None and s.value and chain_target(chain, k, ctx) is None
        if unsettled and s is not None and off_policy(s, ctx):
            return True
    return False


def moving_sources(doc: Document, chain: list[InstallSite], ctx: Context) -> list[Setting | None]:
    """What a fix would move under the chain's later attempts that name no index: when every
    attempt that names one names the policy index, a bare attempt uses another index (PyPI,
    or the one its environment names), and moving that to the policy index too (PS104's
    insertion: None; PS101 on the setting it reads) would make the chain try the policy
    index every time. That holds for a bare first attempt too (``pip install x || pip
    install -i POLICY x``) unless the policy names fallbacks, which the later attempts get.
    Attempts the policy gives a fallback are not counted."""
    from pipsrc.resolution import effective_index

    named = [own_index(site) for site in chain]
    if not any(named) or any(
        n is not None and not ctx.policy.is_policy_index(n.value or "") for n in named
    ):
        return []
    out: list[Setting | None] = []
    for k, (site, n) in enumerate(zip_strict(chain, named)):
        fallbacks = ctx.policy.fallback_indexes
        if n is not None or (fallbacks and k == 0) or (k > 0 and k - 1 < len(fallbacks)):
            continue
        eff = effective_index(doc, site, ctx)
        if eff.implicit_pypi:
            out.append(None)
        elif eff.setting is not None and eff.setting.value and off_policy(eff.setting, ctx):
            out.append(eff.setting)
    return out


def feeds_a_fallback(doc: Document, s: Setting | None, scope: str, ctx: Context) -> bool:
    """Whether moving ``s`` (None: configuring the scope, PS104) to the policy index would
    make a fallback chain of ``scope`` try it every time."""
    return any(
        chain[0].scope == scope and any(src is s for src in moving_sources(doc, chain, ctx))
        for chain in chains(doc)
    )


_INSTALL = re.compile(r"\binstall\b")
_GENERIC = frozenset({"mirrors", "mirror", "pypi", "cloud", "repo", "simple", "python", "www"})


@functools.cache
def mirror_words() -> dict[str, str]:
    """Words that name a catalogued PyPI mirror in a message (its id, its host's distinctive
    labels), each with the mirror's id (PyPI itself, a word in every message, is left out)."""
    out: dict[str, str] = {}
    for m in catalogue().mirrors:
        if m.is_vendor or m.id == "pypi":
            continue
        words = {m.id}
        for u in (m.url, *m.aliases, *m.legacy, *m.intranet):
            url = parse_url(u)
            if url is not None:
                words |= {p for p in url.host.split(".")[:-1] if len(p) > 3} - _GENERIC
        for w in words:
            out.setdefault(w, m.id)
    return out


def _mirror_id(url: str) -> str:
    match = catalogue().match(url) if url else None
    return match.mirror.id if match is not None else url


RULES: tuple[type[Rule], ...] = (FallbackChain,)
