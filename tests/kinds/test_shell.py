"""Shell parser: located settings, sites and problems (reliability.md §5 S1-S14)."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipsrc.kinds import shell
from pipsrc.model import Document, Method, Setting, SettingKind, Tool
from pipsrc.syntax import bashtree
from tests.kinds.spans import assert_spans as check_spans
from tests.kinds.spans import line, one

K = SettingKind
HAS_PIPCONF = importlib.util.find_spec("pipsrc.kinds.pipconf") is not None
needs_pipconf = pytest.mark.skipif(not HAS_PIPCONF, reason="pipsrc.kinds.pipconf not written yet")


def assert_spans(doc: Document) -> None:
    check_spans(doc)


def p(text: str) -> Document:
    doc = shell.parse(text, "x.sh")
    assert_spans(doc)
    return doc


def apply(text: str, span: object, new: str) -> str:
    return text[: span.start] + new + text[span.end :]  # type: ignore[attr-defined]


# -- S1..S14 --------------------------------------------------------------------


def test_s1_literal_flags_and_dynamic_config() -> None:
    doc = p(
        "pip install -i https://old.example/simple --trusted-host old.example pkg"
        ' && pip config set global.index-url "$URL"\n'
    )
    idx = one(doc, key="-i")
    assert (idx.kind, idx.method, idx.value, idx.editable) == (
        K.INDEX, Method.CLI, "https://old.example/simple", True,
    )  # fmt: skip
    th = one(doc, kind=K.TRUSTED_HOST)
    assert th.value == "old.example" and th.site == idx.site == 0
    cfg = one(doc, method=Method.PIP_CONFIG)
    assert cfg.value is None and not cfg.editable and cfg.raw == "$URL"
    assert doc.sites[0].command == "pip install"
    assert doc.sites[0].settings == [idx, th]
    assert doc.fixable


def test_s2_index_url_equals_spans_only_url() -> None:
    doc = p("python -m pip install --index-url=https://old.example/simple pkg\n")
    s = one(doc, key="--index-url")
    assert s.raw == "https://old.example/simple" and s.editable
    assert doc.sites[0].command == "python -m pip install"
    assert doc.text[s.removal.start : s.removal.end] == "--index-url=https://old.example/simple "  # type: ignore[union-attr]


def test_s3_uv_single_quotes() -> None:
    doc = p("uv pip install --extra-index-url 'https://old.example/simple' z\n")
    s = one(doc, kind=K.EXTRA_INDEX)
    assert s.tool is Tool.UV and s.raw == "https://old.example/simple" and s.editable
    assert doc.text[s.span.start - 1] == "'"
    assert doc.sites[0].command == "uv pip install" and doc.sites[0].tool is Tool.UV


def test_s4_command_substitution_is_unresolved() -> None:
    doc = p('pip install -i "$(cat /run/secrets/idx)" x\n')
    s = one(doc, key="-i")
    assert s.value is None and not s.editable


def test_s5_heredoc_pip_conf_quoted() -> None:
    doc = p("cat > /etc/pip.conf <<'EOF'\n[global]\nindex-url = https://old.example/simple\nEOF\n")
    assert doc.scopes[0].config_files == ["/etc/pip.conf"]
    if HAS_PIPCONF:
        s = one(doc, method=Method.PIP_CONF)
        assert s.value == "https://old.example/simple" and line(doc, s) == 3 and s.editable


def test_s6_comment_is_not_a_setting() -> None:
    doc = p("# pip install -i https://old.example/simple\n# pip config set global.index-url x\n")
    assert doc.settings == [] and doc.sites == []
    assert doc.comments[0].text == " pip install -i https://old.example/simple"
    assert doc.comments[0].own_line


def test_s7_prefix_and_export() -> None:
    doc = p(
        "PIP_INDEX_URL=https://old.example/simple pip install x\n"
        "export PIP_EXTRA_INDEX_URL=https://old.example/simple\n"
    )
    a = one(doc, key="PIP_INDEX_URL")
    assert a.method is Method.ENV and a.site == 0 and a in doc.sites[0].settings
    b = one(doc, key="PIP_EXTRA_INDEX_URL")
    assert b.kind is K.EXTRA_INDEX and b.site is None and line(doc, b) == 2
    assert doc.text[b.removal.start : b.removal.end] == doc.text.splitlines(True)[1]  # type: ignore[union-attr]
    assert b.sibling is not None and b.sibling.render("h") == "export PIP_TRUSTED_HOST=h\n"


def test_s8_array_arguments() -> None:
    doc = p('ARGS=(-i https://old.example/simple); pip install "${ARGS[@]}" p\n')
    s = one(doc, key="-i")
    assert s.value == "https://old.example/simple" and s.site == 0 and s.editable


def test_s9_unterminated_quote_blocks_fix() -> None:
    doc = p('pip install -i "https://old.example/simple pkg\n')
    assert not doc.fixable
    assert any("could not parse shell" in pr.message for pr in doc.problems)
    assert all(not s.editable for s in doc.settings)


def test_s10_crlf_warning_and_spans() -> None:
    doc = p("pip install -i https://old.example/simple x\r\npip3 install y\r\n")
    s = one(doc, key="-i")
    assert s.raw == "https://old.example/simple"
    assert any("CRLF" in pr.message and not pr.blocks_fix for pr in doc.problems)
    assert len(doc.sites) == 2


def test_s11_non_ascii_offsets() -> None:
    text = "echo 镜像 && pip install -i https://old.example/simple pkg\n"
    doc = p(text)
    s = one(doc, key="-i")
    assert s.span.start == text.index("https://")
    assert apply(text, s.span, "https://new/simple") == text.replace(
        "https://old.example/simple", "https://new/simple"
    )


def test_s12_deep_nesting_no_recursion_error() -> None:
    text = "echo " + "$(" * 500 + "x" + ")" * 500 + "\n"
    doc = p(text)
    assert any("too deeply nested" in pr.message for pr in doc.problems)


def test_s13_case() -> None:
    doc = p("case $A in a) pip install -i https://old.example/simple p;; esac\n")
    assert one(doc, key="-i").editable


def test_s14_spellings() -> None:
    doc = p(
        "pip3.12 install -i https://a/simple x\n"
        "sudo -H pip install -i https://b/simple x\n"
        "python3 -m pip install -i https://c/simple x\n"
        '"$PYTHON" -m pip install -i https://d/simple x\n'
        "/opt/venv/bin/pip install -i https://e/simple x\n"
        "conda run -n env pip install -i https://f/simple x\n"
        "poetry run pip install -i https://g/simple x\n"
        "pipenv run pip download -i https://h/simple x\n"
        "python3.11 -m pip wheel -i https://i/simple x\n"
        "pip2 install -i https://j/simple x\n"
    )
    cmds = [s.command for s in doc.sites]
    assert cmds == [
        "pip3.12 install", "pip install", "python3 -m pip install", "$PYTHON -m pip install",
        "pip install", "pip install", "pip install", "pip download", "python3.11 -m pip wheel",
        "pip2 install",
    ]  # fmt: skip
    assert [line(doc, s) for s in doc.settings] == list(range(1, 11))


# -- flags ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cmd", "key", "kind", "value"),
    [
        ("pip install -ihttps://x/simple p", "-i", K.INDEX, "https://x/simple"),
        ("pip install --index https://x/simple p", "--index", K.INDEX, "https://x/simple"),
        ("pip install --extra https://x/simple p", "--extra", K.EXTRA_INDEX, "https://x/simple"),
        ("pip install --trusted x.org p", "--trusted", K.TRUSTED_HOST, "x.org"),
        ("pip install --find /wheels p", "--find", K.FIND_LINKS, "/wheels"),
        ("pip install -f https://x/links p", "-f", K.FIND_LINKS, "https://x/links"),
        ("pip install --no-index p", "--no-index", K.NO_INDEX, "true"),
        ("uv pip install --default-index https://x/simple p", "--default-index", K.INDEX,
         "https://x/simple"),
        ("uv pip install --index name=https://x/simple p", "--index", K.EXTRA_INDEX,
         "https://x/simple"),
        ("uv pip install --allow-insecure-host x.org p", "--allow-insecure-host",
         K.TRUSTED_HOST, "x.org"),
    ],
)  # fmt: skip
def test_flag_forms(cmd: str, key: str, kind: SettingKind, value: str) -> None:
    doc = p(cmd + "\n")
    s = one(doc, key=key)
    assert (s.kind, s.value, s.method) == (kind, value, Method.CLI)
    assert s.site == 0


def test_ambiguous_prefix_is_not_a_setting() -> None:
    assert p("pip install --no-i p\n").settings == []


def test_i_equals_is_ineffective() -> None:
    doc = p("pip install -i=https://x/simple p\n")
    s = one(doc, key="-i")
    assert s.raw == "https://x/simple" and s.ineffective and "=URL" in s.ineffective


def test_requirement_files_and_sibling_and_removal() -> None:
    text = "pip install -r req.txt --constraint=c.txt -i https://x/simple && echo ok\n"
    doc = p(text)
    assert doc.sites[0].requirement_files == ["req.txt", "c.txt"]
    s = one(doc, key="-i")
    assert s.sibling is not None
    out = text[: s.sibling.offset] + s.sibling.render("x") + text[s.sibling.offset :]
    assert "-i https://x/simple --trusted-host x && echo" in out
    assert s.removal is not None
    assert apply(text, s.removal, "") == "pip install -r req.txt --constraint=c.txt && echo ok\n"


def test_variable_resolution_definition_span() -> None:
    text = "IDX=https://old/simple\npip install -i $IDX x\npip install -i ${NOPE} y\n"
    doc = p(text)
    a, b = doc.settings
    assert a.value == "https://old/simple" and line(doc, a) == 1 and a.editable
    assert a.use_span is not None and text[a.use_span.start : a.use_span.end] == "$IDX"
    assert a.position == a.use_span.start
    assert b.value is None and not b.editable and b.raw == "${NOPE}"


def test_default_expansion_span() -> None:
    text = 'pip install -i "${MIRROR:-https://d/simple}" x\n'
    s = one(p(text), key="-i")
    assert s.raw == "https://d/simple" and s.editable and s.use_span is not None


def test_plain_assignment_then_export() -> None:
    doc = p("PIP_INDEX_URL=https://a/simple\necho hi\nexport PIP_INDEX_URL\n")
    s = one(doc, key="PIP_INDEX_URL")
    assert line(doc, s) == 1 and s.use_span is not None and s.position > s.span.start


def test_plain_assignment_alone_is_not_a_setting() -> None:
    assert p("PIP_INDEX_URL=https://a/simple\n").settings == []


def test_export_list_and_uv_names() -> None:
    doc = p('export PIP_TRUSTED_HOST="a.org b.org"\nexport UV_INDEX="n=https://u/simple"\n')
    a, b, c = doc.settings
    assert (a.value, b.value) == ("a.org", "b.org")
    assert a.removal is not None and doc.text[a.removal.start : a.removal.end] == "a.org "
    assert c.tool is Tool.UV and c.raw == "https://u/simple"


def test_pip_config_set_forms() -> None:
    text = (
        "pip3 config --global set global.index_url https://a/simple\n"
        "python -m pip config set install.trusted-host 'a.org b.org'\n"
        "pip config unset global.index-url\n"
        "# pip config set global.index-url https://commented\n"
    )
    doc = p(text)
    a, b, c = doc.settings
    assert (a.kind, a.section, a.value, a.method) == (K.INDEX, "global", "https://a/simple",
                                                      Method.PIP_CONFIG)  # fmt: skip
    assert a.sibling is not None
    assert a.sibling.render("a") == " && pip3 config set global.trusted-host a"
    assert (
        a.removal is not None and text[a.removal.start : a.removal.end] == text.splitlines(True)[0]
    )
    assert (b.kind, b.section, b.value, c.value) == (K.TRUSTED_HOST, "install", "a.org", "b.org")


def test_pip_config_removal_in_chain() -> None:
    text = "apt-get update && pip config set global.index-url https://a/simple && pip install x\n"
    s = one(p(text), method=Method.PIP_CONFIG)
    assert s.removal is not None
    assert apply(text, s.removal, "") == "apt-get update && pip install x\n"


def test_if_else_or_semicolon_subshell() -> None:
    doc = p(
        'if [ -n "$M" ]; then pip install -i "$M" x; else pip install -i https://b/simple x; fi\n'
        "pip install x || pip install -i https://c/simple x;"
        " echo $(pip download -i https://d/s y)\n"
    )
    assert len(doc.sites) == 5
    assert [s.value for s in doc.settings] == [None, "https://b/simple", "https://c/simple",
                                               "https://d/s"]  # fmt: skip


def test_env_prefix_via_env_command() -> None:
    doc = p("env PIP_INDEX_URL=https://a/simple pip install x\n")
    s = one(doc, key="PIP_INDEX_URL")
    assert s.site == 0 and s.value == "https://a/simple"


@pytest.mark.parametrize(
    "wrapped",
    [
        "timeout 600 pip install -i https://a/simple x",
        "timeout -s KILL 10m pip install -i https://a/simple x",
        "nice -n 10 pip install -i https://a/simple x",
        "stdbuf -oL pip install -i https://a/simple x",
        "ionice -c 3 pip install -i https://a/simple x",
        "xargs -a reqs.txt pip install -i https://a/simple",
        "runuser -u app -- pip install -i https://a/simple x",
    ],
)
def test_pip_behind_a_wrapper(wrapped: str) -> None:
    doc = p(wrapped + "\n")
    s = one(doc, key="-i")
    assert s.site == 0 and s.value == "https://a/simple"


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("python -m uv pip install --system x", "python -m uv pip install"),
        ("python3 -m uv pip compile in.txt", "python3 -m uv pip compile"),
        ("python -m uv sync --locked", "python -m uv sync"),
    ],
)
def test_uv_run_as_a_python_module_is_uv(line: str, command: str) -> None:
    """uv's PyPI wheel runs as ``python -m uv``: uv, which reads neither PIP_INDEX_URL nor
    pip.conf (a PS104 fix must set uv's variable)."""
    (site,) = p(f"{line}\n").sites
    assert site.command == command and site.tool is Tool.UV


def test_options_held_in_an_unquoted_variable_are_split_as_the_shell_splits_them() -> None:
    """``M="-i URL"; pip install x $M``: pip gets ``-i`` and the URL (reported where the
    variable is used, not edited there); ``"$M"`` stays one word."""
    text = f'M="-i {TUNA} --trusted-host h"\npip install requests $M\npip install x "$M"\n'
    doc = p(text)
    first, second = doc.sites
    index = one(doc, key="-i")
    assert index.value == TUNA and index.site == first.index and not index.editable
    assert text[index.span.start : index.span.end] == "$M"
    assert [s.value for s in doc.settings if s.key == "--trusted-host"] == ["h"]
    assert not [s for s in doc.settings if s.site == second.index]


def test_pip_config_file_outside_the_repository_is_opaque() -> None:
    # the named file is not in the repository: pipsrc cannot say which index pip uses
    doc = p("export PIP_CONFIG_FILE=/opt/pip.conf\npip install x\n")
    assert one(doc, key="PIP_CONFIG_FILE").kind is SettingKind.CONFIG_FILE
    assert effective(doc) == "config-file"
    # /dev/null: pip reads no file at all, so PyPI
    assert effective(p("export PIP_CONFIG_FILE=/dev/null\npip install x\n")) == "default"


def test_uv_pip_compile_is_an_install_site() -> None:
    doc = p(f"UV_INDEX_URL={TUNA} uv pip compile in.txt\n")
    assert [s.command for s in doc.sites] == ["uv pip compile"] and effective(doc) == "env"


def test_scope_insert_point() -> None:
    text = "#!/bin/bash\n# setup\nset -euo pipefail\npip install x\n"
    sc = p(text).scopes[0]
    assert (sc.id, sc.insert_style, sc.insert_at) == ("file", "shell", text.index("pip install"))


# -- pip.conf written by the script ---------------------------------------------


@needs_pipconf
def test_echo_and_printf_pip_conf() -> None:
    text = (
        'echo "[global]" > /etc/pip.conf\n'
        'echo "index-url = https://e/simple" >> /etc/pip.conf\n'
        "printf '[global]\\nindex-url = https://p/simple\\n' > ~/.pip/pip.conf\n"
        'printf "[global]\\nextra-index-url = %s\\n" "$X" | tee /etc/pip.conf\n'
    )
    doc = p(text)
    vals = [(s.value, s.method, line(doc, s)) for s in doc.settings]
    assert ("https://e/simple", Method.PIP_CONF, 2) in vals
    assert ("https://p/simple", Method.PIP_CONF, 3) in vals
    assert "/etc/pip.conf" in doc.scopes[0].config_files


@needs_pipconf
@pytest.mark.parametrize(
    "line3",
    [
        'echo "index-url = $MIRROR/simple/" >> /etc/pip.conf',
        'echo "index-url = ${MIRROR}/simple/" >> /etc/pip.conf',
        "echo index-url = $MIRROR/simple/ >> /etc/pip.conf",
    ],
)
def test_a_variable_inside_an_echoed_pip_conf_line_is_resolved(line3: str) -> None:
    """``echo "index-url = $MIRROR/simple"``: the variable and the text around it are one
    run of the script, so the value resolves (it is reported where it is used, not fixed:
    the variable holds only part of it)."""
    text = f"MIRROR=https://pypi.tuna.tsinghua.edu.cn\necho '[global]' > /etc/pip.conf\n{line3}\n"
    doc = p(text)
    s = one(doc, method=Method.PIP_CONF)
    assert (s.value, s.editable, line(doc, s)) == (
        "https://pypi.tuna.tsinghua.edu.cn/simple/",
        False,
        3,
    )


@needs_pipconf
def test_a_pip_conf_written_through_tee_alone() -> None:
    """``printf ... | tee FILE`` is a write of its own (no redirect around it); with one
    around it (``> /dev/null``) it is read once."""
    text = (
        "printf '[global]\\nindex-url = https://t/simple\\n' | tee /etc/pip.conf\n"
        "printf '[global]\\nindex-url = https://u/simple\\n' | sudo tee /etc/pip.conf >/dev/null\n"
    )
    doc = p(text)
    vals = [(s.value, line(doc, s)) for s in doc.settings if s.method is Method.PIP_CONF]
    assert vals == [("https://t/simple", 1), ("https://u/simple", 2)]


@needs_pipconf
def test_unquoted_heredoc_resolves_variable() -> None:
    text = "IDX=https://i/simple\ncat <<EOF | sudo tee /etc/pip.conf\n"
    text += "[global]\nindex-url = $IDX\nEOF\n"
    doc = p(text)
    s = one(doc, method=Method.PIP_CONF)
    assert s.value == "https://i/simple" and line(doc, s) == 1
    assert s.use_span is not None and text[s.use_span.start : s.use_span.end] == "$IDX"


@needs_pipconf
def test_tab_heredoc_pip_conf() -> None:
    text = "cat <<-EOF > /etc/pip.conf\n\t[global]\n\tindex-url = https://t/simple\n\tEOF\n"
    s = one(p(text), method=Method.PIP_CONF)
    assert s.raw == "https://t/simple" and s.editable


# -- embedded Dockerfile ------------------------------------------------------------


def test_embedded_dockerfile() -> None:
    text = (
        "mkdir -p docker\n"
        "cat > docker/Dockerfile.cpu <<EOF\n"
        "FROM python:3.12\n"
        "ENV PIP_INDEX_URL=https://e/simple\n"
        "RUN pip install -i \\$IDX x && pip install -i https://f/simple y\n"
        "EOF\n"
    )
    doc = p(text)
    env = one(doc, key="PIP_INDEX_URL")
    assert env.scope == "heredoc@3:stage:0" and line(doc, env) == 4 and env.editable
    assert doc.scope("heredoc@3:stage:0") is not None
    f = one(doc, value="https://f/simple")
    assert f.site is not None and doc.sites[f.site].scope == "heredoc@3:stage:0"
    assert any(not s.editable for s in doc.settings if s.raw.startswith("\\$"))


# -- robustness -----------------------------------------------------------------------


def test_parser_is_cached() -> None:
    assert bashtree.parser() is bashtree.parser()


_FRAGMENTS = [
    *"pip install -i=$'\"\\(){}[]<>|&;#\n\r\tEOF镜",
    "pip ", "install ", "-i ", "https://x/simple ", "<<EOF\n", "EOF\n", "export ", "PIP_INDEX_URL=",
    "cat > /etc/pip.conf ", "config set global.index-url ", "${A:-", "$(", "<<-'E'\n", "\tE\n",
]  # fmt: skip


@settings(deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join))
def test_never_raises(text: str) -> None:
    doc = shell.parse(text, "f.sh")
    assert_spans(doc)


