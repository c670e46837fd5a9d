"""pipsrc's side of the comparison, behind one function: :func:`pipsrc_answer`.

ALL coupling to pipsrc lives in this module. pipsrc's JSON output
(``python -m pipsrc check --format json``) has, per install command::

    "sites": [{"path", "line", "command", "tool",
               "effective": {"indexes": [url, ...], "source": ..., "chain": [...]}}]

:func:`pipsrc_answer` builds exactly that entry in-process (the function that renders the
JSON, ``pipsrc.output.json_format.site_entries``); :func:`_from_json` reads it from the
command line instead, as a user's tool would. Both return the full ordered ``indexes``
list, which the harness compares.

The answer is the harness's normalised structure, with URLs (the harness maps them to the
symbolic names A/B/C/"default"):

* ``{"index": url | "default", "no_index": False}``: the primary (default) index;
* ``{"index": None, "no_index": True}``;
* ``{"error": "..."}``: pipsrc has no install site on that line;
* ``"indexes": [...]`` only when pipsrc reports the whole ordered list (not today);
* ``"source"``/``"setting"``: how pipsrc got there, for failure messages only.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

# pipsrc's parsers share one tree-sitter parser per process; one check at a time
_LOCK = threading.Lock()


def pipsrc_answer(repo_dir: Path, path: str, line: int) -> dict[str, Any]:
    """pipsrc's effective index for the install command at ``path:line`` of the repository:
    the ``sites`` entry of its JSON output, computed in-process (the same function renders
    it) to spare a process per scenario."""
    from pipsrc.engine.run import check
    from pipsrc.output.json_format import site_entries
    from pipsrc.policy import Policy

    with _LOCK:
        result = check([str(repo_dir)], Policy())
        sites = site_entries(result)
    return _answer(sites, path, line)


def _answer(sites: list[dict[str, Any]], path: str, line: int) -> dict[str, Any]:
    for site in sites:
        if site["path"] == path and site["line"] == line:
            eff = site["effective"]
            indexes = list(eff.get("indexes", []))
            no_index = eff.get("source") == "no-index"
            primary = indexes[-1] if site["tool"] == "uv" and indexes else None
            if site["tool"] != "uv" and indexes:
                primary = indexes[0]
            index = None if no_index else _named(primary, eff)
            return {
                "indexes": [_named(i, eff) for i in indexes],
                "index": index,
                "no_index": no_index,
                "source": eff.get("source"),
                "setting": json.dumps(eff.get("chain", [])),
            }
    listed = [(s["path"], s["line"], s["command"]) for s in sites]
    return {"error": f"pipsrc found no install site on {path}:{line} (sites: {listed})"}


def _named(url: str | None, eff: dict[str, Any]) -> str:
    """The answer's form of one index: its URL, ``default`` for pypi.org, or an
    ``unresolved`` note (which never equals a real answer)."""
    if url is None:
        return f"unresolved ({eff.get('source')}: {eff.get('detail')})"
    if url.rstrip("/") in ("https://pypi.org/simple", "https://pypi.python.org/simple"):
        return "default"
    return url


def _from_json(repo_dir: Path, path: str, line: int) -> dict[str, Any]:  # pragma: no cover
    """The same answer from the planned JSON ``sites`` entry (see the module docstring)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pipsrc", "check", "--format", "json", str(repo_dir)],
        capture_output=True, text=True, check=False, cwd=repo_dir,
    )  # fmt: skip
    return _answer(json.loads(proc.stdout).get("sites", []), path, line)
