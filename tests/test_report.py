"""The audit report (SPEC §8): golden files, truthfulness, markdown validity, --probe.

The golden reports are those of ``pipsrc fix --report`` on each fixture
repository (``fixtures/<name>/report.<lang>.md``); ``PIPSRC_UPDATE_FIXTURES=1``
regenerates them. Beyond the byte comparison, the tests check what the report
claims against the fixture trees themselves: the files it calls changed are
exactly the files that differ between ``before/`` and ``after/``, and every
change it lists is found on the lines it names.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from markdown_it import MarkdownIt
from pymarkdown.api import PyMarkdownApi

from tests.test_fixtures import FIXTURES, SCENARIOS, UPDATE, repo, run, tree
from tests.trees import write_tree

__all__ = ["repo"]  # the fixture, re-used from test_fixtures

LANGS = ("en", "zh")
SENTINEL = "SENTINEL-report-Pa55"


# --- reading a report back -----------------------------------------------------------


def parse_tables(markdown: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading above it, header cells, body rows) for every table a markdown parser sees."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    out: list[tuple[str, list[str], list[list[str]]]] = []
    heading = ""
    row: list[str] = []
    header: list[str] = []
    rows: list[list[str]] = []
    in_heading = in_table = in_head = False
    for tok in tokens:
        kind = tok.type
        if kind in ("heading_open", "heading_close"):
            in_heading = kind == "heading_open"
        elif kind == "table_open":
            in_table, header, rows = True, [], []
        elif kind == "table_close":
            in_table = False
            out.append((heading, header, rows))
        elif kind in ("thead_open", "thead_close"):
            in_head = kind == "thead_open"
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(row)
        elif kind == "inline" and in_heading:
            heading = tok.content
        elif kind == "inline" and in_table:
            row.append(tok.content)
    return out


def overview(markdown: str) -> dict[str, int]:
    heading, _, rows = parse_tables(markdown)[0]
    assert heading in ("Overview", "概述")
    return {r[0]: int(r[1]) for r in rows}


def unquote(cell: str) -> str:
    """The text of a code-span cell."""
    cell = cell.strip()
    m = re.fullmatch(r"(`+) ?(.*?) ?\1", cell)
    return (m.group(2) if m else cell).replace("\\|", "|")


def lint(markdown: str) -> list[str]:
    result = PyMarkdownApi().disable_rule_by_identifier("md013").scan_string(markdown)
    return [
        f"{f.line_number}:{f.column_number} {f.rule_id} {f.rule_description}"
        f"{f.extra_error_information}"
        for f in result.scan_failures
    ]


def fix_report(repo_dir: Path, lang: str, *extra: str) -> str:
    out = repo_dir.parent / f"report.{lang}.md"
    code, output = run(
        "fix", "--no-color", *SCENARIOS[repo_dir.name], "--report", str(out), "--lang", lang,
        *extra, str(repo_dir),
    )  # fmt: skip
    assert code == 1, output
    return out.read_text(encoding="utf-8")


# --- golden files ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("repo", list(SCENARIOS), indirect=True)
def test_golden_fix_report(repo: Path, lang: str) -> None:
    text = fix_report(repo, lang)
    golden = FIXTURES / repo.name / f"report.{lang}.md"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_zh_report_has_the_sections_of_the_hand_written_one() -> None:
    """Side by side with seeds/000: its sections, in its words, in its order."""
    text = (FIXTURES / "seed000" / "report.zh.md").read_text(encoding="utf-8")
    headings = [ln for ln in text.splitlines() if ln.startswith("#")]
    assert headings[0] == "# Pip镜像源阿里云统一配置报告"
    order = [
        "## 概述",
        "## 修改清单",
        "### 2. 修改内容详情",
        "### 3. 保持原有配置的特殊情况",
        "### 4. 依赖其他配置的文件",
        "## 标准配置模式",
        "## 配置验证",
        "## 遗留问题",
        "## 文件状态总览",
        "## 后续建议",
    ]
    positions = [headings.index(h) for h in order]
    assert positions == sorted(positions)
    # the seed's three patterns, and the places pipsrc also reads
    for title in ("环境变量配置", "pip config配置", "pip3 config配置", "requirements", "pip.conf"):
        assert any(title in h for h in headings if h.startswith("### 方式")), title
    # statuses and methods in the seed's vocabulary
    for word in ("✅ 已配置", "✏️ 已修改", "⚠️ 保留例外", "ℹ️ 依赖其他配置", "环境变量", "config命令"):
        assert word in text
    # the PyTorch exception is kept with its reason, the fragment is said to depend on others
    assert "`https://download.pytorch.org/whl/cu118` | CUDA 版本的 PyTorch 只在该源发布" in text
    assert "`src/jupyterhub/Dockerfile.jupyterhub-redis`（第 13 行）：这是没有 `FROM`" in text
    # nothing unmeasured: no promised speed-up, no date unless asked for
    assert "5-10" not in text and "预计" not in text and "报告日期" not in text


# --- the report says what the run did, and nothing else ---------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("repo", list(SCENARIOS), indirect=True)
def test_report_names_exactly_the_changes_made(repo: Path, lang: str) -> None:
    before_tree = tree(FIXTURES / repo.name / "before")
    after_tree = tree(FIXTURES / repo.name / "after")
    changed = {p for p in before_tree if before_tree[p] != after_tree.get(p)}
    assert changed, "the fixture must change something"
    text = fix_report(repo, lang)
    change_rows = [
        row
        for heading, _, rows in parse_tables(text)
        if re.match(r"2\.\d+ ", heading)
        for row in rows
    ]
    assert {unquote(r[0]) for r in change_rows} == changed
    for path, line_cell, before_cell, after_cell in change_rows:
        path = unquote(path)
        old, _, new = line_cell.partition(" → ")
        new = new or old
        before_lines = before_tree[path].decode().splitlines()
        after_lines = after_tree[path].decode().splitlines()
        if before_cell.startswith("`") and "⏎" in before_cell:
            # a removal over several lines (an `env:` key with its only entry, a TOML array
            # after an earlier round removed one of its items): its lines, around its line
            window = "\n".join(before_lines[max(int(old) - 3, 0) : int(old) + 5])
            parts = unquote(before_cell).split("⏎")
            assert all(part.strip() in window for part in parts), (path, line_cell)
        elif before_cell.startswith("`"):
            assert unquote(before_cell) in before_lines[int(old) - 1], (path, line_cell)
        if after_cell.startswith("`"):
            assert _on_lines(unquote(after_cell), after_lines, int(new)), (path, line_cell)
    # the status table calls changed exactly the changed files
    status = next(rows for h, _, rows in parse_tables(text) if h in ("File status", "文件状态总览"))
    marked = {unquote(r[0]) for r in status if "✏️" in r[1]}
    assert marked == changed


def _on_lines(cell: str, lines: list[str], line: int) -> bool:
    """Whether a report cell is the text of ``line`` (1-based); a cell spanning lines (a
    removal that takes the ``&& \\`` of the line before with it: joined by ⏎) ends on it."""
    *before, last = cell.split(" ⏎ ")
    if last not in lines[line - 1]:
        return False
    return all(p in lines[line - 2 - i] for i, p in enumerate(reversed(before)))


@pytest.mark.parametrize("repo", ["seed000"], indirect=True)
def test_every_number_is_counted_from_the_run(repo: Path) -> None:
    before_tree = tree(FIXTURES / "seed000" / "before")
    after_tree = tree(FIXTURES / "seed000" / "after")
    text = fix_report(repo, "en")
    numbers = overview(text)
    _, out = run("check", "--format", "json", "--mirror", "aliyun", str(repo))
    after_check = json.loads(out)
    files = after_check["files"]
    # the fixture's EXPECTED.md lists 14 scanned files; vendor/ and the ignored file are not
    assert numbers["Files scanned"] == len(files) == 14
    assert numbers["Files with index settings"] == sum(1 for f in files if f["settings"])
    assert numbers["Index settings found"] == sum(f["settings"] for f in files)
    assert numbers["pip install commands found"] == sum(f["install_sites"] for f in files)
    assert numbers["Files changed"] == len(
        [p for p in before_tree if before_tree[p] != after_tree[p]]
    )
    edits = sum(len(rows) for h, _, rows in parse_tables(text) if re.match(r"2\.\d+ ", h))
    # rewrites and removals; the trusted-hosts of the moved indexes go with them (the new
    # index is https), singleuser's http Aliyun index too (the policy's mirror over https)
    assert numbers["Edits made"] == edits == 21
    # only the fragment's note (info) is left: no PS204, no PS201
    assert numbers["Findings left"] == len(after_check["findings"]) == 1
    assert "Warnings" not in numbers and "Errors" not in numbers and numbers["Notes"] == 1
    # PyTorch's CUDA index, and the extra index a suppression comment accepts on purpose
    exceptions = next(rows for h, _, rows in parse_tables(text) if h == "3. Exceptions kept")
    assert numbers["Exceptions kept"] == len(exceptions) == 2
    assert [unquote(r[0]) for r in exceptions] == [
        "requirements-dev.txt",
        "src/jupyterhub/Dockerfile.gpu",
    ]
    assert "nightly pulls from PyPI on purpose" in exceptions[0][3]
    deps = text.split("### 4. ")[1].split("\n## ")[0]
    listed = [ln for ln in deps.splitlines() if ln.startswith("- `")]
    assert numbers["Files that depend on configuration from elsewhere"] == len(listed) == 2
    assert any("uses the index set in `requirements.txt`" in ln for ln in listed)  # pip: file -i
    # the verification table: one row per pip install command, none left on PyPI
    verification = [rows for h, _, rows in parse_tables(text) if h == "Verification"]
    assert len(verification[1]) == numbers["pip install commands found"]
    assert not any("PyPI" in r[3] for r in verification[1])


@pytest.mark.parametrize("repo", ["seed000"], indirect=True)
def test_report_command_describes_the_tree_and_changes_nothing(repo: Path) -> None:
    before = tree(repo)
    code, text = run("report", "--mirror", "aliyun", str(repo))
    assert code == 0
    assert tree(repo) == before
    numbers = overview(text)
    assert "Files changed" not in numbers
    assert numbers["Findings left"] == 21  # fixtures/seed000/check.txt
    assert "This run only read the files: nothing was changed." in text
    status = next(rows for h, _, rows in parse_tables(text) if h == "File status")
    assert not any("✏️" in r[1] for r in status)
    # check --format markdown is the same report, with check's exit status
    code, same = run("check", "--format", "markdown", "--mirror", "aliyun", str(repo))
    assert code == 1 and same == text


@pytest.mark.parametrize("repo", ["seed000"], indirect=True)
def test_diff_report_says_would(repo: Path) -> None:
    before = tree(repo)
    text = fix_report(repo, "en", "--diff")
    assert tree(repo) == before
    assert "Files that would change" in overview(text)
    assert "nothing was written (`--diff`)" in text


# --- markdown validity -----------------------------------------------------------------


def _all_reports() -> Iterator[Path]:
    yield from sorted(FIXTURES.glob("*/report.*.md"))


@pytest.mark.parametrize("path", list(_all_reports()), ids=lambda p: p.parent.name + "/" + p.name)
def test_report_passes_markdown_lint(path: Path) -> None:
    assert lint(path.read_text(encoding="utf-8")) == []


def test_lint_catches_bad_markdown() -> None:
    """The lint test can fail: the same linter rejects a broken report."""
    text = (FIXTURES / "seed000" / "report.en.md").read_text(encoding="utf-8")
    assert lint(text.replace("\n\n## ", "\n## ", 1)) != []


@pytest.mark.parametrize("path", list(_all_reports()), ids=lambda p: p.parent.name + "/" + p.name)
def test_tables_render_as_tables(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tables = parse_tables(text)
    delimiter_rows = [ln for ln in text.splitlines() if re.fullmatch(r"\|(---\|)+", ln)]
    assert len(tables) == len(delimiter_rows) >= 5
    for heading, header, rows in tables:
        assert rows, heading
        assert all(len(r) == len(header) for r in rows), heading
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<table>") == len(tables)


# --- language, date, determinism, secrets, errors ---------------------------------------


def test_language_comes_from_the_policy(tmp_path: Path) -> None:
    repo_dir = write_tree(
        tmp_path / "r",
        {
            "pipsrc.toml": 'index = "tuna"\n[report]\nlang = "zh"\n',
            "requirements.txt": "-i https://pypi.tuna.tsinghua.edu.cn/simple\nrequests\n",
        },
    )
    code, text = run("report", str(repo_dir))
    assert code == 0
    assert text.startswith("# Pip镜像源清华大学统一配置报告\n") or text.startswith("# Pip镜像源")
    assert "## 概述" in text
    code, text = run("report", "--lang", "en", str(repo_dir))
    assert text.startswith("# Pip index unified to ")


def test_date_only_when_asked(tmp_path: Path) -> None:
    repo_dir = write_tree(tmp_path / "r", {"requirements.txt": "-i https://pypi.org/simple\n"})
    _, first = run("report", "--mirror", "aliyun", str(repo_dir))
    _, second = run("report", "--mirror", "aliyun", str(repo_dir))
    assert first == second
    assert not re.search(r"\d{4}-\d{2}-\d{2}", first)
    _, dated = run("report", "--mirror", "aliyun", "--date", "2026-11-21", str(repo_dir))
    assert "Report date: 2026-11-21" in dated
    code, _ = run("report", "--mirror", "aliyun", "--date", "21/11/2026", str(repo_dir))
    assert code == 2


def test_proxy_title_names_the_host(tmp_path: Path) -> None:
    repo_dir = write_tree(tmp_path / "r", {"requirements.txt": "-i https://pypi.org/simple\n"})
    _, text = run("report", "--proxy", "http://devpi.corp:3141/root/pypi/+simple/", str(repo_dir))
    assert text.startswith("# Pip index unified to devpi.corp:3141\n")
    # http proxy: the standard patterns carry the trusted-host the policy then wants
    assert 'PIP_TRUSTED_HOST="devpi.corp:3141"' in text
    assert "--trusted-host devpi.corp:3141" in text


def test_no_secret_in_any_report(tmp_path: Path) -> None:
    secret_url = f"https://deploy:{SENTINEL}@pypi.corp.example/simple/"
    token_url = f"https://{SENTINEL}@pypi.other.example/simple/"
    encoded = "https://u:SENTINEL%2Dencoded@pypi.third.example/simple/"
    repo_dir = write_tree(
        tmp_path / "r",
        {
            "requirements.txt": f"-i {secret_url}\n--extra-index-url {token_url}\n",
            "pip.conf": f"[global]\nindex-url = {encoded}\n",
            "Dockerfile": f"FROM python:3.12\nENV PIP_INDEX_URL={secret_url}\nRUN pip install x\n",
        },
    )
    outputs = []
    for lang in LANGS:
        outputs.append(run("report", "--lang", lang, "--mirror", "aliyun", str(repo_dir))[1])
        outputs.append(run("report", "--lang", lang, "--proxy", secret_url, str(repo_dir))[1])
        outputs.append(run("check", "--format", "markdown", "--lang", lang, str(repo_dir))[1])
    report_file = tmp_path / "fix.md"
    run("fix", "--mirror", "aliyun", "--unsafe-fixes", "--report", str(report_file), str(repo_dir))
    outputs.append(report_file.read_text(encoding="utf-8"))
    for out in outputs:
        assert "Pip" in out
        assert "SENTINEL" not in out


def test_unwritable_report_path_is_refused_before_any_fix(tmp_path: Path) -> None:
    repo_dir = write_tree(tmp_path / "r", {"requirements.txt": "-i https://pypi.org/simple\n"})
    before = tree(repo_dir)
    code, out = run(
        "fix", "--mirror", "aliyun", "--report", str(tmp_path / "missing" / "r.md"), str(repo_dir)
    )
    assert code == 2 and "does not exist" in out
    assert tree(repo_dir) == before


# --- --probe ----------------------------------------------------------------------------


class _Index(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        if self.path == "/simple/pip/":
            body = b"<!DOCTYPE html><html><body><a href='pip-24.0.tar.gz'>pip</a></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def local_index() -> Iterator[str]:
    _Index.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_probe_measures_the_local_index(
    tmp_path: Path, local_index: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    dead.close()  # nothing listens there any more
    repo_dir = write_tree(
        tmp_path / "r",
        {
            "pipsrc.toml": (
                f'index = "{local_index}/simple/"\n'
                f'extra-indexes = ["{local_index}/missing/", "http://127.0.0.1:{dead_port}/simple/"]\n'
            ),
            "requirements.txt": f"-i {local_index}/simple/\n",
        },
    )
    code, text = run("report", "--probe", str(repo_dir))
    assert code == 0
    assert _Index.seen.count("/simple/pip/") == 3
    assert "/missing/pip/" in _Index.seen
    probe = next(rows for h, _, rows in parse_tables(text) if h == "Index response times")
    assert [unquote(r[0]) for r in probe] == [
        f"{local_index}/simple/",
        f"{local_index}/missing/",
        f"http://127.0.0.1:{dead_port}/simple/",
    ]
    assert probe[0][1] == "ok (HTTP 200)" and probe[0][3] == "3" and float(probe[0][2]) >= 0
    assert probe[1][1] == "http error (HTTP 404)"
    assert probe[2][1] == "unreachable" and probe[2][2] == ""
    assert not lint(text)


def test_no_network_without_probe(
    tmp_path: Path, local_index: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --probe, the report opens no connection, even to a reachable index."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def spy(self: socket.socket, address: object) -> None:
        attempts.append(address)
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", spy)
    repo_dir = write_tree(
        tmp_path / "r",
        {
            "pipsrc.toml": f'index = "{local_index}/simple/"\n',
            "requirements.txt": f"-i {local_index}/simple/\n",
        },
    )
    code, _ = run("report", str(repo_dir))
    assert code == 0 and attempts == [] and _Index.seen == []
    code, _ = run("check", "--format", "markdown", str(repo_dir))
    assert attempts == []
    # the spy does see the connections --probe makes
    run("report", "--probe", str(repo_dir))
    assert attempts and _Index.seen


def test_dependencies_are_said_as_such(tmp_path: Path) -> None:
    """A stage on a configured base image and a COPY'd pip.conf are 'depends', not 'configured'."""
    repo_dir = write_tree(
        tmp_path / "r",
        {
            "pipsrc.toml": (
                'index = "aliyun"\nconfigured-images = ["registry.corp/python-base:*"]\n'
            ),
            "app/Dockerfile": "FROM registry.corp/python-base:3.12\nRUN pip install flask\n",
            "worker/Dockerfile": (
                "FROM python:3.12\nCOPY pip.conf /etc/pip.conf\nRUN pip install celery\n"
            ),
            "worker/pip.conf": "[global]\nindex-url = https://mirrors.aliyun.com/pypi/simple/\n",
        },
    )
    code, text = run("report", str(repo_dir))
    assert code == 0
    deps = text.split("### 4. ")[1].split("\n## ")[0]
    assert (
        "- `app/Dockerfile` (line 2): its stage is built on `registry.corp/python-base:3.12`"
        in deps
    )
    assert (
        "- `worker/Dockerfile` (line 3): uses the pip configuration file `worker/pip.conf`" in deps
    )
    status = {
        unquote(r[0]): (r[1], r[2])
        for h, _, rows in parse_tables(text)
        if h == "File status"
        for r in rows
    }
    assert status["app/Dockerfile"] == (
        "ℹ️ depends on other configuration",
        "depends on the base image",
    )
    assert status["worker/Dockerfile"] == (
        "ℹ️ depends on other configuration",
        "depends on `worker/pip.conf`",
    )
    assert status["worker/pip.conf"] == ("✅ configured", "pip.conf")
    assert overview(text)["Files that depend on configuration from elsewhere"] == 2