@settings(deadline=None)
@given(st.text(max_size=60))
def test_never_raises_arbitrary_text(text: str) -> None:
    assert_spans(shell.parse(text, "f.sh"))


# -- docker build --build-arg: configures the image build, not the script ----------

TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"


def effective(doc: Document, site: int = -1) -> str:
    from pipsrc.context import Context
    from pipsrc.policy import Policy
    from pipsrc.resolution import effective_index

    return effective_index(doc, doc.sites[site], Context(Policy())).source


def insert(text: str, s: Setting, value: str) -> str:
    assert s.sibling is not None
    return text[: s.sibling.offset] + s.sibling.render(value) + text[s.sibling.offset :]


def test_build_arg_own_scope_removal_and_sibling() -> None:
    text = f"docker build --build-arg PIP_INDEX_URL={TUNA} -f x .\npip install requests\n"
    doc = p(text)
    s = one(doc, method=Method.BUILD_ARG)
    assert (s.kind, s.key, s.raw, s.value, s.tool, s.editable) == (
        K.INDEX, "PIP_INDEX_URL", TUNA, TUNA, Tool.PIP, True,
    )  # fmt: skip
    assert s.site is None and s.scope == "docker-build@1"
    scope = doc.scope(s.scope)
    assert scope is not None and scope.insert_at is None and scope.parent is None
    assert text[scope.start : scope.end] == f"docker build --build-arg PIP_INDEX_URL={TUNA} -f x ."
    assert apply(text, s.span, "http://m/s") == text.replace(TUNA, "http://m/s")
    assert apply(text, s.removal, "") == "docker build -f x .\npip install requests\n"
    assert insert(text, s, "m.example") == text.replace(
        f"={TUNA} ", f"={TUNA} --build-arg PIP_TRUSTED_HOST=m.example "
    )
    # the script's own pip install is not configured by the build arg
    assert doc.sites[0].settings == [] and effective(doc) == "default"


