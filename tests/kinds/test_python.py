"""Python scripts: pip commands and index variables located exactly, string literals read
character by character, scopes as the script runs them."""

from __future__ import annotations

import ast
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipsrc.api import fix_text
from pipsrc.context import Context
from pipsrc.kinds import interesting, parse
from pipsrc.model import Document, InstallSite, Method
from pipsrc.policy import Policy
from pipsrc.resolution import effective_index
from pipsrc.syntax.pystrings import literal_chunks, value_of
from tests.kinds.spans import assert_spans, line, one

A = "https://a.example/simple"
B = "https://b.example/simple"
PYPI = "https://pypi.org/simple"
ALIYUN = "https://mirrors.aliyun.com/pypi/simple"
PATH = "tools/build.py"
HEAD = "import os\nimport subprocess\nimport sys\n\n"


def doc_of(text: str) -> Document:
    doc = parse("python", text, PATH)
    assert_spans(doc)
    assert not doc.problems, doc.problems
    return doc


def index_at(doc: Document, site: InstallSite) -> str | None:
    eff = effective_index(doc, site, Context(Policy(), {doc.path: doc}))
    return None if eff.setting is None else eff.setting.value


def test_list_command_with_sys_executable() -> None:
    text = HEAD + f'subprocess.run([sys.executable, "-m", "pip", "install", "-i", "{A}", "x"])\n'
    doc = doc_of(text)
    (site,) = doc.sites
    assert site.command == "python -m pip install"
    s = one(doc, key="-i")
    assert s.value == A and s.editable and s.method is Method.CLI
    assert text[s.span.start - 1] == '"' and text[s.span.end] == '"'
    # removed with its flag, item by item: the list stays a list
    assert s.removal is not None
    assert text[s.removal.start : s.removal.end] == f'"-i", "{A}", '
    assert s.sibling is not None and s.sibling.offset == s.span.end + 1
    assert index_at(doc, site) == A


def test_attached_option_and_aliases() -> None:
    text = (
        "from subprocess import check_call as cc\nimport subprocess as sp\n"
        f"cc(['pip', 'install', '--index-url={A}', 'x'])\n"
        f"sp.Popen(('uv', 'pip', 'install', '--extra-index-url', '{B}', 'y'))\n"
    )
    doc = doc_of(text)
    assert [x.command for x in doc.sites] == ["pip install", "uv pip install"]
    s = one(doc, key="--index-url")
    assert s.value == A and text[s.span.start : s.span.end] == A
    assert text[s.removal.start : s.removal.end] == f"'--index-url={A}', "  # type: ignore[union-attr]
    e = one(doc, key="--extra-index-url")
    assert e.value == B and e.tool.value == "uv"


def test_string_commands_are_shell() -> None:
    text = HEAD + (
        f'os.system("pip install -i {A} x && echo ok")\n'
        f"subprocess.run('pip3 install --index-url {B} y', shell=True)\n"
        f"subprocess.check_output('pip install -i {A} z'.split())\n"
    )
    doc = doc_of(text)
    assert len(doc.sites) == 3
    for s in doc.settings:
        assert s.editable and text[s.span.start : s.span.end] == s.value
        assert doc.scope(s.scope).id.startswith("sh@")  # type: ignore[union-attr]
    assert [line(doc, s) for s in doc.settings] == [5, 6, 7]


def test_escapes_and_implicit_concatenation_are_reported_not_edited() -> None:
    text = HEAD + (
        'os.system("pip install -i \\x68ttps://a.example/simple x")\n'
        'subprocess.run(["pip", "install", "-i", "https://a.example" "/simple", "y"])\n'
        'os.environ["PIP_INDEX_URL"] = ("https://b.example"\n    "/simple")\n'
    )
    doc = doc_of(text)
    values = sorted((s.value, s.editable) for s in doc.settings)
    assert values == [(A, False), (A, False), (B, False)]


def test_raw_and_byte_prefixes_and_triple_quotes() -> None:
    text = HEAD + (
        f"os.system(r'pip install -i {A} x')\n"
        f'os.system("""pip install\\\n -i {B} y""")\n'
        f"subprocess.run([b'pip', b'install', b'-i', rb'{A}', b'z'])\n"
    )
    doc = doc_of(text)
    got = [(s.value, s.editable) for s in doc.settings]
    assert got == [(A, True), (B, True), (A, True)]


