"""No tracked file holds a real-looking secret: only the tests' obvious fakes.

Every file ``git ls-files`` lists (sources, tests, fixtures, snapshots, generated docs)
is scanned with pipsrc's own credential detector (the one ``redact`` uses) plus the
shapes of well-known token formats. A secret passes only when it is obviously fake:
it carries a sentinel marker (``SENTINEL...``, ``hunter2``), it is a template in test
code (``{pw}``), it is too short to be real, or it is one of the few fakes listed
below. Anything else fails the build: use a sentinel instead.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pipsrc.redaction import find_secrets
from pipsrc.urltext import url_tokens

ROOT = Path(__file__).resolve().parents[2]
MARKERS = ("SENTINEL", "hunter2")
KNOWN_FAKES = frozenset(
    {
        "eyJhbGciOiJIUzI1NiJ9.eyJ4Ijo",  # a truncated JWT header in test_urls.py
        "github.com/org/repo.git",  # over-redaction of an odd VCS URL, on purpose
        "glpat-abcDEF123",  # token-prefix shapes in test_urls.py, far too short to be real
        "ghp_TOKEN123",
    }
)
REAL_LENGTH = 12  # shorter secrets ("pw", "s3cr3t", "TOKEN123") are not real-looking
TOKEN_SHAPES = re.compile(
    r"ghp_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20}"
    r"|pypi-AgE[A-Za-z0-9_-]{50,}|AKIA[0-9A-Z]{16}|xox[abpr]-[A-Za-z0-9-]{10,}"
    r"|npm_[A-Za-z0-9]{36}|-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----"
)
_TEMPLATE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_.]*\}|\$\{\{?[^}]*\}\}?")


def tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True
    ).stdout
    return [ROOT / p.decode() for p in out.split(b"\0") if p]


def fake(secret: str) -> bool:
    if any(m in secret for m in MARKERS) or secret in KNOWN_FAKES:
        return True
    return len(_TEMPLATE.sub("", secret)) < REAL_LENGTH


def real_looking(text: str) -> list[str]:
    """The secrets in ``text`` that are not obviously fake."""
    found = [m.group(0) for m in TOKEN_SHAPES.finditer(text)]
    if "://" in text:
        for tok in url_tokens(text):
            for sec in find_secrets(text, tok):
                secret = text[sec.start : sec.end]
                if not fake(secret):
                    found.append(secret)
    return found


def test_the_scanner_finds_real_looking_secrets() -> None:
    """Built at run time, so that no such string is ever in the repository."""
    ghp = "ghp_" + "Ab1" * 12
    pw = "Zq8" + "x7Kp" * 4
    assert real_looking(f"token: {ghp}") == [ghp]
    assert real_looking(f"-i https://deploy:{pw}@pypi.corp.example/simple") == [pw]
    assert real_looking(f"-i https://{pw}@pypi.corp.example/simple") == [pw]
    assert real_looking("-i https://deploy:SENTINEL0123456789abcdef@h/simple") == []
    assert real_looking("-i https://u:${PIP_PASSWORD}@h/simple") == []


def test_no_real_looking_secret_is_tracked() -> None:
    files = tracked_files()
    assert len(files) > 50  # the scan saw the repository
    leaks = []
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # deleted in the work tree, or binary
        leaks += [f"{path.relative_to(ROOT)}: {s}" for s in real_looking(text)]
    assert not leaks, "use a SENTINEL... fake instead:\n" + "\n".join(leaks)
