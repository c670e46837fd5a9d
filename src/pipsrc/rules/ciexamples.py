"""The rules' examples in the CI and build file kinds, written once per rule and rendered in
each kind's syntax.

A :class:`Case` is an environment block (``NAME=value`` pairs, set for the whole pipeline
or Makefile), a script (the shell lines of one step or recipe), and what ``pipsrc fix``
makes of both. Each kind renders it in its own syntax (a workflow's ``env:`` and a
``run: |`` step, a Makefile's ``export`` lines and a ``.ONESHELL`` recipe ...), the fixed
text with the same renderer: the fixes these examples show edit a value, or remove or add
an entry, the same way in every kind. A case with a script has no example in a kind that
holds no scripts (``.env`` files).
"""

from __future__ import annotations

from pipsrc.records import record
from pipsrc.rules.base import Example, Rule
from pipsrc.rules.common import ALIYUN, CORP, CORP_ALLOWED, TORCH, TUNA
from pipsrc.rules.kindtexts import (
    Env,
    Render,
    azure,
    compose,
    dotenv,
    github,
    gitlab,
    jenkinsfile,
    makefile,
    markdown,
    notebook,
    python,
    tox,
)

DEVPI = "http://devpi.internal:3141/root/pypi/+simple/"


@record(frozen=True)
class Case:
    """One example, independent of the kind it is written in."""

    env: Env = ()
    script: str = ""
    fixed_env: Env | None = None  # None: no fix (for a bad case)
    fixed_script: str | None = None  # None: the script is unchanged by the fix
    comment: str | None = None  # a comment line before the first env entry
    needs_script: bool = False  # no example in a kind without scripts (else: env alone)
    script_fixed: bool = False  # the fix applies in a compose service's command too
    unsafe: bool = False
    mirror: str | None = "aliyun"
    proxy: str | None = None
    policy: str | None = None


# kinds with examples of their own in every rule, which hold install commands too: they get
# the examples of the cases that need a script
SCRIPT_ONLY: dict[str, tuple[str, Render]] = {"compose": ("compose.yaml", compose)}

# kind -> (example path, renderer, whether it holds scripts)
RENDERERS: dict[str, tuple[str, Render, bool]] = {
    "github-actions": (".github/workflows/ci.yml", github, True),
    "gitlab-ci": (".gitlab-ci.yml", gitlab, True),
    "ci-yaml": ("azure-pipelines.yml", azure, True),
    "jenkinsfile": ("Jenkinsfile", jenkinsfile, True),
    "makefile": ("Makefile", makefile, True),
    "dotenv": (".env", dotenv, False),
    "notebook": ("setup.ipynb", notebook, True),
    "markdown": ("docs/install.md", markdown, True),
    "tox": ("tox.ini", tox, True),
    "python": ("tools/build.py", python, True),
}
# kinds read only when asked for, never fixed: their bad examples have no fixed text, and
# their install commands are examples, not installs (no PS104, PS403 there)
DOCS_KINDS = frozenset({"markdown"})
# the CI and build kinds whose files hold install commands (rules about them apply there)
_PATHS = frozenset(p for p, _r, _s in RENDERERS.values()) | {p for p, _r in SCRIPT_ONLY.values()}
SCRIPT_KINDS = (
    frozenset(k for k, (_p, _r, scripts) in RENDERERS.items() if scripts) | set(SCRIPT_ONLY)
) - DOCS_KINDS
CI_KINDS = frozenset(RENDERERS)

_S = "pip install -r requirements.txt"
_PROXY = {"mirror": None, "proxy": DEVPI}
_NONE = {"mirror": None}


def _c(**kw: object) -> Case:
    return Case(**kw)  # type: ignore[arg-type]


