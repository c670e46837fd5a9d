"""PS104: an install that falls back to pypi.org because nothing configures an index, and
the configuration its fix inserts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipsrc import kinds
from pipsrc.context import Context
from pipsrc.effective import (
    ENV_METHODS,
    live,
    reaches_index,
    scope_chain,
    scope_settings,
    trusted_users,
)
from pipsrc.model import (
    Applicability,
    Document,
    Edit,
    Fix,
    InstallSite,
    Scope,
    Setting,
    SettingKind,
    Severity,
    Tool,
)
from pipsrc.resolution import effective_index, visible_settings
from pipsrc.rules.base import Example, Rule, Violation
from pipsrc.rules.ciexamples import SCRIPT_KINDS
from pipsrc.rules.common import (
    ALIYUN,
)
from pipsrc.rules.fallback import feeds_a_fallback
from pipsrc.rules.projectpypi import project_pypi
from pipsrc.syntax.words import SegMap
from pipsrc.urls import bare_trusted_host, host_port, parse_url, same_mirror, trusted_host_matches
from pipsrc.vocabulary import INDEX_VAR, TRUSTED_VAR, UV_PROJECT_COMMANDS

# installs whose index is decided outside this file: what they depend on, at info level
_ELSEWHERE = {
    "inherited": "`{cmd}` depends on the Dockerfile this fragment is included in: no index is "
    "configured in the fragment",
    "build-arg": "`{cmd}` uses the build argument {detail}, which has no default here: the "
    "index is whatever the build passes in",
}
_NO_INDEX = "`{cmd}` uses pypi.org: no index is configured for it"
_ONLY_EXTRAS = (
    "`{cmd}` uses pypi.org as its default index: only extra indexes are configured for it"
)
_HOSTED = (
    "`{cmd}` uses pypi.org on a GitHub-hosted runner, outside the network the policy is"
    " for (a self-hosted runner would be checked)"
)
_RELOCK_NOTE = (
    " (an unsafe fix: uv checks uv.lock against the index it is given, so `uv sync` would"
    " lock again at build time and `--locked` would fail; lock with the policy index first)"
)
_FALLBACK_NOTE = (
    " (left as it is: configuring the policy index would make a `|| pip install` fallback to"
    " PyPI try the policy index again; name the fallback's index with `fallback-indexes`)"
)


class ImplicitPypi(Rule):
    code = "PS104"
    name = "implicit-pypi"
    summary = "An install that falls back to pypi.org because nothing configures an index."
    why = (
        "A `pip install` with no index flag, no PIP_INDEX_URL and no pip config written "
        "earlier in its stage or script silently uses pypi.org: the build works on a laptop "
        "and stalls on the build farm. This is the setting people forget most. Some "
        "installs are only noted (info): one whose index is a build argument without a "
        "default, one in a Dockerfile fragment (the including file decides), and one in a "
        "GitHub Actions job on a GitHub-hosted runner, which runs outside the network a "
        "mirror policy is made for. Installs that ask no index (`--no-deps` with wheels, "
        "`uv sync --frozen`) are not reported. In a project file, Poetry sources of which "
        "none is primary, and PDM sources of which none is named `pypi` (with no pdm.toml "
        "setting `[pypi] url`), leave pypi.org the project's primary index: reported without "
        "a fix, since the lock must be made again."
    )
    fix_safety = (
        "Unsafe in general (it adds configuration), and safe when `--mirror` or `--proxy` "
        "names the index on the command line, so `pipsrc fix` applies it then: "
        "`ENV PIP_INDEX_URL=...` after the stage's FROM (or the default of the stage's "
        "`ARG PIP_INDEX_URL`, which an `ENV` would shadow), or `export PIP_INDEX_URL=...` near "
        "the top of a script. Still unsafe when it would turn a `|| pip install x` fallback "
        "to PyPI into a second try of the policy index (see PS109), and for uv's project "
        "commands (`uv sync`, `uv lock`), which check uv.lock against the index: a new "
        "default index makes `uv sync` lock again and `--locked` fail. A Dockerfile fragment "
        "without FROM is reported as depending on configuration elsewhere instead. For uv the "
        "variable is `UV_DEFAULT_INDEX`, or `UV_INDEX_URL` where another uv install of the "
        "scope names its index with `--index-url` (which `UV_DEFAULT_INDEX` would override); "
        "there is no fix where one takes its index from a requirements file, which uv reads "
        "after every variable. An install "
        "in a Python script is reported without a fix (the script may not import `os`)."
    )
    fix_applicability = Applicability.UNSAFE
    also = frozenset({Applicability.SAFE})
    # only Dockerfiles, shell scripts and CI/build files hold install commands: a
    # requirements file, a pip.conf, a .env file and a compose file have none to judge;
    # a project file's Poetry or PDM sources say what its own tool resolves from
    kinds = frozenset({"dockerfile", "shell", "project"}) | SCRIPT_KINDS
    good = (
        Example(
            "Dockerfile",
            f"FROM python:3.12\nRUN pip config set global.index-url {ALIYUN} && pip install x\n",
        ),
        Example(
            "Dockerfile", "FROM python:3.12\n# pip install x comes from elsewhere\nRUN echo hi\n"
        ),
        Example(
            "build.sh",
            f"#!/bin/bash\nset -euo pipefail\nexport PIP_INDEX_URL={ALIYUN}\n"
            "pip install -r requirements.txt\n",
        ),
        Example(
            "pyproject.toml",
            f'[tool.poetry]\nname = "app"\n\n[[tool.poetry.source]]\nname = "aliyun"\n'
            f'url = "{ALIYUN}"\npriority = "primary"\n',
        ),
        Example(
            "pyproject.toml",
            f'[project]\nname = "app"\n\n[[tool.pdm.source]]\nname = "pypi"\nurl = "{ALIYUN}"\n',
        ),
    )
    bad = (
        Example(
            "Dockerfile",
            "FROM python:3.12\nRUN pip install salt\n",
            fixed=f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\nRUN pip install salt\n',
        ),
        Example(
            "build.sh",
            "#!/bin/sh\nset -e\npip install -r requirements.txt\n",
            fixed=f'#!/bin/sh\nset -e\nexport PIP_INDEX_URL="${{PIP_INDEX_URL:-{ALIYUN}}}"\n'
            "pip install -r requirements.txt\n",
        ),
        # the program of a `bash -c` sees the stage's environment: the stage is configured
        Example(
            "Dockerfile",
            "FROM python:3.12\nRUN /bin/bash -c 'source /venv/bin/activate && pip install salt'\n",
            fixed=f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\n'
            "RUN /bin/bash -c 'source /venv/bin/activate && pip install salt'\n",
        ),
        # uv checks its lock against the index: configuring it means locking again
        Example(
            "Dockerfile",
            "FROM python:3.12\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --no-dev\n",
            fixed=f'FROM python:3.12\nENV UV_DEFAULT_INDEX="{ALIYUN}"\n'
            "COPY pyproject.toml uv.lock ./\nRUN uv sync --no-dev\n",
            unsafe=True,
        ),
        # the index comes from the policy file only: the insertion waits for --unsafe-fixes
        Example(
            "Dockerfile",
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\n",
            fixed=f'FROM python:3.12-slim\nENV PIP_INDEX_URL="{ALIYUN}"\nWORKDIR /app\n'
            "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
            unsafe=True,
            mirror=None,
            policy='index = "aliyun"\n',
        ),
        # Poetry adds PyPI as the primary source unless a source is primary
        Example(
            "pyproject.toml",
            f'[tool.poetry]\nname = "app"\n\n[[tool.poetry.source]]\nname = "aliyun"\n'
            f'url = "{ALIYUN}"\npriority = "supplemental"\n',
        ),
        # PDM reads pypi.url first unless a source is named `pypi`
        Example(
            "pyproject.toml",
            f'[project]\nname = "app"\n\n[[tool.pdm.source]]\nname = "aliyun"\nurl = "{ALIYUN}"\n',
        ),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Violation]:
        target = ctx.target_index
        if not ctx.policy.require_index or target is None:
            return
        if ctx.policy.index is None and same_mirror(target, "https://pypi.org/simple"):
            return  # consistency mode, and the repository's usual index is PyPI itself
        if doc.kind == "project":
            yield from project_pypi(doc, ctx)
            return
        implicit, noted = [], []
        extras: dict[int, bool] = {}
        for site in doc.sites:
            if not reaches_index(site):
                continue  # --no-deps with wheel files: it asks no index for anything
            eff = effective_index(doc, site, ctx)
            if eff.source in _ELSEWHERE:
                message = _ELSEWHERE[eff.source].format(cmd=site.command, detail=eff.detail)
                noted.append((site, message))
            elif eff.implicit_pypi and _hosted(doc, site):
                noted.append((site, _HOSTED.format(cmd=site.command)))
            elif eff.implicit_pypi:
                implicit.append(site)
                extras[site.index] = bool(eff.extras)
        fixed_scopes: dict[str, Fix | None] = {}
        for site in implicit:
            fix, note = self._configure(doc, site, ctx, implicit, fixed_scopes)
            # `uv sync --index X`, `pip install --extra-index-url X`: pypi.org stays first
            what = _ONLY_EXTRAS if extras.get(site.index) else _NO_INDEX
            yield Violation(site.span, what.format(cmd=site.command) + note, "", fix)
        # notes: a build argument with no default (giving it the policy index as its default
        # keeps every --build-arg working, but an empty one may mean PyPI on purpose: unsafe),
        # a fragment, a job on a hosted runner
        for site, message in noted:
            fix, _ = self._configure(doc, site, ctx, [site], fixed_scopes)
            if fix is not None:
                fix = Fix(fix.edits, Applicability.UNSAFE, fix.title)
            yield Violation(site.span, message, "", fix, severity=Severity.INFO)

    @staticmethod
    def _configure(
        doc: Document,
        site: InstallSite,
        ctx: Context,
        sites: list[InstallSite],
        done: dict[str, Fix | None],
    ) -> tuple[Fix | None, str]:
        """The fix configuring the policy index for the site's scope (once per scope), or
        why there is none. A stage built from one that gets an ``ENV`` shares its fix: the
        ``ENV`` is handed on (an ``ARG`` is not)."""
        reset = _reset_before(doc, site, ctx)
        if reset is not None and ctx.policy.index is not None and doc.fixable:
            # `ARG PIP_INDEX_URL=` emptied the variable for this install: give it the index
            # there (a line inserted above would be emptied by it again)
            value = ctx.policy.index if reset.raw else f'"{ctx.policy.index}"'
            return Fix(
                (Edit.insert(reset.span.start, value),),
                Applicability.SAFE if ctx.cli_index else Applicability.UNSAFE,
                f"Give {reset.key} the index {ctx.policy.index} where it is emptied",
            ), ""
        key = configured_in(doc, site.scope)
        scope = doc.scope(key)
        tool = f" {site.tool.value}"  # one fix per scope and installer: pip's and uv's differ
        if (
            scope is None
            or scope.insert_at is None
            or ctx.policy.index is None
            or not doc.fixable
            or key + tool in done
        ):
            return None, ""
        chain = scope_chain(doc, key)[1:]
        inherited = next((done[sid + tool] for sid in chain if done.get(sid + tool)), None)
        if inherited is not None and inherited.edits[0].replacement.lstrip().startswith("ENV "):
            done[key + tool] = inherited
            return inherited, ""
        done[key + tool] = None
        name = uv_index_var(doc, key, ctx) if site.tool is Tool.UV else INDEX_VAR[Tool.PIP]
        if name is None:
            return None, _REQUIREMENTS_NOTE
        mine = [s for s in sites if configured_in(doc, s.scope) == key and s.tool is site.tool]
        edit = configure(doc, scope, ctx, site.tool, min(s.span.start for s in mine), name)
        if edit is None:
            return None, ""
        # a `|| pip install x` fallback to PyPI would try the policy index again: which
        # index the fallback should use is the author's call (PS109)
        reached = {sid for sid in {s.scope for s in doc.sites} if configured_in(doc, sid) == key}
        if any(feeds_a_fallback(doc, None, sid, ctx) for sid in reached | {key}):
            return None, _FALLBACK_NOTE
        # uv's project commands check uv.lock against the index: a new default index makes
        # `uv sync` lock again (and `--locked` fail), so the lock must be redone first
        relocks = site.tool is Tool.UV and site.command.split()[-1] in UV_PROJECT_COMMANDS
        relocks = relocks and " pip " not in f" {site.command} "
        fix = Fix(
            (edit, *idle_trusted_hosts(doc, scope.id, ctx)),
            Applicability.SAFE if ctx.cli_index and not relocks else Applicability.UNSAFE,
            f"Configure the index {ctx.policy.index} for this scope",
        )
        done[key + tool] = fix
        return fix, _RELOCK_NOTE if relocks else ""


def configured_in(doc: Document, scope_id: str) -> str:
    """The scope whose configuration PS104 adds for installs in ``scope_id``: the scope
    itself, or for the program of a ``bash -c`` the scope of the command that runs it."""
    scope = doc.scope(scope_id)
    while scope is not None and scope.inline and scope.parent is not None:
        scope_id = scope.parent
        scope = doc.scope(scope_id)
    return scope_id


# uv's default index, strongest first: --default-index, UV_DEFAULT_INDEX, --index-url,
# UV_INDEX_URL, the configuration, a requirements file's -i (pipsrc.resolution.uv)
_UV_LEGACY = frozenset({"-i", "--index-url", "UV_INDEX_URL"})
_REQUIREMENTS_NOTE = (
    " (no fix: another uv install of this scope takes its index from a requirements file, "
    "which any uv variable would override)"
)


def uv_index_var(doc: Document, scope_id: str, ctx: Context) -> str | None:
    """The variable that configures uv for a scope without changing the index of another
    uv install there: ``UV_DEFAULT_INDEX``, or ``UV_INDEX_URL`` where one names its index
    with ``--index-url``/``-i``/``UV_INDEX_URL`` (which ``UV_DEFAULT_INDEX`` beats); None
    where one takes it from a requirements file (every variable beats that)."""
    name = INDEX_VAR[Tool.UV]
    for s in doc.sites:
        if s.tool is not Tool.UV or scope_id not in scope_chain(doc, s.scope):
            continue
        eff = effective_index(doc, s, ctx)
        if eff.source == "requirements":
            return None
        if eff.setting is not None and eff.setting.key in _UV_LEGACY:
            name = "UV_INDEX_URL"
    return name


def _hosted(doc: Document, site: InstallSite) -> bool:
    """Whether the install runs in a CI job on a provider's hosted runner."""
    return any(
        scope is not None and scope.hosted
        for scope in (doc.scope(sid) for sid in scope_chain(doc, site.scope))
    )


