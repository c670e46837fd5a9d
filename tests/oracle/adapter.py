"""pipsrc's side of the comparison, behind one function: :func:`pipsrc_answer`.

ALL coupling to pipsrc's internals lives in this module. Today pipsrc's JSON output
(``python -m pipsrc check --format json``) counts install sites per file but does not say
which index each one uses, so the adapter calls the library in-process:
``pipsrc.engine.check`` on the rendered repository, then
``pipsrc.analysis.effective_index(doc, site, ctx)`` for the install site on the given line.

When the JSON output gains its planned per-site entry::

    "sites": [{"path", "line", "command", "tool",
               "effective": {"indexes": [url, ...], "source": ..., "chain": [...]}}]

replace the body of :func:`pipsrc_answer` with :func:`_from_json` (already written below,
unused until then): it runs the CLI and reads that entry, and also returns the full
``indexes`` list, which the harness then compares too.

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
    """pipsrc's effective index for the install command at ``path:line`` of the repository."""
    from pipsrc.effective import effective_index
    from pipsrc.engine.repository import make_context
    from pipsrc.engine.run import check
    from pipsrc.policy import Policy

    with _LOCK:
        result = check([str(repo_dir)], Policy())
        ctx = make_context(result.files, result.policy, False, result.repository)
        files = {r.path: r for r in result.files}
        found = files.get(path)
        if found is None or found.doc is None:
            return {"error": f"pipsrc did not read {path} (read: {sorted(files)})"}
        doc = found.doc
        sites = [s for s in doc.sites if doc.text.count("\n", 0, s.span.start) + 1 == line]
        if not sites:
            commands = [(doc.text.count("\n", 0, s.span.start) + 1, s.command) for s in doc.sites]
            return {"error": f"pipsrc found no install site on {path}:{line} (sites: {commands})"}
        site = sites[-1]
        eff = effective_index(doc, site, ctx)
    out: dict[str, Any] = {"source": eff.source, "command": site.command}
    s = eff.setting
    if s is not None:
        out["setting"] = (
            f"{s.key} {s.raw!r} ({s.method.value}{', ' + eff.detail if eff.detail else ''})"
        )
    elif eff.detail:
        out["setting"] = eff.detail
    if eff.source == "no-index":
        out.update(index=None, no_index=True)
    elif eff.source == "default":
        out.update(index="default", no_index=False)
    elif s is not None and s.value is not None:
        out.update(index=s.value, no_index=False)
    else:
        out.update(index=f"unresolved ({eff.source}: {eff.detail})", no_index=False)
    return out


def _from_json(repo_dir: Path, path: str, line: int) -> dict[str, Any]:  # pragma: no cover
    """The same answer from the planned JSON ``sites`` entry (see the module docstring)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pipsrc", "check", "--format", "json", str(repo_dir)],
        capture_output=True, text=True, check=False, cwd=repo_dir,
    )  # fmt: skip
    data = json.loads(proc.stdout)
    for site in data.get("sites", []):
        if site["path"] == path and site["line"] == line:
            eff = site["effective"]
            indexes = list(eff.get("indexes", []))
            no_index = eff.get("source") == "no-index"
            return {
                "indexes": indexes,
                "index": None if no_index else (indexes[0] if indexes else "default"),
                "no_index": no_index,
                "source": eff.get("source"),
                "setting": json.dumps(eff.get("chain", [])),
            }
    return {"error": f"pipsrc JSON has no site at {path}:{line}"}
