"""The command line: exit codes, errors with path:line, the commands of SPEC §2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipsrc.policy import load_policy
from tests.cliutil import invoke

ALIYUN = "https://mirrors.aliyun.com/pypi/simple/"


def run(*args: str) -> tuple[int, str]:
    result = invoke(list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def write(root: Path, rel: str, text: str | bytes) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def test_clean_repo_exits_zero(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", f"-i {ALIYUN}\nflask\n")
    code, out = run("check", "--mirror", "aliyun", str(tmp_path))
    assert code == 0, out
    assert "All checks passed" in out


def test_findings_exit_one_and_exit_zero_flag(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "-i https://pypi.tuna.tsinghua.edu.cn/simple\nflask\n")
    code, out = run("check", "--format", "concise", "--mirror", "aliyun", str(tmp_path))
    assert code == 1
    assert "requirements.txt:1:4: PS101 [*]" in out
    code, _ = run("check", "--mirror", "aliyun", "--exit-zero", str(tmp_path))
    assert code == 0


def test_fix_exit_codes_and_diff(tmp_path: Path) -> None:
    f = write(tmp_path, "requirements.txt", "-i https://pypi.tuna.tsinghua.edu.cn/simple\nflask\n")
    code, out = run("fix", "--diff", "--mirror", "aliyun", str(tmp_path))
    assert code == 1
    assert "+-i https://mirrors.aliyun.com/pypi/simple\n" in out
    assert "tuna" in f.read_text()
    code, _ = run("fix", "--mirror", "aliyun", str(tmp_path))
    assert code == 1
    assert f.read_text() == "-i https://mirrors.aliyun.com/pypi/simple\nflask\n"
    code, _ = run("fix", "--mirror", "aliyun", str(tmp_path))
    assert code == 0


def test_invalid_policy_is_exit_two_with_location(tmp_path: Path) -> None:
    write(tmp_path, "pipsrc.toml", 'index = "aliyun"\n\ntrusted-host = "maybe"\n')
    write(tmp_path, "requirements.txt", "flask\n")
    os.chdir(tmp_path)
    code, out = run("check", ".")
    assert code == 2
    assert "pipsrc.toml:3: trusted-host must be one of" in out


def test_unknown_mirror_is_exit_two(tmp_path: Path) -> None:
    code, out = run("check", "--mirror", "aliyn", str(tmp_path))
    assert code == 2
    assert 'did you mean "aliyun"' in out


def test_policy_from_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.pipsrc]\nindex = "tuna"\n')
    write(tmp_path, "requirements.txt", f"-i {ALIYUN}\nflask\n")
    code, out = run("check", str(tmp_path))
    assert code == 1
    assert "is not the policy index https://pypi.tuna.tsinghua.edu.cn/simple" in out


def test_consistency_mode_without_policy(tmp_path: Path) -> None:
    for i in range(2):
        write(tmp_path, f"a{i}/requirements.txt", f"-i {ALIYUN}\nflask\n")
    write(tmp_path, "b/requirements.txt", "-i https://pypi.tuna.tsinghua.edu.cn/simple\nx\n")
    code, out = run("check", "--format", "concise", str(tmp_path))
    assert code == 1
    assert "b/requirements.txt:1:4: PS105" in out
    assert "a0/" not in out


def test_json_format(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", "FROM python:3.12\nRUN pip install flask\n")
    code, out = run("check", "--mirror", "aliyun", "--format", "json", str(tmp_path))
    assert code == 1
    doc = json.loads(out)
    assert doc["version"] == 1
    (finding,) = doc["findings"]
    for key in (
        "code", "name", "severity", "path", "line", "column", "end_line", "end_column",
        "message", "fixable", "applicability", "value",
    ):  # fmt: skip
        assert key in finding
    assert finding["code"] == "PS104" and finding["path"] == "Dockerfile" and finding["line"] == 2
    assert doc["summary"]["findings"] == 1
    assert doc["files"][0]["install_sites"] == 1


def test_select_and_ignore(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "-i https://pypi.tuna.tsinghua.edu.cn/simple\n"
          "--trusted-host pypi.tuna.tsinghua.edu.cn\nx\n")  # fmt: skip
    _, out = run("check", "--mirror", "aliyun", "--select", "PS204", str(tmp_path))
    assert "PS204" in out and "PS101" not in out
    _, out = run("check", "--mirror", "aliyun", "--ignore", "index-off-policy", str(tmp_path))
    assert "PS101" not in out and "PS204" in out
    code, out = run("check", "--select", "PS999", str(tmp_path))
    assert code == 2 and "unknown rule" in out


def test_undecodable_file_is_located_and_run_goes_on(tmp_path: Path) -> None:
    # Latin-1 "café": neither UTF-8 nor GB18030 (GBK text is read: tests/reliability)
    write(tmp_path, "a/requirements.txt", b"# ok\n# caf\xe9\n-i x\n")
    write(tmp_path, "b/requirements.txt", "-i https://pypi.tuna.tsinghua.edu.cn/simple\n")
    code, out = run("check", "--format", "concise", "--mirror", "aliyun", str(tmp_path))
    assert code == 1
    assert "a/requirements.txt:2:1: PS900 neither UTF-8 nor GB18030" in out
    assert "b/requirements.txt:1:4: PS101" in out
    assert "Traceback" not in out


def test_symlink_out_of_root_is_skipped(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside/requirements.txt", "-i https://pypi.org/simple\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").symlink_to(outside)
    _, out = run("fix", "--mirror", "aliyun", str(repo))
    assert "symlink points outside the repository" in out
    assert outside.read_text() == "-i https://pypi.org/simple\n"


def test_vendored_and_ignored_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "vendor/x/requirements.txt", "-i https://pypi.org/simple\n")
    write(tmp_path, "node_modules/y/Dockerfile", "FROM x\nRUN pip install a\n")
    code, out = run("check", "--mirror", "aliyun", str(tmp_path))
    assert code == 0, out


def test_fix_keeps_crlf_bom_and_mode(tmp_path: Path) -> None:
    f = write(
        tmp_path, "pip.conf", b"\xef\xbb\xbf[global]\r\nindex-url = https://pypi.org/simple\r\n"
    )
    f.chmod(0o600)
    code, _ = run("fix", "--mirror", "aliyun", str(tmp_path))
    assert code == 1
    assert f.read_bytes() == (
        b"\xef\xbb\xbf[global]\r\nindex-url = https://mirrors.aliyun.com/pypi/simple\r\n"
    )
    assert f.stat().st_mode & 0o777 == 0o600


def test_secrets_never_printed(tmp_path: Path) -> None:
    secret = "SENTINEL0123456789abcdef"
    write(tmp_path, "requirements.txt", f"-i https://deploy:{secret}@pypi.corp.example/simple\nx\n")
    for args in (
        ("check",), ("check", "--format", "json"), ("fix", "--diff", "--mirror", "aliyun"),
        ("check", "--mirror", "aliyun"),
    ):  # fmt: skip
        _, out = run(*args, str(tmp_path))
        assert secret not in out
        assert "deploy" in out


def test_rules_rule_mirrors_init(tmp_path: Path) -> None:
    code, out = run("rules")
    assert code == 0 and "PS104  implicit-pypi" in out
    code, out = run("rule", "implicit-pypi")
    assert code == 0 and out.startswith("# PS104 implicit-pypi") and "## Fix safety" in out
    code, out = run("rule", "PS999")
    assert code == 2
    code, out = run("mirrors")
    assert code == 0 and "阿里云" in out and "https://mirrors.aliyun.com/pypi/simple/" in out
    code, out = run("mirrors", "--format", "json")
    assert any(m["id"] == "tuna" for m in json.loads(out))
    code, out = run("init", "--mirror", "tuna", str(tmp_path))
    assert code == 0
    assert 'index = "tuna"' in (tmp_path / "pipsrc.toml").read_text()
    code, out = run("init", str(tmp_path))
    assert code == 2 and "pipsrc.toml already holds a pipsrc policy" in out
    pyproject = '[project]\nname = "x"  # kept\n\n[tool.ruff]\nline-length = 100\n'
    write(tmp_path / "p", "pyproject.toml", pyproject)
    code, out = run("init", "--pyproject", str(tmp_path / "p"))
    assert code == 0
    text = (tmp_path / "p" / "pyproject.toml").read_text()
    assert text.startswith(pyproject) and text[len(pyproject) :].startswith("\n[tool.pipsrc]\n")
    assert load_policy(tmp_path / "p" / "pyproject.toml").index_id == "aliyun"


def test_init_refuses_a_policy_another_file_would_shadow(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.pipsrc]\nindex = "aliyun"\n')
    code, out = run("init", str(tmp_path))  # pipsrc.toml would replace it
    assert code == 2 and "a new pipsrc.toml would silently take its place" in out
    (tmp_path / "pyproject.toml").unlink()
    write(tmp_path, ".pipsrc.toml", 'index = "aliyun"\n')
    code, out = run("init", "--pyproject", str(tmp_path))
    assert code == 2 and "which would shadow a new pyproject.toml" in out
    assert not (tmp_path / "pyproject.toml").exists()
    code, out = run("init", "--mirror", "douban", str(tmp_path / "x"))
    assert code == 2 and "unreliable" in out
    write(tmp_path / "y", "pipsrc.toml", 'index = "aliyun"\n')  # the issue's own case
    code, out = run("init", "--pyproject", str(tmp_path / "y"))
    assert code == 2 and "pipsrc.toml already holds a pipsrc policy, which would shadow" in out
    assert not (tmp_path / "y" / "pyproject.toml").exists()
    code, out = run("init", "--mirror", "pytorch", str(tmp_path / "z"))  # a vendor-only index
    assert code == 2 and "'pytorch' is the PyTorch index, which serves only" in out
    assert not (tmp_path / "z").exists()


def test_internal_error_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pipsrc.engine.run

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("https://u:SENTINELabcdef@h/simple exploded")

    monkeypatch.setattr(pipsrc.engine.run, "check", boom)
    code, out = run("check", str(tmp_path))
    assert code == 3
    assert "internal error: RuntimeError" in out and "SENTINELabcdef" not in out
    assert "Traceback" not in out


def test_console_script_entry_runs_the_command_line() -> None:
    """`pipsrc` (pyproject's console script) is pipsrc.__main__.run: the click CLI (or the
    plain-check shortcut); `python -m pipsrc` is the same."""
    import subprocess
    import sys
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    scripts = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"pipsrc": "pipsrc.__main__:run"}
    code = "import sys; from pipsrc.__main__ import run\ntry:\n    run()\n"
    code += "except SystemExit as e:\n    print(e.code, file=sys.stderr)"
    out = subprocess.run(
        [sys.executable, "-c", code, "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("pipsrc, version ")
    assert out.stderr.split() == ["0"]
    out = subprocess.run(
        [sys.executable, "-m", "pipsrc", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("pipsrc, version ")