@pytest.mark.parametrize(
    "cmd",
    [
        "docker buildx build",
        "sudo docker build",
        "podman build",
        "/usr/bin/docker image build",
        "docker --context ci build",
        "buildah bud",
    ],
)
def test_build_arg_builder_spellings(cmd: str) -> None:
    doc = p(f"{cmd} --build-arg PIP_INDEX_URL={TUNA} .\n")
    assert [(s.method, s.raw, s.scope) for s in doc.settings] == [
        (Method.BUILD_ARG, TUNA, "docker-build@1")
    ]


@pytest.mark.parametrize(
    "cmd",
    ["docker run -e PIP_INDEX_URL=x img", "docker build-arg", "echo docker build --build-arg"],
)
def test_not_an_image_build(cmd: str) -> None:
    doc = p(f"{cmd} --build-arg PIP_INDEX_URL={TUNA} .\n")
    assert not any(s.method is Method.BUILD_ARG for s in doc.settings)


@pytest.mark.parametrize(
    ("arg", "token"),
    [
        (f'--build-arg "PIP_INDEX_URL={TUNA}"', f'--build-arg "PIP_INDEX_URL={TUNA}"'),
        (f"--build-arg 'PIP_INDEX_URL={TUNA}'", f"--build-arg 'PIP_INDEX_URL={TUNA}'"),
        (f"--build-arg=PIP_INDEX_URL={TUNA}", f"--build-arg=PIP_INDEX_URL={TUNA}"),
        (f'--build-arg="PIP_INDEX_URL={TUNA}"', f'--build-arg="PIP_INDEX_URL={TUNA}"'),
    ],
)
def test_build_arg_quoted_and_equals_forms(arg: str, token: str) -> None:
    text = f"docker build {arg} -t img .\n"
    doc = p(text)
    s = one(doc, method=Method.BUILD_ARG)
    assert s.raw == TUNA and s.editable  # the value only, inside the quotes
    assert apply(text, s.removal, "") == "docker build -t img .\n"
    assert insert(text, s, "h") == text.replace(token, token + " --build-arg PIP_TRUSTED_HOST=h")


