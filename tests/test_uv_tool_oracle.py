"""Real uv as the oracle of its tool commands: `uv tool install` and `uvx` read uv's options
and variables but not the project's configuration, which `uv lock` reads.

uv asks the loopback indexes of tests/oracle/indexes.py (and pypi.org through the recording
proxy, which refuses it: nothing reaches the internet) for a project no index has, so the
indexes it consulted are the ones it was configured with. pipsrc, reading the same
directory, must name the same index for the same command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipsrc.api import fix_text
from pipsrc.context import Context
from pipsrc.engine.reading import collect
from pipsrc.policy import Policy
from pipsrc.resolution import effective_index
from tests.e2e.procs import offline_env
from tests.oracle.indexes import ABSENT, DEFAULT, Indexes, build_wheels

UV = shutil.which("uv", path=os.path.dirname(sys.executable)) or shutil.which("uv")
pytestmark = pytest.mark.skipif(UV is None, reason="uv is in the test extra: pip install uv")


def consulted(tmp_path: Path, ix: Indexes, argv: list[str], **env: str) -> list[str]:
    """The indexes real uv asked, in order, running ``argv`` in ``tmp_path/work``."""
    home = tmp_path / "home"
    e = offline_env(home)
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        e[name] = e[name.upper()] = ix.proxy
    e.update(UV_NO_CACHE="1", UV_HTTP_RETRIES="0", UV_PYTHON_DOWNLOADS="never",
             UV_TOOL_DIR=str(tmp_path / "tools"), UV_TOOL_BIN_DIR=str(tmp_path / "bin"),
             UV_PYTHON=sys.executable, XDG_CONFIG_DIRS=str(tmp_path / "xdg"), **env)  # fmt: skip
    before = len(ix.hits)
    assert UV is not None
    subprocess.run([UV, *argv], cwd=tmp_path / "work", env=e, capture_output=True, timeout=120)
    seen: list[str] = []
    for hit in ix.hits[before:]:
        # a CONNECT to pypi.org shows no path: any refused request to it counts
        wanted = hit.project == ABSENT or (hit.index == DEFAULT and not hit.project)
        if wanted and hit.index not in seen:
            seen.append(hit.index)
    return seen


def pipsrc_index(tmp_path: Path, command: str) -> str:
    """The default index pipsrc gives ``command`` in a script beside the project."""
    script = tmp_path / "work" / "build.sh"
    script.write_text(f"#!/bin/sh\n{command}\n", encoding="utf-8")
    _root, files, _skipped = collect([str(tmp_path / "work")])
    docs = {r.path: r.doc for r in files if r.doc is not None}
    doc = docs["build.sh"]
    eff = effective_index(doc, doc.sites[0], Context(Policy(), docs))
    return (eff.indexes[-1] or "") if eff.indexes else ""  # uv reads the default last


def test_tool_commands_ignore_the_projects_index(tmp_path: Path) -> None:
    with Indexes(build_wheels(tmp_path / "wheels")) as ix:
        work = tmp_path / "work"
        work.mkdir()
        (work / "pyproject.toml").write_text(
            '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.8"\n'
            f'dependencies = ["{ABSENT}"]\n\n'
            f'[[tool.uv.index]]\nurl = "{ix.url("A")}"\ndefault = true\n',
            encoding="utf-8",
        )
        # the project's commands read the project's index ...
        assert consulted(tmp_path, ix, ["lock"]) == ["A"]
        assert pipsrc_index(tmp_path, "uv lock") == ix.url("A")
        # ... the tool commands do not: they go to pypi.org (refused by the proxy)
        for argv in (["tool", "install", ABSENT], ["tool", "run", ABSENT]):
            assert consulted(tmp_path, ix, argv) == [DEFAULT], argv
            assert "pypi.org" in pipsrc_index(tmp_path, "uv " + " ".join(argv))
        # uv's variables reach them
        assert consulted(
            tmp_path, ix, ["tool", "install", ABSENT], UV_DEFAULT_INDEX=ix.url("B")
        ) == ["B"]


def test_uv_default_index_beats_index_url_and_uv_index_url_does_not(tmp_path: Path) -> None:
    """Why PS104's fix sets UV_INDEX_URL, not UV_DEFAULT_INDEX, in a scope where another uv
    install names its index with --index-url: real uv lets UV_DEFAULT_INDEX override that
    flag, and the flag override UV_INDEX_URL; pipsrc's fix keeps the flag's install as it was."""
    with Indexes(build_wheels(tmp_path / "wheels")) as ix:
        (tmp_path / "work").mkdir()
        argv = ["pip", "install", "--dry-run", "--python", sys.executable,
                "--index-url", ix.url("A"), ABSENT]  # fmt: skip
        assert consulted(tmp_path, ix, argv, UV_DEFAULT_INDEX=ix.url("B")) == ["B"]
        assert consulted(tmp_path, ix, argv, UV_INDEX_URL=ix.url("B")) == ["A"]
    text = (
        "FROM python:3.12\nRUN uv pip install --system --index-url "
        "https://download.pytorch.org/whl/cpu torch\nRUN uv pip install --system numpy\n"
    )
    fixed = fix_text(text, "Dockerfile", Policy().with_index("aliyun"), cli_index=True)
    assert fixed.splitlines()[1] == 'ENV UV_INDEX_URL="https://mirrors.aliyun.com/pypi/simple/"'
