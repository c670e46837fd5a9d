"""conda, mamba and micromamba commands in scripts and Dockerfile RUN: located channels."""

from __future__ import annotations

import pytest

from pipsrc.kinds.dockerfile import parse as parse_dockerfile
from pipsrc.kinds.shell import parse as parse_shell
from pipsrc.model import Method, Setting, SettingKind, Tool
from tests.kinds.spans import assert_spans, one

K = SettingKind
TUNA = "https://mirrors.tuna.tsinghua.edu.cn/anaconda"


def cut(text: str, s: Setting) -> str:
    assert s.removal is not None
    return text[: s.removal.start] + text[s.removal.end :]


@pytest.mark.parametrize(
    ("command", "raw", "key"),
    [
        ("conda install -y -c conda-forge numpy", "conda-forge", "-c"),
        ("mamba install -cconda-forge numpy", "conda-forge", "-c"),
        ("micromamba create -n x --channel conda-forge python", "conda-forge", "--channel"),
        ("conda create --channel=conda-forge -n x python", "conda-forge", "--channel"),
        ('sudo /opt/conda/bin/conda install -c "conda-forge" numpy', "conda-forge", "-c"),
        ("conda --no-plugins install -p /opt/env -c conda-forge numpy", "conda-forge", "-c"),
        ("conda env create -f environment.yml -c conda-forge", "conda-forge", "-c"),
    ],
)
def test_channel_flags(command: str, raw: str, key: str) -> None:
    text = f"#!/bin/sh\n{command}\n"
    doc = parse_shell(text, "setup.sh")
    assert_spans(doc)
    s = one(doc, kind=K.CHANNEL)
    assert (s.raw, s.value, s.key, s.tool, s.method) == (
        raw,
        raw,
        key,
        Tool.CONDA,
        Method.CONDA_CLI,
    )
    assert s.editable and s.site is None and not doc.sites
    assert "conda-forge" not in cut(text, s).replace("conda-forge::", "")


def test_a_variable_channel_resolves_to_its_literal() -> None:
    text = f'#!/bin/sh\nCH={TUNA}/cloud/pytorch\nconda install -c "$CH" pytorch\n'
    doc = parse_shell(text, "setup.sh")
    assert_spans(doc)
    s = one(doc, kind=K.CHANNEL)
    assert s.value == f"{TUNA}/cloud/pytorch" and s.span.start == text.index(TUNA)
    assert s.use_span is not None and text[s.use_span.start : s.use_span.end] == "$CH"


def test_override_channels_and_conda_run_pip() -> None:
    text = (
        "#!/bin/sh\nconda install --override-channels -c conda-forge x\n"
        "conda run -n e pip install y\n"
    )
    doc = parse_shell(text, "setup.sh")
    assert_spans(doc)
    flag = one(doc, kind=K.OVERRIDE_CHANNELS)
    assert flag.raw == "--override-channels" and not flag.editable
    assert [site.command for site in doc.sites] == ["pip install"]  # conda run's command is pip's


@pytest.mark.parametrize(
    ("command", "kind", "key", "value"),
    [
        ("conda config --add channels conda-forge", K.CHANNEL, "channels", "conda-forge"),
        ("conda config --prepend channels conda-forge", K.CHANNEL, "channels", "conda-forge"),
        ("conda config --env --append channels conda-forge", K.CHANNEL, "channels", "conda-forge"),
        (f"conda config --add default_channels {TUNA}/pkgs/main", K.DEFAULT_CHANNEL,
         "default_channels", f"{TUNA}/pkgs/main"),
        (f"conda config --set channel_alias {TUNA}/cloud", K.CHANNEL_ALIAS, "channel_alias",
         f"{TUNA}/cloud"),
        (f"conda config --set custom_channels.pytorch {TUNA}/cloud", K.CUSTOM_CHANNEL,
         "custom_channels.pytorch", f"{TUNA}/cloud"),
        ("micromamba config append channels conda-forge", K.CHANNEL, "channels", "conda-forge"),
        (f"micromamba config set channel_alias {TUNA}/cloud", K.CHANNEL_ALIAS, "channel_alias",
         f"{TUNA}/cloud"),
    ],
)  # fmt: skip
def test_config_commands(command: str, kind: SettingKind, key: str, value: str) -> None:
    text = f"#!/bin/sh\nset -e\n{command}\necho done\n"
    doc = parse_shell(text, "setup.sh")
    assert_spans(doc)
    (s,) = doc.settings
    assert (s.kind, s.key, s.value, s.method, s.tool) == (kind, key, value, Method.CONDA_CONFIG,
                                                        Tool.CONDA)  # fmt: skip
    assert cut(text, s) == "#!/bin/sh\nset -e\necho done\n"


def test_config_commands_that_write_more_keep_their_command() -> None:
    text = "#!/bin/sh\nconda config --add channels a --add channels b --remove channels defaults\n"
    doc = parse_shell(text, "setup.sh")
    assert [s.value for s in doc.settings] == ["a", "b"]
    assert all(s.removal is None for s in doc.settings)
    text = "#!/bin/sh\nif true; then\n  conda config --add channels a\nfi\n"
    (s,) = parse_shell(text, "setup.sh").settings
    assert s.removal is None and s.kept is not None


def test_dockerfile_run_shell_and_exec_forms() -> None:
    text = (
        "FROM continuumio/miniconda3\n"
        "RUN conda install -c defaults numpy && \\\n"
        f"    conda config --add channels {TUNA}/pkgs/main\n"
        "WORKDIR /app\n"  # (two one-command RUNs in a row would keep the command: DL3059)
        'RUN ["conda", "install", "-c", "conda-forge", "x"]\n'
    )
    doc = parse_dockerfile(text, "Dockerfile")
    assert_spans(doc)
    assert [(s.value, s.method) for s in doc.settings] == [
        ("defaults", Method.CONDA_CLI),
        (f"{TUNA}/pkgs/main", Method.CONDA_CONFIG),
        ("conda-forge", Method.CONDA_CLI),
    ]
    assert all(s.scope == "stage:0" for s in doc.settings)
    config = doc.settings[1]
    exec_form = 'WORKDIR /app\nRUN ["conda", "install", "-c", "conda-forge", "x"]\n'
    assert cut(text, config).endswith("RUN conda install -c defaults numpy\n" + exec_form)


def test_a_condarc_written_by_a_script_is_read_where_it_is_spelled() -> None:
    text = (
        "#!/bin/sh\ncat << EOF > $HOME/.condarc\nchannels:\n  - defaults\n"
        f"default_channels:\n  - {TUNA}/pkgs/main\nEOF\n"
        "echo 'channel_alias: https://conda.anaconda.org' >> ~/.condarc\n"
    )
    doc = parse_shell(text, "setup.sh")
    assert_spans(doc)
    assert [(s.kind, s.value, s.method, s.scope) for s in doc.settings] == [
        (K.CHANNEL, "defaults", Method.CONDARC, "file"),
        (K.DEFAULT_CHANNEL, f"{TUNA}/pkgs/main", Method.CONDARC, "file"),
        (K.CHANNEL_ALIAS, "https://conda.anaconda.org", Method.CONDARC, "file"),
    ]
    assert all(s.editable for s in doc.settings)


def test_a_condarc_body_with_a_variable_is_not_edited() -> None:
    text = (
        '#!/bin/sh\nM=https://mirrors.aliyun.com\ncat > ~/.condarc <<EOF\nchannel_alias: "$M"\n'
        "EOF\n"
    )
    (s,) = parse_shell(text, "setup.sh").settings
    assert not s.editable
