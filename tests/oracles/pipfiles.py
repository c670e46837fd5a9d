"""pip's own readers: the requirements-file parser and the configuration loader, in process.

The requirements parser runs with a real ``PackageFinder``, so the options it hands pip
(``--index-url``, ``--extra-index-url``, ``--find-links``, ``--no-index``) are exactly those
an install would use; ``--trusted-host`` goes to the session, recorded here. The config loader
is pip's ``Configuration._load_file`` (``RawConfigParser`` in strict mode: a duplicate key is
an error, as for pip). :func:`pip_config_list` runs the real command in a subprocess for the
fixtures.
"""

from __future__ import annotations

import configparser
import functools
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.oracles import tools

CLI_INDEX = "<the command line's index>"


@dataclass(frozen=True)
class RequirementsView:
    index_urls: tuple[str, ...]
    find_links: tuple[str, ...]
    no_index: bool
    trusted_hosts: tuple[str, ...]
    requirements: tuple[str, ...]


@functools.cache
def _pip() -> object:
    # imported on first use: pip's internals are heavy and only this module needs them
    from pip._internal.index.collector import LinkCollector
    from pip._internal.index.package_finder import PackageFinder
    from pip._internal.models.search_scope import SearchScope
    from pip._internal.models.selection_prefs import SelectionPreferences
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    return (
        LinkCollector,
        PackageFinder,
        SearchScope,
        SelectionPreferences,
        PipSession,
        parse_requirements,
    )


class _Session:
    """The part of PipSession the requirements parser talks to, recording trusted hosts."""

    def __init__(self, real: object) -> None:
        self._real = real
        self.trusted: list[str] = []

    def add_trusted_host(
        self, host: str, source: str | None = None, suppress_logging: bool = False
    ) -> None:
        self.trusted.append(host)

    def update_index_urls(self, new_index_urls: list[str]) -> None:
        pass

    def __getattr__(self, item: str) -> object:
        return getattr(self._real, item)


@functools.cache
def _real_session() -> object:
    return _pip()[4]()  # type: ignore[index,operator]


def parse_requirements(path: Path) -> RequirementsView | str:
    """What pip reads from a requirements file (nested -r/-c included), or pip's error."""
    LinkCollector, PackageFinder, SearchScope, SelectionPreferences, _, parse = _pip()  # type: ignore[misc]
    session = _Session(_real_session())
    finder = PackageFinder.create(
        # the command line's index stands first, as in pip; a file's -i replaces the list
        link_collector=LinkCollector(session, SearchScope.create([], [CLI_INDEX], False)),
        selection_prefs=SelectionPreferences(allow_yanked=True),
    )
    reqs: list[str] = []
    try:
        for parsed in parse(str(path), session=session, finder=finder):
            reqs.append(parsed.requirement)
    except Exception as e:  # pip's InstallationError, RequirementsFileParseError, OSError ...
        return f"{type(e).__name__}: {e}"
    scope = finder.search_scope
    return RequirementsView(
        tuple(scope.index_urls),
        tuple(scope.find_links),
        bool(scope.no_index),
        tuple(session.trusted),
        tuple(reqs),
    )


def parse_requirements_text(
    text: str, name: str = "requirements.txt", siblings: dict[str, str] | None = None
) -> RequirementsView | str:
    with tempfile.TemporaryDirectory(prefix="pipsrc-req-") as d:
        for sib, content in (siblings or {}).items():
            (Path(d) / sib).write_text(content, encoding="utf-8")
        p = Path(d) / name
        p.write_text(text, encoding="utf-8", newline="")
        return parse_requirements(p)


@dataclass(frozen=True)
class ConfigView:
    values: dict[str, str] = field(default_factory=dict)  # "section.key" -> value


def load_config(path: Path) -> ConfigView | str:
    """pip's loader on one configuration file, or its error."""
    from pip._internal.configuration import Configuration, Kind
    from pip._internal.exceptions import ConfigurationError

    conf = Configuration(isolated=True)
    try:
        conf._load_file(Kind.ENV, str(path))
    except ConfigurationError as e:
        return f"{type(e).__name__}: {e}"
    return ConfigView(dict(conf._config[Kind.ENV].get(str(path), {})))


def load_config_text(text: str) -> ConfigView | str:
    with tempfile.TemporaryDirectory(prefix="pipsrc-conf-") as d:
        p = Path(d) / "pip.conf"
        p.write_text(text, encoding="utf-8", newline="")
        return load_config(p)


def raw_config(text: str) -> str | None:
    """configparser's own verdict (strict: duplicate sections and keys are errors)."""
    parser = configparser.RawConfigParser(strict=True)
    try:
        parser.read_string(text)
    except configparser.Error as e:
        return f"{type(e).__name__}: {e}"
    return None


def pip_config_list(path: Path) -> tuple[int, list[str]]:
    """``PIP_CONFIG_FILE=<path> pip config list``: exit status and the lines it prints.

    The environment is hermetic; the machine's global files may add lines (a cert, a
    constraint) that are the same for every file compared, so callers compare two runs.
    """
    env = dict(tools.env(), PIP_CONFIG_FILE=str(path))
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=os.path.dirname(path),
    )
    lines = sorted(proc.stdout.splitlines()) if proc.returncode == 0 else [proc.stderr.strip()]
    return proc.returncode, lines
