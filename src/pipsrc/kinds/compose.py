"""Locate pip/uv index variables in Docker Compose files.

The YAML is composed (never dumped) by :mod:`pipsrc.kinds.yamldoc`, which bounds nesting,
checks duplicate keys and applies merge keys; aliases return the very node of their
anchor, so a setting behind an anchor is reported once, at the anchor.

Locating an entry's value in the text, and the removal spans and sibling insertions
of a fix, is :mod:`pipsrc.kinds.composevalues`.
"""

from __future__ import annotations

import posixpath
from typing import Any

from pipsrc.kinds import yamldoc
from pipsrc.kinds.composevalues import ValueLocator, is_null
from pipsrc.model import (
    Document,
    FileKind,
    Method,
    Scope,
    Setting,
)
from pipsrc.syntax.proxyvars import proxy_variables
from pipsrc.textio import majority_newline
from pipsrc.vocabulary import ENV_VARS


def parse(text: str, path: str) -> Document:
    """Parse a compose file; YAML errors become problems, never exceptions."""
    doc = Document(path=path, kind=FileKind.COMPOSE, text=text)
    doc.scopes.append(Scope(id="file", start=0, end=len(text), nl=majority_newline(text)))
    read = read_yaml(doc, text)
    if read is None:
        return doc
    roots, walker = read
    for root in roots:
        walker.services(root)
    for root in roots:
        walker.extensions(root)
    walker.comments()
    proxy_variables(doc, ("item", "map"), Method.COMPOSE_ENV)
    return doc


def read_yaml(doc: Document, text: str) -> tuple[list[Any], _Walker] | None:
    """The composed, checked documents of a YAML text and a walker over them (its
    ``merged`` view, its ``Mapping``/``Sequence``/``Scalar`` classes, its ``values``
    locator), for the other YAML kinds (.condarc, environment files); None when the text
    cannot be read, with the problem and the own-line comments recorded. Call
    :func:`yaml_comments` once the settings are located."""
    return yamldoc.read(doc, text, _Walker)


def yaml_comments(doc: Document, text: str, walker: _Walker) -> None:
    """The comments of a text :func:`read_yaml` read (outside every scalar)."""
    yamldoc.comments(doc, text, walker.scalar_spans)


def prepare() -> None:
    """Import ruamel.yaml now (every compose file that is parsed needs it)."""
    yamldoc.yaml()


