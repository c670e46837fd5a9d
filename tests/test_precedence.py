"""The precedence the report and README print is the one pipsrc's model applies: each
source of pip's index list, taken away from the top, hands the install to the next one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pipsrc.report.texts import precedence
from pipsrc.resolution.pip import PRECEDENCE
from tests.cliutil import invoke

ROOT = Path(__file__).resolve().parent.parent
# one line of the Dockerfile per source; the install reads requirements.txt
LINES = {
    "config": "RUN pip config set global.index-url https://config.example/simple",
    "env": "ENV PIP_INDEX_URL=https://env.example/simple",
}
CLI = "-i https://cli.example/simple "


def _source(tmp_path: Path, present: list[str]) -> str:
    repo = tmp_path / "_".join(present or ["none"])
    repo.mkdir()
    req = "-i https://requirements.example/simple\n" if "requirements" in present else ""
    (repo / "requirements.txt").write_text(req + "x\n")
    lines = ["FROM python:3.12", *(LINES[k] for k in ("config", "env") if k in present)]
    cli = CLI if "cli" in present else ""
    lines += ["COPY requirements.txt .", f"RUN pip install {cli}-r requirements.txt"]
    (repo / "Dockerfile").write_text("\n".join(lines) + "\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    out = invoke(["check", "--format", "json", str(repo)])
    (site,) = json.loads(out.stdout)["sites"]
    return str(site["effective"]["source"])


def test_each_source_beats_the_ones_after_it(tmp_path: Path) -> None:
    for i, top in enumerate(PRECEDENCE):
        assert _source(tmp_path, list(PRECEDENCE[i:])) == top
    assert _source(tmp_path, []) == "default"  # nothing configured: PyPI


def test_the_readme_prints_the_models_precedence() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert precedence("en") in readme, "README: paste `pipsrc.report.texts.precedence('en')`"


def test_the_report_names_the_sources_in_that_order() -> None:
    en = precedence("en")
    positions = [en.index(w) for w in ("requirements", "command-line", "PIP_*", "configuration")]
    assert positions == sorted(positions)
