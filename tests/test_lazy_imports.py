"""Heavy parsers load only when a file needs them (SPEC §9: a run with no YAML never imports it).

The same holds for the standard library's costlier modules: a pre-commit run on a few
files pays for every import, so the TOML parser, importlib.resources, pickle, difflib
and json are imported only by the runs that use them. (click is the command line itself:
it is always imported.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WATCHED = (
    "ruamel.yaml",
    "tree_sitter",
    "tree_sitter_bash",
    "tomllib",
    "tomlkit",
    "importlib.resources",
    "pickle",
    "difflib",
    "json",
    "libcst",
)

PROBE = """
import sys
from pipsrc.cli import main
try:
    main.main(sys.argv[2:] + [sys.argv[1]])
except SystemExit:
    pass
print("MODULES:", *(m for m in WATCHED if m in sys.modules), file=sys.stderr)
"""


def loaded(root: Path, *args: str) -> set[str]:
    """The watched modules that a pipsrc run on ``root`` imported (default: check --mirror)."""
    probe = PROBE.replace("WATCHED", repr(WATCHED))
    argv = [sys.executable, "-c", probe, str(root), *(args or ("check", "--mirror", "aliyun"))]
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    (line,) = [x for x in out.stderr.splitlines() if x.startswith("MODULES:")]
    return set(line.split()[1:])


def test_requirements_only_run_imports_no_heavy_parser(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-i https://pypi.org/simple\nx\n")
    (tmp_path / "pip.conf").write_text("[global]\nindex-url = https://pypi.org/simple\n")
    assert loaded(tmp_path) == set()


def test_compose_loads_yaml_only(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  a:\n    environment:\n      PIP_INDEX_URL: https://pypi.org/simple\n"
    )
    assert loaded(tmp_path) == {"ruamel.yaml"}


def test_dockerfile_without_pip_text_skips_the_shell_parser(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx\nCOPY site /usr/share/nginx/html\n")
    assert loaded(tmp_path) == set()


def test_dockerfile_with_pip_loads_only_the_bash_binding(tmp_path: Path) -> None:
    """tree-sitter is loaded for shell text, without tree_sitter_bash's package __init__
    (which imports importlib.resources for query files pipsrc never reads)."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\nRUN pip install -i http://x/ y\n")
    assert loaded(tmp_path) == {"tree_sitter"}


def test_compose_without_index_variables_is_not_parsed(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n  app:\n    image: python:3.12\n")
    assert loaded(tmp_path) == set()


def test_toml_parser_only_for_a_toml_policy(tmp_path: Path) -> None:
    """The mirror catalogue ships as Python: only a pipsrc.toml needs the TOML parser."""
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert "tomllib" not in loaded(tmp_path)
    (tmp_path / "pipsrc.toml").write_text('index = "aliyun"\n')
    assert "tomllib" in loaded(tmp_path, "check")


def test_tomlkit_only_for_a_project_file_of_an_installing_tool(tmp_path: Path) -> None:
    # a pyproject.toml of a project that configures no installer is not even parsed
    text = '[project]\nname = "x"\n[tool.ruff]\nline-length = 99\n'
    (tmp_path / "pyproject.toml").write_text(text)
    assert "tomlkit" not in loaded(tmp_path)
    (tmp_path / "uv.toml").write_text('index-url = "https://mirrors.aliyun.com/pypi/simple/"\n')
    assert "tomlkit" in loaded(tmp_path)


def test_json_and_difflib_only_when_asked_for(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-i https://pypi.org/simple\nflask\n")
    assert loaded(tmp_path, "check", "--format", "json", "--mirror", "aliyun") == {"json"}
    assert loaded(tmp_path, "fix", "--diff", "--mirror", "aliyun") == {"difflib"}


def test_statistics_formats_are_known_without_importing_the_renderer() -> None:
    from pipsrc.commands import STATISTICS_FORMATS
    from pipsrc.output.statistics import FORMATS

    assert STATISTICS_FORMATS == FORMATS


def test_only_a_fix_that_writes_loads_the_writer(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-i https://pypi.org/simple\nflask\n")
    probe = PROBE.replace("WATCHED", repr(("pipsrc.engine.writing",)))
    for args, expected in (
        (("check", "--mirror", "aliyun"), ""),
        (("fix", "--diff", "--mirror", "aliyun"), ""),
        (("fix", "--mirror", "aliyun"), "pipsrc.engine.writing"),
    ):
        argv = [sys.executable, "-c", probe, str(tmp_path), *args]
        out = subprocess.run(argv, capture_output=True, text=True, check=True)
        (line,) = [x for x in out.stderr.splitlines() if x.startswith("MODULES:")]
        assert line.split()[1:2] == ([expected] if expected else []), (args, line)


def test_condarc_and_environment_files_load_yaml_only(tmp_path: Path) -> None:
    (tmp_path / ".condarc").write_text("channels:\n  - conda-forge\n")
    (tmp_path / "environment.yml").write_text("channels:\n  - conda-forge\n  - nodefaults\n")
    assert loaded(tmp_path, "check", "--conda-mirror", "tuna") == {"ruamel.yaml"}


def test_conda_in_a_script_needs_no_yaml(tmp_path: Path) -> None:
    (tmp_path / "setup.sh").write_text("#!/bin/sh\nconda install -c conda-forge numpy\n")
    assert loaded(tmp_path, "check", "--conda-mirror", "tuna") == {"tree_sitter"}


def test_makefile_and_dotenv_load_no_yaml(tmp_path: Path) -> None:
    """A Makefile needs the shell parser for its recipes; a .env file needs nothing."""
    (tmp_path / ".env").write_text("PIP_INDEX_URL=https://pypi.org/simple\n")
    assert loaded(tmp_path) == set()
    (tmp_path / "Makefile").write_text("install:\n\tpip install -i https://pypi.org/simple x\n")
    assert loaded(tmp_path) == {"tree_sitter"}


def test_workflow_loads_yaml_and_the_shell_parser(tmp_path: Path) -> None:
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    head = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
    (wf / "ci.yml").write_text(head + "      - run: pip install -i http://x/ y\n")
    assert loaded(tmp_path) == {"ruamel.yaml", "tree_sitter"}
    (wf / "ci.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n"
    )
    assert loaded(tmp_path) == set()


def test_python_files_without_a_pip_call_never_import_libcst(tmp_path: Path) -> None:
    """Python files are read, but libcst is imported only for one the prefilter lets
    through: pip named in a docstring, a comment or a variable name is not a pip call."""
    (tmp_path / "app.py").write_text('"""Install with `pip install app`."""\nimport os\n')
    (tmp_path / "jobs.py").write_text("import subprocess\nsubprocess.run(['make', 'pipeline'])\n")
    (tmp_path / "requirements.txt").write_text("-i https://pypi.org/simple\nx\n")
    assert "libcst" not in loaded(tmp_path)


def test_a_python_file_with_a_pip_call_imports_libcst(tmp_path: Path) -> None:
    (tmp_path / "build.py").write_text(
        "import subprocess\n"
        "subprocess.run(['pip', 'install', '-i', 'https://pypi.org/simple', 'x'])\n"
    )
    assert "libcst" in loaded(tmp_path)