def test_build_arg_through_variable_and_continuations() -> None:
    text = (
        f"MIRROR={TUNA}\n"
        "docker build \\\n"
        '    --build-arg "PIP_INDEX_URL=${MIRROR}" \\\n'
        "    --build-arg PIP_EXTRA_INDEX_URL='http://a.example/s http://b.example/s' \\\n"
        "    --build-arg UV_INDEX_URL=$MIRROR \\\n"
        "    --build-arg OTHER=1 \\\n"
        "    .\n"
        "pip install x\n"
    )
    doc = p(text)
    idx = one(doc, key="PIP_INDEX_URL")
    assert (idx.value, idx.raw, idx.span.start) == (TUNA, TUNA, len("MIRROR="))
    assert idx.use_span is not None and text[idx.use_span.start : idx.use_span.end] == "${MIRROR}"
    assert apply(text, idx.removal, "") == text.replace(
        '--build-arg "PIP_INDEX_URL=${MIRROR}" \\\n    ', ""
    )
    a, b = (s for s in doc.settings if s.key == "PIP_EXTRA_INDEX_URL")
    assert (a.raw, b.raw) == ("http://a.example/s", "http://b.example/s")
    # one trusted-host insertion point per command (after its first pip URL build arg)
    assert a.sibling == b.sibling == idx.sibling
    assert insert(text, a, "a.example") == text.replace(
        '${MIRROR}"', '${MIRROR}" --build-arg PIP_TRUSTED_HOST=a.example'
    )
    uv = one(doc, key="UV_INDEX_URL")
    assert uv.tool is Tool.UV and uv.sibling is not None
    assert uv.sibling.template == " --build-arg UV_INSECURE_HOST={value}"
    assert {s.scope for s in doc.settings} == {"docker-build@2"}
    assert effective(doc) == "default"