CASES: dict[str, dict[str, list[Case]]] = {
    "PS101": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", TUNA),),
                script=_S,
                fixed_env=(("PIP_INDEX_URL", ALIYUN.rstrip("/")),),
            )
        ],
        "good": [_c(env=(("PIP_INDEX_URL", ALIYUN),), script=_S)],
    },
    "PS102": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", ALIYUN), ("PIP_EXTRA_INDEX_URL", "https://pypi.org/simple")),
                script=_S,
                fixed_env=(("PIP_INDEX_URL", ALIYUN),),
            )
        ],
        "good": [
            _c(
                env=(("PIP_INDEX_URL", ALIYUN), ("PIP_EXTRA_INDEX_URL", CORP)),
                script=_S,
                policy=CORP_ALLOWED,
            )
        ],
    },
    "PS103": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", ALIYUN), ("PIP_EXTRA_INDEX_URL", ALIYUN)),
                script=_S,
                fixed_env=(("PIP_INDEX_URL", ALIYUN),),
                **_NONE,
            )
        ],
        "good": [
            _c(env=(("PIP_INDEX_URL", ALIYUN), ("PIP_EXTRA_INDEX_URL", CORP)), script=_S, **_NONE)
        ],
    },
    "PS104": {
        "bad": [_c(script=_S, needs_script=True)],
        "good": [_c(env=(("PIP_INDEX_URL", ALIYUN),), script=_S, needs_script=True)],
    },
    "PS105": {
        "bad": [
            _c(
                env=(
                    ("PIP_INDEX_URL", ALIYUN),
                    ("UV_INDEX_URL", ALIYUN),
                    ("UV_DEFAULT_INDEX", TUNA),
                ),
                script=_S,
                **_NONE,
            ),
        ],
        "good": [
            _c(env=(("PIP_INDEX_URL", ALIYUN), ("UV_DEFAULT_INDEX", ALIYUN)), script=_S, **_NONE)
        ],
    },
    "PS106": {
        "bad": [_c(env=(("PIP_INDEX_URL", ALIYUN), ("PIP_EXTRA_INDEX_URL", TORCH)), script=_S)],
        "good": [
            _c(
                env=(("PIP_INDEX_URL", ALIYUN),),
                script=f"{_S}\npip install --index-url {TORCH} torch",
            )
        ],
    },
    "PS107": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", "https://pypi.mirrors.ustc.edu.cn/simple/"),),
                script=_S,
                fixed_env=(("PIP_INDEX_URL", "https://mirrors.ustc.edu.cn/pypi/simple/"),),
                **_NONE,
            )
        ],
        "good": [_c(env=(("PIP_INDEX_URL", TUNA),), script=_S, **_NONE)],
    },
    "PS201": {
        "bad": [
            _c(
                env=(
                    ("PIP_INDEX_URL", "http://mirrors.aliyun.com/pypi/simple/"),
                    ("PIP_TRUSTED_HOST", "mirrors.aliyun.com"),
                ),
                script=_S,
                fixed_env=(("PIP_INDEX_URL", ALIYUN),),
                unsafe=True,
                **_NONE,
            )
        ],
        "good": [
            _c(
                env=(("PIP_INDEX_URL", DEVPI), ("PIP_TRUSTED_HOST", "devpi.internal:3141")),
                script=_S,
                **_PROXY,
            )
        ],
    },
    "PS202": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", DEVPI),),
                script=_S,
                fixed_env=(("PIP_INDEX_URL", DEVPI), ("PIP_TRUSTED_HOST", "devpi.internal:3141")),
                **_PROXY,
            )
        ],
        "good": [
            _c(
                env=(("PIP_INDEX_URL", DEVPI), ("PIP_TRUSTED_HOST", "devpi.internal:3141")),
                script=_S,
                **_PROXY,
            )
        ],
    },
    "PS203": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", ALIYUN), ("PIP_TRUSTED_HOST", "pypi.douban.com")),
                script=_S,
                fixed_env=(("PIP_INDEX_URL", ALIYUN),),
            )
        ],
        "good": [
            _c(
                env=(("PIP_INDEX_URL", DEVPI), ("PIP_TRUSTED_HOST", "devpi.internal:3141")),
                script=_S,
                **_PROXY,
            )
        ],
    },
    "PS204": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", ALIYUN), ("PIP_TRUSTED_HOST", "mirrors.aliyun.com")),
                script=_S,
                fixed_env=(("PIP_INDEX_URL", ALIYUN),),
                unsafe=True,
            )
        ],
        "good": [
            _c(
                env=(("PIP_INDEX_URL", DEVPI), ("PIP_TRUSTED_HOST", "devpi.internal:3141")),
                script=_S,
                **_PROXY,
            )
        ],
    },
    "PS205": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", DEVPI), ("PIP_TRUSTED_HOST", "http://devpi.internal:3141")),
                script=_S,
                fixed_env=(("PIP_INDEX_URL", DEVPI), ("PIP_TRUSTED_HOST", "devpi.internal:3141")),
                **_PROXY,
            )
        ],
        "good": [
            _c(
                env=(("PIP_INDEX_URL", DEVPI), ("PIP_TRUSTED_HOST", "devpi.internal:3141")),
                script=_S,
                **_PROXY,
            )
        ],
    },
    "PS301": {
        "bad": [
            _c(
                env=(
                    (
                        "PIP_INDEX_URL",
                        "https://deploy:SENTINEL0123456789abcdef@pypi.corp.example/simple",
                    ),
                ),
                script=_S,
                **_NONE,
            )
        ],
        "good": [
            _c(env=(("PIP_INDEX_URL", "https://pypi.corp.example/simple"),), script=_S, **_NONE)
        ],
    },
    "PS401": {
        "bad": [_c(env=(("PIP_INDEX", ALIYUN),), script=_S)],
        "good": [_c(env=(("PIP_INDEX_URL", ALIYUN),), script=_S)],
    },
    "PS403": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", ALIYUN),),
                script="uv pip install --system -r requirements.txt",
                needs_script=True,
            )
        ],
        "good": [
            _c(
                env=(("PIP_INDEX_URL", ALIYUN), ("UV_DEFAULT_INDEX", ALIYUN)),
                script="uv pip install --system -r requirements.txt",
                needs_script=True,
            )
        ],
    },
    "PS901": {
        "bad": [
            _c(
                env=(("PIP_INDEX_URL", ALIYUN),),
                script=_S,
                comment="pipsrc: ignore[PS101] staging tests the TUNA mirror",
                fixed_env=(("PIP_INDEX_URL", ALIYUN),),
            )
        ],
        "good": [
            _c(
                env=(("PIP_INDEX_URL", TUNA),),
                script=_S,
                comment="pipsrc: ignore[PS101] staging tests the TUNA mirror",
            )
        ],
    },
}

