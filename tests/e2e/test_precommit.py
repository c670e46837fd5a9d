"""The real pre-commit runs pipsrc's hooks from `.pre-commit-hooks.yaml` (`pre-commit try-repo`).

try-repo clones the hook repository, creates a virtualenv and `pip install .`s it, as a user's
pre-commit does. It never reaches the internet: pip gets `PIP_NO_INDEX` and a `--find-links`
wheelhouse re-packed from this test environment (wheelhouse.py), and a dead index URL and dead
proxies in case anything tries anyway. The hook repository is a snapshot of this working tree
(the files a build needs, committed to a fresh git repository): the test exercises the code as
it is now, committed or not, from any checkout.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipsrc.engine import run as engine
from pipsrc.policy import Policy
from tests.e2e.procs import DEAD_PROXY, offline_env, run
from tests.e2e.wheelhouse import ROOT

HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src")
GIT_ID = ("-c", "user.name=pipsrc tests", "-c", "user.email=tests@pipsrc.invalid")

BAD = {
    "pipsrc.toml": 'index = "aliyun"\n',
    "requirements.txt": "-i https://pypi.tuna.tsinghua.edu.cn/simple\nflask==3.0.3\n",
    "requirements-dev.txt": "-r requirements.txt\n"
    "--extra-index-url https://pypi.tuna.tsinghua.edu.cn/simple\npytest\n",
    "Dockerfile": "FROM python:3.12-slim\nCOPY requirements.txt .\n"
    "RUN pip install -i https://mirrors.ustc.edu.cn/pypi/simple -r requirements.txt\n",
    "bin/setup": "#!/bin/bash\nset -e\n"
    "pip install --index-url https://repo.huaweicloud.com/repository/pypi/simple/ requests\n",
    "docker-compose.yml": "services:\n  api:\n    build:\n      context: .\n      args:\n"
    "        PIP_INDEX_URL: https://mirrors.cloud.tencent.com/pypi/simple\n",
    # not read by pipsrc: must come out untouched
    "README.md": "Install: pip install -i https://pypi.tuna.tsinghua.edu.cn/simple app\n",
    "Makefile": "install:\n\tpip install -i https://pypi.tuna.tsinghua.edu.cn/simple app\n",
    "docs/INSTALL.rst": "Install: pip install -i https://pypi.tuna.tsinghua.edu.cn/simple app\n",
}
OLD_HOSTS = (
    "pypi.tuna.tsinghua.edu.cn",
    "mirrors.ustc.edu.cn",
    "repo.huaweicloud.com",
    "mirrors.cloud.tencent.com",
)
HOOK_LINE = re.compile(
    r"^(?P<name>\S[^\n]*?)\.+(?:\(no files to check\))?(?P<status>Passed|Failed|Skipped)\n"
    r"- hook id: (?P<id>\S+)\n(?P<body>.*?)(?=^\S[^\n]*\.+(?:Passed|Failed|Skipped)$|\Z)",
    re.MULTILINE | re.DOTALL,
)


def git(cwd: Path, *args: str, env: dict[str, str]) -> None:
    out = run(["git", *GIT_ID, *args], env, cwd=cwd, timeout=60)
    assert out.returncode == 0, out.stdout


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.fixture(scope="session")
def precommit_env(
    e2e_home: Path, wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    return offline_env(
        e2e_home,
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_INDEX_URL=f"{DEAD_PROXY}/simple/",  # if no-index were ever dropped: fail, fast
        PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")),
        PRE_COMMIT_COLOR="never",
    )


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, precommit_env: dict[str, str]) -> Path:
    """This working tree's buildable files, committed to a fresh repository."""
    dest = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in HOOK_REPO_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)
    git(dest, "init", "-q", env=precommit_env)
    git(dest, "add", "-A", env=precommit_env)
    git(dest, "commit", "-q", "--no-gpg-sign", "-m", "snapshot", env=precommit_env)
    return dest


