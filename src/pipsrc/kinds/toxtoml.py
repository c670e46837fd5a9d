"""tox 4's native TOML configuration: ``tox.toml`` and ``[tool.tox]`` in ``pyproject.toml``
(and there, the ``legacy_tox_ini`` string, read as a tox.ini).

``env_run_base`` is the base of every environment and ``env.NAME`` one environment (its
scope inherits from the base). Each holds ``install_command`` (a list of arguments),
``commands``/``commands_pre``/``commands_post`` (lists of such lists) and ``set_env`` (a
table). An argument list is read as the command it is: the arguments joined by spaces,
each mapped back to its string, and analysed like a tox.ini command. An argument that is
not a plain string (a ``{ replace = "env", ... }`` table, a string with escapes or
characters a shell would read otherwise) stands for a value known only when tox runs.
"""

from __future__ import annotations

import re

from pipsrc.kinds.toxini import command, env_scope, env_setting, read_ini
from pipsrc.model import Document, FileKind, Method, Span
from pipsrc.syntax.tomldoc import toml_document
from pipsrc.syntax.tomlspans import Path, TomlDocument, TomlValue
from pipsrc.vocabulary import ENV_VARS

_COMMANDS = ("commands", "commands_pre", "commands_post")
# characters a shell would read as more than a word's characters
_NOT_A_WORD = re.compile(r"[\s'\"\\$;&|<>()`#*?\[\]~]")


def tox_toml_document(text: str, path: str) -> Document:
    return toml_document(text, path, FileKind.TOX, lambda d, t: tox_settings(d, t, ()))


def tox_settings(doc: Document, toml: TomlDocument, prefix: Path) -> None:
    """The tox settings under ``prefix`` (``()`` in tox.toml, ``("tool", "tox")``)."""
    first = len(doc.settings)
    _read(doc, toml, prefix)
    for s in doc.settings[first:]:
        if s.method is Method.CLI:
            # an argument is a TOML string: a flag added or removed inside it would be
            # one argument with spaces, so only values are edited
            s.sibling = s.removal = None


def _read(doc: Document, toml: TomlDocument, prefix: Path) -> None:
    legacy = toml.get(*prefix, "legacy_tox_ini")
    if legacy is not None and legacy.string:
        body = _string_body(doc.text, legacy)
        if body is not None:
            read_ini(doc, *body)
    for base, scope in _env_tables(toml, prefix):
        install, unknown = _arguments(doc.text, toml, (*base, "install_command"))
        if install:
            command(doc, env_scope(doc, scope), install, unknown)
        for key in _COMMANDS:
            n = len(base) + 1
            rows = sorted({v.path[n] for v in toml.under(*base, key) if len(v.path) > n})
            for row in rows:
                if isinstance(row, int):
                    parts, unknown = _arguments(doc.text, toml, (*base, key, row))
                    if parts:
                        command(doc, env_scope(doc, scope), parts, unknown)
        _set_env(doc, toml, base, scope)


def _env_tables(toml: TomlDocument, prefix: Path) -> list[tuple[Path, str]]:
    """``env_run_base`` and each ``env.NAME`` with a value under it, with their scopes."""
    out: list[tuple[Path, str]] = []
    n = len(prefix)
    for v in toml.values:
        p = v.path
        if p[:n] != prefix or len(p) <= n + 1:
            continue
        if p[n] == "env_run_base":
            table: tuple[Path, str] = ((*prefix, "env_run_base"), "env_run_base")
        elif p[n] == "env" and len(p) > n + 2:
            table = ((*prefix, "env", p[n + 1]), f"env.{p[n + 1]}")
        else:
            continue
        if table not in out:
            out.append(table)
    return out


def _arguments(
    text: str, toml: TomlDocument, path: Path
) -> tuple[list[tuple[int, int, str]], frozenset[int]]:
    """An argument list as file ranges, each followed by a space (see ``command``), and
    the starts of the arguments that are not plain words (an inline table, a string with
    escapes): values tox fills in. An argument that cannot be located (an empty table)
    leaves the command unread: the words after it would be misread."""
    n = len(path)
    items: dict[int, list[TomlValue]] = {}
    for v in toml.under(*path):
        at = v.path[n] if len(v.path) > n else None
        if isinstance(at, int):
            items.setdefault(at, []).append(v)
    if sorted(items) != list(range(len(items))):
        return [], frozenset()
    parts: list[tuple[int, int, str]] = []
    unknown: set[int] = set()
    for i in sorted(items):
        vs = items[i]
        v = vs[0]
        if len(vs) == 1 and len(v.path) == n + 1 and v.string and v.content is not None:
            a, b = v.content
            if a < b and not _NOT_A_WORD.search(str(v.value)):
                parts.append((a, b, " "))
                continue
        span = _item_span(text, vs, nested=len(v.path) > n + 1)
        if span is None:
            return [], frozenset()
        parts.append((*span, " "))
        unknown.add(span[0])
    return parts, frozenset(unknown)


def _item_span(text: str, vs: list[TomlValue], nested: bool) -> tuple[int, int] | None:
    """The whole argument: a string token, or an inline table from its braces."""
    if not nested:
        return (vs[0].start, vs[0].end) if vs[0].end - vs[0].start >= 2 else None
    opening = text.rfind("{", 0, vs[0].start)
    closing = text.find("}", max(v.end for v in vs))
    if opening == -1 or closing == -1 or text[opening + 1 : vs[0].start].count("=") > 1:
        return None
    return opening, closing + 1


def _set_env(doc: Document, toml: TomlDocument, base: Path, scope: str) -> None:
    n = len(base) + 1
    for v in toml.under(*base, "set_env"):
        if len(v.path) != n + 1 or not v.string:
            continue
        name = str(v.path[n])
        if name not in ENV_VARS:
            continue
        span = Span(*v.content) if v.content is not None else Span(v.start, v.end)
        removal = Span(*v.entry) if v.entry is not None else None
        env_setting(doc, scope, name, span, removal, None, Method.TOX_ENV,
                    exact=v.content is not None)  # fmt: skip


def _string_body(text: str, v: TomlValue) -> tuple[int, int] | None:
    """Where a string's characters are its value: a literal string, or a basic one
    without escapes (a multi-line string's first newline is not part of it)."""
    raw = text[v.start : v.end]
    q = 3 if raw[:3] in ('"""', "'''") else 1
    if raw[0] == '"' and "\\" in raw:
        return None
    a, b = v.start + q, v.end - q
    if q == 3 and text.startswith("\r\n", a):
        a += 2
    elif q == 3 and text.startswith("\n", a):
        a += 1
    return a, b
