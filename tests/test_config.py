"""Configuration precedence: defaults < policy file < PIPSRC_* environment < command line.

Each test sets a value in one layer and checks that the layer above overrides it,
through the real command line (CliRunner with an explicit environment).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from pipsrc.engine.selection import Selection
from pipsrc.model import Severity
from pipsrc.policy import Policy
from pipsrc.rules import BY_CODE
from tests.cliutil import invoke
from tests.trees import write

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"
USTC = "https://mirrors.ustc.edu.cn/pypi/simple"
# every variable pipsrc reads, cleared so the machine's environment cannot leak in
CLEAN_ENV = {
    name: ""
    for name in (
        "PIPSRC_MIRROR", "PIPSRC_PROXY", "PIPSRC_POLICY", "PIPSRC_SELECT", "PIPSRC_IGNORE",
        "PIPSRC_EXCLUDE", "PIPSRC_FORMAT", "PIPSRC_FAIL_ON", "PIPSRC_COLOR", "NO_COLOR",
        "FORCE_COLOR",
    )
}  # fmt: skip


def run(root: Path, *args: str, **env: str) -> tuple[int, str]:
    result = invoke([*args, str(root)], env={**CLEAN_ENV, **env})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def as_json(root: Path, *args: str, **env: str) -> dict[str, Any]:
    code, out = run(root, "check", "--format", "json", *args, **env)
    assert code in (0, 1), out
    doc: dict[str, Any] = json.loads(out)
    return doc


def codes(root: Path, *args: str, **env: str) -> set[str]:
    return {f["code"] for f in as_json(root, *args, **env)["findings"]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the policy search stops here
    write(tmp_path, "requirements.txt", f"-i {TUNA}\n--trusted-host pypi.tuna.tsinghua.edu.cn\nx\n")
    write(tmp_path, "docker/Dockerfile", "FROM python:3.12\nRUN pip install flask\n")
    return tmp_path


def policy(root: Path, body: str) -> None:
    write(root, "pipsrc.toml", body)


# --- the index --------------------------------------------------------------------------


def test_index_policy_then_env_then_command_line(repo: Path) -> None:
    assert as_json(repo)["summary"]["index"] is None  # default: consistency mode
    policy(repo, 'index = "tuna"\n')
    assert as_json(repo)["summary"]["index"] == TUNA
    assert as_json(repo, PIPSRC_MIRROR="aliyun")["summary"]["index"] == ALIYUN
    assert as_json(repo, "--mirror", "ustc", PIPSRC_MIRROR="aliyun")["summary"]["index"] == USTC


def test_command_line_proxy_beats_env_mirror_and_vice_versa(repo: Path) -> None:
    proxy = "http://devpi.internal:3141/root/pypi/+simple/"
    doc = as_json(repo, "--proxy", proxy, PIPSRC_MIRROR="aliyun")
    assert doc["summary"]["index"] == proxy
    doc = as_json(repo, "--mirror", "aliyun", PIPSRC_PROXY=proxy)
    assert doc["summary"]["index"] == ALIYUN
    # both on the command line is still a mistake
    code, out = run(repo, "check", "--mirror", "aliyun", "--proxy", proxy)
    assert code == 2 and "cannot be used together" in out


def test_policy_file_env_then_command_line(repo: Path, tmp_path: Path) -> None:
    policy(repo, 'index = "tuna"\n')
    env_policy = write(tmp_path / "elsewhere", "env.toml", 'index = "aliyun"\n')
    cli_policy = write(tmp_path / "elsewhere", "cli.toml", 'index = "ustc"\n')
    assert as_json(repo)["summary"]["index"] == TUNA
    assert as_json(repo, PIPSRC_POLICY=str(env_policy))["summary"]["index"] == ALIYUN
    doc = as_json(repo, "--policy", str(cli_policy), PIPSRC_POLICY=str(env_policy))
    assert doc["summary"]["index"] == USTC


# --- rule selection ---------------------------------------------------------------------


def test_select_policy_then_env_then_command_line(repo: Path) -> None:
    assert codes(repo, "--mirror", "aliyun") == {"PS101", "PS104", "PS204"}
    policy(repo, 'select = ["PS204"]\n')
    assert codes(repo, "--mirror", "aliyun") == {"PS204"}
    assert codes(repo, "--mirror", "aliyun", PIPSRC_SELECT="PS101") == {"PS101"}
    assert codes(repo, "--mirror", "aliyun", "--select", "PS104", PIPSRC_SELECT="PS101") == {
        "PS104"
    }
    # lists in the environment: commas or spaces
    assert codes(repo, "--mirror", "aliyun", PIPSRC_SELECT="PS101, PS104") == {"PS101", "PS104"}
    assert codes(repo, "--mirror", "aliyun", PIPSRC_SELECT="PS101 PS204") == {"PS101", "PS204"}


def test_ignore_adds_up_and_a_specific_select_overrides_it(repo: Path) -> None:
    policy(repo, 'ignore = ["PS204"]\n')
    assert codes(repo, "--mirror", "aliyun") == {"PS101", "PS104"}
    assert codes(repo, "--mirror", "aliyun", PIPSRC_IGNORE="PS101") == {"PS104"}
    assert codes(repo, "--mirror", "aliyun", "--ignore", "PS104", PIPSRC_IGNORE="PS101") == set()
    # a broad select keeps the policy's ignore; naming the rule brings it back
    assert codes(repo, "--mirror", "aliyun", "--select", "PS2") == set()
    assert codes(repo, "--mirror", "aliyun", "--select", "PS204") == {"PS204"}
    assert codes(repo, "--mirror", "aliyun", PIPSRC_SELECT="needless-trusted-host") == {"PS204"}


def test_selection_layers_directly() -> None:
    pol = Policy(select=("PS1",), ignore=("PS104",))
    assert Selection().enabled(pol) == {c for c in BY_CODE if c.startswith("PS1")} - {"PS104"}
    assert "PS104" not in Selection(select=("PS10",)).enabled(pol)  # less specific than PS104
    assert "PS104" in Selection(select=("PS104",)).enabled(pol)
    assert "PS104" in Selection(env_select=("implicit-pypi",)).enabled(pol)
    # an ignore at the same layer as a select wins
    assert Selection(select=("PS104",), ignore=("PS1",)).enabled(Policy()) == set()
    # an env ignore is carried over a command-line select of a broader prefix
    assert "PS201" not in Selection(select=("PS2",), env_ignore=("PS201",)).enabled(Policy())
    with pytest.raises(KeyError):
        Selection(env_select=("PS999",)).enabled(Policy())


def test_unknown_rule_in_env_is_a_usage_error(repo: Path) -> None:
    code, out = run(repo, "check", PIPSRC_SELECT="PS999")
    assert code == 2 and "unknown rule 'PS999'" in out


def test_exclude_policy_env_and_command_line_add_up(repo: Path) -> None:
    write(repo, "vendored/requirements.txt", f"-i {TUNA}\nx\n")
    write(repo, "third/requirements.txt", f"-i {TUNA}\nx\n")

    def paths(*args: str, **env: str) -> set[str]:
        return {f["path"] for f in as_json(repo, "--mirror", "aliyun", *args, **env)["findings"]}

    assert "vendored/requirements.txt" in paths()
    policy(repo, 'exclude = ["vendored/**"]\n')
    assert "vendored/requirements.txt" not in paths()
    found = paths(PIPSRC_EXCLUDE="third/**")
    assert "third/requirements.txt" not in found and "vendored/requirements.txt" not in found
    found = paths("--exclude", "docker/**", PIPSRC_EXCLUDE="third/**")
    assert found == {"requirements.txt"}


# --- format -----------------------------------------------------------------------------


def test_format_env_then_command_line(repo: Path) -> None:
    _, out = run(repo, "check", "--mirror", "aliyun", PIPSRC_FORMAT="json")
    assert json.loads(out)["version"] == 1
    _, out = run(repo, "check", "--mirror", "aliyun", "--format", "concise", PIPSRC_FORMAT="json")
    assert out.startswith("docker/Dockerfile:2:5: PS104")
    code, out = run(repo, "check", PIPSRC_FORMAT="yaml")
    assert code == 2 and "PIPSRC_FORMAT=yaml: expected one of full, text, concise" in out


# --- --fail-on --------------------------------------------------------------------------


@pytest.fixture
def warnings_only(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    # PS204 (warning) only
    write(tmp_path, "requirements.txt", f"-i {ALIYUN}\n--trusted-host mirrors.aliyun.com\nx\n")
    return tmp_path


def test_fail_on_default_policy_env_command_line(warnings_only: Path) -> None:
    root = warnings_only
    assert codes(root, "--mirror", "aliyun") == {"PS204"}
    assert run(root, "check", "--mirror", "aliyun")[0] == 1  # default: warnings fail
    policy(root, 'fail-on = "error"\n')
    assert run(root, "check", "--mirror", "aliyun")[0] == 0
    assert run(root, "check", "--mirror", "aliyun", PIPSRC_FAIL_ON="warning")[0] == 1
    code, _ = run(root, "check", "--mirror", "aliyun", "--fail-on", "error", PIPSRC_FAIL_ON="info")
    assert code == 0
    # errors always fail, whatever the threshold
    write(root, "b/requirements.txt", f"-i {TUNA}\nx\n")
    assert run(root, "check", "--mirror", "aliyun", "--fail-on", "error")[0] == 1


def test_fail_on_info(warnings_only: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BY_CODE["PS204"], "severity", Severity.INFO)
    root = warnings_only
    assert as_json(root, "--mirror", "aliyun")["summary"]["by_severity"] == {"info": 1}
    assert run(root, "check", "--mirror", "aliyun")[0] == 0  # info never fails by default
    assert run(root, "check", "--mirror", "aliyun", "--fail-on", "info")[0] == 1
    assert run(root, "check", "--mirror", "aliyun", PIPSRC_FAIL_ON="info")[0] == 1


def test_fail_on_bad_values(warnings_only: Path) -> None:
    code, out = run(warnings_only, "check", PIPSRC_FAIL_ON="sometimes")
    assert code == 2 and "PIPSRC_FAIL_ON=sometimes: expected one of error, warning, info" in out
    policy(warnings_only, 'index = "aliyun"\n\nfail-on = "warnings"\n')
    code, out = run(warnings_only, "check")
    assert code == 2 and "pipsrc.toml:3: fail-on must be one of error, warning, info" in out


def test_exit_zero_still_wins(warnings_only: Path) -> None:
    assert run(warnings_only, "check", "--mirror", "aliyun", "--exit-zero")[0] == 0


# --- per-file-ignores -------------------------------------------------------------------


def test_per_file_ignores_globs_from_the_command_line(repo: Path) -> None:
    write(repo, "docs/examples/requirements.txt", f"-i {TUNA}\nx\n")
    write(repo, "services/api/requirements.txt", f"-i {TUNA}\nx\n")
    write(repo, "services/web/requirements.txt", f"-i {TUNA}\nx\n")

    def found(body: str) -> set[tuple[str, str]]:
        policy(repo, 'index = "aliyun"\n' + body)
        return {(f["path"], f["code"]) for f in as_json(repo)["findings"]}

    everything = found("")
    assert ("docs/examples/requirements.txt", "PS101") in everything
    pfi = found('[per-file-ignores]\n"docs/**" = ["PS101"]\n')
    assert ("docs/examples/requirements.txt", "PS101") not in pfi
    assert everything - pfi == {("docs/examples/requirements.txt", "PS101")}
    pfi = found('[per-file-ignores]\n"services/*/requirements.txt" = ["index-off-policy"]\n')
    assert everything - pfi == {
        ("services/api/requirements.txt", "PS101"),
        ("services/web/requirements.txt", "PS101"),
    }
    # a glob without a slash matches the file name anywhere
    pfi = found('[per-file-ignores]\n"Dockerfile" = ["PS104"]\n')
    assert everything - pfi == {("docker/Dockerfile", "PS104")}
    # prefixes work, and a command-line select cannot resurrect a per-file ignore
    pfi = found('[per-file-ignores]\n"requirements.txt" = ["PS2"]\n')
    assert ("requirements.txt", "PS204") not in pfi
    policy(repo, 'index = "aliyun"\n[per-file-ignores]\n"requirements.txt" = ["PS204"]\n')
    assert ("requirements.txt", "PS204") not in {
        (f["path"], f["code"]) for f in as_json(repo, "--select", "PS204")["findings"]
    }
    code, out = run(repo, "check", "--policy", os.fspath(repo / "pipsrc.toml"))
    assert code == 1 and "docs/examples/requirements.txt" in out
