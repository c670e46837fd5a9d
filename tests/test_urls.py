"""URL parsing, comparison, rewriting and redaction (SPEC §7, §9; reliability §3)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipsrc.redaction import MASK, credentials_in, redact, redact_url
from pipsrc.urls import (
    bare_trusted_host,
    host_port,
    identity,
    matches_glob,
    parse_url,
    rewrite_like,
    same_index,
    trusted_host_matches,
)
from tests.opcount import calls

# --------------------------------------------------------------------------- redaction

REDACTIONS = [
    # reliability §3.2, every row of the pip test table
    ("https://user:s3cr3t@h/simple", "https://user:****@h/simple"),
    (
        "https://__token__:glpat-abcDEF123@gitlab.example/api/v4/projects/7/packages/pypi/simple",
        "https://__token__:****@gitlab.example/api/v4/projects/7/packages/pypi/simple",
    ),
    (
        "https://aws:eyJhbGciOiJIUzI1NiJ9.eyJ4Ijo@dom-123.d.codeartifact.us-east-1.amazonaws.com/pypi/r/simple/",
        "https://aws:****@dom-123.d.codeartifact.us-east-1.amazonaws.com/pypi/r/simple/",
    ),
    ("https://ghp_TOKEN123@h/simple", "https://****@h/simple"),
    ("https://user:p@ss@h/simple", "https://user:****@h/simple"),
    # the pip leaks: an unencoded / # ? in the password
    ("https://user:pa/ss@h/simple", "https://user:****@h/simple"),
    ("https://user:pa#ss@h/simple", "https://user:****@h/simple"),
    ("https://user:pa?ss@h/simple", "https://user:****@h/simple"),
    ("https://h/simple?private_token=glpat-XYZ", "https://h/simple?private_token=****"),
    ("https://h/api/pypi/simple#apikey=AKCp8abc", "https://h/api/pypi/simple#apikey=****"),
    # placeholders are kept verbatim (pip mangles them)
    (
        "https://${PIP_USER}:${PIP_PASSWORD}@h/simple",
        "https://${PIP_USER}:${PIP_PASSWORD}@h/simple",
    ),
    # the scheme's case is kept (pip lower-cases it)
    ("HTTPS://USER:PW@HOST/simple", "HTTPS://USER:****@HOST/simple"),
    (
        "git+https://oauth2:TOKEN123@gitlab.example/grp/pkg.git@v1#egg=pkg",
        "git+https://oauth2:****@gitlab.example/grp/pkg.git@v1#egg=pkg",
    ),
    # §3.1 forms
    ("https://TOKEN:@h/simple", "https://****:@h/simple"),
    (
        "https://conda.anaconda.org/t/ab-12cd/conda-forge",
        "https://conda.anaconda.org/t/****/conda-forge",
    ),
    (
        "https://conda.anaconda.org/t/${ANACONDA_TOKEN}/ch",
        "https://conda.anaconda.org/t/${ANACONDA_TOKEN}/ch",
    ),
    (
        "https://dl.cloudsmith.io/AbC123/org/repo/python/simple/",
        "https://dl.cloudsmith.io/****/org/repo/python/simple/",
    ),
    (
        "https://dl.cloudsmith.io/public/org/repo/python/simple/",
        "https://dl.cloudsmith.io/public/org/repo/python/simple/",
    ),
    ("https://h/simple?apikey=k1&x=1&TOKEN=t2", "https://h/simple?apikey=****&x=1&TOKEN=****"),
    (
        "https://b.s3.amazonaws.com/i/?X-Amz-Credential=AKIA1&X-Amz-Signature=ff00&v=2",
        "https://b.s3.amazonaws.com/i/?X-Amz-Credential=****&X-Amz-Signature=****&v=2",
    ),
    (
        "https://h/?sig=abc&secret=x&passwd=y&auth=z",
        "https://h/?sig=****&secret=****&passwd=****&auth=****",
    ),
    ("https://h/?access_token=a;api_key=b", "https://h/?access_token=****;api_key=****"),
    ("https://h/simple?token=", "https://h/simple?token="),
    ("https://h/simple?token=$TOKEN", "https://h/simple?token=$TOKEN"),
    (
        "https://gitlab-ci-token:${CI_JOB_TOKEN}@gitlab.example/simple",
        "https://gitlab-ci-token:${CI_JOB_TOKEN}@gitlab.example/simple",
    ),
    ("https://$TOKEN@h/simple", "https://$TOKEN@h/simple"),
    ("https://${{ secrets.PYPI_TOKEN }}@h/simple", "https://${{ secrets.PYPI_TOKEN }}@h/simple"),
    ("https://u:${{ secrets.PW }}@h/simple", "https://u:${{ secrets.PW }}@h/simple"),
    ("https://${{ secrets.U }}:literal@h/simple", "https://${{ secrets.U }}:****@h/simple"),
    ("https://u:{{ pypi_password }}@h/simple", "https://u:{{ pypi_password }}@h/simple"),
    ("https://u:%PIP_PW%@h/simple", "https://u:%PIP_PW%@h/simple"),
    ("https://u:<password>@h/simple", "https://u:<password>@h/simple"),
    # literal defaults inside placeholders are secrets
    ("https://${CRED:-deploy:hunter2}@h/simple", "https://****@h/simple"),
    ("https://u:${PW:-hunter2}@h/simple", "https://u:****@h/simple"),
    ("${IDX:-https://u:hunter2@h/simple}", "${IDX:-https://u:****@h/simple}"),
    # percent-encoded userinfo
    ("https://user%40corp:p%40ss%2Fw@h/simple", "https://user%40corp:****@h/simple"),
    ("https://tok%3Aen@h/simple", "https://****@h/simple"),
    (
        "https://%24%7BPIP_USER%7D:%24%7BPIP_PASSWORD%7D@h/simple",
        "https://%24%7BPIP_USER%7D:%24%7BPIP_PASSWORD%7D@h/simple",
    ),
    (
        "git+https://u:pa/ss@gitlab.example/g/p.git@v1#egg=p",
        "git+https://u:****@gitlab.example/g/p.git@v1#egg=p",
    ),
    (
        "git+https://oauth2:p@ss?@gitlab.example/g/p.git@v1",
        "git+https://oauth2:****@gitlab.example/g/p.git@v1",
    ),
    ("git+https://u:pw@gitlab.example", "git+https://u:****@gitlab.example"),
    # no credentials: unchanged, including VCS revisions and ssh user names
    ("git+https://github.com/org/repo.git@v1", "git+https://github.com/org/repo.git@v1"),
    # a revision with a slash is ambiguous: over-redacted, never leaked
    ("git+https://github.com/org/repo.git@feature/x", "git+https://****@feature/x"),
    (
        "git+https://github.com/org/repo.git@v1.2#egg=repo",
        "git+https://github.com/org/repo.git@v1.2#egg=repo",
    ),
    ("git+ssh://git@github.com/org/repo.git@v1", "git+ssh://git@github.com/org/repo.git@v1"),
    ("https://mirrors.aliyun.com/pypi/simple/", "https://mirrors.aliyun.com/pypi/simple/"),
    # URLs in running text, in quotes, several per line
    (
        'ENV PIP_INDEX_URL="https://u:pw1@a.example/simple" X=https://t0k@b.example/s',
        'ENV PIP_INDEX_URL="https://u:****@a.example/simple" X=https://****@b.example/s',
    ),
    (
        "pip install -i https://u:pw@h/simple pkg@1.0",
        "pip install -i https://u:****@h/simple pkg@1.0",
    ),
    ("a://b,https://u:pw@c", "a://b,https:****@c"),
]


@pytest.mark.parametrize(("raw", "expected"), REDACTIONS)
def test_redact(raw: str, expected: str) -> None:
    assert redact(raw) == expected
    assert redact(expected) == expected  # idempotent
    assert redact_url(raw) == expected


def test_redact_without_url_is_identity() -> None:
    text = "user:password@host no scheme here"
    assert redact(text) is text


@pytest.mark.parametrize(
    "probe",
    [
        "https://" + "a" * 50000 + "!",
        "https://" + ":" * 50000,
        "https://" + "@" * 50000,
        "https://" + "a@" * 25000,
        "https://" + "{{ " * 20000,
        "https://" + "${" * 25000 + "@h",
        "https://u:" + "${a}" * 12000 + "@h",
        "https://h/?" + "?a" * 25000,
        "a://" * 20000,
        "https://h/" + "%" * 50000 + "@h",
    ],
)
def test_linear_time(probe: str) -> None:
    """Work bounded by the input: a few calls per character (counted, not timed)."""

    def everything(text: str) -> None:
        redact(text)
        credentials_in(text)
        parse_url(text)
        identity(text)

    assert calls(everything, probe) < 10 * len(probe) + 10_000  # quadratic: billions


@pytest.mark.parametrize(
    ("raw", "description"),
    [
        ("https://deploy:s3cr3t@h/simple", 'user "deploy" with a password'),
        ("https://ghp_TOKEN@h/simple", "a token as the user name"),
        ("https://TOKEN:@h/simple", "a token as the user name (empty password)"),
        ("https://h/simple?private_token=glpat-1", "a token in the query (private_token)"),
        ("https://h/simple#apikey=AKC", "a token in the fragment (apikey)"),
        ("https://conda.anaconda.org/t/abc/ch", "a token in the path (/t/...)"),
        ("https://${CRED:-u:pw}@h/simple", "credentials in the default value of a variable"),
        ("https://u:${PW:-pw}@h/simple", 'user "u" with a password in the default of a variable'),
        (
            "https://u:pw@h/simple?token=t",
            'user "u" with a password; a token in the query (token)',
        ),
    ],
)
def test_credentials_in(raw: str, description: str) -> None:
    assert credentials_in(raw) == description


@pytest.mark.parametrize(
    "raw",
    [
        "https://mirrors.aliyun.com/pypi/simple/",
        "https://${PIP_USER}:${PIP_PASSWORD}@h/simple",
        "https://gitlab-ci-token:${CI_JOB_TOKEN}@h/simple",
        "https://$TOKEN@h/simple",
        "https://${{ secrets.TOKEN }}@h/simple",
        "https://u:****@h/simple",
        "https://${PW:-}@h/simple",
        "https://${PW:-$OTHER}@h/simple",
        "git+ssh://git@github.com/o/r.git",
        "$PIP_INDEX_URL",
        "",
    ],
)
def test_not_credentials(raw: str) -> None:
    assert credentials_in(raw) is None
    assert redact(raw) == raw


def test_credentials_description_is_redacted() -> None:
    raw = "https://a@b/c:x@h/simple"  # the "user name" is a stretch of URL: never shown
    desc = credentials_in(raw)
    assert desc is not None
    assert "a@b" not in desc
    assert redact(raw) == "https://****@h/simple"


# --------------------------------------------------------------------------- property

SENSITIVE = ["token", "private_token", "apikey", "API_KEY", "password", "secret", "auth",
             "access_token", "sig", "X-Amz-Signature", "passwd"]  # fmt: skip
# characters a password may contain without ending the URL or forming a placeholder
PW_CHARS = "/#?@:!&+,;=~-._^|()[]"
SHAPES = [
    "https://{user}:{pw}@pypi.corp.example/simple/",
    "https://{user}:{pw}@pypi.corp.example:8443/simple",
    "HTTPS://{user}:{pw}@HOST.EXAMPLE/simple",
    "http://{user}:{pw}@10.0.0.1:3141/root/pypi/+simple/",
    "https://{tok}@pypi.corp.example/simple",
    "https://{tok}:@pypi.corp.example/simple",
    "git+https://oauth2:{pw}@gitlab.example/g/p.git@v1#egg=p",
    "https://pypi.corp.example/simple?{key}={sentinel}",
    "https://pypi.corp.example/simple?a=1&{key}={sentinel}&b=2",
    "https://h.example/artifactory/api/pypi/r/simple#{key}={sentinel}",
    "https://conda.anaconda.org/t/{sentinel}/conda-forge",
    "https://{user}:{pw}@h.example/simple?{key}={sentinel}",
    "${{INDEX:-https://{user}:{pw}@h.example/simple}}",
    "https://${{CRED:-{user}:{pw}}}@h.example/simple",
    "https://{user}:${{PW:-{pw}}}@h.example/simple",
]


@st.composite
def secret_documents(draw: st.DrawFn) -> tuple[str, str, str]:
    sentinel = "SENTINEL" + draw(st.binary(min_size=8, max_size=8)).hex()
    affix = st.text(alphabet=PW_CHARS, max_size=3)
    pw = draw(affix) + sentinel + draw(affix)
    if draw(st.booleans()):
        # percent-encode some characters of the password, sentinel included
        mask = draw(st.lists(st.booleans(), min_size=len(pw), max_size=len(pw)))
        pw = "".join(f"%{ord(c):02X}" if m else c for c, m in zip(pw, mask, strict=True))
    tok = draw(st.text(alphabet=PW_CHARS.replace(":", ""), max_size=3)) + sentinel
    user = draw(st.sampled_from(["user", "deploy", "__token__", "aws", "u%40corp", "${USER}"]))
    shape = draw(st.sampled_from(SHAPES))
    url = shape.format(user=user, pw=pw, tok=tok, key=draw(st.sampled_from(SENSITIVE)),
                       sentinel=sentinel)  # fmt: skip
    noise = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
    sep = st.sampled_from(["", " ", "\n", "\t", '"', "'", " = ", "\r\n"])
    text = draw(noise) + draw(sep) + url + draw(sep) + draw(noise)
    return text, sentinel, pw


@settings(deadline=None)
@given(secret_documents())
def test_redact_never_leaks_a_sentinel(doc: tuple[str, str, str]) -> None:
    text, sentinel, carried = doc  # carried: the password as written, maybe %-encoded
    out = redact(text)
    assert sentinel not in out
    assert carried not in out
    assert sentinel not in unquote(out)  # nor any percent-encoded form of it
    assert sentinel[8:] not in unquote(out)  # nor the random part after a split
    assert redact(out) == out
    desc = credentials_in(text)
    assert desc is not None
    assert sentinel[8:] not in desc


@settings(deadline=None)
@given(st.text(max_size=200))
def test_redact_is_idempotent_on_any_text(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


# --------------------------------------------------------------------------- parsing


def test_parse_url_fields() -> None:
    raw = "  HTTPS://user:pa/ss@Mirrors.Aliyun.COM.:443/pypi/simple/?a=1#frag"
    u = parse_url(raw)
    assert u is not None
    assert (u.scheme, u.host, u.port, u.explicit_port) == ("https", "mirrors.aliyun.com", None, 443)
    assert (u.path, u.query, u.fragment) == ("/pypi/simple/", "a=1", "frag")
    assert u.userinfo_span is not None
    assert raw[slice(*u.userinfo_span)] == "user:pa/ss"
    assert u.has_credentials
    assert u.host_port == "mirrors.aliyun.com"


def test_parse_url_ports_and_hosts() -> None:
    u = parse_url("http://devpi.local:3141/root/pypi/+simple/")
    assert u is not None and u.port == 3141 and u.host_port == "devpi.local:3141"
    v = parse_url("https://例子.测试/simple")
    assert v is not None and v.host == "xn--fsqu00a.xn--0zwm56d"
    w = parse_url("http://[::1]:8080/simple")
    assert w is not None and (w.host, w.port) == ("[::1]", 8080)
    f = parse_url("file:///srv/wheels")
    assert f is not None and (f.scheme, f.host, f.path) == ("file", "", "/srv/wheels")
    p = parse_url("https://download.pytorch.org/whl/${CUDA}")
    assert p is not None and p.path == "/whl/${CUDA}"
    h = parse_url("https://${MIRROR_HOST}/simple")
    assert h is not None and h.host == "${MIRROR_HOST}"


def test_parse_url_placeholder_userinfo_is_not_a_credential() -> None:
    u = parse_url("https://${PIP_USER}:${PIP_PASSWORD}@h/simple")
    assert u is not None and u.userinfo_span is not None and not u.has_credentials
    q = parse_url("https://h/simple?private_token=x")
    assert q is not None and q.userinfo_span is None and q.has_credentials


@pytest.mark.parametrize(
    "value",
    [
        "",
        "mirrors.aliyun.com",
        "mirrors.aliyun.com/pypi/simple",
        "/srv/wheels",
        "./wheels",
        "$PIP_INDEX_URL",
        "${PIP_INDEX_URL}",
        "ftp://h/simple",
        "https://",
        "https://h/simple # aliyun",
        "https://h:99999/simple",
        "https://h:abc/simple",
        'https://h/si"mple',
    ],
)
def test_parse_url_rejects(value: str) -> None:
    assert parse_url(value) is None
    assert identity(value) is None


# --------------------------------------------------------------------------- identity

EQUIVALENT = [
    ("https://pypi.org/simple", "https://pypi.org/simple/"),
    ("https://pypi.org/simple", "HTTPS://PYPI.ORG/simple"),
    ("https://pypi.org/simple", "https://pypi.org:443/simple"),
    ("http://h/simple", "http://h:80/simple/"),
    ("https://pypi.org/simple", "https://pypi.org./simple"),
    ("https://例子.测试/simple", "https://xn--fsqu00a.xn--0zwm56d/simple/"),
    ("https://h/simple", "https://user:pw@h/simple"),
    ("https://h/simple", "https://h/simple?x=1#y"),
    ("http://h:3141/root/pypi/+simple/", "http://h:3141/root/pypi/+simple"),
    (" https://h/simple ", "https://h/simple"),
]
DIFFERENT = [
    ("https://h/simple/", "https://h/+simple/"),
    ("https://h/simple", "http://h/simple"),
    ("https://h/simple", "https://h:8443/simple"),
    ("https://h/Simple", "https://h/simple"),
    ("https://pypi.org/simple", "https://test.pypi.org/simple"),
    ("https://pypi.org/simple", "https://pypi.org/"),
]


@pytest.mark.parametrize(("a", "b"), EQUIVALENT)
def test_same_index(a: str, b: str) -> None:
    assert identity(a) == identity(b)
    assert same_index(a, b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_index(a: str, b: str) -> None:
    assert not same_index(a, b)


def test_identity_shape_and_flat_links() -> None:
    assert identity("HTTPS://u:p@PyPI.org:443/simple/?q#f") == "https://pypi.org/simple"
    assert identity("https://h/wheels/", index=False) == "https://h/wheels/"
    assert identity("https://h/wheels", index=False) != identity("https://h/wheels/", index=False)
    assert not same_index("not a url", "not a url")


# --------------------------------------------------------------------------- trusted-host


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://Mirrors.Aliyun.com/pypi/simple", "mirrors.aliyun.com"),
        ("http://h:80/simple", "h"),
        ("http://h:8080/simple", "h:8080"),
        ("https://h:80/simple", "h:80"),
        ("Mirrors.Aliyun.com", "mirrors.aliyun.com"),
        ("devpi.local:3141", "devpi.local:3141"),
        ("pypi.org.", "pypi.org"),
        ("https://h/a b", None),
        ("h/simple", None),
        ("", None),
    ],
)
def test_host_port(value: str, expected: str | None) -> None:
    assert host_port(value) == expected


@pytest.mark.parametrize(
    ("entry", "url", "expected"),
    [
        ("mirrors.aliyun.com", "http://mirrors.aliyun.com/pypi/simple/", True),
        ("Mirrors.Aliyun.com", "http://mirrors.aliyun.com/pypi/simple/", True),
        ("h", "http://h:8080/simple", True),  # no port: every port
        ("h:8080", "http://h:8080/simple", True),
        ("h:8080", "http://h/simple", False),  # host:8080 does not match port 80
        ("h:8080", "http://h:80/simple", False),
        ("h:80", "http://h:80/simple", True),
        ("h:80", "http://h/simple", False),  # pip compares the written port
        ("other", "http://h/simple", False),
        ("https://mirrors.aliyun.com", "https://mirrors.aliyun.com/pypi/simple/", False),
        ("mirrors.aliyun.com/pypi/simple", "https://mirrors.aliyun.com/pypi/simple/", False),
        ("h", "not a url", False),
        ("", "http://h/simple", False),
        ("[::1]:8080", "http://[::1]:8080/simple", True),
    ],
)
def test_trusted_host_matches(entry: str, url: str, expected: bool) -> None:
    assert trusted_host_matches(entry, url) is expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("https://mirrors.aliyun.com/simple", "mirrors.aliyun.com"),
        ("https://mirrors.aliyun.com", "mirrors.aliyun.com"),
        ("http://Mirrors.Aliyun.com/pypi/simple/", "mirrors.aliyun.com"),
        ("http://devpi.local:3141/root/pypi/+simple/", "devpi.local:3141"),
        ("https://h:443/simple", "h"),
        ("https://user:pw@h/simple", "h"),
        ("mirrors.aliyun.com/pypi/simple", "mirrors.aliyun.com"),
        ("mirrors.aliyun.com", None),  # already bare: nothing to fix
        ("h:8080", None),
        ("", None),
        ("https://", None),
    ],
)
def test_bare_trusted_host(entry: str, expected: str | None) -> None:
    assert bare_trusted_host(entry) == expected


# --------------------------------------------------------------------------- rewriting


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("https://pypi.org/simple/", "https://mirrors.ustc.edu.cn/pypi/simple", "https://mirrors.ustc.edu.cn/pypi/simple/"),
        ("https://pypi.org/simple", "https://mirrors.aliyun.com/pypi/simple/", "https://mirrors.aliyun.com/pypi/simple"),
        ("https://pypi.org/simple/", "https://mirrors.aliyun.com/pypi/simple/", "https://mirrors.aliyun.com/pypi/simple/"),
        ("https://pypi.org/simple", "https://pypi.tuna.tsinghua.edu.cn/simple", "https://pypi.tuna.tsinghua.edu.cn/simple"),
        # credentials are never copied from the old value
        ("https://u:SECRET@old.example/simple/", "https://mirrors.aliyun.com/pypi/simple", "https://mirrors.aliyun.com/pypi/simple/"),
        # pages and queries keep their exact form
        ("https://x/simple/", "https://download.pytorch.org/whl/torch_stable.html", "https://download.pytorch.org/whl/torch_stable.html"),
        ("https://x/simple/", "https://h/simple?x=1", "https://h/simple?x=1"),
        ("https://x/simple", "https://pypi.nvidia.com/", "https://pypi.nvidia.com"),
    ],
)  # fmt: skip
def test_rewrite_like(old: str, new: str, expected: str) -> None:
    assert rewrite_like(old, new) == expected
    assert "SECRET" not in rewrite_like(old, new)


# --------------------------------------------------------------------------- globs


@pytest.mark.parametrize(
    ("url", "pattern", "expected"),
    [
        ("https://download.pytorch.org/whl/cu121", "https://download.pytorch.org/whl/*", True),
        ("https://download.pytorch.org/whl/${CUDA}/", "https://download.pytorch.org/whl/*", True),
        ("HTTPS://Download.PyTorch.org:443/whl/cu126", "https://download.pytorch.org/whl/*", True),
        ("https://download.pytorch.org/other", "https://download.pytorch.org/whl/*", False),
        ("http://download.pytorch.org/whl/cu121", "https://download.pytorch.org/whl/*", False),
        ("https://a.corp/simple/", "https://a.corp/simple", True),
        ("https://a.corp/simple", "https://*.corp/*", True),
        ("not a url", "*", False),
    ],
)  # fmt: skip
def test_matches_glob(url: str, pattern: str, expected: bool) -> None:
    assert matches_glob(url, pattern) is expected


def test_mask_constant() -> None:
    assert MASK == "****"