def test_fstring_fields_and_module_constants() -> None:
    text = HEAD + (
        f'MIRROR = "{A}"\n'
        'subprocess.run(["pip", "install", "-i", MIRROR, "x"])\n'
        'subprocess.run(f"pip install -i {MIRROR} y", shell=True)\n'
        'subprocess.run(f"pip install -i {url} z", shell=True)\n'
    )
    doc = doc_of(text)
    first, second, third = [s for s in doc.settings if s.key == "-i"]
    # a constant's value is edited where it is defined
    assert first.value == A and first.editable and line(doc, first) == 5
    assert (
        first.use_span is not None and text[first.use_span.start : first.use_span.end] == "MIRROR"
    )
    assert second.value == A and not second.editable  # through the f-string: reported only
    assert third.value is None and not third.editable


def test_an_fstring_naming_a_parameter_in_a_command_list() -> None:
    """A field that is no module constant (a parameter) in an item of a command list is an
    unknown part of the word, not an internal error that skips the file."""
    text = HEAD + (
        "def alive(pid):\n"
        '    subprocess.run(["tasklist", "/FI", f"PID eq {pid}", f"{MIRROR}-{pid}"])\n'
        f'    subprocess.run(["pip", "install", "-i", "{A}", "six"])\n'
    )
    doc = doc_of(text)
    (index,) = [s for s in doc.settings if s.key == "-i"]
    assert index.value == A and index.editable


def test_environ_assignments_and_their_line_edits() -> None:
    text = HEAD + (
        f'os.environ["PIP_INDEX_URL"] = "http://{A[8:]}"\n'
        f'os.environ.setdefault("PIP_EXTRA_INDEX_URL", "{B}")\n'
        f'os.putenv("UV_DEFAULT_INDEX", "{A}")\n'
        'os.environ["UNRELATED"] = "x"\n'
        'subprocess.run(["pip", "install", "x"])\n'
    )
    doc = doc_of(text)
    idx = one(doc, key="PIP_INDEX_URL")
    assert idx.method is Method.PYTHON_ENV and idx.scope == "file"
    assert idx.removal is not None
    assert (
        text[idx.removal.start : idx.removal.end]
        == f'os.environ["PIP_INDEX_URL"] = "http://{A[8:]}"\n'
    )
    assert idx.sibling is not None
    assert idx.sibling.render("h:1") == 'os.environ["PIP_TRUSTED_HOST"] = "h:1"\n'
    assert one(doc, key="PIP_EXTRA_INDEX_URL").value == B
    assert one(doc, key="UV_DEFAULT_INDEX").tool.value == "uv"
    assert index_at(doc, doc.sites[0]) == "http://" + A[8:]


def test_statement_alone_in_its_block_is_not_removable() -> None:
    text = HEAD + f'if True:\n    os.environ["PIP_INDEX_URL"] = "{A}"\n'
    s = one(doc_of(text), key="PIP_INDEX_URL")
    assert s.removal is None and s.sibling is None


def test_env_mapping_scopes() -> None:
    text = HEAD + (
        f'os.environ["PIP_INDEX_URL"] = "{A}"\n'
        'subprocess.run(["pip", "install", "a"], env={**os.environ, "PIP_EXTRA_INDEX_URL": "'
        + B
        + '"})\n'
        f'subprocess.run(["pip", "install", "b"], env={{"PIP_INDEX_URL": "{B}"}})\n'
        'subprocess.run(["pip", "install", "c"], env={"PATH": "/usr/bin"})\n'
        'subprocess.run(["pip", "install", "d"], env=dict(os.environ, UV_INDEX="u=' + B + '"))\n'
        'subprocess.run(["pip", "install", "e"], env=my_env)\n'
    )
    doc = doc_of(text)
    a, b, c, d, e = doc.sites
    assert index_at(doc, a) == A  # the caller's environment, and an extra index
    assert index_at(doc, b) == B  # a fresh environment
    assert index_at(doc, c) is None  # fresh, without the module's PIP_INDEX_URL
    assert index_at(doc, d) == A
    scope = doc.scope(e.scope)
    assert scope is not None and scope.opaque_config  # what my_env holds is not seen
    assert one(doc, key="UV_INDEX").value == B  # the name= of uv's item is not the URL


