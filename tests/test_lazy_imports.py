"""Heavy parsers load only when a file needs them (SPEC §9: a run with no YAML never imports it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from click.testing import CliRunner
from pipsrc.cli import main
CliRunner().invoke(main, ["check", "--mirror", "aliyun", sys.argv[1]])
print(sorted(m for m in ("ruamel.yaml", "tree_sitter", "tree_sitter_bash") if m in sys.modules))
"""


def loaded(root: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(root)], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_requirements_only_run_imports_no_heavy_parser(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-i https://pypi.org/simple\nx\n")
    (tmp_path / "pip.conf").write_text("[global]\nindex-url = https://pypi.org/simple\n")
    assert loaded(tmp_path) == "[]"


def test_compose_loads_yaml_only(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  a:\n    environment:\n      PIP_INDEX_URL: https://pypi.org/simple\n"
    )
    assert loaded(tmp_path) == "['ruamel.yaml']"


def test_dockerfile_without_pip_text_skips_the_shell_parser(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx\nCOPY site /usr/share/nginx/html\n")
    assert loaded(tmp_path) == "[]"
