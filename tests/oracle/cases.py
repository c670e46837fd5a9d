"""Hand-picked scenarios: one or more per semantic point of the index model.

Each is an ordinary :class:`Scenario` with a ``title`` saying what it probes. No expected
answer is written down anywhere: the real pip or uv run is the expectation. ``full_list``
marks the scenarios whose point is the *list* of indexes (extra indexes appended, replaced
or dropped), which are compared on the whole ordered list rather than the primary index.
"""

from __future__ import annotations

from tests.oracle.scenario import ConfigSet, Env, PipConf, ReqFile, Scenario, UvConf

REQ = ("-r", "requirements.txt")


def req(*options: tuple[str, str], path: str = "requirements.txt", pkg: bool = True) -> ReqFile:
    return ReqFile(path, tuple(options), requirement=pkg)


CASES: list[Scenario] = [
    # --- command line -------------------------------------------------------------------------
    Scenario("pip install", (("-i", "A"),), title="CLI -i"),
    Scenario("pip install", (("-i", "A"), ("--index-url", "B")), title="CLI: the last -i wins"),
    Scenario(
        "pip download",
        (("--extra-index-url", "B"),),
        title="CLI extra only: pypi + B",
        full_list=True,
    ),
    Scenario(
        "pip install",
        (("--extra-index-url", "C"),),
        (Env("PIP_EXTRA_INDEX_URL", ("B",)),),
        title="CLI --extra-index-url appends to PIP_EXTRA_INDEX_URL's list",
        full_list=True,
    ),
    Scenario(
        "pip install",
        (("--extra-index-url", "C"),),
        pipconfs=(PipConf("user", extras=("B",)),),
        title="CLI --extra-index-url appends to pip.conf's extra-index-url",
        full_list=True,
    ),
    Scenario(
        "pip install",
        (("-i", "B"),),
        (Env("PIP_INDEX_URL", ("A",)),),
        title="CLI -i beats PIP_INDEX_URL",
    ),
    # --- requirements files -------------------------------------------------------------------
    Scenario(
        "pip install",
        (("-i", "A"), ("--extra-index-url", "B"), REQ),
        reqs=(req(("-i", "C")),),
        title="requirements -i replaces the CLI's whole list (extras included)",
        full_list=True,
    ),
    Scenario(
        "pip install",
        (REQ,),
        (Env("PIP_INDEX_URL", ("A",)),),
        reqs=(req(("-i", "C")),),
        title="requirements -i beats PIP_INDEX_URL",
    ),
    Scenario(
        "pip install",
        (REQ, ("--extra-index-url", "B")),
        reqs=(req(("--extra-index-url", "C")),),
        title="requirements --extra-index-url adds to the CLI's list",
        full_list=True,
    ),
    Scenario(
        "pip install",
        (REQ,),
        reqs=(
            req(("-r", "requirements/base.txt")),
            req(("-i", "B"), path="requirements/base.txt", pkg=False),
        ),
        title="nested -r: the included file's -i applies",
    ),
    Scenario(
        "pip install",
        (REQ, ("-c", "constraints.txt")),
        reqs=(req(), req(("-i", "B"), path="constraints.txt", pkg=False)),
        title="a constraints file's -i applies too",
    ),
    Scenario(
        "pip install",
        (REQ,),
        reqs=(req(("-c", "constraints.txt")), req(("-i", "C"), path="constraints.txt", pkg=False)),
        title="nested -c: the constraints file's -i applies",
    ),
    Scenario(
        "pip install",
        (REQ,),
        reqs=(
            req(("-i", "A"), ("-r", "requirements/base.txt")),
            req(("-i", "B"), path="requirements/base.txt", pkg=False),
        ),
        title="two requirements files with -i: the one read last wins",
    ),
    Scenario(
        "pip install",
        (REQ, ("-r", "requirements-dev.txt")),
        reqs=(req(("-i", "A")), req(("-i", "B"), path="requirements-dev.txt", pkg=False)),
        title="two -r on the command line, each with -i: the last file read wins",
    ),
    Scenario(
        "pip install",
        (("-c", "constraints.txt"), REQ),
        reqs=(req(("-i", "A")), req(("-i", "B"), path="constraints.txt", pkg=False)),
        title="-c before -r, both with -i: pip reads constraints first",
    ),
    Scenario(
        "pip install", (REQ,), reqs=(req(("--no-index", "")),), title="requirements --no-index"
    ),
    Scenario(
        "pip download",
        (REQ,),
        reqs=(req(("--no-index", ""), ("-i", "A")),),
        title="requirements --no-index then -i",
    ),
    # --- environment --------------------------------------------------------------------------
    Scenario("pip install", env=(Env("PIP_INDEX_URL", ("A",)),), title="PIP_INDEX_URL"),
    Scenario(
        "pip install",
        env=(Env("PIP_INDEX_URL", ("B",)),),
        pipconfs=(PipConf("user", index="A"),),
        title="env replaces config (index)",
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_EXTRA_INDEX_URL", ("C",)),),
        pipconfs=(PipConf("user", extras=("B",)),),
        title="env replaces config (extra-index-url list)",
        full_list=True,
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_INDEX_URL", empty=True),),
        pipconfs=(PipConf("user", index="A"),),
        title="an empty PIP_INDEX_URL is ignored: pip.conf still applies",
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_EXTRA_INDEX_URL", empty=True),),
        pipconfs=(PipConf("user", extras=("B",)),),
        title="an empty PIP_EXTRA_INDEX_URL does not cancel pip.conf's extras",
        full_list=True,
    ),
    Scenario(
        "pip install", env=(Env("PIP_INDEX_URL", ("A",), how="prefix"),), title="VAR=x pip install"
    ),
    Scenario(
        "pip install", env=(Env("PIP_INDEX", ("A",)),), title="PIP_INDEX is not a pip variable"
    ),
    Scenario(
        "pip install",
        env=(Env("UV_INDEX_URL", ("A",), how="prefix"),),
        title="UV_INDEX_URL=x pip install: pip ignores it",
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_NO_INDEX"),),
        flags=(("-i", "A"),),
        title="PIP_NO_INDEX=1 beats -i",
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_NO_INDEX", how="prefix", raw="false"),),
        flags=(("-i", "A"),),
        title="PIP_NO_INDEX=false pip install -i",
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_NO_INDEX", how="prefix", raw="0"),),
        flags=(("-i", "A"),),
        title="PIP_NO_INDEX=0 pip install -i",
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_NO_INDEX", how="prefix", empty=True),),
        flags=(("-i", "A"),),
        title="PIP_NO_INDEX= pip install -i (empty prefix)",
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_NO_INDEX", empty=True),),
        flags=(("-i", "A"),),
        title="an empty PIP_NO_INDEX",
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_INDEX_URL", ("A",), how="arg"),),
        form="dockerfile",
        title="Dockerfile ARG PIP_INDEX_URL reaches RUN",
    ),
    Scenario(
        "pip install",
        env=(Env("PIP_INDEX_URL", ("B",), how="env"),),
        form="dockerfile",
        pipconfs=(PipConf("user", index="A", writer="printf"),),
        title="Dockerfile ENV beats a pip.conf written later",
    ),
    # --- config files: levels -----------------------------------------------------------------
    Scenario("pip install", pipconfs=(PipConf("user", index="A"),), title="user pip.conf"),
    Scenario(
        "pip install", pipconfs=(PipConf("user-legacy", index="A"),), title="legacy ~/.pip/pip.conf"
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user-legacy", index="A", writer="mkdir&&printf"),),
        title="mkdir -p ~/.pip && printf ... > ~/.pip/pip.conf",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", index="A", writer="mkdir&&printf"),),
        form="dockerfile",
        title="RUN mkdir -p ~/.config/pip && printf ... > pip.conf",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", index="A"), PipConf("user-legacy", index="B")),
        title="~/.config/pip beats ~/.pip even when ~/.pip is written last",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("site", index="A"), PipConf("user", index="B")),
        title="site beats user even when user is written last",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("site", index="A"),),
        title="$VIRTUAL_ENV/pip.conf (the site file, by variable)",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("site-opt", index="A"), PipConf("user", index="B")),
        title="/opt/venv/pip.conf (site, literal path) beats user even when user is written last",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("site-opt", index="A", writer="copy"),),
        form="dockerfile",
        title="COPY pip.conf /opt/venv/pip.conf (the site file)",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("site-opt", index="B"),),
        config_sets=(ConfigSet("--user", "global.index-url", ("A",)),),
        title="pip config set --user after a site file: the site file still wins",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", index="A"), PipConf("global-etc", index="B")),
        title="user beats global even when global is written last",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("global-etc", index="A"), PipConf("global-xdg", index="B")),
        title="/etc/pip.conf beats /etc/xdg/pip/pip.conf",
    ),
    Scenario("pip install", pipconfs=(PipConf("global-xdg", index="A"),), title="XDG global"),
    Scenario(
        "pip install",
        pipconfs=(PipConf("global-etc", index="A", writer="copy"),),
        form="dockerfile",
        title="COPY pip.conf /etc/pip.conf",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("global-etc", index="A", writer="copy"),),
        config_file="devnull",
        form="dockerfile",
        title="COPY pip.conf /etc/pip.conf, then ENV PIP_CONFIG_FILE=/dev/null",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", index="A"), PipConf("site", extras=("B",))),
        title="levels merge key by key: user index + site extras",
        full_list=True,
    ),
    # --- PIP_CONFIG_FILE ----------------------------------------------------------------------
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", index="A"), PipConf("file", extras=("B",))),
        config_file="file",
        title="PIP_CONFIG_FILE naming an existing file suppresses the user files",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("global-etc", index="A"), PipConf("file", extras=("B",))),
        config_file="file",
        title="PIP_CONFIG_FILE does not suppress the global file",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("site", index="A"), PipConf("file", index="B")),
        config_file="file",
        title="PIP_CONFIG_FILE beats the site file",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", index="A"),),
        config_file="missing",
        title="PIP_CONFIG_FILE naming a missing file changes nothing",
    ),
    Scenario(
        "pip install",
        pipconfs=(
            PipConf("user", index="A"),
            PipConf("global-etc", index="B"),
            PipConf("site", index="C"),
        ),
        config_file="devnull",
        title="PIP_CONFIG_FILE=/dev/null disables every file",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", index="A"),),
        config_file="devnull",
        config_file_how="prefix",
        title="PIP_CONFIG_FILE=/dev/null pip install",
    ),
    # --- sections -----------------------------------------------------------------------------
    Scenario(
        "pip download",
        pipconfs=(PipConf("user", section="install", index="A"),),
        title="[install] index-url is not read by pip download",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", section="install", index="A"),),
        title="[install] index-url is read by pip install",
    ),
    Scenario(
        "pip wheel",
        pipconfs=(PipConf("user", section="install", index="A"),),
        title="[install] index-url is not read by pip wheel",
    ),
    Scenario(
        "pip download",
        pipconfs=(PipConf("user", index="A"), PipConf("site", section="download", index="B")),
        title="[download] beats [global] for pip download",
    ),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", section="install", index="B"), PipConf("site-opt", index="A")),
        title="a user [install] beats a site [global] written later (sections before levels)",
    ),
    # --- pip config set -----------------------------------------------------------------------
    Scenario(
        "pip install",
        config_sets=(ConfigSet("", "global.index-url", ("A",)),),
        title="pip config set (no flag)",
    ),
    Scenario(
        "pip install",
        config_sets=(ConfigSet("", "global.index-url", ("A",)),),
        pipconfs=(PipConf("site", index="B"),),
        title="pip config set (no flag) writes the site file when one exists",
    ),
    Scenario(
        "pip install",
        config_sets=(ConfigSet("", "global.index-url", ("A",)),),
        pipconfs=(PipConf("user-legacy", index="B"),),
        title="pip config set (no flag) writes ~/.config/pip, which beats ~/.pip",
    ),
    Scenario(
        "pip install",
        config_sets=(
            ConfigSet("--user", "global.index-url", ("A",)),
            ConfigSet("--global", "global.index-url", ("B",)),
        ),
        title="config set --user beats --global run after it",
    ),
    Scenario(
        "pip install",
        config_sets=(
            ConfigSet("--site", "global.index-url", ("A",)),
            ConfigSet("--user", "global.index-url", ("B",)),
        ),
        title="config set --site beats --user run after it",
    ),
    Scenario(
        "pip download",
        config_sets=(ConfigSet("--user", "install.index-url", ("A",)),),
        title="config set install.index-url is not read by pip download",
    ),
    Scenario(
        "pip install",
        config_sets=(ConfigSet("--user", "global.index-url", ("A",)),),
        config_file="file",
        pipconfs=(PipConf("file", extras=("B",)),),
        title="config set --user with PIP_CONFIG_FILE set writes that file",
    ),
    Scenario(
        "pip install",
        config_sets=(ConfigSet("--global", "global.index-url", ("A",)),),
        form="dockerfile",
        title="RUN pip config set --global",
    ),
    # --- --no-index ---------------------------------------------------------------------------
    Scenario("pip install", (("-i", "A"), ("--no-index", "")), title="--no-index wins over -i"),
    Scenario(
        "pip install",
        pipconfs=(PipConf("user", index="A", no_index=True),),
        title="no-index in pip.conf",
    ),
    Scenario("python -m pip install", (("-i", "A"),), title="python -m pip"),
    # --- uv pip -------------------------------------------------------------------------------
    Scenario(
        "uv pip install",
        env=(Env("PIP_INDEX_URL", ("A",)),),
        pipconfs=(PipConf("user", index="B"),),
        title="uv ignores PIP_* and pip.conf",
    ),
    Scenario("uv pip install", (("-i", "A"),), title="uv pip install -i"),
    Scenario(
        "uv pip install",
        (("-i", "A"), ("--extra-index-url", "B")),
        title="uv: extra indexes come before the default index",
        full_list=True,
    ),
    Scenario("uv pip install", env=(Env("UV_INDEX_URL", ("A",)),), title="UV_INDEX_URL"),
    Scenario("uv pip install", env=(Env("UV_DEFAULT_INDEX", ("B",)),), title="UV_DEFAULT_INDEX"),
    Scenario(
        "uv pip install",
        env=(Env("UV_INDEX_URL", ("A",)), Env("UV_DEFAULT_INDEX", ("B",))),
        title="UV_INDEX_URL vs UV_DEFAULT_INDEX",
    ),
    Scenario(
        "uv pip install",
        env=(Env("UV_DEFAULT_INDEX", ("B",)), Env("UV_INDEX_URL", ("A",))),
        title="UV_DEFAULT_INDEX vs UV_INDEX_URL, exported the other way round",
    ),
    Scenario(
        "uv pip install",
        env=(Env("PIP_INDEX_URL", ("A",), how="prefix"),),
        title="PIP_INDEX_URL=x uv pip install: uv ignores it",
    ),
    Scenario(
        "uv pip install",
        (("--default-index", "A"), ("--index-url", "B")),
        title="uv: --default-index and --index-url together",
    ),
    Scenario(
        "uv pip install",
        (REQ,),
        (Env("UV_DEFAULT_INDEX", ("B",)),),
        reqs=(req(("-i", "A")),),
        title="uv: requirements -i vs UV_DEFAULT_INDEX",
    ),
    Scenario(
        "uv pip install",
        (("-i", "B"),),
        (Env("UV_DEFAULT_INDEX", ("A",)),),
        title="uv: UV_DEFAULT_INDEX beats the command line's -i",
    ),
    Scenario(
        "uv pip install",
        (REQ,),
        (Env("UV_INDEX_URL", ("B",)),),
        reqs=(req(("-i", "A")),),
        title="uv: UV_INDEX_URL beats a requirements file's -i",
    ),
    Scenario(
        "uv pip install",
        (REQ,),
        reqs=(req(("-i", "A")),),
        uv=(UvConf("uv.toml", index_url="B"),),
        title="uv: uv.toml index-url beats a requirements file's -i",
    ),
    Scenario(
        "uv pip install",
        uv=(UvConf("uv.toml", index_url="B", index=(("A", True),)),),
        title="uv.toml: [[index]] default = true beats the legacy index-url",
    ),
    Scenario(
        "uv pip install",
        env=(Env("UV_INDEX_URL", ("A",)),),
        uv=(UvConf("uv.toml", index=(("B", True),)),),
        title="uv pip: UV_INDEX_URL beats uv.toml's [[index]] default",
    ),
    Scenario(
        "uv sync",
        env=(Env("UV_INDEX_URL", ("A",)),),
        uv=(UvConf("pyproject", index=(("B", True),)),),
        title="uv sync: [[tool.uv.index]] default vs UV_INDEX_URL",
    ),
    Scenario(
        "pip install",
        (REQ, ("--extra-index-url", "C")),
        (Env("PIP_EXTRA_INDEX_URL", ("B",)),),
        reqs=(req(("--extra-index-url", "A")),),
        title="pip's list: index, then env extras, CLI extras, requirements extras",
        full_list=True,
    ),
    Scenario(
        "uv pip install",
        (REQ, ("--extra-index-url", "C")),
        (Env("UV_INDEX", ("B",)),),
        reqs=(req(("--extra-index-url", "A")),),
        title="uv's list: env, CLI, requirements extras, then the default",
        full_list=True,
    ),
    Scenario(
        "uv pip install",
        env=(Env("UV_INDEX", ("C", "B")),),
        title="UV_INDEX (two, spaced)",
        full_list=True,
    ),
    Scenario(
        "uv pip install",
        env=(Env("UV_EXTRA_INDEX_URL", ("C",)), Env("UV_INDEX", ("B",))),
        title="UV_EXTRA_INDEX_URL vs UV_INDEX order",
        full_list=True,
    ),
    Scenario(
        "uv pip install",
        (("--default-index", "A"),),
        (Env("UV_DEFAULT_INDEX", ("B",)),),
        title="uv CLI --default-index beats UV_DEFAULT_INDEX",
    ),
    Scenario(
        "uv pip install",
        env=(Env("UV_INDEX_URL", empty=True),),
        uv=(UvConf("uv.toml", index_url="A"),),
        title="an empty UV_INDEX_URL",
    ),
    Scenario(
        "uv pip install", env=(Env("UV_NO_INDEX"),), flags=(("-i", "A"),), title="UV_NO_INDEX=1"
    ),
    Scenario(
        "uv pip install",
        (REQ, ("-i", "B")),
        reqs=(req(("-i", "A")),),
        title="uv: requirements -i vs CLI -i",
    ),
    Scenario("uv pip install", (REQ,), reqs=(req(("-i", "A")),), title="uv: requirements -i"),
    Scenario(
        "uv pip install",
        (REQ,),
        reqs=(
            req(("-r", "requirements/base.txt")),
            req(("-i", "B"), path="requirements/base.txt", pkg=False),
        ),
        title="uv: nested -r with -i",
    ),
    Scenario(
        "uv pip install",
        env=(Env("UV_DEFAULT_INDEX", ("B",)),),
        uv=(UvConf("uv.toml", index_url="A"),),
        title="uv: env beats uv.toml",
    ),
    Scenario("uv pip install", uv=(UvConf("uv.toml", index_url="A"),), title="uv.toml index-url"),
    Scenario(
        "uv pip install",
        uv=(UvConf("uv.toml", index_url="A"), UvConf("pyproject", index_url="B")),
        title="uv.toml beside pyproject.toml shadows [tool.uv]",
    ),
    Scenario(
        "uv pip install",
        uv=(UvConf("pyproject", index_url="B", pip=True),),
        title="[tool.uv.pip] index-url applies to uv pip",
    ),
    Scenario(
        "uv pip install",
        uv=(UvConf("pyproject", index=(("C", True),)),),
        title="[[tool.uv.index]] default = true",
    ),
    Scenario("uv pip install", uv=(UvConf("user", index_url="A"),), title="~/.config/uv/uv.toml"),
    Scenario(
        "uv pip install",
        uv=(UvConf("user", index_url="A"), UvConf("uv.toml", index_url="B")),
        title="project uv.toml beats the user uv.toml",
    ),
    Scenario("uv pip install", uv=(UvConf("system", index_url="A"),), title="/etc/uv/uv.toml"),
    Scenario("uv pip compile", (("-i", "A"),), title="uv pip compile -i"),
    Scenario("uv pip install", (("-i", "A"),), form="dockerfile", title="RUN uv pip install -i"),
    # --- uv projects --------------------------------------------------------------------------
    Scenario(
        "uv sync",
        uv=(UvConf("pyproject", index=(("B", True),)),),
        title="uv sync with [[tool.uv.index]] default",
    ),
    Scenario("uv lock", uv=(UvConf("pyproject", index_url="A"),), title="uv lock, [tool.uv]"),
    Scenario(
        "uv sync",
        uv=(UvConf("pyproject", index_url="B", pip=True),),
        title="[tool.uv.pip] is not read by uv sync",
    ),
    Scenario(
        "uv lock",
        uv=(UvConf("uv.toml", index_url="A"), UvConf("pyproject", index_url="B")),
        title="uv lock: uv.toml shadows [tool.uv]",
    ),
    Scenario("uv sync", env=(Env("UV_INDEX_URL", ("C",)),), title="uv sync, UV_INDEX_URL"),
    Scenario("uv sync", (("--default-index", "A"),), title="uv sync --default-index"),
    Scenario(
        "uv pip install",
        uv=(
            UvConf("pyproject", index_url="A", extra_index_url=("B",)),
            UvConf("pyproject", index_url="C", pip=True),
        ),
        title="uv pip: [tool.uv.pip] index-url over [tool.uv]'s, whose extras stay",
    ),
    Scenario(
        "uv sync",
        uv=(
            UvConf("pyproject", index_url="A", extra_index_url=("B",)),
            UvConf("pyproject", index_url="C", pip=True),
        ),
        title="uv sync: [tool.uv] with its extras, [tool.uv.pip] ignored",
    ),
    Scenario(
        "uv pip install",
        uv=(UvConf("system", index_url="A", extra_index_url=("C",)), UvConf("user", index_url="B")),
        title="uv: the user file's index-url beats the system's; the system's extras stay",
    ),
    Scenario(
        "uv pip install",
        env=(Env("UV_INDEX_URL", ("A",)),),
        uv=(UvConf("pyproject", index=(("B", False),)),),
        title="uv pip: a configured [[index]] comes after UV_INDEX_URL's default in the list",
    ),
]
