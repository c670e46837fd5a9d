"""The pre-commit hooks select exactly the files pipsrc reads.

identify has no tag for requirements files or pip.conf, so `.pre-commit-hooks.yaml` selects by
name. A regex that misses a name pipsrc reads silently skips it at commit time; one that
matches too much makes every commit pay for a pipsrc run. The regex is checked against
`classify()` itself, on hand-picked names and on generated ones.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from pipsrc.discover import classify
from pipsrc.docs import HOOK_FILES, with_hook_pattern

ROOT = Path(__file__).resolve().parent.parent
SHEBANG = b"#!/bin/sh\nset -e\n"


def hooks() -> list[dict[str, Any]]:
    loaded = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return loaded


def hook_regex() -> re.Pattern[str]:
    by_id = {h["id"]: h for h in hooks()}
    assert by_id["pipsrc"]["files"] == by_id["pipsrc-fix"]["files"]
    return re.compile(by_id["pipsrc"]["files"])  # pre-commit uses re.search on the posix path


FILES = hook_regex()


def reads(path: str) -> bool:
    """Whether pipsrc reads ``path`` if it is a shell script by its shebang (when it has no
    extension the hooks cannot see the content, so they pass it and pipsrc decides)."""
    return classify(path, SHEBANG) is not None


def test_the_hooks_run_check_and_fix_serially() -> None:
    by_id = {h["id"]: h for h in hooks()}
    assert by_id["pipsrc"]["entry"] == "pipsrc check"
    assert by_id["pipsrc-fix"]["entry"] == "pipsrc fix"
    for h in by_id.values():
        assert h["language"] == "python"
        assert h["require_serial"] is True


SAMPLES = [
    "Dockerfile", "Containerfile", "dockerfile", "DOCKERFILE", "Dockerfile.gpu",
    "src/jupyterhub/Dockerfile.jupyterhub-redis", "Containerfile.dev", "api.Dockerfile",
    "api.dockerfile", "x.DOCKERFILE", ".dockerfile", "Dockerfile-dev", "dockerfile.dev",
    "Dockerfiles/readme.md", "build.sh", "scripts/setup.SH", "run.bash", "run.zsh", "sh",
    "bash.txt", "pip.conf", "PIP.INI", "etc/pip.conf", "pip/pip.conf", "pip/extra.conf",
    ".pip/x.conf", ".pip/x.CONF", "Pip/x.conf", "pip/x.ini", "nginx.conf", "pip.conf.bak",
    "requirements.txt", "requirements-dev.txt", "dev-requirements.txt", "REQUIREMENTS.TXT",
    "src/jupyterhub/requirements.txt", "requirements/base.txt", "requirements/base.TXT",
    "requirements/base.in", "Requirements/base.txt", "a/requirements/dev.txt",
    "constraints.txt", "dev-constraints.txt", "constraints-3.12.txt", "requirements.in",
    "dev-constraints.in", "dockerfile.requirements.in", "Dockerfile.requirements.in",
    "dockerfile-requirements.txt", "setup.in", "MANIFEST.in", "requirements.txt.orig",
    "docker-compose.yml", "docker-compose.prod.yaml", "compose.yaml", "Compose.YML",
    "compose.override.yml", "my-compose.yml", "docker-compose.yml.in", "README.md",
    "pyproject.toml", "setup.cfg", "Makefile", "bin/deploy", "LICENSE", "x.y/Dockerfile",
]  # fmt: skip


@pytest.mark.parametrize("path", SAMPLES)
def test_hook_regex_agrees_with_classify(path: str) -> None:
    assert bool(FILES.search(path)) == reads(path), path


FRAGMENTS = [
    "requirements", "REQUIREMENTS", "Requirements", "constraints", "Constraints", "dockerfile",
    "Dockerfile", "DOCKERFILE", "Containerfile", "containerfile", "compose", "Compose",
    "docker-", "pip", "PIP", ".pip", ".conf", ".CONF", ".ini", ".txt", ".TXT", ".in", ".IN",
    ".sh", ".SH", ".bash", ".yml", ".yaml", ".YML", ".", "-", "_", "a", "dev",
]  # fmt: skip
DIRS = ["", "requirements/", "pip/", ".pip/", "src/", "Pip/", "a/requirements/", "x.y/", "sh/"]


@given(
    st.sampled_from(DIRS),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=5)
    .map("".join)
    .filter(lambda name: name not in (".", "..")),  # not file names
)
def test_hook_regex_agrees_with_classify_on_generated_names(directory: str, name: str) -> None:
    path = directory + name
    assert bool(FILES.search(path)) == reads(path), path


def test_extensionless_files_without_a_shebang_are_passed_but_not_read() -> None:
    # the hooks cannot see a shebang, so they pass every extension-less name; pipsrc drops
    # the ones that are neither Dockerfiles nor shell scripts
    for path in ("NOTICE", "LICENSE", "bin/deploy"):
        assert FILES.search(path)
        assert classify(path, b"all:\n\techo hi\n") is None
    assert classify("Makefile", b"all:\n\techo hi\n") == "makefile"  # a name of its own
    assert classify("bin/deploy", SHEBANG) is not None


@pytest.mark.parametrize("name", HOOK_FILES)
def test_the_hook_patterns_are_generated_from_the_kind_registry(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    assert with_hook_pattern(text) == text, "run `python -m pipsrc.docs hooks`"


def test_the_projects_own_config_uses_the_same_selection() -> None:
    config = YAML(typ="safe").load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = [h for r in config["repos"] if r["repo"] == "local" for h in r["hooks"]]
    (own,) = [h for h in local if h["id"] == "pipsrc"]
    assert own["files"] == FILES.pattern
