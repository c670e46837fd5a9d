"""The index settings an image build passes to a Dockerfile: ``docker build --build-arg``.

``docker build --build-arg PIP_INDEX_URL=https://...`` configures the build, not the
script that runs it: each such argument is a setting of its own one-command scope (see
:func:`pipsrc.syntax.emit.command_scope`), whatever the Dockerfile it feeds does with it.
:func:`pipsrc.syntax.pipcli.find_image_build` recognises the command.
"""

from __future__ import annotations

from pipsrc.model import Insertion, Method, Tool
from pipsrc.syntax.emit import Ctx, command_scope, emit_env
from pipsrc.syntax.words import Piece, Tok, literal_prefix, word_removal
from pipsrc.vocabulary import ENV_VARS, TRUSTED_VAR, URL_KINDS

_BUILD_ARG = "--build-arg"

BuildArg = tuple[str, bool, Tok, Tok, list[Piece]]


def _build_arg_words(words: list[Tok], i: int) -> list[BuildArg]:
    """(name, has a value, flag word, argument word, argument pieces) of each --build-arg."""
    found: list[BuildArg] = []
    while i < len(words):
        flag = words[i]
        head = literal_prefix(flag)
        i += 1
        if head == _BUILD_ARG and flag.value == head:
            if i >= len(words):
                break
            arg = words[i]
            pieces = arg.pieces
            i += 1
        elif head.startswith(_BUILD_ARG + "="):
            arg = flag
            pieces = flag.tail(len(_BUILD_ARG) + 1)
        else:
            continue
        name, sep, _ = literal_prefix(Tok(arg.start, arg.end, pieces)).partition("=")
        found.append((name, sep == "=", flag, arg, pieces))
    return found


def build_args(ctx: Ctx, words: list[Tok], i: int, lstart: int, lend: int, bad: bool) -> None:
    """``--build-arg NAME=VALUE`` / ``--build-arg=NAME=VALUE`` of an image build command.

    All URL build args of one installer share one trusted-host insertion point
    (after the first one), so two http indexes never add two same-named build
    args (docker keeps only the last); none is offered when the command already
    passes one: a rule edits that one instead. ``PIP_INDEX`` passed to a build is
    an index: the Dockerfile it feeds (not seen here) interpolates it by hand.
    """
    found = _build_arg_words(words, i)
    passed = {name for name, *_ in found}  # "--build-arg NAME" passes the caller's value
    siblings: dict[Tool, Insertion | None] = {}
    cmd: Ctx | None = None
    for name, has_value, flag, arg, pieces in found:
        spec = ENV_VARS.get(name)
        if not has_value or spec is None:
            continue
        if cmd is None:
            cmd = command_scope(ctx, "docker-build", lstart, lend)
        whole, contiguous = ctx.res.fspan(flag.start, arg.end)
        clean = contiguous and not bad and not ctx.exec_form
        removal = word_removal(ctx.doc.text, whole.start, whole.end) if clean else None
        trusted = TRUSTED_VAR.get(spec.tool)
        if clean and trusted and spec.kind in URL_KINDS and spec.tool not in siblings:
            siblings[spec.tool] = None
            if trusted not in passed:
                siblings[spec.tool] = Insertion(whole.end, f" {_BUILD_ARG} {trusted}={{value}}")
        value = Tok(arg.start, arg.end, pieces).tail(len(name) + 1)
        res = ctx.res.resolve(value, _after_name(pieces, len(name) + 1, arg.end))
        emit_env(cmd, name, res, Method.BUILD_ARG, removal=removal,
                 sibling=siblings.get(spec.tool), ok=not bad and not ctx.exec_form,
                 handed_on=True)  # fmt: skip


def _after_name(pieces: list[Piece], k: int, default: int) -> int:
    """Logical offset just after the first ``k`` value characters (for empty values)."""
    for p in pieces:
        if p.value is None:
            break
        if len(p.value) >= k:
            return p.start + k if p.exact else p.end
        k -= len(p.value)
    return default
