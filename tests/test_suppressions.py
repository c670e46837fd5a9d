"""Inline suppressions in every file kind: trailing on the line of the finding (a Dockerfile's
RUN included) or alone on the line before it, and PS901 for each one that suppresses nothing.

One sample per kind of the registry: a kind added without one fails
test_every_kind_has_a_sample. Two kinds cannot carry a trailing suppression, by their own
syntax, and are checked for what they do instead: in pip.conf an inline ``#`` is part of
the value pip reads (PS401 says so, and the comment suppresses nothing), and a lock file is
written by its tool, which drops any comment at the next lock (``per-file-ignores`` is the
way to accept a lock; there are no comments to read in it).
"""

from __future__ import annotations

import pytest

from pipsrc.api import check_text
from pipsrc.engine.results import Finding
from pipsrc.kinds import REGISTRY
from pipsrc.policy import CondaPolicy, Policy
from pipsrc.records import replace

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
USTC_CONDA = "https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge"

# kind: (path, text, line of the finding, its code)
SAMPLES: dict[str, tuple[str, str, int, str]] = {
    "dockerfile": ("Dockerfile", f"FROM python:3.12\nRUN pip install -i {TUNA} flask\n", 2,
                   "PS101"),
    "shell": ("build.sh", f"#!/bin/sh\nset -e\npip install -i {TUNA} flask\n", 3, "PS101"),
    "pipconf": ("pip.conf", f"[global]\nindex-url = {TUNA}\n", 2, "PS101"),
    "requirements": ("requirements.txt", f"-i {TUNA}\nflask\n", 1, "PS101"),
    "github-actions": (".github/workflows/ci.yml",
                       "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                       f"      - run: pip install -i {TUNA} flask\n", 6, "PS101"),
    "gitlab-ci": (".gitlab-ci.yml", f"test:\n  script:\n    - pip install -i {TUNA} flask\n", 3,
                  "PS101"),
    "ci-yaml": (".travis.yml", f"language: python\ninstall:\n  - pip install -i {TUNA} flask\n",
                3, "PS101"),
    "jenkinsfile": ("Jenkinsfile",
                    "pipeline {\n  agent any\n  stages {\n    stage('t') {\n      steps {\n"
                    f"        sh 'pip install -i {TUNA} flask'\n      }}\n    }}\n  }}\n}}\n",
                    6, "PS101"),
    "makefile": ("Makefile", f"install:\n\tpip install -i {TUNA} flask\n", 2, "PS101"),
    "dotenv": (".env", f"PIP_INDEX_URL={TUNA}\n", 1, "PS101"),
    "compose": ("docker-compose.yml",
                "services:\n  app:\n    image: python:3.12\n    environment:\n"
                f"      PIP_INDEX_URL: {TUNA}\n", 5, "PS101"),
    "lockfile": ("uv.lock",
                 'version = 1\n\n[[package]]\nname = "flask"\nversion = "3.0.0"\n'
                 f'source = {{ registry = "{TUNA}" }}\n', 6, "PS108"),
    "project": ("pyproject.toml", f'[tool.uv]\nindex-url = "{TUNA}"\n', 2, "PS101"),
    "condarc": (".condarc", f"channels:\n  - {USTC_CONDA}\n", 2, "PS601"),
    "conda-env": ("environment.yml",
                  f"channels:\n  - nodefaults\ndependencies:\n  - pip\n  - pip:\n    - -i {TUNA}\n"
                  "    - flask\n", 6, "PS101"),
    "tox": ("tox.ini",
            f"[testenv]\ninstall_command = pip install -i {TUNA} {{opts}} {{packages}}\n", 2,
            "PS101"),
    "python": ("tools/build.py",
               f'import subprocess\nsubprocess.run(["pip", "install", "-i", "{TUNA}", "flask"])\n',
               2, "PS101"),
    "markdown": ("docs/install.md", f"# Install\n\n```sh\npip install -i {TUNA} flask\n```\n", 4,
                 "PS101"),
    "notebook": ("setup.ipynb",
                 '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": null,\n'
                 '   "metadata": {},\n   "outputs": [],\n'
                 f'   "source": [\n    "!pip install -i {TUNA} flask"\n   ]\n  }}\n ],\n'
                 ' "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n', 9, "PS101"),
}  # fmt: skip
# see the module's docstring; a notebook's comments live inside its cells' JSON strings
# (tests/kinds/test_notebook.py), not on the file's lines; pipsrc does not yet read a
# trailing ` #` in tox.ini as the comment tox 4 makes of it (a suppression goes on the
# line before there)
NO_TRAILING = {"pipconf", "lockfile", "notebook", "tox"}
NO_COMMENTS = {"lockfile", "notebook"}
UNUSED = "PS204"  # a rule that never fires on these lines


def _policy() -> Policy:
    policy = Policy().with_index("aliyun")
    return replace(policy, conda=CondaPolicy().with_mirror("tuna"))


def _check(kind: str, text: str) -> list[Finding]:
    return check_text(text, SAMPLES[kind][0], _policy(), cli_index=True)


def _on(findings: list[Finding], code: str, line: int) -> list[Finding]:
    return [f for f in findings if f.code == code and f.line == line]


def _comment(kind: str) -> str:
    return next(s.comment for s in REGISTRY if s.kind == kind)


def _trailing(kind: str, directive: str) -> str:
    _, text, line, _ = SAMPLES[kind]
    lines = text.split("\n")
    lines[line - 1] += f"  {_comment(kind)} {directive}"
    return "\n".join(lines)


def _before(kind: str, directive: str) -> str:
    _, text, line, _ = SAMPLES[kind]
    lines = text.split("\n")
    target = lines[line - 1]
    indent = target[: len(target) - len(target.lstrip())]
    lines.insert(line - 1, f"{indent}{_comment(kind)} {directive}")
    return "\n".join(lines)


def test_every_kind_has_a_sample() -> None:
    assert set(SAMPLES) == {s.kind for s in REGISTRY}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_the_sample_has_its_finding(kind: str) -> None:
    _, text, line, code = SAMPLES[kind]
    assert _on(_check(kind, text), code, line), _check(kind, text)


@pytest.mark.parametrize("kind", sorted(set(SAMPLES) - NO_TRAILING))
def test_a_trailing_suppression_suppresses_its_line(kind: str) -> None:
    _, _, line, code = SAMPLES[kind]
    findings = _check(kind, _trailing(kind, f"pipsrc: ignore[{code}] accepted here"))
    assert not _on(findings, code, line) and not _on(findings, "PS901", line), findings


@pytest.mark.parametrize("kind", sorted(set(SAMPLES) - NO_TRAILING))
def test_an_unused_trailing_suppression_is_ps901(kind: str) -> None:
    _, _, line, code = SAMPLES[kind]
    findings = _check(kind, _trailing(kind, f"pipsrc: ignore[{UNUSED}]"))
    assert len(_on(findings, "PS901", line)) == 1 and _on(findings, code, line), findings


@pytest.mark.parametrize(
    "kind", sorted(s for s in set(SAMPLES) - NO_TRAILING if _comment(s) == "#")
)
def test_a_suppression_after_another_comment_is_read_once(kind: str) -> None:
    _, _, line, _ = SAMPLES[kind]
    findings = _check(kind, _trailing(kind, f"a note  # pipsrc: ignore[{UNUSED}]"))
    assert len(_on(findings, "PS901", line)) == 1, findings


@pytest.mark.parametrize("kind", sorted(set(SAMPLES) - NO_COMMENTS))
def test_a_suppression_on_the_line_before(kind: str) -> None:
    _, _, line, code = SAMPLES[kind]
    findings = _check(kind, _before(kind, f"pipsrc: ignore[{code}] accepted here"))
    assert not _on(findings, code, line + 1) and not _on(findings, "PS901", line), findings
    findings = _check(kind, _before(kind, f"pipsrc: ignore[{UNUSED}]"))
    assert len(_on(findings, "PS901", line)) == 1 and _on(findings, code, line + 1), findings


def test_a_trailing_comment_in_pip_conf_is_part_of_the_value() -> None:
    findings = _check("pipconf", _trailing("pipconf", "pipsrc: ignore[PS101]"))
    assert [f.code for f in findings] == ["PS401"], findings
    assert "inline comment becomes part of the value" in findings[0].message


def test_a_lock_file_has_no_suppressions() -> None:
    findings = _check("lockfile", _trailing("lockfile", "pipsrc: ignore[PS108]"))
    assert [(f.code, f.line) for f in findings] == [("PS108", 6)], findings
