"""pipsrc: lint and auto-fix Python package-index configuration across a repository."""

from __future__ import annotations

__version__ = "0.1.0"
