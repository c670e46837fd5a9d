"""Library entry points for callers that hold text rather than a repository."""

from __future__ import annotations

from pipsrc.discover import classify
from pipsrc.engine.fixing import FileFix
from pipsrc.engine.linting import lint
from pipsrc.engine.reading import parse_safely
from pipsrc.engine.repository import make_context
from pipsrc.engine.results import FileResult, Finding
from pipsrc.engine.run import check as check_paths
from pipsrc.engine.run import fix as fix_paths
from pipsrc.engine.selection import Selection
from pipsrc.policy import Policy
from pipsrc.textio import Decoded


def _kind(path: str, text: str) -> str:
    kind = classify(path, text[:128].encode("utf-8", "replace"), docs=True)
    if kind is None:
        raise ValueError(f"{path}: not a file kind pipsrc reads")
    return kind


def _result(text: str, path: str) -> FileResult:
    kind = _kind(path, text)
    # already text: nothing to decode (and nothing is written back by these functions)
    r = FileResult(path, kind, original=text, decoded=Decoded(text, "utf-8", b""))
    r.doc = parse_safely(kind, text, path)
    return r


def check_text(
    text: str,
    path: str,
    policy: Policy | None = None,
    selection: Selection | None = None,
    *,
    cli_index: bool = True,
) -> list[Finding]:
    """Findings for one in-memory file (``path`` decides its kind)."""
    policy = policy or Policy()
    r = _result(text, path)
    ctx = make_context([r], policy, cli_index)
    assert r.doc is not None
    return sorted(
        lint(r.doc, ctx, (selection or Selection()).enabled(policy)), key=Finding.sort_key
    )


def fix_text(
    text: str,
    path: str,
    policy: Policy | None = None,
    selection: Selection | None = None,
    *,
    unsafe: bool = False,
    cli_index: bool = True,
) -> str:
    """The text after ``pipsrc fix`` (the input unchanged when a fix is refused)."""
    policy = policy or Policy()
    r = _result(text, path)
    ctx = make_context([r], policy, cli_index)
    assert r.doc is not None
    ff = FileFix(r.doc, r.doc)
    ff.run(ctx, (selection or Selection()).enabled(policy), unsafe)
    if ff.error:
        raise RuntimeError(f"{path}: {ff.error}")
    return ff.doc.text


__all__ = ["Finding", "Policy", "Selection", "check_paths", "check_text", "fix_paths", "fix_text"]
