"""The catalogue's own word on a mirror reaches the user: ``pipsrc mirrors`` shows each
entry's status and notes, and a mirror marked unreliable is never where a fix sends a value
(the finding names mirrors to choose instead); nor can it be the policy index."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipsrc.api import check_text, fix_text
from pipsrc.catalogue import catalogue
from pipsrc.engine.selection import Selection
from pipsrc.policy import Policy

UNRELIABLE = [m for m in catalogue().mirrors if not m.reliable]
ADDRESSES = [  # every address of an unreliable mirror, as a file may hold it
    pytest.param(m.id, url, id=f"{m.id}-{url}")
    for m in UNRELIABLE
    for url in (m.url, *m.aliases, *m.legacy)
]
FILES = [
    ("requirements.txt", "-i {url}\nflask\n"),
    ("Dockerfile", "FROM python:3.12\nRUN pip install -i {url} flask\n"),
    ("pip.conf", "[global]\nindex-url = {url}\n"),
]


def _mirrors(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "pipsrc", "mirrors", *args], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_catalogue_marks_some_mirrors_unreliable() -> None:
    assert UNRELIABLE and all(m.note_en and m.note_zh for m in UNRELIABLE)


def test_mirrors_shows_status_and_notes_in_text() -> None:
    text, zh = _mirrors(), _mirrors("--lang", "zh")
    noted = [m for m in catalogue().mirrors if m.note_en]
    assert noted
    for m in noted:
        assert f"note: {m.note_en}" in text and f"note: {m.note_zh}" in zh, m.id
    for m in catalogue().mirrors:
        (line,) = [x for x in text.splitlines() if x.startswith(f"{m.id} ")]
        assert line.endswith(f"[{m.status}]") == (not m.reliable), line


def test_mirrors_shows_status_and_notes_in_json() -> None:
    rows = {r["id"]: r for r in json.loads(_mirrors("--format", "json"))}
    assert list(rows) == list(catalogue().ids)
    for m in catalogue().mirrors:
        row = rows[m.id]
        assert (row["status"], row["note_en"], row["note_zh"]) == (m.status, m.note_en, m.note_zh)


@pytest.mark.parametrize(("mirror_id", "url"), ADDRESSES)
@pytest.mark.parametrize(("path", "template"), FILES)
def test_no_fix_moves_a_value_to_an_unreliable_mirror(
    mirror_id: str, url: str, path: str, template: str
) -> None:
    """Without a policy (consistency mode) a legacy address is not moved to the mirror's own
    URL, with every fix applied; the finding names mirrors to choose instead."""
    text = template.format(url=url)
    everything = Selection(select=("ALL",))
    fixed = fix_text(text, path, Policy(), everything, unsafe=True)
    for new in set(re.findall(r"https?://[^\s\"']+", fixed)) - {url}:
        match = catalogue().match(new)
        assert match is None or match.mirror.reliable, fixed  # no other form of it either
    mine = catalogue().get(mirror_id)
    if mine is not None and url in mine.legacy:
        (finding,) = [f for f in check_text(text, path, Policy()) if f.code == "PS107"]
        assert finding.fix is None and "choose another mirror, such as aliyun" in finding.message


@pytest.mark.parametrize("mirror_id", [m.id for m in UNRELIABLE])
def test_an_unreliable_mirror_is_no_policy_index(tmp_path: Path, mirror_id: str) -> None:
    (tmp_path / "pipsrc.toml").write_text(f'index = "{mirror_id}"\n')
    out = subprocess.run(
        [sys.executable, "-m", "pipsrc", "check", "."], cwd=tmp_path, capture_output=True, text=True
    )
    assert out.returncode == 2 and "pipsrc.toml:1:" in out.stderr, out.stderr
    assert "as unreliable" in out.stderr and "choose another mirror, such as" in out.stderr
