"""One redaction function, applied to every output (catalogue F18 and our own cases).

``pipsrc.redaction.redact`` is the choke point; these tests pin what it masks and what it
must leave alone, then check that every output pipsrc has (text, JSON, ``--diff``
with its context lines, ``--output`` files, usage and policy errors, internal errors)
passes through it. The secrets are fake sentinels (``SENTINEL...``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipsrc import kinds, urls
from pipsrc.cli import main
from pipsrc.engine import run as engine_run
from pipsrc.redaction import credentials_in, redact
from pipsrc.urls import identity, parse_url
from tests.opcount import calls
from tests.reliability.harness import NEW, OLD, invoke

S = "SENTINEL5ec7e7"
PW = f"https://deploy:{S}@pypi.corp.example/simple"

# (input, expected output): exactly what is masked and what is kept
REDACT = [
    (f"https://deploy:{S}@h/simple", "https://deploy:****@h/simple"),
    (f"https://{S}@h/simple", "https://****@h/simple"),  # a token alone in the userinfo
    (f"https://u:p%40ss%25{S}@h/simple", "https://u:****@h/simple"),  # percent-encoded
    (f"https://u%40corp:{S}%3A%2F@h/", "https://u%40corp:****@h/"),
    (f"https://u:pa/ss#{S}?x@h/simple", "https://u:****@h/simple"),  # /, #, ? in a password
    (f"https://u:{S}@h/a https://v:{S}@g/b", "https://u:****@h/a https://v:****@g/b"),
    (f"'https://u:{S}@h/'", "'https://u:****@h/'"),
    (f"https://${{USER}}:{S}@h/s", "https://${USER}:****@h/s"),  # a literal next to a var
    (f"https://u:${{TOKEN:-{S}}}@h/", "https://u:****@h/"),  # a literal default
    (f"https://$USER:x$PASS{S}@h", "https://$USER:****@h"),
    (f"https://h/simple?token={S}&a=1", "https://h/simple?token=****&a=1"),
    (f"https://conda.anaconda.org/t/{S}-x1/main", "https://conda.anaconda.org/t/****/main"),
    (
        f"https://dl.cloudsmith.io/{S}/org/repo/python/simple/",
        "https://dl.cloudsmith.io/****/org/repo/python/simple/",
    ),
    (
        f"git+https://oauth2:{S}@gitlab.example/p.git@v1#egg=p",
        "git+https://oauth2:****@gitlab.example/p.git@v1#egg=p",
    ),
    (f"HTTPS://U:{S}@H/", "HTTPS://U:****@H/"),
    ("git+https:///@@", "git+https://****@"),  # found by test_fuzz_redact: was not idempotent
    (f"git+https://u:p/{S}@host/r.git@v1", "git+https://u:****@host/r.git@v1"),
    # placeholders are not secrets: kept so the message still says what is configured
    ("https://${USER}:${TOKEN}@h/simple", "https://${USER}:${TOKEN}@h/simple"),
    ("https://$PASS@h/simple", "https://$PASS@h/simple"),
    ("https://${{ secrets.PYPI }}@h/", "https://${{ secrets.PYPI }}@h/"),
    ("https://%PIP_TOKEN%@h/", "https://%PIP_TOKEN%@h/"),
    ("https://user@h/", "https://****@h/"),  # token-only form: a bare user is masked too
    ("no url here: u:p@h", "no url here: u:p@h"),
]


@pytest.mark.parametrize(("raw", "shown"), REDACT)
def test_redact(raw: str, shown: str) -> None:
    assert redact(raw) == shown
    assert redact(shown) == shown  # idempotent
    assert S not in redact(raw)


def test_credentials_described_without_the_secret() -> None:
    assert credentials_in(PW) == 'user "deploy" with a password'
    assert credentials_in("https://${USER}:${TOKEN}@h/") is None
    assert credentials_in(f"https://u:${{T:-{S}}}@h/") is not None


# --- linear time: every URL scanner on inputs of size n and 4n ---------------------------

ADVERSARIAL = {
    "letters then !": lambda n: "https://" + "a" * n + "!",
    "colons": lambda n: "https://" + ":" * n,
    "at signs": lambda n: "https://" + "@" * n,
    "schemes": lambda n: "a://" * (n // 4),
    "braces": lambda n: "https://" + "{{ " * (n // 3),
    "GitHub expressions": lambda n: "https://${{" * (n // 11),
    "query pairs": lambda n: "https://h/?" + "token=&" * (n // 7),
    "anaconda tokens": lambda n: "https://h" + "/t/" * (n // 3),
    "percent": lambda n: "https://u:" + "%" * n + "@h",
    "substitutions": lambda n: "https://u:" + "$(" * (n // 2) + "@h",
    "vcs revisions": lambda n: "git+https://h/" + "@/" * (n // 2),
    "placeholders": lambda n: "https://" + "$A" * (n // 2) + "@h",
    "spaces": lambda n: "https://u:p" + " " * n + "@h",
}
FUNCTIONS = {
    "redact": redact,
    "credentials_in": credentials_in,
    "parse_url": parse_url,
    "identity": identity,
    "host_port": urls.host_port,
    "bare_trusted_host": urls.bare_trusted_host,
}


@pytest.mark.parametrize("shape", list(ADVERSARIAL))
def test_url_scanners_are_linear(shape: str) -> None:
    """Calls at 4n over calls at n: about 4 when linear, 16 when quadratic."""
    make = ADVERSARIAL[shape]
    small, big = make(5_000), make(20_000)
    for name, fn in FUNCTIONS.items():
        c_small, c_big = calls(fn, small), calls(fn, big)
        assert c_big < 6 * c_small + 200, f"{name} on {shape}: {c_small:,} -> {c_big:,} calls"


# --- every output -----------------------------------------------------------------------


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_text(
        f"# was {PW}\n-i {OLD}\n--extra-index-url {PW}\nflask\n", encoding="utf-8"
    )
    (tmp_path / "Dockerfile").write_text(
        f"FROM python:3.12\nENV PIP_INDEX_URL=https://{S}@pypi.tuna.tsinghua.edu.cn/simple\n"
        "RUN pip install x\n",
        encoding="utf-8",
    )
    return tmp_path


def _both_streams(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("check",),
        ("check", "--format", "json"),
        ("fix", "--diff"),
        ("fix", "--diff", "--unsafe-fixes"),
        ("fix", "--diff", "--format", "json"),
        ("check", "--quiet"),
    ],
    ids=lambda a: " ".join(a),
)
def test_no_secret_in_any_output(tmp_path: Path, args: tuple[str, ...]) -> None:
    repo = _repo(tmp_path)
    code, out, err = _both_streams(*args, "--mirror", "aliyun", str(repo))
    assert code == 1
    assert "PS301" in out + err or "+-i" in out  # something about the secret was said
    assert S not in out and S not in err
    assert "deploy:****@" in out + err


def test_diff_context_lines_are_redacted(tmp_path: Path) -> None:
    """F18: the line next to a change, and the changed line itself, keep `u:****@`."""
    repo = _repo(tmp_path)
    code, out, err = _both_streams(
        "fix", "--diff", "--unsafe-fixes", "--mirror", "aliyun", str(repo)
    )
    assert code == 1
    assert " # was https://deploy:****@pypi.corp.example/simple\n" in out  # context line
    assert f"--i {OLD}\n+-i {NEW}\n" in out
    assert "-ENV PIP_INDEX_URL=https://****@pypi.tuna.tsinghua.edu.cn/simple" in out
    assert S not in out + err


def test_output_file_is_redacted(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    repo = _repo(tmp_path / "r")
    report = tmp_path / "out.json"
    invoke("check", "--mirror", "aliyun", "--format", "json", "-o", str(report), str(repo))
    assert "PS301" in report.read_text(encoding="utf-8")
    assert S not in report.read_text(encoding="utf-8")


def test_usage_and_policy_errors_are_redacted(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(f"-i {OLD}\n", encoding="utf-8")
    (tmp_path / "pipsrc.toml").write_text(f'index = "{PW}"\nallow-http = "{PW}"\n', "utf-8")
    runs = [
        invoke("check", str(tmp_path)),
        invoke("check", "--policy", f"/nonexistent/{PW}", str(tmp_path)),
        invoke("check", "--mirror", PW, "--proxy", PW, str(tmp_path)),
        invoke("check", "--select", PW, str(tmp_path)),
        invoke("check", str(tmp_path / PW.replace("/", "_"))),
    ]
    for r in runs:
        assert r.code == 2, r.out
        assert S not in r.out, r.out


def test_internal_error_and_parser_crash_are_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "requirements.txt").write_text(f"-i {PW}\n", encoding="utf-8")

    def boom(*a: object, **kw: object) -> object:
        raise ValueError(f"could not read {PW}\nTraceback (most recent call last): {PW}")

    monkeypatch.setattr(kinds, "parse", boom)
    r = invoke("check", "--mirror", "aliyun", str(tmp_path))
    assert "internal error while parsing (ValueError)" in r.out and S not in r.out
    monkeypatch.setattr(engine_run, "collect", boom)
    r = invoke("fix", "--mirror", "aliyun", str(tmp_path))
    assert r.code == 3 and "internal error: ValueError: could not read" in r.out
    assert S not in r.out and re.search(r"deploy:\*{4}@", r.out)
