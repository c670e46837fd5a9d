"""The real tools as oracles for the CI and build kinds.

Every rule example written in a workflow, a GitLab CI file, an Azure pipeline, a Makefile
or a Jenkinsfile is fixed (unsafe fixes included), and then:

- GitHub's, GitLab's and Azure's JSON schemas (check-jsonschema's vendored copies, no
  network) accept the file before and after, and ruamel.yaml reads it;
- ``bash -n`` accepts every shell script the file runs after the fix (a workflow's ``run:``
  steps, a GitLab job's script lines, an Azure ``script:``, a Jenkins ``sh`` string,
  the commands ``make -n`` prints);
- GNU make expands a recipe to the text pipsrc reads as that recipe's shell.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipsrc.api import fix_text
from pipsrc.docs import example_kind
from pipsrc.kinds import makefile
from pipsrc.policy import Policy
from pipsrc.rules import ALL_RULES, Example
from pipsrc.syntax import groovy

SCHEMAS = {
    "github-actions": "vendor.github-workflows",
    "gitlab-ci": "vendor.gitlab-ci",
    "ci-yaml": "vendor.azure-pipelines",
}
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def _policy(ex: Example) -> Policy:
    policy = Policy()
    if ex.mirror:
        policy = policy.with_index(ex.mirror)
    if ex.proxy:
        policy = policy.with_index(ex.proxy, proxy=True)
    return policy


def _texts(kinds: set[str]) -> list[tuple[str, str, str]]:
    """(kind, path, text) of every example of ``kinds`` and of its fixed text."""
    out = []
    for rule in ALL_RULES:
        for ex in (*rule.bad, *rule.good):
            kind = example_kind(ex)
            if kind not in kinds:
                continue
            out.append((kind, ex.path, ex.text))
            fixed = fix_text(ex.text, ex.path, _policy(ex), unsafe=True, cli_index=True)
            if fixed != ex.text:
                out.append((kind, ex.path, fixed))
    return out


def _bash_ok(script: str) -> bool:
    return subprocess.run(["bash", "-n"], input=script, capture_output=True).returncode == 0


def _bash_n(script: str) -> None:
    done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    assert done.returncode == 0, (script, done.stderr)


def _broken(rule_code: str, text: str) -> bool:
    """The PS900 examples: broken on purpose."""
    return any(text == ex.text for r in ALL_RULES if r.code == "PS900" for ex in r.bad)


def _yaml(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(text)


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_schemas_accept_every_rewritten_file(kind: str, tmp_path: Path) -> None:
    texts = [t for k, _p, t in _texts({kind}) if not _broken("PS900", t)]
    files = []
    for n, text in enumerate(texts):
        if _yaml(text) is None:
            continue
        f = tmp_path / f"f{n}.yml"
        f.write_text(text, encoding="utf-8")
        files.append(str(f))
    assert files
    args = [str(CHECK_JSONSCHEMA), "--regex-variant", "python", "--builtin-schema", SCHEMAS[kind]]
    done = subprocess.run([*args, *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _scripts(kind: str, text: str) -> list[str]:
    """The shell scripts a CI file runs, as its own tool reads them."""
    data = _yaml(text)
    if kind == "github-actions":
        jobs = data.get("jobs", {}) or {}
        return [s["run"] for job in jobs.values() for s in job.get("steps", []) if "run" in s]
    if kind == "gitlab-ci":
        out = []
        for job in data.values():
            if isinstance(job, dict) and "script" in job:
                lines = [*job.get("before_script", []), *job["script"]]
                out.append("\n".join(lines))
        return out
    return [s["script"] for s in data.get("steps", []) if "script" in s]


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_bash_accepts_every_rewritten_step(kind: str) -> None:
    checked = 0
    for _k, _path, text in _texts({kind}):
        if _broken("PS900", text):
            continue
        for script in _scripts(kind, text):
            _bash_n(script)
            checked += 1
    assert checked


def test_bash_accepts_every_rewritten_jenkins_step() -> None:
    checked = 0
    for _k, _path, text in _texts({"jenkinsfile"}):
        if _broken("PS900", text):
            continue
        toks = groovy.tokens(text)
        for i, tok in enumerate(toks):
            name = text[toks[i - 1].start : toks[i - 1].end] if i else ""
            if tok.kind == "str" and name == "sh":
                _bash_n(groovy.decode(text, tok)[0])
                checked += 1
    assert checked


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make not installed")


@needs_make
def test_make_runs_every_rewritten_makefile(tmp_path: Path) -> None:
    """``make -n`` accepts the Makefile and prints commands bash accepts."""
    checked = 0
    for _k, _path, text in _texts({"makefile"}):
        f = tmp_path / "Makefile"
        f.write_text(text, encoding="utf-8")
        done = subprocess.run(["make", "-n", "-f", str(f), "install"], capture_output=True,
                              text=True, cwd=tmp_path)  # fmt: skip
        if _broken("PS900", text):
            continue
        assert done.returncode == 0, (text, done.stderr)
        for line in done.stdout.splitlines():
            _bash_n(line)
            checked += 1
    assert checked


MAKEFILES = [
    "MIRROR ?= https://pypi.tuna.tsinghua.edu.cn/simple\nPIP := python -m pip\n"
    "install:\n\t@$(PIP) install -i $(MIRROR) -r requirements.txt\n\techo $$HOME\n",
    "export PIP_INDEX_URL = https://mirrors.aliyun.com/pypi/simple/\n"
    "install:\n\t-pip install --extra-index-url http://x.example/simple y \\\n\t  z\n",
    "URL = https://a.example/simple\n"
    "install:\n\tpip install -i ${URL} x && pip download -d $$PWD/w y\n",
]


@needs_make
@pytest.mark.parametrize("text", MAKEFILES)
def test_make_expands_recipes_as_pipsrc_reads_them(text: str, tmp_path: Path) -> None:
    """Each recipe line's logical text is what ``make -n`` prints for it."""
    f = tmp_path / "Makefile"
    f.write_text(text, encoding="utf-8")
    done = subprocess.run(["make", "-n", "-f", str(f), "install"], capture_output=True,
                          text=True, cwd=tmp_path, check=True)  # fmt: skip
    assert "\n".join(makefile.recipe_scripts(text)) == done.stdout.rstrip("\n")
