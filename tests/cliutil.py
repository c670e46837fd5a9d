"""Running the click command line in-process the way a user runs it: from inside the
repository it is pointed at (``cd repo && pipsrc check .``), so that the paths it prints,
relative to where one stands, are the repository's own."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from click.testing import CliRunner, Result

from pipsrc.cli import main


def invoke(args: Sequence[str], env: Mapping[str, str | None] | None = None) -> Result:
    """``pipsrc ARGS`` in-process; a directory given as the last argument is entered first
    (and named ``.``)."""
    argv = list(args)
    cwd = os.getcwd()
    if argv and os.path.isabs(argv[-1]) and os.path.isdir(argv[-1]):
        os.chdir(argv[-1])
        argv[-1] = "."
    try:
        return CliRunner().invoke(main, argv, env=env)
    finally:
        os.chdir(cwd)
