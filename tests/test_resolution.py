"""The effective index of an install, case by case, as real pip and uv resolve it.

Each case is a minimal repository written here; what pip or uv does with it was checked
against the real clients by the differential harness (tests/oracle), which covers the
combinations. These tests name the rules one by one, so a regression says which.
"""

from __future__ import annotations

from pathlib import Path

import pytest

A = "https://a.example/simple"
B = "https://b.example/simple"
C = "https://c.example/simple"
PYPI = "https://pypi.org/simple"


def indexes(tmp_path: Path, files: dict[str, str], line: int | None = None) -> list[str | None]:
    """The ordered index list pipsrc reports for the (last, or ``line``'s) install site."""
    from pipsrc.engine.run import check
    from pipsrc.output.json_format import site_entries
    from pipsrc.policy import Policy

    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    sites = site_entries(check([str(tmp_path)], Policy()))
    if line is not None:
        sites = [s for s in sites if s["line"] == line]
    assert sites, "no install site"
    return list(sites[-1]["effective"]["indexes"])


def sh(*lines: str) -> dict[str, str]:
    return {"build.sh": "#!/bin/sh\n" + "\n".join(lines) + "\n"}


def conf(section: str = "global", **keys: str) -> str:
    body = "".join(f"{k.replace('_', '-')} = {v}\n" for k, v in keys.items())
    return f"[{section}]\n{body}"


def write(path: str, text: str) -> str:
    return f"mkdir -p $(dirname {path})\ncat > {path} <<'EOF'\n{text}EOF"


# -- requirements files ------------------------------------------------------------------


def test_requirements_index_replaces_the_command_line_list(tmp_path: Path) -> None:
    files = {**sh(f"pip install -i {A} --extra-index-url {B} -r r.txt"), "r.txt": f"-i {C}\nx\n"}
    assert indexes(tmp_path, files) == [C]


def test_requirements_extra_index_adds_to_the_command_line(tmp_path: Path) -> None:
    files = {**sh(f"pip install -i {A} -r r.txt"), "r.txt": f"--extra-index-url {B}\nx\n"}
    assert indexes(tmp_path, files) == [A, B]


def test_constraints_are_read_before_requirements(tmp_path: Path) -> None:
    files = {
        **sh("pip install -r r.txt -c c.txt"),
        "r.txt": f"-i {A}\nx\n",
        "c.txt": f"-i {B}\n",
    }
    assert indexes(tmp_path, files) == [A]  # r.txt's -i is read last and replaces c.txt's


def test_nested_requirements_are_read_in_place(tmp_path: Path) -> None:
    files = {
        **sh("pip install -r r.txt"),
        "r.txt": f"-r base.txt\n-i {B}\n",
        "base.txt": f"-i {A}\n--extra-index-url {C}\n",
    }
    assert indexes(tmp_path, files) == [B]


# -- configuration files ---------------------------------------------------------------


def test_site_file_beats_user_file_written_later(tmp_path: Path) -> None:
    files = sh(
        write("/opt/venv/pip.conf", conf(index_url=A)),
        write("~/.config/pip/pip.conf", conf(index_url=B)),
        "pip install x",
    )
    assert indexes(tmp_path, files) == [A]


def test_config_files_merge_key_by_key(tmp_path: Path) -> None:
    files = sh(
        write("/etc/pip.conf", conf(index_url=A, extra_index_url=C)),
        write("~/.config/pip/pip.conf", conf(index_url=B)),
        "pip install x",
    )
    assert indexes(tmp_path, files) == [B, C]


@pytest.mark.parametrize(("command", "expected"), [("install", [B]), ("download", [A])])
def test_a_command_section_beats_global(tmp_path: Path, command: str, expected: list[str]) -> None:
    files = sh(
        write("~/.config/pip/pip.conf", conf("install", index_url=B)),
        write("/etc/pip.conf", conf(index_url=A)),
        f"pip {command} x",
    )
    assert indexes(tmp_path, files) == expected


def test_pip_config_set_without_flag_writes_the_user_file(tmp_path: Path) -> None:
    files = sh(f"pip config set global.index-url {A}", write("/etc/pip.conf", conf(index_url=B)),
               "pip install x")  # fmt: skip
    assert indexes(tmp_path, files) == [A]


def test_pip_config_file_names_a_repository_file(tmp_path: Path) -> None:
    files = {
        **sh(
            write("/etc/pip.conf", conf(index_url=A)),
            'export PIP_CONFIG_FILE="$PWD/ci/pip.conf"',
            "pip install x",
        ),
        "ci/pip.conf": conf(extra_index_url=B),
    }
    assert indexes(tmp_path, files) == [A, B]  # the global file is still read


def test_pip_config_file_hides_the_user_files(tmp_path: Path) -> None:
    files = {
        **sh(
            write("~/.pip/pip.conf", conf(index_url=A)),
            "export PIP_CONFIG_FILE=ci/pip.conf",
            "pip install x",
        ),
        "ci/pip.conf": conf(extra_index_url=B),
    }
    assert indexes(tmp_path, files) == [PYPI, B]


def test_pip_config_set_with_pip_config_file_writes_that_file(tmp_path: Path) -> None:
    files = {
        **sh(
            "export PIP_CONFIG_FILE=ci/pip.conf",
            f"pip config --user set global.index-url {A}",
            "pip install x",
        ),
        "ci/pip.conf": conf(extra_index_url=B),
    }
    assert indexes(tmp_path, files) == [A, B]


def test_a_missing_repository_config_file_is_ignored(tmp_path: Path) -> None:
    files = sh(write("/etc/pip.conf", conf(index_url=A)), "export PIP_CONFIG_FILE=ci/none.conf",
               "pip install x")  # fmt: skip
    assert indexes(tmp_path, files) == [A]


