"""A pip.conf written by a group of commands under one redirect, `{ echo ...; echo ...; } > F`
or `( ... ) > F` (docs/real-world.md: such a pip.conf was not read). Real bash writes the file
and pip's own `pip config list` reads it: pipsrc must locate the same keys in the script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipsrc.api import fix_text
from pipsrc.kinds import shell
from pipsrc.model import Method
from pipsrc.policy import Policy

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
USTC = "https://mirrors.ustc.edu.cn/pypi/simple"

SCRIPTS = {
    "braces": (
        f'{{ echo "[global]"; echo "index-url = {TUNA}"; }} > ./pip.conf\n'
        "{\n  echo '[install]'\n  echo 'trusted-host = mirrors.ustc.edu.cn'\n} >> ./pip.conf\n"
    ),
    "subshell": (f"( echo '[global]'; printf 'extra-index-url = %s\\n' '{USTC}' ) > ./pip.conf\n"),
    "list inside": (
        f'{{ echo "[global]" && echo "index-url = {TUNA}" && echo "timeout = 60"; }} > ./pip.conf\n'
    ),
}


def pip_config(conf: Path) -> dict[str, str]:
    """What pip itself reads from ``conf``: ``section.key`` -> value (what it reads with an
    empty file there, the machine's own configuration and the environment, left out)."""
    found = _pip_config_list(conf)
    empty = conf.with_name("empty.conf")
    empty.write_text("", encoding="utf-8")
    baseline = _pip_config_list(empty)
    return {k: v for k, v in found.items() if baseline.get(k) != v and not k.startswith(":")}


def _pip_config_list(conf: Path) -> dict[str, str]:
    env = {**os.environ, "PIP_CONFIG_FILE": str(conf), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env = {k: v for k, v in env.items() if not (k.startswith("PIP_") and k not in (
        "PIP_CONFIG_FILE", "PIP_DISABLE_PIP_VERSION_CHECK"))}  # fmt: skip
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], env=env,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    found = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        found[key] = value.strip("'")
    return found


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_group_writes_are_read_as_pip_reads_the_file(tmp_path: Path, name: str) -> None:
    script = "#!/bin/sh\nset -e\n" + SCRIPTS[name]
    subprocess.run(["bash", "-c", script], cwd=tmp_path, check=True)
    real = pip_config(tmp_path / "pip.conf")
    doc = shell.parse(script, "build.sh")
    mine = {
        f"{s.section}.{s.key}": s.value
        for s in doc.settings
        if s.method is Method.PIP_CONF and s.written_to == "./pip.conf"
    }
    url_keys = {k: v for k, v in real.items() if k.split(".")[1] != "timeout"}
    assert mine == url_keys
    for s in doc.settings:  # each located where the script spells it
        assert script[s.span.start : s.span.end] == s.value


def test_a_group_write_is_fixed_in_place_and_still_runs(tmp_path: Path) -> None:
    script = "#!/bin/sh\nset -e\n" + SCRIPTS["list inside"]
    fixed = fix_text(script, "build.sh", Policy().with_index("aliyun"), cli_index=True)
    assert fixed == script.replace(TUNA, "https://mirrors.aliyun.com/pypi/simple")
    assert subprocess.run(["bash", "-n"], input=fixed, text=True).returncode == 0
    subprocess.run(["bash", "-c", fixed], cwd=tmp_path, check=True)
    assert pip_config(tmp_path / "pip.conf")["global.index-url"] == (
        "https://mirrors.aliyun.com/pypi/simple"
    )
