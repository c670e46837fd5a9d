"""Findings as real repositories showed they must be: each case is a pattern seen in public
repositories (docs/real-world.md), written here from scratch in its smallest form."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipsrc.api import check_text, fix_text
from pipsrc.engine.run import check
from pipsrc.policy import Policy

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
TORCH_CPU = "https://download.pytorch.org/whl/cpu/"


def codes(text: str, path: str, mirror: str | None = "aliyun") -> list[tuple[int, str, str]]:
    """(line, code, severity) of the findings on one file."""
    policy = Policy().with_index(mirror) if mirror else Policy()
    found = check_text(text, path, policy, cli_index=mirror is not None)
    return [(f.line, f.code, f.severity) for f in found]


def repo_codes(tmp_path: Path, files: dict[str, str], mirror: str | None = None) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    policy = Policy().with_index(mirror) if mirror else Policy()
    result = check([str(tmp_path)], policy)
    return [f"{f.path}:{f.line}:{f.code}" for f in result.findings]


# -- installs that ask no index --------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "pip install --no-deps /wheels/app-1.0-py3-none-any.whl",
        "pip install --no-deps /wheels/*.whl",
        "pip wheel --no-deps --no-build-isolation ./pkg -w /w",
        "pip install --no-index --find-links /wheels app",
    ],
)
def test_installs_that_ask_no_index_are_not_ps104(command: str) -> None:
    assert codes(f"FROM python:3.12\nRUN {command}\n", "Dockerfile") == []


@pytest.mark.parametrize(
    "command",
    [
        # build isolation: pip fetches the build backend (setuptools ...) from the index
        "pip install --no-deps ./pkg",
        "pip wheel --no-deps git+https://github.com/acme/app.git -w /w",
        "pip install --no-deps -r requirements.txt",
    ],
)
def test_installs_that_still_ask_an_index_are_ps104(command: str) -> None:
    assert codes(f"FROM python:3.12\nRUN {command}\n", "Dockerfile") == [(2, "PS104", "error")]


# -- what comes from elsewhere -----------------------------------------------------------------


def test_a_build_argument_without_default_is_information_not_an_error() -> None:
    text = "FROM python:3.12\nARG PIP_INDEX_URL\nRUN pip install flask\n"
    assert codes(text, "Dockerfile") == [(3, "PS104", "info")]


def test_a_fragment_says_it_depends_on_where_it_is_included() -> None:
    assert codes("RUN pip install flask\n", "Dockerfile.fragment") == [(1, "PS104", "info")]


def test_an_install_before_the_config_that_follows_it_is_unconfigured() -> None:
    text = (
        "FROM python:3.12\nRUN pip install flask\n"
        f"RUN pip config set global.index-url {ALIYUN}\nRUN pip install gunicorn\n"
    )
    assert codes(text, "Dockerfile") == [(2, "PS104", "error")]


# -- pip spelled through a variable -----------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        f"$VENV/bin/pip install -i {TUNA} x",
        f'"$PYTHON" -m pip install -i {TUNA} x',
        f"$PIP_CMD install -i {TUNA} x",
        f"${{PYTHON_BIN}} -m pip install -i {TUNA} x",
    ],
)
def test_pip_through_a_variable_is_an_install(line: str) -> None:
    assert codes(f"#!/bin/sh\n{line}\n", "build.sh") == [(2, "PS101", "error")]


def test_a_variable_not_named_like_pip_is_not_guessed() -> None:
    assert codes(f"#!/bin/sh\n$TOOL install -i {TUNA} x\n", "build.sh") == []


# -- templates ---------------------------------------------------------------------------------


def test_template_placeholders_are_unknown_values_not_other_indexes() -> None:
    text = (
        "FROM python:3.12\nRUN pip config set global.index-url {{ pypi_index }} && "
        "pip config set global.trusted-host {{ pypi_host }}\nRUN pip install x\n"
    )
    assert codes(text, "Dockerfile.j2") == []


# -- one finding per value, and the right one --------------------------------------------------


def test_plain_http_off_policy_index_is_one_finding() -> None:
    text = "#!/bin/sh\npip install -i http://pypi.douban.com/simple/ x\n"
    assert codes(text, "build.sh") == [(2, "PS101", "error")]


def test_the_policy_mirror_over_http_is_ps201_only() -> None:
    text = "[global]\nindex-url = http://mirrors.aliyun.com/pypi/simple/\n"
    assert [c for _l, c, _s in codes(text, "pip.conf")] == ["PS201"]


def test_an_extra_repeating_the_primary_is_ps103_only() -> None:
    text = f"-i {TUNA}\n--extra-index-url {TUNA}\nx\n"
    assert codes(text, "requirements.txt") == [(1, "PS101", "error"), (2, "PS103", "error")]


def test_a_stage_extra_is_not_compared_with_another_commands_own_index() -> None:
    text = (
        f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\n"
        f"RUN pip config set global.extra-index-url {TORCH_CPU}\n"
        f"RUN pip install --index-url {TORCH_CPU} torch\n"
    )
    assert "PS103" not in [c for _l, c, _s in codes(text, "Dockerfile")]


def test_config_persisting_the_build_argument_is_not_shadowed() -> None:
    text = (
        f"FROM python:3.12\nARG PIP_INDEX_URL={ALIYUN}\n"
        "RUN pip config set global.index-url ${PIP_INDEX_URL} && pip install x\n"
    )
    assert codes(text, "Dockerfile") == []


def test_a_shadowed_config_is_reported_where_it_is_written() -> None:
    text = (
        f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\n"
        f"RUN pip config set global.index-url {TUNA} && pip install x\n"
    )
    assert (3, "PS401", "warning") in codes(text, "Dockerfile")


@pytest.mark.parametrize(
    "guarded",
    [
        f'if [ -z "$PIP_INDEX_URL" ]; then\n  pip config set global.index-url {TUNA}\nfi\n',
        f'if [ -n "${{PIP_INDEX_URL}}" ]; then\n  echo set\nelse\n'
        f"  pip config set global.index-url {TUNA}\nfi\n",
        f'if test -z "$PIP_INDEX_URL"; then pip config set global.index-url {TUNA}; fi\n',
    ],
)
def test_a_config_that_runs_only_when_the_variable_is_empty_is_not_shadowed(guarded: str) -> None:
    text = f"#!/bin/sh\nexport PIP_INDEX_URL={ALIYUN}\n{guarded}pip install x\n"
    assert "PS401" not in [c for _, c, _ in codes(text, "build.sh")]


def test_a_config_after_the_guarded_branch_is_shadowed() -> None:
    text = (
        f'#!/bin/sh\nexport PIP_INDEX_URL={ALIYUN}\nif [ -z "$PIP_INDEX_URL" ]; then\n'
        f"  echo unset\nfi\npip config set global.index-url {TUNA}\npip install x\n"
    )
    assert (6, "PS401", "warning") in codes(text, "build.sh")


# -- consistency mode (no policy) ----------------------------------------------------------------


def test_consistency_mode_on_pypi_does_not_call_pypi_an_error(tmp_path: Path) -> None:
    files = {
        "a/Dockerfile": "FROM python:3.12\nRUN pip install -i https://pypi.org/simple a\n",
        "b/Dockerfile": "FROM python:3.12\nRUN pip install b\n",
    }
    assert repo_codes(tmp_path, files) == []


def test_consistency_mode_reports_an_extra_index_that_bypasses_the_usual_one(
    tmp_path: Path,
) -> None:
    files = {
        "pip.conf": f"[global]\nindex-url = {ALIYUN}\n",
        "requirements.txt": "--extra-index-url https://pypi.org/simple\nx\n",
    }
    assert repo_codes(tmp_path, files) == ["requirements.txt:1:PS105"]


def test_a_vendor_feed_used_per_command_is_never_the_usual_index(tmp_path: Path) -> None:
    feed = "https://feeds.vendor.example/onnx/pypi/simple/"
    files = {
        "a/Dockerfile": f"FROM python:3.12\nRUN pip install onnxruntime-gpu --index-url {feed}\n",
        "b/Dockerfile": f"FROM python:3.12\nRUN pip install ort-nightly --index-url {feed}\n",
        "c/Dockerfile": f"FROM python:3.12\nENV PIP_INDEX_URL={TUNA}\nRUN pip install requests\n",
    }
    found = repo_codes(tmp_path, files)
    assert "c/Dockerfile:2:PS105" not in found


# -- a USER switch (PS404) ---------------------------------------------------------------------


def test_root_config_does_not_reach_an_install_after_user_switch() -> None:
    text = (
        f"FROM python:3.12\nRUN pip config set global.index-url {ALIYUN}\n"
        "USER app\nRUN pip install --user flask\n"
    )
    found = codes(text, "Dockerfile")
    assert (2, "PS404", "warning") in found and (4, "PS104", "error") in found


def test_global_config_and_env_reach_every_user() -> None:
    for line in (
        f"RUN pip config --global set global.index-url {ALIYUN}",
        f"ENV PIP_INDEX_URL={ALIYUN}",
        f"RUN printf '[global]\\nindex-url = {ALIYUN}\\n' > /etc/pip.conf",
    ):
        text = f"FROM python:3.12\n{line}\nUSER app\nRUN pip install --user flask\n"
        assert codes(text, "Dockerfile") == [], line


def test_a_stage_starts_as_the_user_its_base_ended_with() -> None:
    text = (
        "FROM python:3.12 AS base\nUSER app\n"
        f"RUN pip config set global.index-url {ALIYUN}\n"
        "FROM base AS run\nRUN pip install --user flask\n"
        "USER root\nRUN pip install flask\n"
    )
    found = codes(text, "Dockerfile")
    assert (3, "PS404", "warning") in found  # the root install at line 7
    assert (5, "PS104", "error") not in found and (7, "PS104", "error") in found


# -- the second survey (docs/real-world.md) ------------------------------------------------------


def fixed(text: str, path: str, unsafe: bool = False) -> str:
    policy = Policy().with_index("aliyun")
    return str(fix_text(text, path, policy, unsafe=unsafe, cli_index=True))


def test_an_emptied_build_argument_gets_the_index_where_it_is_emptied() -> None:
    text = (
        "FROM python:3.12\nARG PIP_INDEX_URL=https://download.pytorch.org/whl/cu121\n"
        "RUN pip install torch\nARG PIP_INDEX_URL=\nRUN pip install requests\n"
    )
    once = fixed(text, "Dockerfile")
    assert once == text.replace("ARG PIP_INDEX_URL=\n", f'ARG PIP_INDEX_URL="{ALIYUN}"\n')
    assert fixed(once, "Dockerfile") == once
    assert codes(once, "Dockerfile") == []


def test_an_empty_build_argument_is_no_ps401() -> None:
    text = (
        'FROM python:3.12\nARG PIP_TRUSTED_HOST=""\nARG PIP_INDEX_URL=\n'
        f"ENV UV_DEFAULT_INDEX={ALIYUN}\n"
    )
    assert "PS401" not in [c for _, c, _ in codes(text, "Dockerfile")]


@pytest.mark.parametrize(
    ("path", "text", "kept"),
    [
        (
            "Dockerfile",
            f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\nRUN pip install torch --index-url "
            f"{TORCH_CPU} --extra-index-url https://pypi.org/simple\n",
            f"--extra-index-url {ALIYUN.rstrip('/')}",
        ),
        (
            "pip.conf",
            "[global]\nindex-url = https://pypi.corp.example.com/simple\n"
            f"extra-index-url = {TUNA}\n",
            f"extra-index-url = {ALIYUN.rstrip('/')}",
        ),
    ],
)
def test_an_extra_beside_a_vendor_or_private_primary_moves_and_stays(
    path: str, text: str, kept: str
) -> None:
    assert kept in fixed(text, path)


def test_an_extra_beside_a_public_primary_is_still_removed() -> None:
    text = f"-i {TUNA}\n--extra-index-url https://pypi.doubanio.com/simple/\nx\n"
    assert fixed(text, "requirements.txt") == f"-i {ALIYUN.rstrip('/')}\nx\n"


@pytest.mark.parametrize("command", ["uv sync --frozen", "uv run --frozen python app.py"])
def test_a_frozen_uv_install_reads_its_lock_not_an_index(command: str) -> None:
    assert codes(f"FROM python:3.12\nCOPY . .\nRUN {command}\n", "Dockerfile") == []


def test_a_locked_uv_sync_still_resolves() -> None:
    assert (3, "PS104", "error") in codes(
        "FROM python:3.12\nCOPY . .\nRUN uv sync --locked\n", "Dockerfile"
    )


def test_an_editable_install_without_isolation_or_deps_asks_no_index() -> None:
    text = "#!/bin/sh\npip install --no-build-isolation --no-deps -e .\n"
    assert codes(text, "build.sh") == []
    assert (2, "PS104", "error") in codes("#!/bin/sh\npip install -e .\n", "build.sh")


@pytest.mark.parametrize("sep", [" && ", "; ", "\n"])
def test_a_pip_conf_appended_in_a_chain_keeps_its_section(sep: str) -> None:
    text = (
        f"#!/bin/sh\necho '[global]' > /etc/pip.conf{sep}"
        f"echo 'index-url = {TUNA}' >> /etc/pip.conf\n"
    )
    found = codes(text, "build.sh")
    assert "PS900" not in [c for _, c, _ in found] and "PS101" in [c for _, c, _ in found]


def test_a_poetry_lock_url_source_is_not_an_index(tmp_path: Path) -> None:
    lock = (
        '[[package]]\nname = "a"\n\n[package.source]\ntype = "url"\n'
        'url = "https://example.org/wheels/a-1.0-py3-none-any.whl"\n\n'
        f'[[package]]\nname = "b"\n\n[package.source]\ntype = "legacy"\nurl = "{TUNA}"\n'
        'reference = "tuna"\n'
    )
    assert repo_codes(tmp_path, {"poetry.lock": lock}, "aliyun") == ["poetry.lock:13:PS108"]


def test_a_file_whose_dependencies_are_a_mapping_is_not_a_conda_environment(
    tmp_path: Path,
) -> None:
    ee = "version: 3\ndependencies:\n  ansible_core:\n    package_pip: ansible-core\n"
    assert repo_codes(tmp_path, {"execution-environment.yml": ee}, "aliyun") == []


def test_uv_variables_never_shadow_pips_configuration() -> None:
    text = (
        "#!/bin/sh\nexport UV_INSECURE_HOST=cache.internal\n"
        "export PIP_TRUSTED_HOST=cache.internal\n"
        "pip config set global.trusted-host cache.internal\n"
    )
    assert "PS401" not in [c for _, c, _ in codes(text, "build.sh")]


def test_a_mirror_toggle_keeps_its_no_mirror_branch() -> None:
    text = (
        '#!/bin/sh\nif [ "$NEED_MIRROR" = 1 ]; then\n  export PIP_INDEX_URL=' + TUNA + "\n"
        "else\n  export PIP_INDEX_URL=https://pypi.org/simple\nfi\npip install x\n"
    )
    out = fixed(text, "build.sh")
    assert ALIYUN.rstrip("/") in out and "https://pypi.org/simple" in out
    assert fixed(out, "build.sh") == out
    # with --unsafe-fixes the author accepts a switch that no longer switches
    assert "pypi.org" not in fixed(text, "build.sh", unsafe=True)


def test_two_settings_in_one_branch_are_no_toggle() -> None:
    text = (
        f'#!/bin/sh\nexport PIP_INDEX_URL={TUNA}\nif [ -n "$CI" ]; then echo ci; fi\n'
        "export PIP_INDEX_URL=https://pypi.org/simple\npip install x\n"
    )
    assert "pypi.org" not in fixed(text, "build.sh")


@pytest.mark.parametrize(
    "script",
    [
        "PIP=pip3; $PIP install lxml\n",
        "P=pip3\n$P install lxml\n",
        'PIP="python3 -m pip"\n$PIP install lxml\n',
    ],
)
def test_pip_held_in_any_variable_is_an_install(script: str) -> None:
    assert (3 if "\n$" in script else 2, "PS104", "error") in codes("#!/bin/sh\n" + script, "b.sh")


def test_a_variable_running_something_else_is_not_pip() -> None:
    assert codes("#!/bin/sh\nX=apt-get\n$X install lxml\n", "b.sh") == []


@pytest.mark.parametrize(
    ("runner", "severity"),
    [
        ("runs-on: ubuntu-latest", "info"),
        ("runs-on: [self-hosted, linux]", "error"),
        (
            "strategy:\n      matrix:\n        os: [ubuntu-22.04, windows-latest]\n"
            "    runs-on: ${{ matrix.os }}",
            "info",
        ),
        ("runs-on: ${{ matrix.os }}", "error"),  # an axis we cannot see: checked
    ],
)
def test_a_job_on_a_hosted_runner_is_a_note(runner: str, severity: str) -> None:
    text = f"on: push\njobs:\n  a:\n    {runner}\n    steps:\n      - run: pip install x\n"
    found = codes(text, ".github/workflows/t.yml")
    assert [(c, s) for _, c, s in found] == [("PS104", severity)]


def test_consistency_mode_leaves_a_vendors_per_command_index(tmp_path: Path) -> None:
    usual = f"FROM python:3.12\nENV PIP_INDEX_URL={ALIYUN}\nRUN pip install requests\n"
    vendor = (
        usual + 'RUN pip install "te==1.0+maca" -i https://repos.gpu.example.com/r/maca/simple\n'
    )
    other = usual + f"RUN pip install -i {TUNA} x\n"
    files = {"a/Dockerfile": usual, "b/Dockerfile": usual, "c/Dockerfile": vendor}
    assert repo_codes(tmp_path / "1", files) == []
    files["c/Dockerfile"] = other  # a public mirror per command is still another usual index
    assert repo_codes(tmp_path / "2", files) == ["c/Dockerfile:4:PS105"]


def test_stages_built_from_a_configured_stage_share_its_env() -> None:
    text = (
        "FROM python:3.12 AS base\nRUN pip install a\nFROM base AS dev\nRUN pip install b\n"
        "FROM dev AS test\nRUN pip install c\n"
    )
    out = fixed(text, "Dockerfile")
    assert out.count("ENV PIP_INDEX_URL=") == 1 and codes(out, "Dockerfile") == []
    # every install is fixable, by the one line
    assert [c for _, c, _ in codes(text, "Dockerfile")] == ["PS104"] * 3


def test_an_arg_default_is_not_handed_on_to_the_next_stage() -> None:
    text = (
        "FROM python:3.12 AS base\nARG PIP_INDEX_URL\nRUN pip install a\n"
        "FROM base AS dev\nRUN pip install b\n"
    )
    out = fixed(text, "Dockerfile", unsafe=True)
    assert codes(out, "Dockerfile") == []


@pytest.mark.parametrize(
    ("copy", "path"),
    [
        ("COPY requirements.txt /tmp", "/tmp/requirements.txt"),
        ("COPY requirements.txt /tmp/", "/tmp/requirements.txt"),
        ("COPY requirements.txt /opt/r.txt", "/opt/r.txt"),
        ("COPY . /app", "/app/requirements.txt"),
    ],
)
def test_a_requirements_file_copied_into_the_image_is_followed(copy: str, path: str) -> None:
    """``-r /tmp/requirements.txt`` reads the file a COPY put there: its ``-i`` is the
    install's index (no PS104), and a COPY after the install does not count."""
    from pipsrc.context import Context
    from pipsrc.kinds import parse
    from pipsrc.policy import Policy
    from pipsrc.resolution import effective_index

    tuna = "https://pypi.tuna.tsinghua.edu.cn/simple"
    req = parse("requirements", f"-i {tuna}\nflask\n", "requirements.txt")
    text = f"FROM python:3.12\n{copy}\nRUN pip install -r {path}\n"
    late = f"FROM python:3.12\nRUN pip install -r {path}\n{copy}\n"
    for dockerfile, expected in ((text, tuna), (late, None)):
        doc = parse("dockerfile", dockerfile, "Dockerfile")
        ctx = Context(Policy(), {doc.path: doc, req.path: req})
        eff = effective_index(doc, doc.sites[0], ctx)
        assert (eff.setting.value if eff.setting else None) == expected, dockerfile