def test_build_arg_last_on_the_command_takes_preceding_blank() -> None:
    text = f"docker build . --build-arg PIP_INDEX_URL={TUNA}\n"
    s = one(p(text), method=Method.BUILD_ARG)
    assert apply(text, s.removal, "") == "docker build .\n"


def test_two_builds_on_one_line_get_two_scopes() -> None:
    doc = p(f"docker build --build-arg PIP_INDEX_URL={TUNA} . && podman build "
            f"--build-arg PIP_INDEX_URL={TUNA} .\n")  # fmt: skip
    assert [s.scope for s in doc.settings] == ["docker-build@1", "docker-build@1:2"]


def test_build_arg_pip_index_is_judged_as_the_index_it_hands_on() -> None:
    # the Dockerfile (not visible here) may well interpolate ARG PIP_INDEX by hand, so
    # the value is an index like any other build argument, never "ineffective"
    s = one(p(f"docker build --build-arg PIP_INDEX={TUNA} .\n"), method=Method.BUILD_ARG)
    assert (s.kind, s.value, s.ineffective) == (SettingKind.INDEX, TUNA, None)


def test_compose_and_scripts_read_the_same_variables() -> None:
    # one vocabulary: UV_DEFAULT_INDEX is read in a script as in compose; uv has no
    # UV_NO_INDEX (``uv pip install --help`` names no variable for --no-index)
    doc = p(f"export UV_DEFAULT_INDEX={TUNA}\nexport UV_NO_INDEX=1\nuv pip install x\n")
    assert [(s.key, s.kind) for s in doc.settings] == [("UV_DEFAULT_INDEX", SettingKind.INDEX)]