def _reset_before(doc: Document, site: InstallSite, ctx: Context) -> Setting | None:
    """The empty ``ARG``/``ENV`` of the index variable that is the last assignment before
    ``site`` (an ``ARG PIP_INDEX_URL=`` resetting an earlier default), if any."""
    name = INDEX_VAR.get(site.tool)
    before = [
        s
        for s in visible_settings(doc, site, ctx)
        if s.key == name and s.method in ENV_METHODS and s.position < site.span.start
    ]
    last = max(before, key=lambda s: s.position, default=None)
    return last if last is not None and last.value == "" else None


def config_pairs(ctx: Context, tool: Tool, name: str | None = None) -> list[tuple[str, str]]:
    """The variables PS104 sets: the policy index in ``name`` (default: the installer's
    variable), and trusted-host for plain http."""
    index = ctx.policy.index
    if index is None or tool not in INDEX_VAR:
        return []
    pairs = [(name or INDEX_VAR[tool], index)]
    parsed = parse_url(index)
    if tool != Tool.UV and parsed is not None and parsed.scheme == "http":
        hp = host_port(index)
        if hp and ctx.policy.trusted_host != "never":
            pairs.append((TRUSTED_VAR[tool], hp))
    return pairs


def configure(
    doc: Document, scope: Scope, ctx: Context, tool: Tool, first: int, name: str | None = None
) -> Edit | None:
    """The edit that configures the policy index for a scope whose installs from ``first``
    on use pypi.org: the kind's configuration lines at the scope's insertion point, except
    in a Dockerfile stage that declares a build argument of the same name, which an ``ENV``
    would shadow (an ``ENV`` always wins over the ``ARG``: ``--build-arg`` and compose
    ``build.args`` would stop reaching pip). There the ``ARG`` gets the policy index as its
    default, or, when it comes after an install or already has a default, an ``ARG`` with
    that default is inserted instead of the ``ENV``."""
    pairs = config_pairs(ctx, tool, name)
    if not pairs or scope.insert_at is None:
        return None
    if scope.insert_style == "dockerfile":
        args = stage_args(doc.text, scope)
        if any(name in args for name, _ in pairs):
            name, value = pairs[0]
            at, default = args.get(name, (first, "-"))
            if len(pairs) == 1 and at < first and not default:
                # `ARG NAME` or `ARG NAME=` (empty: unset): the default becomes the index
                eq = "=" if default is None else ""
                return Edit.insert(at + len("=") - len(eq), f'{eq}"{value}"')
            body = " ".join(f'{k}="{v}"' for k, v in pairs)
            return Edit.insert(scope.insert_at, f"ARG {body}{scope.nl}")
    snippet = kinds.config_lines(scope.insert_style, pairs, scope.nl)
    return None if snippet is None else Edit.insert(scope.insert_at, snippet)


