"""The ``pipsrc`` console script, and ``python -m pipsrc``.

``pipsrc check FILE...`` and ``pipsrc fix FILE...`` with no option are what pre-commit's
hooks run on every commit; they go straight to :mod:`pipsrc.commands` with the defaults,
without importing click (a third of such a run; docs/decisions.md). Everything else is parsed by the
click command line in :mod:`pipsrc.cli`.
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    """Run pipsrc: the shortcut for what pre-commit's hooks run, else the click command line."""
    from pipsrc.options import plain_options

    opts = plain_options(sys.argv[1:], os.environ)
    if opts is not None:
        from pipsrc import commands

        sys.exit(commands.check(opts) if sys.argv[1] == "check" else commands.fix(opts))
    from pipsrc.cli import main

    main()


if __name__ == "__main__":
    run()