def test_functions_inherit_the_module_environment() -> None:
    text = HEAD + (
        "def install():\n"
        '    subprocess.run(["pip", "install", "x"])\n'
        f'    os.environ["PIP_INDEX_URL"] = "{B}"\n'
        '    subprocess.run(["pip", "install", "y"])\n\n\n'
        f'os.environ["PIP_INDEX_URL"] = "{A}"\n'
    )
    doc = doc_of(text)
    first, second = doc.sites
    assert first.scope == "def:install@5"
    assert index_at(doc, first) == A  # set when the module ran, before install() is called
    assert index_at(doc, second) == B


def test_pip_main() -> None:
    text = f"import pip\npip.main(['install', '-i', '{A}', 'x'])\n"
    doc = doc_of(text)
    (site,) = doc.sites
    s = one(doc, key="-i")
    assert site.command == "pip install" and s.value == A and s.editable
    assert text[s.removal.start : s.removal.end] == f"'-i', '{A}', "  # type: ignore[union-attr]


def test_syntax_error_is_a_located_problem() -> None:
    text = HEAD + f'os.environ["PIP_INDEX_URL"] = "{A}"\nif True\n'
    doc = parse("python", text, PATH)
    (problem,) = doc.problems
    assert problem.blocks_fix and "line" in problem.message
    assert 0 <= problem.offset <= len(text)


def test_non_ascii_text_keeps_offsets() -> None:
    text = HEAD + f'# 清华镜像\nos.environ["PIP_INDEX_URL"] = "{A}"  # 镜像\n'
    s = one(doc_of(text), key="PIP_INDEX_URL")
    assert text[s.span.start : s.span.end] == A
    assert s.removal is None  # a comment after it: the line is not only the statement


def test_prefilter() -> None:
    assert interesting("python", HEAD + 'subprocess.run(["pip", "install", "x"])\n')
    assert interesting("python", 'import os\nos.environ["PIP_INDEX_URL"] = "x"\n')
    assert not interesting("python", "import os\nprint(os.getcwd())\n")
    # pip named in a docstring only: no command runs it
    assert not interesting("python", '"""Install with pip install x."""\nx = 1\n')
    assert not interesting("python", "pipeline = subprocess.run(['make'])\n")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            HEAD + f'subprocess.run(["pip", "install", "-i", "{PYPI}", "x"])\n',
            HEAD + f'subprocess.run(["pip", "install", "-i", "{ALIYUN}", "x"])\n',
        ),
        (
            HEAD + f'os.system("pip install -i {PYPI} x")\n',
            HEAD + f'os.system("pip install -i {ALIYUN} x")\n',
        ),
        (
            HEAD + f'os.environ["PIP_INDEX_URL"] = "{PYPI}"\n',
            HEAD + f'os.environ["PIP_INDEX_URL"] = "{ALIYUN}"\n',
        ),
        (
            HEAD + f"subprocess.run(f'pip install -i {PYPI} {{pkg}}', shell=True)\n",
            HEAD + f"subprocess.run(f'pip install -i {ALIYUN} {{pkg}}', shell=True)\n",
        ),
    ],
)
def test_fix_splices_the_literal(before: str, after: str) -> None:
    policy = Policy().with_index("aliyun")
    fixed = fix_text(before, PATH, policy, cli_index=True)
    assert fixed == after
    compile(fixed, PATH, "exec")


# --- string literals against Python's own reading ----------------------------------------

_PREFIXES = ("", "r", "b", "rb", "u", "R", "Br")
_QUOTES = ("'", '"', "'''", '"""')
_BODY = st.lists(
    st.one_of(
        st.sampled_from(("\\n", "\\\\", "\\'", '\\"', "\\x41", "\\101", "\\u00e9", "\\N{BULLET}",
                         "\\q", "\\\n", "{", "}", "é", " ", "https://a/", "-i")),
        st.text(st.characters(exclude_characters="\\'\"\r\n", exclude_categories=("Cs",)),
                max_size=5),
    ),
    max_size=8,
).map("".join)  # fmt: skip


