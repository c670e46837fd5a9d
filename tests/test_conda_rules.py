"""conda's rules and pip's keep to their own settings; the report's conda patterns pass."""

from __future__ import annotations

import click

from pipsrc.api import check_text
from pipsrc.cli import _conda_mirror_ids
from pipsrc.policy import CondaPolicy, Policy
from pipsrc.report.condapatterns import conda_patterns

TUNA = "https://mirrors.tuna.tsinghua.edu.cn/anaconda"
POLICY = Policy(conda=CondaPolicy().with_mirror("tuna")).with_index("aliyun")

# conda settings whose values look like every kind of index URL, http and credentials aside
CONDA_ONLY = {
    "setup.sh": (
        "#!/bin/sh\nconda config --add channels https://pypi.tuna.tsinghua.edu.cn/simple\n"
        "conda install -c http://pypi.corp.example/simple -c https://pypi.org/simple x\n"
        "conda config --set channel_alias https://download.pytorch.org/whl/cu121\n"
    ),
    "environment.yml": (
        "channels:\n  - https://pypi.tuna.tsinghua.edu.cn/simple\n  - http://pypi.corp.example/\n"
        "  - nodefaults\ndependencies:\n  - numpy\n"
    ),
}
PIP_ONLY = {
    "setup.sh": (
        "#!/bin/sh\nexport PIP_INDEX_URL=https://mirrors.aliyun.com/anaconda/cloud/conda-forge\n"
        "pip install --extra-index-url https://repo.anaconda.com/pkgs/main x\n"
    ),
    "environment.yml": (
        "channels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - pip:\n"
        "      - -i https://conda.anaconda.org/conda-forge\n"
    ),
}


def test_pip_rules_never_judge_a_channel() -> None:
    for path, text in CONDA_ONLY.items():
        codes = {f.code for f in check_text(text, path, POLICY)}
        assert codes and all(c.startswith("PS6") for c in codes), (path, codes)


def test_conda_rules_never_judge_a_pip_setting() -> None:
    for path, text in PIP_ONLY.items():
        codes = {f.code for f in check_text(text, path, POLICY)}
        assert codes and not any(c.startswith("PS6") for c in codes), (path, codes)


def test_the_reports_conda_patterns_pass_their_own_rules() -> None:
    conda = CondaPolicy().with_mirror("tuna")
    paths = {"condarc": ".condarc", "conda-env": "environment.yml", "conda-config": "setup.sh"}
    for p in conda_patterns(TUNA, conda.carried):
        text = p.body + "\n"
        if p.key == "conda-config":
            text = "#!/bin/sh\n" + text
        assert check_text(text, paths[p.key], POLICY) == [], p.key


def test_conda_mirror_completion() -> None:
    ctx = click.Context(click.Command("x"))
    assert _conda_mirror_ids(ctx, click.Option(["--x"]), "") == ["aliyun", "tuna", "bfsu", "nju",
                                                                   "sjtu"]  # fmt: skip
    assert _conda_mirror_ids(ctx, click.Option(["--x"]), "t") == ["tuna"]
