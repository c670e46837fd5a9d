"""The names installers read index settings from: one table each, read by every parser.

A Dockerfile ``ENV``, a shell ``export``, a compose ``environment:`` entry and a ``docker
build --build-arg`` all set the same environment variables, so they must agree on which
names configure an index, which of them split into lists, and which do nothing. Before
this table existed each parser kept its own copy, and the copies drifted (``UV_NO_INDEX``
was honoured in compose but not in a script). The same holds for pip's and uv's command
options, the options of requirements files and the keys of ``pip.conf``.

Sources: pip's ``cmdoptions.py`` and ``req_file.py`` (SUPPORTED_OPTIONS), pip's
configuration loader, ``uv pip install --help``, Pipenv's and PDM's configuration docs.
"""

from __future__ import annotations

import posixpath
import re
from typing import NamedTuple

from pipsrc.model import Level, SettingKind, Tool

K = SettingKind

# Settings whose value is a URL (a trusted-host entry may be needed for an http one).
URL_KINDS = frozenset({K.INDEX, K.EXTRA_INDEX, K.FIND_LINKS})
# Settings that hold a list: whitespace-separated in pip's configuration and variables.
LIST_KINDS = frozenset({K.EXTRA_INDEX, K.TRUSTED_HOST, K.FIND_LINKS})


class EnvVar(NamedTuple):
    """An environment variable an installer reads an index setting from."""

    kind: SettingKind
    tool: Tool
    split: bool = False  # a whitespace-separated list (pip and uv alike)
    named: bool = False  # uv's ``name=url`` items
    ineffective: str | None = None  # why the installer never reads it


PIP_INDEX_NOTE = "PIP_INDEX is not read by pip (did you mean PIP_INDEX_URL?)"

ENV_VARS: dict[str, EnvVar] = {
    "PIP_INDEX_URL": EnvVar(K.INDEX, Tool.PIP),
    "PIP_EXTRA_INDEX_URL": EnvVar(K.EXTRA_INDEX, Tool.PIP, split=True),
    "PIP_TRUSTED_HOST": EnvVar(K.TRUSTED_HOST, Tool.PIP, split=True),
    "PIP_FIND_LINKS": EnvVar(K.FIND_LINKS, Tool.PIP, split=True),
    "PIP_NO_INDEX": EnvVar(K.NO_INDEX, Tool.PIP),
    # a common ARG name that pip ignores unless a command interpolates it by hand
    "PIP_INDEX": EnvVar(K.INDEX, Tool.PIP, ineffective=PIP_INDEX_NOTE),
    "UV_INDEX_URL": EnvVar(K.INDEX, Tool.UV),
    "UV_DEFAULT_INDEX": EnvVar(K.INDEX, Tool.UV, named=True),
    "UV_EXTRA_INDEX_URL": EnvVar(K.EXTRA_INDEX, Tool.UV, split=True),
    "UV_INDEX": EnvVar(K.EXTRA_INDEX, Tool.UV, split=True, named=True),
    "UV_INSECURE_HOST": EnvVar(K.TRUSTED_HOST, Tool.UV, split=True),
    # (uv has no UV_NO_INDEX: uv 0.13 ignores it, whatever some guides say)
    "PIP_CONFIG_FILE": EnvVar(K.CONFIG_FILE, Tool.PIP),
    # uv: a true UV_NO_CONFIG reads no uv.toml and no [tool.uv]
    "UV_NO_CONFIG": EnvVar(K.CONFIG_FILE, Tool.UV),
    # Pipenv swaps pypi.org sources for this mirror at run time; PDM replaces PyPI with it
    "PIPENV_PYPI_MIRROR": EnvVar(K.INDEX, Tool.PIPENV),
    "PDM_PYPI_URL": EnvVar(K.INDEX, Tool.PDM),
}

# The variable that trusts a host for each installer's http indexes.
TRUSTED_VAR: dict[Tool, str] = {Tool.PIP: "PIP_TRUSTED_HOST", Tool.UV: "UV_INSECURE_HOST"}
# The variable PS104 sets to configure an installer's primary index.
INDEX_VAR: dict[Tool, str] = {Tool.PIP: "PIP_INDEX_URL", Tool.UV: "UV_DEFAULT_INDEX"}

# --- pip's command line --------------------------------------------------------------