@pytest.fixture
def project(tmp_path: Path, precommit_env: dict[str, str]) -> Callable[[dict[str, str]], Path]:
    """A git repository holding ``files``, all staged (pre-commit runs on what git tracks)."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "project"
        write(root, files)
        for name, text in files.items():
            if text.startswith("#!"):
                (root / name).chmod(0o755)  # scripts are executable, and must stay so
        git(root, "init", "-q", env=precommit_env)
        git(root, "add", "-A", env=precommit_env)
        return root

    return make


def try_repo(
    repo: Path, cwd: Path, env: dict[str, str], *args: str
) -> tuple[int, dict[str, tuple[str, str]], str]:
    """Run `pre-commit try-repo`; return its exit code, {hook id: (status, output)}, output."""
    out = run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(repo), *args, "--verbose"],
        env,
        cwd=cwd,
        timeout=600,
    )
    hooks = {m["id"]: (m["status"], m["body"]) for m in HOOK_LINE.finditer(out.stdout)}
    return out.returncode, hooks, out.stdout


def expected_fix(files: dict[str, str], tmp: Path) -> dict[str, str]:
    """What `pipsrc fix` does to ``files`` when run directly: the hook must do the same."""
    root = tmp / "expected"
    write(root, files)
    engine.fix([str(root)], Policy().with_index("aliyun"))
    return tree(root)


def test_check_fails_fix_rewrites_then_check_passes(
    hook_repo: Path,
    project: Callable[[dict[str, str]], Path],
    precommit_env: dict[str, str],
    tmp_path: Path,
) -> None:
    root = project(BAD)
    # every hook of the repository: `pipsrc` (check) runs first, then `pipsrc-fix`
    code, hooks, output = try_repo(hook_repo, root, precommit_env, "--all-files")
    assert code == 1, output
    assert set(hooks) == {"pipsrc", "pipsrc-fix"}, output
    status, body = hooks["pipsrc"]
    assert status == "Failed", output
    found = grouped_findings(body)
    for path in ("requirements.txt", "Dockerfile", "bin/setup", "docker-compose.yml", "Makefile"):
        assert any(p == path and code == "PS101" for p, _, _, code in found), body
    assert "README.md" not in body and "INSTALL.rst" not in body
    status, body = hooks["pipsrc-fix"]
    assert status == "Failed", output
    assert "files were modified by this hook" in body, output

    after = tree(root)
    assert after == expected_fix(BAD, tmp_path)
    assert "pypi.tuna" not in after["requirements-dev.txt"]
    for path in ("requirements.txt", "Dockerfile", "bin/setup", "docker-compose.yml", "Makefile"):
        assert "mirrors.aliyun.com" in after[path], after[path]
        assert not any(host in after[path] for host in OLD_HOSTS), after[path]
    assert after["README.md"] == BAD["README.md"]
    assert after["docs/INSTALL.rst"] == BAD["docs/INSTALL.rst"]
    assert (root / "bin/setup").stat().st_mode & 0o777 == 0o755

    code, hooks, output = try_repo(hook_repo, root, precommit_env, "--all-files")
    assert code == 0, output
    assert hooks["pipsrc"][0] == "Passed" and hooks["pipsrc-fix"][0] == "Passed", output
    assert tree(root) == after


def grouped_findings(body: str) -> set[tuple[str, int, int, str]]:
    """(path, line, column, code) from pipsrc's grouped text output (a path line, then
    indented ``line:col  severity  CODE message`` lines)."""
    out = set()
    path = ""
    for line in body.splitlines():
        m = re.match(r"\s+(\d+):(\d+)\s+\w+\s+(PS\d+)\b", line)
        if m:
            out.add((path, int(m.group(1)), int(m.group(2)), m.group(3)))
        elif line.strip() and not line[0].isspace() and not line.startswith(("-", "Found")):
            path = line.strip()
    return out


def test_a_single_file_is_judged_against_the_whole_repository(
    hook_repo: Path, project: Callable[[dict[str, str]], Path], precommit_env: dict[str, str]
) -> None:
    # no policy: consistency mode. pre-commit passes only the changed file.
    aliyun = "-i https://mirrors.aliyun.com/pypi/simple/\nflask\n"
    root = project(
        {
            "a/requirements.txt": aliyun,
            "b/requirements.txt": aliyun,
            "pip.conf": "[global]\nindex-url = https://mirrors.aliyun.com/pypi/simple/\n",
            "c/requirements.txt": "-i https://pypi.tuna.tsinghua.edu.cn/simple\nx\n",
        }
    )
    code, hooks, output = try_repo(
        hook_repo, root, precommit_env, "pipsrc", "--files", "c/requirements.txt"
    )
    assert code == 1, output
    status, body = hooks["pipsrc"]
    assert status == "Failed"
    assert ("c/requirements.txt", 1, 4, "PS105") in grouped_findings(body), body
    assert re.search(r"PS105 .*mirrors\.aliyun\.com", body), body
    assert "a/requirements.txt" not in body and "pip.conf" not in body


def test_the_fix_and_check_hook_pair_passes_on_a_second_commit(
    hook_repo: Path, tmp_path: Path, precommit_env: dict[str, str]
) -> None:
    """The issue's demo: a repository that runs `pipsrc-fix` then `pipsrc` (same options) on
    every commit. The second commit touches files whose trusted-hosts belonged to the old
    mirrors: the fix moves the indexes, drops those trusted-hosts, and the check that runs
    right after it passes; committing again (the fixed files staged) passes both hooks."""
    from tests.test_fixtures import FIXTURES

    root = tmp_path / "demo"
    shutil.copytree(FIXTURES / "seed000" / "before", root)
    sha = run(["git", "rev-parse", "HEAD"], precommit_env, cwd=hook_repo).stdout.strip()
    hooks = "\n".join(
        f"      - id: {hook}\n        args: [--mirror, aliyun]\n        verbose: true"
        for hook in ("pipsrc-fix", "pipsrc")
    )
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {sha}\n    hooks:\n{hooks}\n", encoding="utf-8"
    )
    git(root, "init", "-q", env=precommit_env)
    git(root, "add", "-A", env=precommit_env)
    git(root, "commit", "-q", "--no-gpg-sign", "--no-verify", "-m", "first", env=precommit_env)
    out = run([sys.executable, "-m", "pre_commit", "install"], precommit_env, cwd=root)
    assert out.returncode == 0, out.stdout

    touched = (
        "requirements.txt",
        "pip.conf",
        "docker-compose.yml",
        "src/jupyterhub/Dockerfile.cpu",
    )
    for name in touched:
        with (root / name).open("a", encoding="utf-8") as f:
            f.write("\n# touched by the second commit\n")
    git(root, "add", *touched, env=precommit_env)
    commit = ["git", *GIT_ID, "commit", "--no-gpg-sign", "-m", "second"]
    first = run(commit, precommit_env, cwd=root, timeout=900)
    results = {m["id"]: (m["status"], m["body"]) for m in HOOK_LINE.finditer(first.stdout)}
    assert first.returncode == 1, first.stdout  # the fix changed files: commit again
    assert results["pipsrc-fix"][0] == "Failed", first.stdout
    assert results["pipsrc"][0] == "Passed", first.stdout  # check after fix: clean
    fixed = tree(root)
    for name in touched:
        assert "trusted-host" not in fixed[name].lower().replace("trusted_host", "trusted-host")
        assert "tuna" not in fixed[name] and "ustc" not in fixed[name], fixed[name]

    git(root, "add", *touched, env=precommit_env)
    second = run(commit, precommit_env, cwd=root, timeout=900)
    results = {m["id"]: (m["status"], m["body"]) for m in HOOK_LINE.finditer(second.stdout)}
    assert second.returncode == 0, second.stdout
    assert results["pipsrc-fix"][0] == "Passed" and results["pipsrc"][0] == "Passed", second.stdout
    assert tree(root) == fixed
