"""The conda policy (`[tool.pipsrc.conda]`, `--conda-mirror`) and the catalogue's conda data."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipsrc.catalogue import Catalogue, CatalogueError, catalogue
from pipsrc.conda import base_provider, channel_url, mirror_url
from pipsrc.policy import BadIndex, CondaPolicy, PolicyError, load_policy
from tests.cliutil import invoke

TUNA = "https://mirrors.tuna.tsinghua.edu.cn/anaconda"


def test_conda_table_in_pipsrc_toml_and_pyproject(tmp_path: Path) -> None:
    p = tmp_path / "pipsrc.toml"
    p.write_text('index = "aliyun"\n[conda]\nmirror = "tuna"\nallowed-channels = ["corp"]\n')
    conda = load_policy(p).conda
    assert (conda.mirror, conda.mirror_id, conda.verified) == (TUNA, "tuna", True)
    assert conda.allowed == ("corp",) and conda.carried is not None
    assert "conda-forge" in conda.carried
    q = tmp_path / "pyproject.toml"
    q.write_text('[tool.pipsrc]\nindex = "tuna"\n\n[tool.pipsrc.conda]\nmirror = "aliyun"\n')
    conda = load_policy(q).conda
    assert conda.mirror_id == "aliyun" and not conda.verified  # reported, not on a help page


def test_a_mirror_by_url_carries_any_channel() -> None:
    conda = CondaPolicy().with_mirror("https://conda.corp.example/anaconda/")
    assert conda.mirror == "https://conda.corp.example/anaconda" and conda.mirror_id is None
    assert conda.carries("whatever", False) and conda.verified


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [  # the line of the key in [conda] that is wrong, else of the table
        ('index = "aliyun"\n\n[conda]\nmirror = "ustc"\n', 4, "conda mirrors are aliyun, tuna"),
        ("[conda]\nmirror = 3\n", 2, "conda.mirror must be"),
        ('[conda]\nmirrors = "tuna"\n', 2, "unknown conda key 'mirrors'"),
        ('[conda]\nallowed-channels = "x"\n', 2, "allowed-channels must be a list"),
        ('conda = "tuna"\n', 1, "conda must be a table"),
        ('[conda]\nmirror = "ftp://x/anaconda"\n', 2, "not an http(s) URL"),
    ],
)
def test_conda_errors_are_located(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    p = tmp_path / "pipsrc.toml"
    p.write_text(body)
    with pytest.raises(PolicyError) as info:
        load_policy(p)
    assert str(info.value).startswith(f"{p}:{line}: ") and fragment in str(info.value)


def test_conda_mirror_option_and_variable(tmp_path: Path) -> None:
    (tmp_path / ".condarc").write_text("channels:\n  - https://conda.anaconda.org/conda-forge\n")
    result = invoke(["check", "--conda-mirror", "tuna", str(tmp_path)])
    assert result.exit_code == 1 and "PS601" in result.output
    result = invoke(["check", str(tmp_path)], env={"PIPSRC_CONDA_MIRROR": "bfsu"})
    assert result.exit_code == 1 and "mirrors.bfsu.edu.cn/anaconda" in result.output
    result = invoke(["check", str(tmp_path)])
    assert result.exit_code == 0, result.output  # no conda mirror: PS601 does not run
    result = invoke(["check", "--conda-mirror", "pypi", str(tmp_path)])
    assert result.exit_code == 2 and "--conda-mirror pypi" in result.output


def test_every_conda_mirror_round_trips_its_channels() -> None:
    for m in catalogue().mirrors:
        if not m.conda:
            continue
        for ch in ("main", "r", "msys2"):
            found = channel_url(f"{m.conda}/pkgs/{ch}/")
            assert found is not None and (found.provider, found.pkgs) == (m.id, True)
            assert mirror_url(m.conda, found) == f"{m.conda}/pkgs/{ch}/"
        for ch in m.conda_channels:
            found = channel_url(f"{m.conda}/cloud/{ch}")
            assert found is not None and (found.provider, found.channel) == (m.id, ch)
        assert base_provider(f"{m.conda}/cloud/") == (m.id, "cloud")


def test_conda_urls_of_anaconda_itself() -> None:
    for url, channel, pkgs in (
        ("https://repo.anaconda.com/pkgs/main", "main", True),
        ("https://repo.continuum.io/pkgs/free/", "free", True),
        ("https://conda.anaconda.org/nvidia/label/cuda-12.1.0", "nvidia", False),
        ("https://prefix.dev/conda-forge", "conda-forge", False),
    ):
        found = channel_url(url)
        assert found is not None and (found.channel, found.pkgs) == (channel, pkgs)
    found = channel_url("https://conda.anaconda.org/nvidia/label/cuda-12.1.0")
    assert found is not None
    assert mirror_url(TUNA, found) == f"{TUNA}/cloud/nvidia/label/cuda-12.1.0"
    assert channel_url("https://repo.anaconda.com/pkgs/unknown") is None
    assert channel_url("https://conda.corp.example/ml") is None


def test_conda_status_is_validated() -> None:
    entry = (
        '[[mirror]]\nid = "x"\nname_en = "X"\nname_zh = "X"\nurl = "https://x.example/simple"\n'
        'conda = "https://x.example/anaconda"\nconda_status = "maybe"\n'
    )
    with pytest.raises(CatalogueError, match="conda_status"):
        Catalogue.from_toml(entry)


def test_bad_conda_mirror_message_lists_the_usable_ones() -> None:
    with pytest.raises(BadIndex, match="aliyun, tuna, bfsu, nju, sjtu"):
        CondaPolicy().with_mirror("nope")
