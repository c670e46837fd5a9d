"""An install after `cd DIR` runs in DIR: uv reads the project configuration found from
there, and pip reads `-r FILE` from there (survey 5: `cd backend && uv sync` in a Makefile
got a false PS104 although backend/pyproject.toml sets the index)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipsrc.engine.run import check
from pipsrc.policy import Policy
from tests.trees import write_tree

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
PROJECT = f'[project]\nname = "svc"\nversion = "0"\n\n[tool.uv]\nindex-url = "{ALIYUN}"\n'


def found(tmp_path: Path, files: dict[str, str]) -> list[str]:
    write_tree(tmp_path, files)
    result = check([str(tmp_path)], Policy().with_index("aliyun"))
    return [f"{f.path}:{f.line}:{f.code}" for f in result.findings]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("run.sh", "#!/bin/sh\nset -e\ncd backend\nuv sync --locked\n"),
        ("run.sh", "#!/bin/sh\ncd ./backend && uv sync\n"),
        ("run.sh", "#!/bin/sh\ncd backend/app\ncd ..\nuv sync\n"),
        ("Makefile", "install:\n\tcd backend && uv sync --locked\n"),
        ("scripts/run.sh", "#!/bin/sh\ncd ../backend\nuv sync\n"),
    ],
)
def test_uv_after_cd_reads_that_directorys_project(tmp_path: Path, name: str, text: str) -> None:
    assert found(tmp_path, {"backend/pyproject.toml": PROJECT, name: text}) == []


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        # each recipe line is a shell of its own: the `cd` of one does not reach the next
        ("Makefile", "install:\n\tcd backend\n\tuv sync\n", 3),
        # a directory pipsrc cannot know: the file's own directory, as before
        ("run.sh", '#!/bin/sh\ncd "$APP_DIR"\nuv sync\n', 3),
        ("run.sh", "#!/bin/sh\ncd /srv/backend\nuv sync\n", 3),
    ],
)
def test_a_cd_that_does_not_reach_the_install_is_not_followed(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    files = {"backend/pyproject.toml": PROJECT, name: text}
    assert found(tmp_path, files) == [f"{name}:{line}:PS104"]


def test_pip_reads_a_requirements_file_from_where_it_runs(tmp_path: Path) -> None:
    files = {
        "svc/requirements.txt": f"-i {TUNA}\nrequests\n",
        "build.sh": "#!/bin/sh\ncd svc\npip install -r requirements.txt\n",
    }
    # the file's own -i is the install's index: PS101 there, and no PS104 on the install
    assert found(tmp_path, files) == ["svc/requirements.txt:1:PS101"]
