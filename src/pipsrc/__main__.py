"""The ``pipsrc`` console script, and ``python -m pipsrc``.

``pipsrc check FILE...`` and ``pipsrc fix FILE...`` with no option are what pre-commit's
hooks run on every commit; they go straight to :mod:`pipsrc.commands` with the defaults,
without importing click (a third of such a run; docs/decisions.md). Everything else is parsed by the
click command line in :mod:`pipsrc.cli`.
"""

from __future__ import annotations

import gc
import os
import sys


def run() -> None:
    """Run pipsrc in a short-lived process.

    A run allocates a great many small objects (documents, spans, findings) that live
    until it ends, so the cyclic garbage collector's passes find almost nothing while
    costing several percent of a monorepo run (bench/RESULTS.md). The objects created by
    start-up are frozen out of its view and its first threshold raised; memory stays
    bounded by reference counting, and library callers are unaffected.
    """
    gc.freeze()
    gc.set_threshold(50_000, 50, 50)
    from pipsrc import commands

    params = commands.plain_command(sys.argv[1:], os.environ)
    if params is not None:
        sys.exit(commands.run_plain(sys.argv[1], params))
    from pipsrc.cli import main

    main()


if __name__ == "__main__":
    run()
