"""devpi-client on a command line: the upstream a devpi mirror index follows.

``devpi index [-c|--create] [NAME] [KEY=VALUE ...]`` creates or modifies an index of the
devpi server the client uses; for a mirror index (``type=mirror``) ``mirror_url=URL`` is
the simple index it fetches from and ``mirror_web_url_fmt=FMT`` where its web pages link a
project (``{name}`` filled in). Each of the two values is a setting of
:data:`~pipsrc.model.Tool.PROXY` located like any command word (quoted, ``"KEY=VALUE"``,
or with a variable resolved to its literal); ``section`` is the index it configures as
written (``root/pypi``, ``torch-cu116``; None for the current index), and the settings of
one command share ``assign`` (the command's start), so a fix of one finds the other.
Seen behind ``sudo``/``env``/``docker exec CONTAINER`` and by path (``/usr/bin/devpi``).
"""

from __future__ import annotations

from pipsrc.model import Method, Setting, SettingKind, Tool
from pipsrc.syntax.emit import Ctx
from pipsrc.syntax.words import Tok, literal_prefix, value_at

K = SettingKind
KEYS = {"mirror_url": K.PROXY_UPSTREAM, "mirror_web_url_fmt": K.PROXY_WEB_FMT}
_PASS = frozenset({"sudo", "nohup", "time", "exec", "command", "nice", "env"})
# options of `devpi index` that take no value (the index name is the first other word)
_FLAGS = frozenset({"-c", "--create", "-l", "--list", "--delete", "-y", "--no-projects",
                    "--keep-docs", "--debug", "-v", "--verbose"})  # fmt: skip


def find_devpi(words: list[Tok]) -> int | None:
    """The index of ``index`` in a ``devpi index ...`` command, else None."""
    i = 0
    while (v := value_at(words, i)) is not None:
        base = v.rsplit("/", 1)[-1]
        if base == "devpi":
            j = i + 1
            while (o := value_at(words, j)) is not None and o.startswith("-"):
                j += 2 if o in ("--clientdir", "--url") else 1
            return j if value_at(words, j) == "index" else None
        if v == "docker" and value_at(words, i + 1) == "exec":
            i += 2
            while (o := value_at(words, i)) is not None and o.startswith("-"):
                i += 1
            i += 1  # the container
            continue
        if base not in _PASS and not (i and (v.startswith("-") or "=" in v)):
            return None
        i += 1
    return None


def devpi_command(ctx: Ctx, words: list[Tok], lstart: int, lend: int, bad: bool) -> bool:
    """Record the upstream settings of a ``devpi index`` command; whether it was one."""
    i = find_devpi(words)
    if i is None:
        return False
    name: str | None = None
    at = ctx.res.fspan(lstart, lend)[0].start
    for w in words[i + 1 :]:
        head = literal_prefix(w)
        key, eq, _ = head.partition("=")
        if eq and key in KEYS:
            _value(ctx, w, key, at, name, bad)
        elif not eq and name is None and head and not head.startswith("-"):
            name = w.value
        elif head not in _FLAGS and head.startswith("-"):
            continue
    return True


def _value(ctx: Ctx, w: Tok, key: str, at: int, index: str | None, bad: bool) -> Setting:
    pieces = w.tail(len(key) + 1)
    res = ctx.res.resolve(pieces, w.end if not pieces else pieces[0].start)
    text = ctx.doc.text
    dollar = ctx.exec_form and any(p.value and "$" in p.value for p in pieces)
    s = Setting(KEYS[key], key, text[res.span.start : res.span.end], res.value, res.span,
                Method.DEVPI, ctx.scope, Tool.PROXY,
                editable=res.exact and not bad and ctx.editable and res.value is not None
                and not dollar,
                use_span=res.use_span, section=index, assign=at)  # fmt: skip
    return ctx.add(s)