PIP_INDEX_OPTIONS: dict[str, SettingKind] = {
    "--index-url": K.INDEX,
    "--extra-index-url": K.EXTRA_INDEX,
    "--trusted-host": K.TRUSTED_HOST,
    "--find-links": K.FIND_LINKS,
    "--no-index": K.NO_INDEX,
}
PIP_SHORT_INDEX_OPTIONS: dict[str, SettingKind] = {"-i": K.INDEX, "-f": K.FIND_LINKS}
# long options that take a value (their value is never a package name)
PIP_VALUE_OPTIONS = frozenset(
    {
        "--requirement", "--constraint", "--editable", "--target", "--platform",
        "--python-version", "--implementation", "--abi", "--root", "--prefix", "--src",
        "--upgrade-strategy", "--config-settings", "--global-option", "--build-option",
        "--no-binary", "--only-binary", "--progress-bar", "--root-user-action", "--report",
        "--group", "--wheel-dir", "--dest", "--log", "--log-file", "--proxy", "--retries",
        "--timeout", "--exists-action", "--cert", "--client-cert", "--cache-dir", "--python",
        "--use-feature", "--use-deprecated", "--keyring-provider", "--resume-retries",
    }
)  # fmt: skip
PIP_FLAG_OPTIONS = frozenset(
    {
        "--no-input", "--no-deps", "--no-cache-dir", "--no-build-isolation", "--no-clean",
        "--no-compile", "--no-warn-script-location", "--no-warn-conflicts", "--no-color",
        "--no-use-pep517", "--use-pep517", "--upgrade", "--user", "--force-reinstall",
        "--ignore-installed", "--ignore-requires-python", "--pre", "--require-hashes",
        "--quiet", "--verbose", "--version", "--help", "--isolated", "--compile", "--dry-run",
        "--disable-pip-version-check", "--break-system-packages", "--prefer-binary",
        "--require-virtualenv", "--check-build-dependencies", "--no-python-version-warning",
        "--debug",
    }
)  # fmt: skip
PIP_LONG_OPTIONS: tuple[str, ...] = (*PIP_INDEX_OPTIONS, *PIP_VALUE_OPTIONS, *PIP_FLAG_OPTIONS)
PIP_SHORT_VALUE_OPTIONS = frozenset({"-r", "-c", "-e", "-t", "-d", "-w", "-C"})
# pip subcommands that fetch packages from an index
PIP_INSTALL_COMMANDS = ("install", "download", "wheel")

# --- uv's command line ---------------------------------------------------------------

UV_INDEX_OPTIONS: dict[str, SettingKind] = {
    "--index-url": K.INDEX,
    "--default-index": K.INDEX,
    "--extra-index-url": K.EXTRA_INDEX,
    "--index": K.EXTRA_INDEX,
    "--trusted-host": K.TRUSTED_HOST,  # a hidden alias of --allow-insecure-host
    "--allow-insecure-host": K.TRUSTED_HOST,
    "--find-links": K.FIND_LINKS,
    "--no-index": K.NO_INDEX,
}
UV_NAMED_OPTIONS = frozenset({"--index", "--default-index"})  # items may be name=url
UV_VALUE_OPTIONS = frozenset(
    {
        "--requirement", "--constraint", "--override", "--editable", "--python", "--target",
        "--prefix", "--index-strategy", "--keyring-provider", "--extra", "--group",
        "--config-setting", "--python-version", "--python-platform", "--link-mode",
        "--resolution", "--prerelease", "--exclude-newer", "--no-binary", "--only-binary",
        "--cache-dir", "--color", "--directory", "--project", "--config-file",
        "--torch-backend", "--output-file",
    }
)  # fmt: skip
UV_SHORT_VALUE_OPTIONS = frozenset({"-r", "-c", "-e", "-p", "-C", "-o"})
# `uv pip ...` subcommands that resolve from an index, and uv's project commands that do
UV_INSTALL_COMMANDS = ("install", "sync", "compile", "lock", "add", "remove")
# uv's project commands: they resolve the project and write or check uv.lock (`uv add` and
# `uv remove` lock again after changing the dependencies)
UV_PROJECT_COMMANDS = ("sync", "lock", "add", "remove")

# `uv tool install|upgrade|run` install tools; the reported commands of tool installs, which
# read the user's uv configuration but never a project's
UV_TOOL_COMMANDS = frozenset({"install", "upgrade", "run"})
UV_TOOL_SPELLINGS = ("uv tool ", "uvx")
# installer commands without the word "pip": the engine's and the shell reader's word
# filters let a file or command holding one through
INSTALLER_WORDS = r"uv\s+(?:sync|lock|add|remove|tool)\b|uvx\b|pdm\s+config"
# an interpreter that runs `-m pip` (`-m pipx`, `-m uv`)
PYTHON_NAME = re.compile(r"python(?:\d+(?:\.\d+)*)?|py|pypy3?")