def test_pip_config_file_dev_null_disables_every_file(tmp_path: Path) -> None:
    files = sh(write("/etc/pip.conf", conf(index_url=A)), "export PIP_CONFIG_FILE=/dev/null",
               "pip install x")  # fmt: skip
    assert indexes(tmp_path, files) == [PYPI]


def test_pip_config_file_outside_the_repository_is_unknown(tmp_path: Path) -> None:
    files = sh("export PIP_CONFIG_FILE=/opt/conf/pip.conf", "pip install x")
    assert indexes(tmp_path, files) == [None]


# -- environment -------------------------------------------------------------------------


def test_an_empty_variable_is_unset(tmp_path: Path) -> None:
    files = sh(write("/etc/pip.conf", conf(index_url=A)), f"export PIP_INDEX_URL={B}",
               "export PIP_INDEX_URL=", "pip install x")  # fmt: skip
    assert indexes(tmp_path, files) == [A]


def test_dockerfile_env_beats_arg_of_the_same_name(tmp_path: Path) -> None:
    text = f"FROM python:3.12\nENV PIP_INDEX_URL={A}\nARG PIP_INDEX_URL={B}\nRUN pip install x\n"
    assert indexes(tmp_path, {"Dockerfile": text}) == [A]


def test_environment_beats_configuration_and_command_line_appends(tmp_path: Path) -> None:
    files = sh(write("/etc/pip.conf", conf(index_url=A)), f"export PIP_EXTRA_INDEX_URL={B}",
               f"pip install --extra-index-url {C} x")  # fmt: skip
    assert indexes(tmp_path, files) == [A, B, C]


# -- uv ------------------------------------------------------------------------------------


def test_uv_ignores_pip_configuration_and_variables(tmp_path: Path) -> None:
    files = sh(write("/etc/pip.conf", conf(index_url=A)), f"export PIP_INDEX_URL={B}",
               "uv pip install x")  # fmt: skip
    assert indexes(tmp_path, files) == [PYPI]


def test_uv_default_index_variable_beats_a_command_line_index_url(tmp_path: Path) -> None:
    files = sh(f"UV_DEFAULT_INDEX={A} uv pip install -i {B} x")
    assert indexes(tmp_path, files) == [A]


def test_uv_reads_extra_indexes_before_the_default(tmp_path: Path) -> None:
    files = sh(f"uv pip install --extra-index-url {B} --index {C} -i {A} x")
    assert indexes(tmp_path, files) == [C, B, A]


def test_uv_environment_beats_a_requirements_index(tmp_path: Path) -> None:
    files = {**sh(f"UV_INDEX_URL={A} uv pip install -r r.txt"), "r.txt": f"-i {B}\nx\n"}
    assert indexes(tmp_path, files) == [A]


def test_a_file_written_again_loses_what_it_held(tmp_path: Path) -> None:
    files = sh(
        write("/etc/pip.conf", conf(index_url=A, extra_index_url=B)),
        write("/etc/pip.conf", conf(extra_index_url=C)),
        "pip install x",
    )
    assert indexes(tmp_path, files) == [PYPI, C]


def test_the_site_file_is_one_file_whatever_its_name(tmp_path: Path) -> None:
    files = sh(
        write("$VIRTUAL_ENV/pip.conf", conf(index_url=A)),
        write("~/.config/pip/pip.conf", conf(index_url=B)),
        write("/opt/venv/pip.conf", conf("wheel", index_url=C)),
        "pip install x",
    )
    assert indexes(tmp_path, files) == [B]


def test_uv_project_config_and_the_pip_table(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "p"\nversion = "0"\n\n'
        f'[tool.uv]\nindex-url = "{A}"\nextra-index-url = ["{B}"]\n\n'
        f'[tool.uv.pip]\nindex-url = "{C}"\n'
    )
    files = {**sh("uv pip install x", "uv sync"), "pyproject.toml": pyproject}
    assert indexes(tmp_path, files, line=2) == [B, C]  # uv pip reads [tool.uv.pip] first
    assert indexes(tmp_path, files, line=3) == [B, A]  # uv sync never reads it


def test_uv_toml_beside_pyproject_shadows_tool_uv(tmp_path: Path) -> None:
    files = {
        **sh("uv sync"),
        "pyproject.toml": f'[project]\nname = "p"\nversion = "0"\n[tool.uv]\nindex-url = "{A}"\n',
        "uv.toml": f'index-url = "{B}"\n',
    }
    assert indexes(tmp_path, files) == [B]


def test_uv_sync_prefers_a_configured_default_index_to_uv_index_url(tmp_path: Path) -> None:
    files = {
        **sh(f"UV_INDEX_URL={A} uv sync", f"UV_INDEX_URL={A} uv pip install x"),
        "pyproject.toml": f'[project]\nname = "p"\nversion = "0"\n\n'
        f'[[tool.uv.index]]\nurl = "{B}"\ndefault = true\n',
    }
    assert indexes(tmp_path, files, line=2) == [B]
    assert indexes(tmp_path, files, line=3) == [A]


def test_uv_user_and_system_files_written_by_the_script(tmp_path: Path) -> None:
    files = sh(
        write("/etc/uv/uv.toml", f'index-url = "{A}"\nextra-index-url = ["{C}"]\n'),
        write("~/.config/uv/uv.toml", f'index-url = "{B}"\n'),
        "uv pip install x",
    )
    assert indexes(tmp_path, files) == [C, B]


def test_uv_no_config_reads_no_file(tmp_path: Path) -> None:
    files = sh(write("~/.config/uv/uv.toml", f'index-url = "{B}"\n'),
               "UV_NO_CONFIG=1 uv pip install x")  # fmt: skip
    assert indexes(tmp_path, files) == [PYPI]
