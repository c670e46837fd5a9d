"""`pipsrc proxy-setup`: the devpi indexes a repository needs, as commands and JSON."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

from tests.cliutil import invoke
from tests.trees import write_tree

DEVPI = "http://devpi.internal:3141/root/pypi/+simple/"
TORCH = "https://download.pytorch.org/whl/cu118"
REPO = {
    "pipsrc.toml": '[proxy]\nupstream = "aliyun"\n',
    "requirements.txt": f"--extra-index-url {TORCH}\ntorch\n",
    "Dockerfile": f"FROM python:3.11\nRUN pip install --index-url {TORCH} torchvision\n",
    "pip.conf": "[global]\nextra-index-url = https://pypi.nvidia.com/\n",
}


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    write_tree(root, files)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _json(args: list[str]) -> dict[str, object]:
    r = invoke(["proxy-setup", "--format", "json", *args])
    assert r.exit_code == 0, r.output
    data: dict[str, object] = json.loads(r.stdout)
    return data


def test_the_plan_has_the_upstream_and_one_mirror_per_vendor_index(tmp_path: Path) -> None:
    data = _json(["--proxy", DEVPI, str(_repo(tmp_path, REPO))])
    assert data["server"] == "http://devpi.internal:3141"
    assert data["upstream"] == "https://mirrors.aliyun.com/pypi/simple/"
    indexes = {i["name"]: i for i in data["indexes"]}  # type: ignore[attr-defined]
    assert list(indexes) == ["root/pypi", "root/nvidia", "root/torch-cu118"]
    torch = indexes["root/torch-cu118"]
    assert torch["mirror_url"] == TORCH
    assert torch["mirror_web_url_fmt"] == TORCH + "/{name}/"
    assert torch["used_by"] == ["Dockerfile:2", "requirements.txt:1"]
    fmt = f"mirror_web_url_fmt={TORCH}/{{name}}/"
    create = ["devpi", "index", "-c", "root/torch-cu118", "type=mirror", f"mirror_url={TORCH}", fmt]
    assert torch["create"] == create
    assert torch["modify"][:3] == ["devpi", "index", "root/torch-cu118"]
    assert indexes["root/nvidia"]["mirror_url"] == "https://pypi.nvidia.com"


def test_a_user_index_inherits_from_the_mirrors(tmp_path: Path) -> None:
    data = _json(["--proxy", "http://h:3141/team/dev/+simple/", str(_repo(tmp_path, REPO))])
    user = data["indexes"][-1]  # type: ignore[index]
    assert user["name"] == "team/dev" and user["role"] == "user"
    assert user["bases"] == ["root/pypi", "root/nvidia", "root/torch-cu118"]
    assert user["create"] == ["devpi", "index", "-c", "team/dev",
                              "bases=root/pypi,root/nvidia,root/torch-cu118"]  # fmt: skip


def test_indexes_already_routed_to_the_proxy_are_still_planned(tmp_path: Path) -> None:
    routed = "http://devpi.internal:3141/root/torch-cu121/+simple"
    repo = _repo(tmp_path, {"requirements.txt": f"--extra-index-url {routed}\ntorch\n"})
    data = _json(["--proxy", DEVPI, "--upstream", "tuna", str(repo)])
    names = [(i["name"], i["mirror_url"]) for i in data["indexes"]]  # type: ignore[attr-defined]
    assert names == [
        ("root/pypi", "https://pypi.tuna.tsinghua.edu.cn/simple"),
        ("root/torch-cu121", "https://download.pytorch.org/whl/cu121"),
    ]


def test_the_script_is_create_or_modify_for_each_index(tmp_path: Path) -> None:
    r = invoke(["proxy-setup", "--proxy", DEVPI, str(_repo(tmp_path, REPO))])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "#!/bin/sh" and "set -e" in lines
    assert "devpi use http://devpi.internal:3141" in lines
    joined = r.stdout.replace("\\\n    ", "")
    cmds = [ln for ln in joined.splitlines() if ln.startswith("devpi index")]
    assert len(cmds) == 3
    for ln in cmds:
        modify, _, create = ln.partition(" >/dev/null 2>&1 || ")
        m, c = shlex.split(modify), shlex.split(create)
        assert c[:3] == ["devpi", "index", "-c"] and c[3] == m[2] and "type=mirror" in c
    assert subprocess.run(["sh", "-n"], input=r.stdout, text=True).returncode == 0


def test_without_upstream_the_pypi_mirror_is_left_to_devpi(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"requirements.txt": "requests\n"})
    r = invoke(["proxy-setup", "--proxy", DEVPI, str(repo)])
    assert r.exit_code == 0, r.output
    assert "no upstream in the policy" in r.stdout
    assert "devpi index" not in r.stdout


def test_usage_errors(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"requirements.txt": "requests\n"})
    r = invoke(["proxy-setup", str(repo)])
    assert r.exit_code == 2 and "needs a devpi proxy" in r.output
    r = invoke(["proxy-setup", "--proxy", "https://nexus.acme.com/repository/p/simple", str(repo)])
    assert r.exit_code == 2 and "needs a devpi proxy" in r.output
    r = invoke(["proxy-setup", "--proxy", DEVPI, "--upstream", "aliyn", str(repo)])
    assert r.exit_code == 2 and "--upstream" in r.output and "aliyun" in r.output


def test_credentials_never_appear(tmp_path: Path) -> None:
    proxy = "http://ci:SENTINEL0123456789abcdef@devpi.internal:3141/root/pypi/+simple/"
    for fmt in ("sh", "json"):
        r = invoke(
            ["proxy-setup", "--format", fmt, "--proxy", proxy, str(_repo(tmp_path / fmt, REPO))]
        )
        assert r.exit_code == 0, r.output
        assert "SENTINEL0123456789abcdef" not in r.output