# -r/-c and their long forms: the files an install reads options from
REQUIREMENT_FILE_OPTIONS = frozenset({"-r", "--requirement", "-c", "--constraint"})

# --- requirements files (pip's SUPPORTED_OPTIONS) ------------------------------------

# long name -> (what it sets, whether it takes a value); optparse also accepts any
# unambiguous prefix (``--extra`` = ``--extra-index-url``)
REQUIREMENTS_OPTIONS: dict[str, tuple[str, bool]] = {
    "--index-url": ("index", True),
    "--pypi-url": ("index", True),
    "--extra-index-url": ("extra", True),
    "--no-index": ("no-index", False),
    "--constraint": ("constraint", True),
    "--requirement": ("requirement", True),
    "--editable": ("editable", True),
    "--find-links": ("find-links", True),
    "--no-binary": ("other", True),
    "--only-binary": ("other", True),
    "--prefer-binary": ("other", False),
    "--require-hashes": ("other", False),
    "--pre": ("other", False),
    "--trusted-host": ("trusted-host", True),
    "--use-feature": ("other", True),
    "--global-option": ("other", True),
    "--hash": ("other", True),
    "--config-settings": ("other", True),
    "--config-setting": ("other", True),
    "--group": ("other", True),
}
REQUIREMENTS_SHORT_OPTIONS: dict[str, str] = {
    "-i": "--index-url",
    "-c": "--constraint",
    "-r": "--requirement",
    "-e": "--editable",
    "-f": "--find-links",
    "-C": "--config-settings",
}
REQUIREMENTS_KINDS: dict[str, SettingKind] = {
    "index": K.INDEX,
    "extra": K.EXTRA_INDEX,
    "trusted-host": K.TRUSTED_HOST,
    "find-links": K.FIND_LINKS,
}

# --- pip's configuration (pip.conf, ``pip config set``) ------------------------------

CONFIG_KEYS: dict[str, SettingKind] = {
    "index-url": K.INDEX,
    "extra-index-url": K.EXTRA_INDEX,
    "trusted-host": K.TRUSTED_HOST,
    "find-links": K.FIND_LINKS,
    "no-index": K.NO_INDEX,
}
# keys found in pip.conf files that pip install does not read as its index
LEGACY_CONFIG_KEYS: dict[str, SettingKind] = {"pypi-url": K.INDEX, "index": K.INDEX}
# [global] and one section per command (pip/_internal/commands/__init__.py)
PIP_SECTIONS = frozenset(
    {
        "global", "install", "download", "uninstall", "freeze", "inspect", "list", "show",
        "check", "config", "search", "cache", "index", "wheel", "hash", "completion",
        "debug", "help", "lock",
    }
)  # fmt: skip


def config_key(name: str) -> str:
    """pip's normalisation of a configuration key: ``INDEX_URL`` -> ``index-url``."""
    return name.lower().replace("_", "-").removeprefix("--")


def config_level(path: str) -> str:
    """The level pip reads a pip.conf written to ``path`` at (:class:`~pipsrc.model.Level`).

    ``~``, ``$HOME`` and ``/root`` or ``/home/NAME`` are a user's home; a ``pip.conf`` directly
    in a directory that looks like a ``sys.prefix`` (``$VIRTUAL_ENV``, ``/usr/local``,
    ``/opt/venv``, a ``venv``/``.venv``/``env``/``conda`` directory) is the site file.
    """
    p = path.strip().strip("\"'").replace("${", "$").replace("}", "")
    home = ("~/", "$HOME/", "/root/")
    if p.startswith("$XDG_CONFIG_HOME/pip/"):
        return Level.USER
    if p.startswith("$XDG_CONFIG_DIRS/") or (
        p.startswith("/etc/xdg/") and p.endswith("/pip/pip.conf")
    ):
        return Level.GLOBAL_XDG
    if p in ("/etc/pip.conf", "/etc/pip.ini"):
        return Level.GLOBAL
    rel = next((p[len(h) :] for h in home if p.startswith(h)), None)
    if rel is None and p.startswith("/home/") and p.count("/") >= 3:
        rel = p.split("/", 3)[3]
    if rel is not None:
        if rel in (".pip/pip.conf", ".pip/pip.ini"):
            return Level.USER_LEGACY
        if rel in (".config/pip/pip.conf", ".config/pip/pip.ini"):
            return Level.USER
        return Level.OTHER
    prefix = p.rsplit("/", 1)[0] if p.endswith(("/pip.conf", "/pip.ini")) else ""
    if prefix in _PREFIXES or prefix.startswith("/opt/") or prefix.rsplit("/", 1)[-1] in _ENVS:
        return Level.SITE
    return Level.OTHER


