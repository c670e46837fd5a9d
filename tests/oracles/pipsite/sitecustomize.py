"""Loaded (through PYTHONPATH) by the pip that fix-then-build runs; nowhere else.

A build runs as root in a container and writes ``/etc/pip.conf``; the test runs on a
developer's machine or a CI runner, whose ``/etc`` it must neither read nor write. When
``PIPSRC_ORACLE_ROOTFS`` is set, pip's *global* configuration files move under that
directory (``$ROOTFS/etc/xdg/pip/pip.conf``, ``$ROOTFS/etc/pip.conf``: the same two places,
the same precedence) and its *site* file (``sys.prefix/pip.conf``) to ``$ROOTFS/venv``. User
files follow ``HOME`` as usual. Everything else is the real pip.
"""

from __future__ import annotations

import os

_ROOT = os.environ.get("PIPSRC_ORACLE_ROOTFS")

if _ROOT:
    from pip._internal import configuration as _configuration

    _original = _configuration.get_configuration_files

    def _get_configuration_files() -> dict:  # type: ignore[type-arg]
        files = _original()
        files[_configuration.Kind.GLOBAL] = [
            os.path.join(_ROOT, "etc", "xdg", "pip", "pip.conf"),
            os.path.join(_ROOT, "etc", "pip.conf"),
        ]
        files[_configuration.Kind.SITE] = [os.path.join(_ROOT, "venv", "pip.conf")]
        return files

    _configuration.get_configuration_files = _get_configuration_files
