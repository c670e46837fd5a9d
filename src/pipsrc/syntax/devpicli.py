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

``docker run ... -e SOURCE_MIRROR_URL=URL ... IMAGE`` starting a devpi image (a word of the
command names devpi) passes the proxy its upstream the way a compose ``environment:`` does:
each ``-e``/``--env NAME=URL`` that :func:`~pipsrc.syntax.proxyvars.is_upstream_variable`
accepts is a setting too.
"""

from __future__ import annotations

from pipsrc.model import Method, Setting, SettingKind, Tool
from pipsrc.syntax.emit import Ctx
from pipsrc.syntax.proxyvars import is_upstream_variable
from pipsrc.syntax.words import Piece, Tok, literal_prefix, value_at

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


def docker_run_upstream(ctx: Ctx, words: list[Tok], lstart: int, lend: int, bad: bool) -> bool:
    """Record the upstream variables a ``docker run`` of a devpi image passes; whether the
    command was such a ``docker run``."""
    i = 0
    while (v := value_at(words, i)) is not None and v.rsplit("/", 1)[-1] in _PASS:
        i += 1
    if value_at(words, i) != "docker" or value_at(words, i + 1) not in ("run", "create"):
        return False
    if not any("devpi" in (w.value or "").lower() for w in words[i + 2 :]):
        return False
    at = ctx.res.fspan(lstart, lend)[0].start
    j = i + 2
    while j < len(words):
        head = literal_prefix(words[j])
        pieces: list[Piece] = []
        if head in ("-e", "--env") and j + 1 < len(words):
            j += 1
            pieces = words[j].pieces
        elif head.startswith("--env="):
            pieces = words[j].tail(len("--env="))
        elif head.startswith("-e") and not head.startswith("--") and len(head) > 2:
            pieces = words[j].tail(2)
        j += 1
        if pieces:
            _env_value(ctx, pieces, at, bad)
    return True


def _env_value(ctx: Ctx, pieces: list[Piece], at: int, bad: bool) -> None:
    """One ``NAME=VALUE`` of ``docker run -e``, when it is a proxy's upstream."""
    literal = "".join(p.value or "" for p in pieces)
    name, eq, value = literal.partition("=")
    if not eq or not is_upstream_variable(name, value):
        return
    _value(ctx, Tok(pieces[0].start, pieces[-1].end, pieces), name, at, None, bad, Method.ENV)


def _value(
    ctx: Ctx, w: Tok, key: str, at: int, index: str | None, bad: bool,
    method: Method = Method.DEVPI,
) -> Setting:  # fmt: skip
    pieces = w.tail(len(key) + 1)
    res = ctx.res.resolve(pieces, w.end if not pieces else pieces[0].start)
    text = ctx.doc.text
    dollar = ctx.exec_form and any(p.value and "$" in p.value for p in pieces)
    s = Setting(KEYS.get(key, K.PROXY_UPSTREAM), key, text[res.span.start : res.span.end],
                res.value, res.span, method, ctx.scope, Tool.PROXY,
                editable=res.exact and not bad and ctx.editable and res.value is not None
                and not dollar,
                use_span=res.use_span, section=index, assign=at)  # fmt: skip
    return ctx.add(s)