def test_report_reads_the_same_environment_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo_dir = write_tree(tmp_path / "r", {"requirements.txt": "-i https://pypi.org/simple\n"})
    monkeypatch.setenv("PIPSRC_MIRROR", "aliyun")
    _, text = run("report", str(repo_dir))
    assert text.startswith("# Pip index unified to Aliyun\n")
    _, text = run("report", "--mirror", "tuna", str(repo_dir))  # the command line wins
    assert "Aliyun" not in text.splitlines()[0]


def test_named_files_are_reported_in_the_repository_context(tmp_path: Path) -> None:
    """pre-commit style: only the Dockerfile is named; the requirements file it installs from
    still decides which index its pip install uses (not PyPI)."""
    import subprocess

    repo_dir = write_tree(
        tmp_path / "r",
        {
            "Dockerfile": (
                "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
            ),
            "requirements.txt": "-i https://mirrors.aliyun.com/pypi/simple/\nflask\n",
        },
    )
    subprocess.run(["git", "init", "-q", str(repo_dir)], check=True)
    subprocess.run(["git", "-C", str(repo_dir), "add", "-A"], check=True)
    code, text = run("report", "--mirror", "aliyun", str(repo_dir / "Dockerfile"))
    assert code == 0
    verification = [rows for h, _, rows in parse_tables(text) if h == "Verification"][1]
    assert len(verification) == 1
    assert verification[0][3].startswith("✅") and verification[0][4] == "requirements file"
    assert overview(text)["Files scanned"] == 1