def test_build_arg_in_a_broken_script_is_not_editable() -> None:
    doc = shell.parse(f"docker build --build-arg PIP_INDEX_URL={TUNA} . 'oops\n", "x.sh")
    s = one(doc, method=Method.BUILD_ARG)
    assert not s.editable and s.removal is None and s.sibling is None


# -- NAME=x cmd for a command that is not pip: that command only --------------------


@pytest.mark.parametrize(
    "cmd", ["make wheels", "./build.sh", "tox -e py312", "pip list", "uv pip list"]
)
def test_prefix_on_other_command_is_command_scoped(cmd: str) -> None:
    text = f"echo hi\nPIP_INDEX_URL={TUNA} UV_INDEX_URL={TUNA} {cmd}\npip install x\n"
    doc = p(text)
    assert [(s.key, s.scope, s.site, s.method) for s in doc.settings] == [
        ("PIP_INDEX_URL", "cmd@2", None, Method.ENV),
        ("UV_INDEX_URL", "cmd@2", None, Method.ENV),
    ]
    scope = doc.scope("cmd@2")
    assert scope is not None and scope.insert_at is None
    assert text[scope.start : scope.end] == f"PIP_INDEX_URL={TUNA} UV_INDEX_URL={TUNA} {cmd}"
    s = doc.settings[0]
    assert apply(text, s.removal, "") == text.replace(f"PIP_INDEX_URL={TUNA} ", "")
    assert effective(doc) == "default"