@given(st.sampled_from(_PREFIXES), st.sampled_from(_QUOTES), _BODY)
def test_literal_value_matches_python(prefix: str, quote: str, body: str) -> None:
    """Each chunk decodes what Python decodes; an exact chunk is its own source text."""
    token = f"{prefix}{quote}{body}{quote}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid escape sequence": kept, as Python keeps it
            expected = ast.literal_eval(token)
    except (SyntaxError, ValueError):
        return  # not a literal Python accepts (\\N in bytes, a quote closing early ...)
    if isinstance(expected, bytes):
        expected = expected.decode("latin-1")
    text = "x = " + token
    chunks = literal_chunks(token, 4)
    assert chunks is not None
    assert value_of(chunks) == expected
    for c in chunks:
        if c.exact:
            assert text[c.start : c.end] == c.value


def test_env_mapping_variables() -> None:
    text = HEAD + (
        "def release():\n"
        "    env = os.environ.copy()\n"
        '    subprocess.run(["pip", "install", "a"], env=env)\n'
        f'    env["PIP_INDEX_URL"] = "{A}"\n'
        '    subprocess.run(["pip", "install", "b"], env=env)\n'
        f'    fresh = {{"PIP_INDEX_URL": "{B}"}}\n'
        "    fresh.setdefault('PIP_TRUSTED_HOST', 'b.example')\n"
        '    subprocess.run(["pip", "install", "c"], env=fresh)\n'
        '    subprocess.run(["pip", "install", "d"], env=unknown)\n'
    )
    doc = doc_of(text)
    a, b, c, d = doc.sites
    assert a.scope == b.scope == "env:env@6"
    assert index_at(doc, a) is None and index_at(doc, b) == A  # set between the two calls
    assert index_at(doc, c) == B and one(doc, key="PIP_TRUSTED_HOST").value == "b.example"
    assert d.opaque_config and not (a.opaque_config or b.opaque_config or c.opaque_config)
    s = one(doc, key="PIP_INDEX_URL", value=A)
    assert s.removal is not None and s.sibling is not None
    assert s.sibling.render("h") == '    env["PIP_TRUSTED_HOST"] = "h"\n'


def test_environ_update_and_mapping_update() -> None:
    text = HEAD + (
        f'os.environ.update({{"PIP_INDEX_URL": "{A}"}}, PIP_TRUSTED_HOST="a.example")\n'
        "env = dict(os.environ)\n"
        f'env.update(UV_DEFAULT_INDEX="{B}")\n'
        'subprocess.run(["uv", "pip", "install", "x"], env=env)\n'
    )
    doc = doc_of(text)
    assert one(doc, key="PIP_INDEX_URL").scope == "file"
    assert one(doc, key="PIP_TRUSTED_HOST").value == "a.example"
    uv = one(doc, key="UV_DEFAULT_INDEX")
    assert uv.scope == doc.sites[0].scope == "env:env@6"
    assert index_at(doc, doc.sites[0]) == B


def test_coding_line_and_non_ascii_before_the_setting() -> None:
    """libcst counts UTF-8 bytes whatever the coding line says; offsets are characters."""
    text = (
        f'# -*- coding: latin-1 -*-\nimport os\nNOTE = "é镜像"\nos.system("pip install -i {A} x")\n'
    )
    s = one(doc_of(text), key="-i")
    assert text[s.span.start : s.span.end] == A and s.editable


def test_parsing_prints_no_warning_of_python_s() -> None:
    """CPython is asked about nesting first; its warnings about the script are not shown."""
    text = HEAD + 'PATTERN = "\\d+"\n' + f'os.system("pip install -i {A} x")\n'
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = doc_of(text)
    assert not caught, [str(w.message) for w in caught]
    assert one(doc, key="-i").value == A


def test_a_truncated_escape_is_kept_not_decoded() -> None:
    """``\\x-`` and ``\\u`` without their hex digits (Python refuses them; libcst does not):
    the literal is read, its text kept, and nothing crashes."""
    from pipsrc.api import Policy, check_text

    policy = Policy().with_index("aliyun")
    for text in (
        "import os\nos.environ['PIP_EXTRA_INDEX_URL'] = 'https://pypi\\una.tsinghua.edu.cn/s'\n",
        "import subprocess\nsubprocess.run('pip install --x\\x-y https://a.example/s/ f', "
        "shell=True)\n",
    ):
        findings = check_text(text, "build.py", policy)
        assert findings and all("internal error" not in f.message for f in findings), findings