def idle_trusted_hosts(doc: Document, scope_id: str, ctx: Context) -> list[Edit]:
    """Removals of the scope's trusted-hosts for the policy's own host that no index uses
    yet: once the policy index (https) is configured they would only turn off certificate
    checks (PS204), so the configuration goes in without them."""
    index = parse_url(ctx.policy.index or "")
    if index is None or index.scheme != "https" or ctx.policy.trusted_host != "auto":
        return []
    in_scope = scope_settings(doc, scope_id)
    out = []
    for th in live(in_scope):
        if th.kind != SettingKind.TRUSTED_HOST or not th.value or th.removal is None:
            continue
        entry = bare_trusted_host(th.value) or th.value
        ours = trusted_host_matches(entry, index.scheme + "://" + index.host_port + "/")
        if ours and not trusted_users(entry, in_scope) and th.editable:
            out.append(Edit.delete(th.removal))
    return out


def stage_args(text: str, scope: Scope) -> dict[str, tuple[int, str | None]]:
    """The build arguments a Dockerfile stage declares: name -> (offset just after the name
    in its first declaration, its default as written or None)."""
    from pipsrc.syntax.dockerscan import scan

    out: dict[str, tuple[int, str | None]] = {}
    for ins in scan(text).instrs:
        if not scope.start <= ins.line_start < scope.end:
            continue
        logical = ins.logical(text)
        m = re.match(r"[ \t]*(?:ONBUILD[ \t]+)?ARG[ \t]+", logical, re.IGNORECASE)
        if m is None:
            continue
        for w in re.finditer(r"[^\s=]+(=\S*)?", logical[m.end() :]):
            name = w.group(0).split("=", 1)[0]
            end = m.end() + w.start() + len(name)
            at = SegMap.from_file_ranges(ins.ranges).orig(end - 1) + 1
            out.setdefault(name, (at, w.group(1)[1:] if w.group(1) else None))
    return out


RULES: tuple[type[Rule], ...] = (ImplicitPypi,)