def test_prefix_on_pip_install_still_attached_to_the_site() -> None:
    doc = p(f"PIP_INDEX_URL={TUNA} pip install x\n")
    s = one(doc, key="PIP_INDEX_URL")
    assert s.scope == "file" and s.site == 0 and effective(doc) == "env"
    assert [sc.id for sc in doc.scopes] == ["file"]


def test_plain_command_without_index_variables_adds_no_scope() -> None:
    assert [sc.id for sc in p("FOO=1 make\ndocker build --build-arg X=1 .\n").scopes] == ["file"]


@pytest.mark.parametrize(
    "given", ["PIP_TRUSTED_HOST=h", "PIP_TRUSTED_HOST", '"PIP_TRUSTED_HOST=h"']
)
def test_build_arg_no_sibling_when_trusted_host_is_passed(given: str) -> None:
    text = f"docker build --build-arg PIP_INDEX_URL=http://h/s --build-arg {given} .\n"
    doc = p(text)
    s = one(doc, key="PIP_INDEX_URL")
    assert s.sibling is None and s.removal is not None
    uv = p("docker build --build-arg UV_INDEX_URL=http://h/s --build-arg PIP_TRUSTED_HOST=h .\n")
    assert one(uv, key="UV_INDEX_URL").sibling is not None  # uv reads UV_INSECURE_HOST only


def test_build_arg_without_value_is_not_a_setting() -> None:
    assert p("docker build --build-arg PIP_INDEX_URL --build-arg=UV_INDEX .\n").settings == []
