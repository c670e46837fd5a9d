"""Writing small repositories for tests: one helper instead of a copy per test module."""

from __future__ import annotations

from pathlib import Path


def write(root: Path, rel: str, text: str) -> Path:
    """Write ``text`` (UTF-8) at ``root/rel``, creating directories; returns the path."""
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write every ``{relative path: text}`` under ``root``; returns ``root``."""
    for rel, text in files.items():
        write(root, rel, text)
    return root
