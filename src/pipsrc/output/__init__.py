"""Output formats: one renderer module per format, each ``render(result, opts) -> str``.

Renderers receive findings whose strings are already redacted by the engine,
and run :func:`pipsrc.urls.redact` once more over what they emit, so that no
format can leak a credential even if a new field forgets the first pass.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from pipsrc.engine import RunResult
from pipsrc.urls import redact

FORMATS = {
    "text": "pipsrc.output.text",
    "json": "pipsrc.output.json_format",
}


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    unsafe_fixes: bool = False
    quiet: bool = False


def render(result: RunResult, fmt: str, opts: RenderOptions) -> str:
    module = importlib.import_module(FORMATS[fmt])
    out: str = module.render(result, opts)
    return redact(out)


def safe_path(path: str) -> str:
    """A path fit for a terminal or CI log: control characters escaped, and never a
    leading ``::`` (a line starting so is a GitHub Actions workflow command)."""
    if path.startswith("::"):
        path = "./" + path
    if path.isprintable():
        return path
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in path)