# PS900: a file each kind cannot read, and the same file written correctly
PARSE_ERRORS: dict[str, tuple[str, str]] = {
    "ci-yaml": (
        azure((), f"if true; then pip install -i {ALIYUN} flask", None),
        azure((), f"if true; then pip install -i {ALIYUN} flask; fi", None),
    ),
    "jenkinsfile": (
        jenkinsfile((), f"if true; then pip install -i {ALIYUN} flask", None),
        jenkinsfile((), f"if true; then pip install -i {ALIYUN} flask; fi", None),
    ),
    "gitlab-ci": (
        gitlab((), f"if true; then pip install -i {ALIYUN} flask", None),
        gitlab((), f"if true; then pip install -i {ALIYUN} flask; fi", None),
    ),
    "makefile": (
        makefile((), f'if [ -n "$CI" ]; then pip install -i {ALIYUN} flask', None),
        makefile((), f'if [ -n "$CI" ]; then pip install -i {ALIYUN} flask; fi', None),
    ),
    "dotenv": (f"PIP_INDEX_URL {ALIYUN}\n", f"PIP_INDEX_URL={ALIYUN}\n"),
    "markdown": (
        markdown((), f"if true; then pip install -i {ALIYUN} flask", None),
        markdown((), f"if true; then pip install -i {ALIYUN} flask; fi", None),
    ),
    "notebook": (
        notebook((), f"pip install -i {ALIYUN} flask", None).replace('"cells"', "cells", 1),
        notebook((), f"pip install -i {ALIYUN} flask", None),
    ),
    "tox": (
        f"install_command = python -m pip install -i {ALIYUN} {{opts}} {{packages}}\n",
        f"[testenv]\ninstall_command = python -m pip install -i {ALIYUN} {{opts}} {{packages}}\n",
    ),
    "python": (
        python((("PIP_INDEX_URL", ALIYUN),), "pip install flask", None) + "if True\n",
        python((("PIP_INDEX_URL", ALIYUN),), "pip install flask", None) + "if True: pass\n",
    ),
    "github-actions": (
        github((), 'if [ -n "$CI" ]; then\n  pip install -i ' + ALIYUN + " flask", None),
        github((), 'if [ -n "$CI" ]; then\n  pip install -i ' + ALIYUN + " flask\nfi", None),
    ),
}


def _example(kind: str, case: Case, bad: bool) -> Example | None:
    path, render, scripts = RENDERERS[kind]
    if case.needs_script and (not scripts or kind in DOCS_KINDS):
        return None
    text = render(case.env, case.script if scripts else "", case.comment)
    fixed = None
    if (
        bad
        and kind not in DOCS_KINDS
        and (case.fixed_env is not None or case.fixed_script is not None)
    ):
        env = case.env if case.fixed_env is None else case.fixed_env
        script = case.script if case.fixed_script is None else case.fixed_script
        fixed = render(env, script if scripts else "", None)
    return Example(path, text, fixed, case.unsafe, case.mirror, case.proxy, case.policy)


def with_ci_examples(rule: type[Rule]) -> type[Rule]:
    """``rule`` with its examples in the CI and build kinds added after its own (once)."""
    if rule.code in CASES or rule.code == "PS900":
        own = tuple(ex for ex in rule.good if ex.path not in _PATHS)
        rule.good = (*own, *ci_examples(rule.code, True))
        own = tuple(ex for ex in rule.bad if ex.path not in _PATHS)
        rule.bad = (*own, *ci_examples(rule.code, False))
    return rule


def ci_examples(code: str, good: bool) -> tuple[Example, ...]:
    """The examples of rule ``code`` in the CI and build kinds (good or bad ones)."""
    if code == "PS900":
        return tuple(Example(RENDERERS[k][0], PARSE_ERRORS[k][1 if good else 0]) for k in RENDERERS)
    return case_examples(CASES[code]["good" if good else "bad"], good)


def case_examples(cases: list[Case], good: bool) -> tuple[Example, ...]:
    """``cases`` rendered in every CI and build kind (a rule module's own cases)."""
    out = []
    for case in cases:
        for kind in RENDERERS:
            ex = _example(kind, case, not good)
            if ex is not None:
                out.append(ex)
        if case.needs_script:
            for path, render in SCRIPT_ONLY.values():
                text = render(case.env, case.script, case.comment)
                fixed = None
                if case.script_fixed and not good and case.fixed_script is not None:
                    fixed = render(case.env, case.fixed_script, None)
                out.append(Example(path, text, fixed, False, case.mirror, case.proxy, case.policy))
    return tuple(out)