def test_language_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """policy < PIPSRC_LANG < --lang."""
    repo_dir = write_tree(
        tmp_path / "r",
        {"pipsrc.toml": 'index = "aliyun"\n[report]\nlang = "en"\n', "requirements.txt": "x\n"},
    )
    assert run("report", str(repo_dir))[1].startswith("# Pip index")
    monkeypatch.setenv("PIPSRC_LANG", "zh")
    assert run("report", str(repo_dir))[1].startswith("# Pip镜像源")
    assert run("report", "--lang", "en", str(repo_dir))[1].startswith("# Pip index")


# --- the standard patterns are what pipsrc itself accepts ---------------------------------

PATTERN_FILES = {
    "uv-project": "pyproject.toml",
    "poetry": "pyproject.toml",
    "pdm": "pyproject.toml",
    "pipenv": "Pipfile",
}


@pytest.mark.parametrize(
    ("index", "args"),
    [
        ("https://mirrors.aliyun.com/pypi/simple/", ["--mirror", "aliyun"]),
        (
            "http://devpi.internal:3141/root/pypi/+simple/",
            ["--proxy", "http://devpi.internal:3141/root/pypi/+simple/"],
        ),
    ],
)
@pytest.mark.parametrize("key", list(PATTERN_FILES))
def test_project_patterns_are_clean(tmp_path: Path, key: str, index: str, args: list[str]) -> None:
    """Each project-file pattern, written where it belongs, is TOML its tool reads and a
    file pipsrc finds nothing to say about (with a trusted host where the policy wants)."""
    import tomllib

    from pipsrc.report.patterns import patterns

    found = {p.key: p for p in patterns(index, index.startswith("http:"))}
    body = found[key].body + "\n"
    tomllib.loads(body)
    project = "" if PATTERN_FILES[key] == "Pipfile" else '[project]\nname = "x"\n\n'
    repo_dir = write_tree(tmp_path / "r", {PATTERN_FILES[key]: project + body})
    code, out = run("check", *args, str(repo_dir))
    assert code == 0, out
    if index.startswith("http:"):
        assert "devpi.internal:3141" in body and (
            "insecure" in body or "verify_ssl = false" in body or key == "poetry"
        )
