"""bash's own verdict on a shell program (``bash -n``): the judge of what parses.

tree-sitter-bash locates; where it finds an error node, bash decides whether the program is
really broken (PS900) or only beyond the grammar (``[ "$a" \\> "$b" ]``, a ``]`` inside
``${v%pattern}``): then the part tree-sitter could not read is left alone and the rest of the
file is still checked and fixed. Without bash, tree-sitter's verdict stands.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=512)
def syntax_error(program: str) -> str | None:
    """Why bash refuses ``program`` (``bash -n``), or None. bash is asked only about what
    tree-sitter-bash cannot read (a fix checks every program it changed: a process each
    would cost more than the fix); tree-sitter's verdict stands where there is no bash."""
    if _tree_sitter_error(program) is None:
        return None  # what tree-sitter reads (without an empty body), bash reads
    import shutil  # (with bz2 and lzma) only when bash is asked: not on most runs

    bash = shutil.which("bash")
    if bash is None:
        return "syntax error"
    import subprocess

    try:
        proc = subprocess.run(
            [bash, "-n"],
            input=program.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=30,
            check=False,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return _tree_sitter_error(program)
    if proc.returncode == 0:
        # bash runs a here-document cut off by the end of the file, with a warning: the
        # script is truncated, so it stays a parse error here
        return "here-document not terminated" if b"here-document" in proc.stderr else None
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return re.sub(r"^bash: (line \d+: )?", "", lines[0] if lines else "syntax error")


def _tree_sitter_error(program: str) -> str | None:
    """tree-sitter-bash's verdict, with bash's rule it does not know: a compound body
    (``then``, ``do``, ``{ }``) holds a command."""
    from pipsrc.syntax.bashbodies import empty_bodies
    from pipsrc.syntax.bashtree import parser, source_bytes

    root = parser().parse(source_bytes(program)).root_node
    if root.has_error or next(iter(empty_bodies(root)), None) is not None:
        return "syntax error"
    return None
