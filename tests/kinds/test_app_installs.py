"""The installers of applications. pipx runs pip: its installs are pip install sites, with
pipx's `--index-url` and the words of `--pip-args` as their flags (docs/real-world.md:
`pipx install -i`/`--pip-args` was not read). `uv tool install` and `uvx` are uv installs
(what they read is checked against real uv in tests/test_uv_tool_oracle.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipsrc.api import check_text, fix_text
from pipsrc.engine.run import check
from pipsrc.kinds import shell
from pipsrc.model import Applicability, Document, SettingKind, Tool
from pipsrc.policy import Policy
from tests.kinds.spans import assert_spans

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"


def p(text: str) -> Document:
    doc = shell.parse(f"#!/bin/sh\n{text}\n", "build.sh")
    assert_spans(doc)
    return doc


def flags(doc: Document) -> list[tuple[str, SettingKind, str | None, bool]]:
    return [(s.key, s.kind, s.value, s.editable) for s in doc.settings]


@pytest.mark.parametrize(
    "command",
    [
        "pipx install poetry",
        "pipx install --python python3.11 --suffix=@2 poetry",
        "sudo pipx upgrade poetry",
        "python3 -m pipx install poetry",
        "pipx inject poetry poetry-plugin-export",
        "pipx run black .",
        "pipx install-all spec.json",
    ],
)
def test_pipx_installs_are_pip_sites(command: str) -> None:
    doc = p(command)
    assert [(s.command.split()[0], s.tool) for s in doc.sites] == [("pipx", Tool.PIP)]
    assert doc.settings == []


@pytest.mark.parametrize("command", ["pipx list", "pipx ensurepath", "pipx uninstall poetry"])
def test_pipx_commands_that_install_nothing_are_no_site(command: str) -> None:
    assert p(command).sites == []


@pytest.mark.parametrize(
    ("command", "key", "editable"),
    [
        (f"pipx install --index-url {TUNA} poetry", "--index-url", True),
        (f"pipx install poetry --index-url={TUNA}", "--index-url", True),
        (f"pipx install -i {TUNA} poetry", "-i", True),
        (f"pipx install -i{TUNA} poetry", "-i", True),
        (f'pipx install --pip-args="--index-url {TUNA} --no-cache-dir" poetry', "--index-url",
         False),
        (f"pipx install --pip-args '-i {TUNA}' poetry", "-i", False),
    ],
)  # fmt: skip
def test_pipx_index_options_and_pip_args(command: str, key: str, editable: bool) -> None:
    doc = p(command)
    assert flags(doc) == [(key, SettingKind.INDEX, TUNA, editable)]
    assert doc.settings[0].site == 0


def test_pip_args_extra_indexes_and_an_unbalanced_quote() -> None:
    doc = p(f"pipx install --pip-args='--extra-index-url {TUNA} --trusted-host h' x")
    assert [(s.kind, s.value) for s in doc.settings] == [
        (SettingKind.EXTRA_INDEX, TUNA),
        (SettingKind.TRUSTED_HOST, "h"),
    ]
    assert p("pipx install --pip-args='-i \"x' y").settings == []  # pipx fails on it too


def test_after_the_application_the_words_are_its_own() -> None:
    doc = p(f"pipx run --spec black==24.1 black --index-url {TUNA} .")
    assert doc.settings == []
    assert [s.command for s in doc.sites] == ["pipx run"]


def test_a_variable_index_is_resolved() -> None:
    doc = p(f'M={TUNA}\npipx install --index-url="$M" poetry')
    assert flags(doc) == [("--index-url", SettingKind.INDEX, TUNA, True)]


def test_pipx_reads_the_environment_as_pip_does() -> None:
    policy = Policy().with_index("aliyun")
    configured = f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\nRUN pipx install poetry\n"
    assert check_text(configured, "Dockerfile", policy, cli_index=True) == []
    bare = "FROM python:3.12\nRUN pipx install poetry\n"
    found = check_text(bare, "Dockerfile", policy, cli_index=True)
    assert [(f.code, f.line) for f in found] == [("PS104", 2)]
    fixed = fix_text(bare, "Dockerfile", policy, cli_index=True)
    assert fixed == f'FROM python:3.12\nENV PIP_INDEX_URL="{ALIYUN}"\nRUN pipx install poetry\n'


def test_an_index_option_is_fixed_in_place_and_stays_valid_shell() -> None:
    policy = Policy().with_index("aliyun")
    text = f"#!/bin/sh\nset -e\npipx install --index-url {TUNA} poetry\n"
    fixed = fix_text(text, "build.sh", policy, cli_index=True)
    # the slash as the author wrote it (none after TUNA's /simple)
    assert fixed == f"#!/bin/sh\nset -e\npipx install --index-url {ALIYUN[:-1]} poetry\n"
    assert subprocess.run(["bash", "-n"], input=fixed, text=True).returncode == 0


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("uv tool install ruff", "uv tool install"),
        ("uv tool upgrade ruff", "uv tool upgrade"),
        ("uv tool run ruff check .", "uv tool run"),
        ("uvx ruff check .", "uvx"),
        ("uvx --from 'black==24.1' black .", "uvx"),
        ("sudo -E uvx ruff", "uvx"),
        # project installs: they resolve the project and lock again (survey 5: not seen)
        ("uv add requests", "uv add"),
        ("uv remove six", "uv remove"),
        ("uv add --dev pytest", "uv add"),
    ],
)
def test_uv_tool_commands_are_uv_sites(command: str, name: str) -> None:
    doc = p(command)
    assert [(s.command, s.tool) for s in doc.sites] == [(name, Tool.UV)]


@pytest.mark.parametrize("command", ["uv tool list", "uv tool uninstall ruff", "uv tool dir"])
def test_uv_tool_commands_that_install_nothing_are_no_site(command: str) -> None:
    assert p(command).sites == []


def test_uv_tool_options_before_the_tool_are_uvs_after_it_the_tools() -> None:
    doc = p(
        f"uvx --index-url {TUNA} --from black black --index-url https://x.example/simple .\n"
        f"uv tool run -p 3.12 --default-index {TUNA} ruff --index-url y\n"
        f"uv tool install ruff --index-url {TUNA}"
    )
    assert [(s.key, s.value, s.site) for s in doc.settings] == [
        ("--index-url", TUNA, 0),
        ("--default-index", TUNA, 1),
        ("--index-url", TUNA, 2),
    ]


def test_uv_tool_install_is_configured_with_uvs_variable_safely() -> None:
    """No lock is involved: the fix is safe with --mirror (unlike `uv sync`'s)."""
    policy = Policy().with_index("aliyun")
    bare = "FROM python:3.12\nRUN uv tool install ruff\n"
    found = check_text(bare, "Dockerfile", policy, cli_index=True)
    assert [(f.code, f.applicability) for f in found] == [("PS104", Applicability.SAFE)]
    fixed = fix_text(bare, "Dockerfile", policy, cli_index=True)
    assert fixed == f'FROM python:3.12\nENV UV_DEFAULT_INDEX="{ALIYUN}"\nRUN uv tool install ruff\n'
    # pip's variable does not reach uv
    pip_only = f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\nRUN uvx ruff\n"
    assert "PS104" in [f.code for f in check_text(pip_only, "Dockerfile", policy, cli_index=True)]


@pytest.mark.parametrize(
    "line",
    [
        "RUN pipx install poetry",
        "RUN uv tool install ruff",
        "RUN uvx ruff check .",
        f"ENV PDM_PYPI_URL={TUNA}",
        f"ENV PIPENV_PYPI_MIRROR={TUNA}",
    ],
)
def test_a_file_without_the_word_pip_is_still_read(tmp_path: Path, line: str) -> None:
    """The engine's prefilter (the words a file must hold to be parsed) knows these."""
    (tmp_path / "Dockerfile").write_text(f"FROM python:3.12\n{line}\n", encoding="utf-8")
    result = check([str(tmp_path)], Policy().with_index("aliyun"))
    assert [f.code for f in result.findings] in (["PS104"], ["PS101"])


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (f"pdm config pypi.url {TUNA}", [("pypi.url", SettingKind.INDEX, Tool.PDM)]),
        (f"pdm config --local pypi.url {TUNA}", [("pypi.url", SettingKind.INDEX, Tool.PDM)]),
        (f"pdm config -g pypi.extra.url {TUNA}",
         [("pypi.extra.url", SettingKind.EXTRA_INDEX, Tool.PDM)]),
        (f"pipenv install --deploy --pypi-mirror {TUNA}",
         [("--pypi-mirror", SettingKind.INDEX, Tool.PIPENV)]),
        (f"pipenv sync --pypi-mirror {TUNA}", [("--pypi-mirror", SettingKind.INDEX, Tool.PIPENV)]),
        ("pdm config pypi.verify_ssl false", []),
        ("pdm config", []),
    ],
)  # fmt: skip
def test_other_installers_index_commands(
    command: str, expected: list[tuple[str, SettingKind, Tool]]
) -> None:
    """survey 5: PPASR's `pdm config pypi.url` and rest-blog's `--pypi-mirror` were unseen."""
    doc = p(command)
    assert [(s.key, s.kind, s.tool) for s in doc.settings] == expected
    assert all(s.value == TUNA and s.editable for s in doc.settings)


