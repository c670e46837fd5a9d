"""Files read because another file names them (``-r deps.txt``, ``COPY x.conf /etc/pip.conf``),
whatever their own name: pip reads their index options, so pipsrc checks and fixes them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cliutil import invoke

OLD = "https://pypi.tuna.tsinghua.edu.cn/simple"  # a public mirror: its fix is safe
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def checked(root: Path, *extra: str) -> dict[str, list[str]]:
    res = invoke(["check", "--format", "json", "--mirror", "aliyun", *extra, str(root)])
    assert res.exit_code in (0, 1), res.output
    out = json.loads(res.output)
    files = {f["path"]: f["kind"] for f in out["files"]}
    codes: dict[str, list[str]] = {path: [] for path in files}
    for f in out["findings"]:
        codes.setdefault(f["path"], []).append(f["code"])
    return {f"{path} ({files.get(path)})": sorted(c) for path, c in codes.items()}


def test_a_requirements_file_named_by_an_install_is_checked(tmp_path: Path) -> None:
    root = tree(tmp_path, {"build.sh": "pip install -r deps/base.txt\n",
                           "deps/base.txt": f"-i {OLD}\nrequests\n"})  # fmt: skip
    got = checked(root)
    assert got["deps/base.txt (requirements)"] == ["PS101"]


def test_nested_references_are_followed(tmp_path: Path) -> None:
    root = tree(tmp_path, {"requirements.txt": "-r deps/base.in\n",
                           "deps/base.in": f"-c pins.lst\n-i {ALIYUN}\n",
                           "deps/pins.lst": f"--extra-index-url {OLD}\n"})  # fmt: skip
    got = checked(root)
    assert "deps/base.in (requirements)" in got
    assert got["deps/pins.lst (requirements)"] != []


def test_a_copied_pip_conf_is_checked_and_fixed(tmp_path: Path) -> None:
    root = tree(tmp_path, {"Dockerfile": "FROM python:3.12\nCOPY ci/mirror.cfg /etc/pip.conf\n"
                                         "RUN pip install requests\n",
                           "ci/mirror.cfg": f"[global]\nindex-url = {OLD}\n"})  # fmt: skip
    assert checked(root)["ci/mirror.cfg (pipconf)"] == ["PS101"]
    res = invoke(["fix", "--mirror", "aliyun", str(root)])
    assert res.exit_code == 1, res.output  # files changed, as pre-commit expects
    assert invoke(["check", "--mirror", "aliyun", str(root)]).exit_code == 0
    assert (root / "ci/mirror.cfg").read_text() == f"[global]\nindex-url = {ALIYUN.rstrip('/')}\n"


def test_references_out_of_reach_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(f"-i {OLD}\n")
    root = tree(tmp_path / "repo", {
        "build.sh": "pip install -r ../outside.txt -r $REQS -r /abs.txt -r vendor/x.txt\n",
        "vendor/x.txt": f"-i {OLD}\n",
    })  # fmt: skip
    got = checked(root, "--exclude", "vendor")
    assert list(got) == ["build.sh (shell)"]


def test_pre_commit_reads_a_named_reference_as_context(tmp_path: Path) -> None:
    # only build.sh is passed (as pre-commit does); deps.lst is read to resolve the install
    root = tree(tmp_path, {"build.sh": f"pip install -i {ALIYUN} -r deps.lst\n",
                           "deps.lst": f"-i {OLD}\n"})  # fmt: skip
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "."], check=True)
    res = invoke(["check", "--format", "json", "--mirror", "aliyun", str(root / "build.sh")])
    out = json.loads(res.output)
    assert [Path(f["path"]).name for f in out["files"]] == ["build.sh"]
    site = out["sites"][0]["effective"]
    assert site["indexes"] == [OLD] and site["source"] == "requirements"