# lock files, each with the command that writes it again from its project file
RELOCK: dict[str, str] = {
    "uv.lock": "uv lock",
    "poetry.lock": "poetry lock",
    "Pipfile.lock": "pipenv lock",
    "pdm.lock": "pdm lock",
    "pixi.lock": "pixi lock",
}


# the locks a project file is the source of (pdm.lock's hash covers the pyproject's sources,
# not pdm.toml's configuration: `pdm lock --check` still passes after it changes)
LOCKS_OF: dict[str, tuple[str, ...]] = {
    "pyproject.toml": ("uv.lock", "poetry.lock", "pdm.lock", "pixi.lock"),
    "uv.toml": ("uv.lock",),
    "Pipfile": ("Pipfile.lock",),
    "pixi.toml": ("pixi.lock",),
}


def uv_config_level(path: str) -> str | None:
    """The level uv reads a ``uv.toml`` written to ``path`` at, or None if it is not one."""
    p = path.strip().strip("\"'").replace("${", "$").replace("}", "")
    if posixpath.basename(p) != "uv.toml":
        return None
    if p.startswith(("~/.config/uv/", "$HOME/.config/uv/", "/root/.config/uv/",
                     "$XDG_CONFIG_HOME/uv/")) or (
        p.startswith("/home/") and p.endswith("/.config/uv/uv.toml")
    ):  # fmt: skip
        return Level.UV_USER
    if p in ("/etc/uv/uv.toml", "/etc/xdg/uv/uv.toml") or p.startswith("$XDG_CONFIG_DIRS/"):
        return Level.UV_SYSTEM
    return Level.UV_PROJECT if "/" not in p.removeprefix("./") else None


_PREFIXES = frozenset({"$VIRTUAL_ENV", "$CONDA_PREFIX", "/usr/local", "/usr", "/venv"})
_ENVS = frozenset({"venv", ".venv", "env", ".env", "conda", "miniconda3", "anaconda3"})


# --- conda, mamba and micromamba (channels, read by Tool.CONDA only) --------------------

# setting kinds no pip rule reads, and no conda rule reads of pip (`pip:` items of an
# environment file are pip settings)
CONDA_KINDS = frozenset(
    {K.CHANNEL, K.DEFAULT_CHANNEL, K.CHANNEL_ALIAS, K.CUSTOM_CHANNEL, K.OVERRIDE_CHANNELS}
)
# .condarc keys that say where packages come from (docs.conda.io configuration reference)
CONDARC_KEYS: dict[str, SettingKind] = {
    "channels": K.CHANNEL,
    "default_channels": K.DEFAULT_CHANNEL,
    "channel_alias": K.CHANNEL_ALIAS,
    "custom_channels": K.CUSTOM_CHANNEL,
}
CONDA_PROGRAMS = frozenset({"conda", "mamba", "micromamba"})
# subcommands that solve from channels and take -c/--channel (`env create` reads a file)
CONDA_INSTALL_COMMANDS = frozenset({"install", "create", "update", "upgrade", "search"})
CONDA_CHANNEL_OPTIONS: dict[str, SettingKind] = {
    "-c": K.CHANNEL,
    "--channel": K.CHANNEL,
    "--override-channels": K.OVERRIDE_CHANNELS,
}
# options whose value is never a package or a channel
CONDA_VALUE_OPTIONS = frozenset(
    {"-n", "--name", "-p", "--prefix", "--file", "-f", "--platform", "--subdir",
     "--repodata-fn", "--solver", "--channel-priority", "-r", "--root-prefix"}
)  # fmt: skip
# `conda config` actions that write a key, with the number of values each takes
CONDA_CONFIG_ACTIONS: dict[str, int] = {
    "--add": 2, "--prepend": 2, "--append": 2, "--set": 2, "--remove": 2, "--remove-key": 1,
}  # fmt: skip
# micromamba writes its configuration with words, not options
MICROMAMBA_CONFIG_ACTIONS: dict[str, str] = {
    "append": "--append", "prepend": "--prepend", "set": "--set", "remove": "--remove",
}  # fmt: skip


def conda_config_key(key: str) -> tuple[SettingKind, str | None] | None:
    """The setting a ``conda config`` key configures: ``channels`` ... and
    ``custom_channels.NAME`` (with NAME); None for keys that are not about channels."""
    head, dot, name = key.partition(".")
    kind = CONDARC_KEYS.get(head)
    if kind is None or (kind is K.CUSTOM_CHANNEL) != bool(dot and name):
        return None
    return kind, name or None