class _Walker(yamldoc.YamlWalker):
    """Walks composed nodes once each (identity set) and collects settings."""

    def __init__(self, doc: Document, text: str) -> None:
        super().__init__(doc, text)
        self.reported: set[int] = set()
        self.scope_ids: set[str] = {sc.id for sc in doc.scopes}
        self.values = ValueLocator(doc, text, self.Scalar, self.merged)

    # -- services ----------------------------------------------------------------

    def services(self, root: Any) -> None:
        if not isinstance(root, self.Mapping):
            return
        entry = self.merged(root).get("services")
        if entry is None or not isinstance(entry[1], self.Mapping):
            return
        for name, (key, svc, _owner) in self.merged(entry[1]).items():
            if not isinstance(svc, self.Mapping):
                continue
            scope_id = f"service:{name}"
            span = (key.start_mark.index, svc.end_mark.index)
            if scope_id not in self.scope_ids:
                self.scope_ids.add(scope_id)
                self.doc.scopes.append(Scope(id=scope_id, start=span[0], end=span[1], name=name))
            items = self.merged(svc)
            env = items.get("environment")
            if env is not None:
                self.variables(env[1], Method.COMPOSE_ENV, scope_id, span, env)
            build = items.get("build")
            if build is not None and isinstance(build[1], self.Mapping):
                args = self.merged(build[1]).get("args")
                if args is not None:
                    self.variables(args[1], Method.COMPOSE_ARG, scope_id, span, args)
                    dockerfile = self._dockerfile(build[1])
                    if dockerfile is not None:
                        self.values.build_args(self._entries(args[1]), scope_id, dockerfile)
            self.commands(name, scope_id, items)

    def _entries(self, node: Any) -> list[tuple[str, Any, int]]:
        """(name, value scalar, characters before the value) of an ``args`` node in map or
        list form."""
        out: list[tuple[str, Any, int]] = []
        if isinstance(node, self.Mapping):
            for name, (_key, value, _owner) in self.merged(node).items():
                if isinstance(value, self.Scalar) and not is_null(value):
                    out.append((str(name), value, 0))
        elif isinstance(node, self.Sequence):
            for item in node.value:
                if isinstance(item, self.Scalar):
                    name, eq, _ = str(item.value).partition("=")
                    if eq:
                        out.append((name, item, len(name) + 1))
        return out

    def _dockerfile(self, build: Any) -> str | None:
        """The path of the Dockerfile a ``build:`` mapping builds (``context`` joined with
        ``dockerfile``), relative to the compose file; None for a remote context."""
        items = self.merged(build)

        def scalar(key: str, default: str) -> str | None:
            entry = items.get(key)
            if entry is None:
                return default
            return str(entry[1].value) if isinstance(entry[1], self.Scalar) else None

        context, dockerfile = scalar("context", "."), scalar("dockerfile", "Dockerfile")
        if context is None or dockerfile is None or "://" in context or "$" in context:
            return None
        return posixpath.normpath(posixpath.join(context, dockerfile))

    def commands(self, name: str, scope_id: str, items: dict[str, tuple[Any, Any, Any]]) -> None:
        """The service's ``command:``/``entrypoint:`` when it runs a shell (``sh -c '...'``,
        ``["sh", "-c", "..."]``): its script, in a scope of its own under the service's (its
        ``environment:`` applies whatever the order of the keys). An ``env_file:`` is read
        as a .env file; the variables it sets are not seen here, so the command counts as
        configured from outside."""
        from pipsrc.kinds.commands import service_commands

        env_files = self._env_files(items.get("env_file"))
        self.doc.includes.extend(env_files)
        for key in ("entrypoint", "command"):
            entry = items.get(key)
            if entry is not None:
                service_commands(self, name, scope_id, key, entry[1], bool(env_files))

    def _env_files(self, entry: tuple[Any, Any, Any] | None) -> list[str]:
        if entry is None:
            return []
        node = entry[1]
        items = node.value if isinstance(node, self.Sequence) else [node]
        out = []
        for item in items:
            path = self.get(item, "path") if isinstance(item, self.Mapping) else item
            value = self.scalar(path) if path is not None else None
            if value and "$" not in value:
                out.append(value)
        return out

    def extensions(self, root: Any) -> None:
        """Settings inside top-level ``x-`` fields that no service reached."""
        if not isinstance(root, self.Mapping):
            return
        for key, value in root.value:
            if not (isinstance(key, self.Scalar) and str(key.value).startswith("x-")):
                continue
            seen: set[int] = set()
            stack: list[tuple[Any, Method]] = [(value, Method.COMPOSE_ENV)]
            while stack:
                node, method = stack.pop()
                if id(node) in seen:
                    continue
                seen.add(id(node))
                if isinstance(node, self.Mapping):
                    self.variables(node, method, "file", None)
                    for k, v in node.value:
                        is_args = isinstance(k, self.Scalar) and k.value == "args"
                        stack.append((v, Method.COMPOSE_ARG if is_args else method))
                elif isinstance(node, self.Sequence):
                    self.variables(node, method, "file", None)
                    stack.extend((item, method) for item in node.value)

    def variables(
        self,
        node: Any,
        method: Method,
        scope: str,
        service: tuple[int, int] | None,
        parent: tuple[Any, Any, Any] | None = None,
    ) -> None:
        """An ``environment``/``args`` node in map or list form (``parent``: its key, the
        node and the mapping that holds it)."""
        first = len(self.doc.settings)
        self._variables(node, method, scope, service)
        if len(getattr(node, "value", ())) == 1:
            self._only_entry(self.doc.settings[first:], parent)

    def _only_entry(self, settings: list[Setting], parent: tuple[Any, Any, Any] | None) -> None:
        """The only entry of an ``environment:``/``args:`` goes with its key (compose would
        read ``environment:`` with nothing under it as null), or stays when that key is the
        only one of its mapping."""
        removal = None
        if parent is not None and len(self.merged(parent[2])) > 1:
            removal = self.values.entry_removal(*parent)
        for st in settings:
            if st.removal is None:
                continue
            st.removal = removal
            if removal is None:
                st.kept = "it is the only entry of a mapping that would be left empty"

    def _variables(
        self, node: Any, method: Method, scope: str, service: tuple[int, int] | None
    ) -> None:
        if isinstance(node, self.Mapping):
            for name, (key, value, owner) in self.merged(node).items():
                if name not in ENV_VARS or id(key) in self.reported:
                    continue
                self.reported.add(id(key))
                where = self._scope(key, scope, service)
                removal = self.values.entry_removal(key, value, owner)
                if isinstance(value, self.Scalar) and not is_null(value):
                    sib = self.values.entry_sibling(name, node, owner)
                    self.values.settings(name, key.value, value, 0, method, where, removal, sib)
                elif isinstance(value, self.Scalar):
                    self.values.unresolved(name, key, method, where, removal)
        elif isinstance(node, self.Sequence):
            for item in node.value:
                if not isinstance(item, self.Scalar) or id(item) in self.reported:
                    continue
                name, eq, _ = str(item.value).partition("=")
                if name not in ENV_VARS:
                    continue
                self.reported.add(id(item))
                where = self._scope(item, scope, service)
                removal = self.values.item_removal(item, node)
                if eq:
                    sib = self.values.item_sibling(name, node)
                    skip = len(name) + 1
                    self.values.settings(name, name, item, skip, method, where, removal, sib)
                else:
                    self.values.unresolved(name, item, method, where, removal)

    def _scope(self, node: Any, scope: str, service: tuple[int, int] | None) -> str:
        """The service scope when the node is written inside that service, else "file"."""
        if service is not None and service[0] <= node.start_mark.index < service[1]:
            return scope
        return "file"
