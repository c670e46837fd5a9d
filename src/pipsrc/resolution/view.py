"""What an install site can see: the environment at the site, the configuration written or
copied before it, and the requirements files it reads."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from pipsrc.effective import ENV_METHODS, copied_from, live, scope_chain
from pipsrc.model import Document, InstallSite, Method, Setting
from pipsrc.resolution.users import user_at, users_file

if TYPE_CHECKING:
    from pipsrc.context import Context


class View:
    """What an install site can see: the environment at the site, the pip configuration
    written or copied before it, and the requirements files it reads."""

    def __init__(self, doc: Document, site: InstallSite, ctx: Context) -> None:
        self.doc, self.site, self.ctx = doc, site, ctx
        self.chain_ids = scope_chain(doc, site.scope)
        self._user: str | None = None  # who runs the site (a Dockerfile USER), when asked
        self.visible = [s for s in live(doc.settings) if self._sees(s)]
        self.copied: dict[int, str] = {}  # id of a setting of a COPY'd pip.conf -> its path
        self.named_doc: Document | None = None  # the repository file PIP_CONFIG_FILE names

    def _sees(self, s: Setting) -> bool:
        if s.site is not None:
            return False  # a flag or prefix of some command: see ``prefix``/``cli``
        owner = users_file(self.doc, s)
        if owner is not None and owner != self._runs_as():
            return False  # another user's pip.conf (a Dockerfile USER switch)
        if s.scope == self.site.scope:
            return s.position < self.site.span.start
        if s.scope not in self.chain_ids[1:] or s.method is Method.BUILD_ARG:
            return False
        # an ordered scope (a CI job) reaches a site only with what came before it
        scope = self.doc.scope(s.scope)
        return scope is None or not scope.ordered or s.position < self.site.span.start

    def _runs_as(self) -> str:
        """The user the site's command runs as (found once per site)."""
        if self._user is None:
            self._user = user_at(self.doc, self.site.scope, self.site.span.start)
        return self._user

    def env(self, name: str) -> list[Setting] | None:
        """The items of the last assignment of ``name`` at the site (a ``VAR=x`` prefix of
        the command itself last); [] for an empty one, None when it is never set. In a
        Dockerfile an ENV beats an ARG of the same name whatever their order."""
        prefix = [s for s in self.site.settings if s.method is Method.ENV and s.key == name]
        pool = prefix or [s for s in self.visible if s.method in ENV_METHODS and s.key == name]
        if not prefix and any(s.method is Method.ENV for s in pool):
            pool = [s for s in pool if s.method is not Method.BUILD_ARG]
        empty = [s for s in self._all_env(name) if s.value == "" and self._after(s, pool)]
        if empty:
            return []
        if not pool:
            return None
        last = max(s.assign for s in pool)
        return [s for s in pool if s.assign == last and s.value != ""]

    def _all_env(self, name: str) -> list[Setting]:
        """Every assignment of ``name`` the site sees, the empty ones included (they are
        'ineffective' settings, kept out of ``visible``)."""
        own = [s for s in self.site.settings if s.key == name and s.method is Method.ENV]
        return own or [
            s for s in self.doc.settings
            if s.key == name and s.method in ENV_METHODS and s.site is None and self._sees(s)
        ]  # fmt: skip

    @staticmethod
    def _after(empty: Setting, pool: list[Setting]) -> bool:
        return not pool or empty.assign > max(s.assign for s in pool)

    def cli(self) -> list[Setting]:
        return [s for s in self.site.settings if s.method is Method.CLI and s.ineffective is None]

    def files(self) -> list[tuple[Document, Setting]]:
        """The options of the requirements and constraints files the site reads, in the
        order pip reads them: constraints first, each file's nested files in place."""
        names = [n for n in self.site.requirement_files if n in self.site.constraint_files]
        names += [n for n in self.site.requirement_files if n not in self.site.constraint_files]
        out: list[tuple[Document, Setting]] = []
        seen: set[str] = set()
        for name in names:
            self._file(self.doc, in_cwd(self.site, name), out, seen)
        return out

    def _file(
        self, base: Document, name: str, out: list[tuple[Document, Setting]], seen: set[str]
    ) -> None:
        found = self.ctx.find_file(base, name, "requirements")
        if found is None and base is self.doc and name.startswith("/"):
            source = copied_from(self.doc, self.chain_ids, name, self.site.span.start)
            found = None if source is None else self.ctx.find_file(base, source, "requirements")
        if found is None or found.path in seen:
            return
        seen.add(found.path)
        items: list[tuple[int, Setting | str]] = [
            (s.position, s) for s in live(found.settings) if s.method is Method.REQUIREMENTS
        ]
        items += [(at, nested) for at, nested, _c in found.include_marks]
        for _at, item in sorted(items, key=lambda x: x[0]):
            if isinstance(item, str):
                self._file(found, item, out, seen)
            else:
                out.append((found, item))


def in_cwd(site: InstallSite, name: str) -> str:
    """A file an install names, seen from the directory it runs in (after ``cd DIR``)."""
    if site.cwd and not name.startswith(("/", "$", "~")):
        return posixpath.normpath(posixpath.join(site.cwd, name))
    return name