def test_other_installers_index_commands_are_fixed_in_place() -> None:
    text = (
        f"#!/bin/sh\nset -e\npdm config pypi.url {TUNA}\n"
        f"pipenv install --deploy --pypi-mirror {TUNA}\n"
    )
    fixed = fix_text(text, "build.sh", Policy().with_index("aliyun"), cli_index=True)
    assert fixed == text.replace(TUNA, ALIYUN[:-1])
    assert subprocess.run(["bash", "-n"], input=fixed, text=True).returncode == 0


def test_uv_add_is_configured_by_the_project_and_its_fix_is_unsafe(tmp_path: Path) -> None:
    policy = Policy().with_index("aliyun")
    bare = "FROM python:3.12\nCOPY pyproject.toml uv.lock ./\nRUN uv add requests\n"
    found = [f for f in check_text(bare, "Dockerfile", policy, cli_index=True)]
    assert [(f.code, f.applicability) for f in found] == [("PS104", Applicability.UNSAFE)]
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "a"\nversion = "0"\n\n[tool.uv]\nindex-url = "{ALIYUN}"\n'
    )
    (tmp_path / "build.sh").write_text("#!/bin/sh\nuv add requests\nuv add --frozen rich\n")
    assert [f.code for f in check([str(tmp_path)], policy).findings] == []
