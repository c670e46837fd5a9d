"""Errors before effects: every option and PIPSRC_* value is checked before any file is
read or written, and the message names where the bad value came from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipsrc import commands
from pipsrc.output import FORMATS

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
DOCKERFILE = f"FROM python:3.12\nRUN pip install -i {TUNA} flask\n"
CLEAN = {k: v for k, v in os.environ.items() if not k.startswith(("PIPSRC_", "PIP_"))}


def pipsrc(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    out = subprocess.run(
        [sys.executable, "-m", "pipsrc", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**CLEAN, **(env or {})},
    )
    return out.returncode, out.stdout + out.stderr


CASES = [
    (["fix", "--mirror", "aliyun", "-o", "/nonexistent/out.txt", "."], {},
     "--output /nonexistent/out.txt: directory /nonexistent does not exist"),
    (["fix", "--mirror", "aliyun", "--report", "/nonexistent/r.md", "."], {},
     "--report /nonexistent/r.md: directory /nonexistent does not exist"),
    (["check", "--fail-on", "fatal", "."], {}, "--fail-on fatal: expected one of error, warning"),
    (["check", "."], {"PIPSRC_FAIL_ON": "fatal"}, "PIPSRC_FAIL_ON=fatal: expected one of"),
    (["check", "--format", "yaml", "."], {}, "--format yaml: expected one of full, text,"),
    (["check", "."], {"PIPSRC_COLOR": "sometimes"}, "PIPSRC_COLOR=sometimes: expected one of"),
    (["check", "."], {"PIPSRC_MIRROR": "nosuch"}, 'PIPSRC_MIRROR=nosuch: unknown mirror "nosuch"'),
    (["check", "--mirror", "aliyn", "."], {}, '--mirror aliyn: unknown mirror "aliyn": did you'),
    (["check", "--proxy", "ftp://x", "."], {}, "--proxy ftp://x: 'ftp://x' is not an http(s) URL"),
    (["check", "--proxy", "devpi", "."], {}, "--proxy devpi: 'devpi' is not a URL"),
    (["check", "--mirror", "pytorch", "."], {}, "--mirror pytorch: 'pytorch' is the PyTorch index"),
    (["check", "--mirror", "https://download.pytorch.org/whl/cu121", "."], {},
     "--mirror https://download.pytorch.org/whl/cu121: 'https://download.pytorch.org/whl/cu121'"
     " is the PyTorch index, which serves only PyTorch's own packages"),
    (["check", "--policy", "nope.toml", "."], {}, "--policy nope.toml: policy file not found"),
    (["check", "."], {"PIPSRC_POLICY": "nope.toml"}, "PIPSRC_POLICY=nope.toml: policy file not"),
    (["check", "--select", "PS999", "."], {}, "--select PS999: unknown rule 'PS999'"),
    (["fix", "--mirror", "aliyun", "--ignore", "PS101,nosuch", "."], {},
     "--ignore nosuch: unknown rule 'nosuch'"),
    (["check", "."], {"PIPSRC_SELECT": "PS1,PS999"}, "PIPSRC_SELECT=PS1,PS999: unknown rule"),
    (["check", "."], {"PIPSRC_IGNORE": "nosuch"}, "PIPSRC_IGNORE=nosuch: unknown rule 'nosuch'"),
    (["check", "."], {"PIPSRC_FORMAT": "yaml"}, "PIPSRC_FORMAT=yaml: expected one of full,"),
    (["report", "."], {"PIPSRC_LANG": "fr"}, "PIPSRC_LANG=fr: expected one of en, zh"),
    (["report", "--date", "2020-13-45", "."], {}, "--date '2020-13-45': expected YYYY-MM-DD"),
    (["report", "-o", "/nonexistent/r.md", "."], {},
     "--output /nonexistent/r.md: directory /nonexistent does not exist"),
    (["check", "."], {"PIPSRC_PROXY": "ftp://x"}, "PIPSRC_PROXY=ftp://x: 'ftp://x' is not an"),
    (["check", "--conda-mirror", "nosuch", "."], {},
     "--conda-mirror nosuch: unknown mirror 'nosuch'"),
    (["check", "."], {"PIPSRC_CONDA_MIRROR": "nosuch"}, "PIPSRC_CONDA_MIRROR=nosuch: unknown"),
    (["check", "."], {"PIPSRC_MIRROR": "pytorch"}, "PIPSRC_MIRROR=pytorch: 'pytorch' is the"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "env", "message"), CASES)
def test_bad_values_are_named_and_nothing_is_touched(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    code, out = pipsrc(tmp_path, *args, env=env)
    assert code == 2, out
    assert f"pipsrc: {message}" in out, out
    assert "Traceback" not in out and "internal error" not in out
    assert (tmp_path / "Dockerfile").read_text() == DOCKERFILE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


POLICY_CASES = [
    ('index = "aliyun"\nselect = ["PS999"]\n', "pipsrc.toml:2: unknown rule 'PS999'"),
    ('index = "aliyun"\nfail-on = "fatal"\n', "pipsrc.toml:2: fail-on must be one of"),
    ('index = "nosuch"\n', 'pipsrc.toml:1: unknown mirror "nosuch"'),
    ('index = "aliyun"\n[report]\nlang = "fr"\n', "pipsrc.toml:3: report.lang must be"),
    ('index = "aliyun"\n[conda]\nmirror = "nosuch"\n', "pipsrc.toml:3: conda.mirror: unknown"),
]


@pytest.mark.parametrize(("policy", "message"), POLICY_CASES)
def test_bad_policy_values_are_named_with_file_and_line(
    tmp_path: Path, policy: str, message: str
) -> None:
    (tmp_path / "pipsrc.toml").write_text(policy)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    for args in (["check", "."], ["fix", "--report", "r.md", "."]):
        code, out = pipsrc(tmp_path, *args)
        assert code == 2 and message in out, out
        assert (tmp_path / "Dockerfile").read_text() == DOCKERFILE
        assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "pipsrc.toml"]


def test_a_vendor_index_is_refused_as_the_policy_index(tmp_path: Path) -> None:
    (tmp_path / "pipsrc.toml").write_text('index = "nvidia"\n')
    code, out = pipsrc(tmp_path, "check", ".")
    assert code == 2 and "pipsrc.toml:1: 'nvidia' is the NVIDIA index" in out, out


def test_the_format_names_are_the_renderers() -> None:
    assert tuple(FORMATS) == commands.FORMAT_NAMES


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("pipsrc check --mirror al", ["aliyun"]),
        ("pipsrc check --select PS10", [f"PS10{i}" for i in range(1, 10)]),
        ("pipsrc fix --ignore implicit", ["implicit-pypi"]),
        ("pipsrc check --format ju", ["junit"]),
        ("pipsrc check --fail-on w", ["warning"]),
        ("pipsrc fix --mirror t", ["tuna", "tencent"]),
        ("pipsrc init --mirror al", ["aliyun"]),
        ("pipsrc rule PS60", ["PS601", "PS602", "PS603"]),
        ("pipsrc check --conda-mirror t", ["tuna"]),
    ],
)
def test_shell_completion(words: str, expected: list[str]) -> None:
    env = {**CLEAN, "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1),
           "_PIPSRC_COMPLETE": "bash_complete"}  # fmt: skip
    script = Path(sys.executable).with_name("pipsrc")  # the console script, as a shell runs it
    out = subprocess.run([str(script)], env=env, capture_output=True, text=True)
    assert [line.split(",", 1)[1] for line in out.stdout.split()] == expected