# -- PS104's fix where pip and uv installs share a scope (survey 5) -------------------------


def test_pip_and_uv_in_one_stage_each_get_their_own_fix() -> None:
    """`pip install uv && uv sync --locked`: pip's fix (safe) and uv's (unsafe: uv would
    lock again) are both shown by `check`, not uv's only in a later round of `fix`."""
    text = (
        "FROM python:3.12\nCOPY pyproject.toml uv.lock ./\nRUN pip install uv && uv sync --locked\n"
    )
    policy = Policy().with_index("aliyun")
    found = check_text(text, "Dockerfile", policy, cli_index=True)
    assert [(f.code, f.applicability.value if f.applicability else None) for f in found] == [
        ("PS104", "safe"),
        ("PS104", "unsafe"),
    ]


def test_uv_fix_that_would_override_a_requirements_index_is_not_offered(tmp_path: Path) -> None:
    """uv reads a requirements file's `-i` after every variable: setting one for the stage
    would move that install too."""
    text = (
        "FROM python:3.12\nRUN uv pip install --system -r requirements.txt\n"
        "RUN uv pip install --system numpy\n"
    )
    (tmp_path / "requirements.txt").write_text(f"-i {TORCH_CPU}\ntorch\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    result = check([str(tmp_path)], Policy().with_index("aliyun"), cli_index=True)
    found = [f for f in result.findings if f.code == "PS104"]
    assert len(found) == 1 and found[0].fix is None
    assert "takes its index from a requirements file" in found[0].message


@pytest.mark.parametrize(
    "command",
    [f"pip install --extra-index-url {TORCH_CPU} torch", f"uv sync --index {TORCH_CPU}"],
)
def test_an_install_with_only_extra_indexes_says_pypi_is_its_default(command: str) -> None:
    """`uv sync --index X` keeps pypi.org as the default index: "no index is configured"
    read as false beside the `--index` (survey 5, gsuid_core)."""
    found = check_text(f"FROM python:3.12\nRUN {command}\n", "Dockerfile",
                       Policy().with_index("aliyun"), cli_index=True)  # fmt: skip
    ps104 = [f.message for f in found if f.code == "PS104"]
    assert len(ps104) == 1
    assert "uses pypi.org as its default index: only extra indexes are configured" in ps104[0]
