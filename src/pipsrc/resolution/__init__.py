"""Which indexes an install command really uses, in the order its installer reads them.

pip and uv disagree on almost everything here, and the model follows each client, as the
differential harness (tests/oracle) shows it behaves:

pip builds ``[index] + extras`` from, weakest first: its configuration files (global,
legacy user, user, site, then ``PIP_CONFIG_FILE``'s file, merged key by key; a command's
section beats ``[global]`` at any level; an existing ``PIP_CONFIG_FILE`` hides the user
files and ``/dev/null`` hides them all), the ``PIP_*`` variables (an empty one is ignored),
the command line (``-i`` replaces, ``--extra-index-url`` appends), and last the
requirements and constraints files it reads (constraints first, nested files in place),
where ``-i`` replaces the whole list, command line included, and ``--no-index`` ends it.

uv reads neither pip's files nor ``PIP_*``. Its default index is, strongest first:
``--default-index``, ``UV_DEFAULT_INDEX``, ``--index-url``, ``UV_INDEX_URL``, then a
requirements file's ``-i``; its extra indexes come before the default, ``--index`` and
``UV_INDEX`` before ``--extra-index-url`` and ``UV_EXTRA_INDEX_URL``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipsrc.model import Document, InstallSite, Setting, Tool
from pipsrc.resolution.pip import pip_effective
from pipsrc.resolution.state import PYPI, Effective, Used
from pipsrc.resolution.uv import uv_effective
from pipsrc.resolution.view import View

if TYPE_CHECKING:
    from pipsrc.context import Context

__all__ = ["PYPI", "Effective", "Used", "effective_index", "visible_settings"]


def visible_settings(doc: Document, site: InstallSite, ctx: Context) -> list[Setting]:
    """The live settings of ``doc`` that reach ``site`` from its scope and the scopes it
    inherits from (not its own flags and prefixes)."""
    return View(doc, site, ctx).visible


def effective_index(doc: Document, site: InstallSite, ctx: Context) -> Effective:
    """The indexes ``site`` uses (see the module's docstring)."""
    view = View(doc, site, ctx)
    return uv_effective(view) if site.tool is Tool.UV else pip_effective(view)
