"""Re-basing documents parsed from embedded text (heredoc bodies, echo/printf output).

A pip.conf body or a Dockerfile written by a shell heredoc is parsed by its own
kind's parser over the *embedded* text; these helpers move its settings,
sites, scopes and comments into the host document through an offset map, and
keep a setting editable only when its text is written verbatim and contiguously
in the host file.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipsrc.model import (
    Comment,
    Document,
    Insertion,
    InstallSite,
    Method,
    ParseProblem,
    Setting,
    Span,
)
from pipsrc.records import replace
from pipsrc.syntax.emit import Ctx, emit_env
from pipsrc.syntax.words import Content, Piece, SegMap, literal_pieces, orig_end
from pipsrc.vocabulary import ENV_VARS, config_level

# ``Setting.written_to`` of the variables a GitHub step appends to ``$GITHUB_ENV``
ENV_FILE = "$GITHUB_ENV"

if TYPE_CHECKING:
    from collections.abc import Callable


def merge_pipconf(
    ctx: Ctx,
    sub: Document,
    content: Content,
    expanding: bool,
    bad: bool,
    written_to: str | None = None,
    level: str | None = None,
) -> None:
    """Re-base a pip.conf body's settings into the host file, resolving ``$VAR`` values.

    Each setting is located through the content map into the logical text and
    then through the resolver into the file, so a ``$MIRROR`` in an unquoted
    heredoc resolves like any shell word (span at its literal definition). ``written_to``
    is the path the body is written to: which file pip reads it from.
    """
    if level is None and written_to:
        level = config_level(written_to)
    logical = ctx.res.logical
    cmap = content.cmap
    text = ctx.doc.text
    res_map = ctx.res.segmap
    for s in sub.settings:
        la = cmap.orig(s.span.start)
        lb = orig_end(cmap, s.span.end) if s.span.end > s.span.start else la
        src = logical[la:lb]
        exact = content.exact(s.span.start, s.span.end)
        if expanding and "$" in src and exact:
            res = ctx.res.resolve(literal_pieces(src, la), la)
            value = res.value
        else:
            res = ctx.res.resolve([Piece(la, lb, s.raw, exact)], la)
            value = s.value
        removal = None
        if s.removal is not None and content.exact(s.removal.start, s.removal.end):
            r0 = cmap.orig(s.removal.start)
            r1 = orig_end(cmap, s.removal.end)
            rspan, rcont = ctx.res.fspan(r0, r1)
            removal = rspan if rcont else None
        sibling = None
        if s.sibling is not None:
            at = res_map.orig(orig_end(cmap, s.sibling.offset) - 1) + 1
            sibling = Insertion(at, s.sibling.template, s.sibling.nl)
        pos = res_map.orig(cmap.orig(s.position)) if s.position >= 0 else -1
        position = pos if res.use_span is None else res.use_span.start
        assign = res_map.orig(cmap.orig(s.assign))
        new = replace(s, raw=text[res.span.start : res.span.end], value=value, span=res.span,
                      scope=ctx.scope,
                      editable=s.editable and res.exact and not bad and ctx.editable,
                      removal=removal, use_span=res.use_span, sibling=sibling,
                      position=position, assign=assign, level=level,
                      written_to=written_to)  # fmt: skip
        ctx.doc.settings.append(new)
    for c in sub.comments:
        span, contiguous = ctx.res.fspan(cmap.orig(c.span.start), orig_end(cmap, c.span.end))
        if contiguous:
            ctx.doc.comments.append(Comment(span, c.text, c.own_line))
    for p in sub.problems:
        ctx.doc.problems.append(ParseProblem(res_map.orig(cmap.orig(p.offset)), p.message,
                                             p.blocks_fix))  # fmt: skip


def rebase(
    doc: Document,
    sub: Document,
    fmap: SegMap,
    scope_id: Callable[[str], str],
    ok: Callable[[Setting], bool],
    add_scopes: bool,
) -> None:
    """Merge ``sub`` (a document over embedded text) into ``doc`` through ``fmap``."""
    text = doc.text
    site_base = len(doc.sites)

    def sp(span: Span) -> tuple[Span, bool]:
        return fmap.span(span.start, span.end)

    new_of: dict[int, Setting] = {}
    for s in sub.settings:
        span, contiguous = sp(s.span)
        raw = text[span.start : span.end]
        use = sp(s.use_span)[0] if s.use_span is not None else None
        removal = None
        if s.removal is not None:
            r, rc = sp(s.removal)
            removal = r if rc else None
        sibling = None
        if s.sibling is not None:
            sibling = Insertion(orig_end(fmap, s.sibling.offset), s.sibling.template,
                                s.sibling.nl)  # fmt: skip
        new = replace(s, raw=raw, span=span, scope=scope_id(s.scope),
                      editable=s.editable and contiguous and raw == s.raw and ok(s),
                      removal=removal, use_span=use, sibling=sibling,
                      position=fmap.orig(s.position), assign=fmap.orig(s.assign),
                      site=None if s.site is None else s.site + site_base)  # fmt: skip
        new_of[id(s)] = new
        doc.settings.append(new)
    for site in sub.sites:
        ns = InstallSite(sp(site.span)[0], scope_id(site.scope), site.command, site.tool,
                         [new_of[id(x)] for x in site.settings if id(x) in new_of],
                         list(site.requirement_files), list(site.constraint_files))  # fmt: skip
        ns.index = len(doc.sites)
        doc.sites.append(ns)
    if add_scopes:
        for sc in sub.scopes:
            at = None if sc.insert_at is None else fmap.orig(sc.insert_at)
            parent = None if sc.parent is None else scope_id(sc.parent)
            copies = [(src, dest, fmap.orig(off)) for src, dest, off in sc.config_copies]
            doc.scopes.append(
                replace(sc, id=scope_id(sc.id), start=fmap.orig(sc.start),
                        end=orig_end(fmap, sc.end), parent=parent, insert_at=at,
                        config_files=list(sc.config_files), config_copies=copies)
            )  # fmt: skip
    for c in sub.comments:
        span, contiguous = sp(c.span)
        if contiguous:
            doc.comments.append(Comment(span, c.text, c.own_line))
    for p in sub.problems:
        doc.problems.append(ParseProblem(fmap.orig(p.offset), p.message, p.blocks_fix))
    doc.includes.extend(sub.includes)


_ENV_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=([^\r\n]*)", re.MULTILINE)


def merge_env_lines(ctx: Ctx, content: Content, expanding: bool, bad: bool) -> None:
    """``NAME=value`` lines written to an env file (``$GITHUB_ENV``): the index variables
    among them, located through the content map like any shell word. The runner takes each
    value as written (no quotes removed), so only ``$VAR`` expansion by the shell applies."""
    logical = ctx.res.logical
    cmap = content.cmap
    for m in _ENV_LINE.finditer(content.text):
        name = m.group(1)
        if name not in ENV_VARS:
            continue
        a, b = m.start(2), m.end(2)
        la = cmap.orig(a)
        lb = orig_end(cmap, b) if b > a else la
        exact = content.exact(a, b)
        src = logical[la:lb]
        if expanding and "$" in src and exact:
            res = ctx.res.resolve(literal_pieces(src, la), la)
        else:
            res = ctx.res.resolve([Piece(la, lb, m.group(2), exact)], la)
        for s in emit_env(ctx, name, res, Method.ENV, removal=None, sibling=None, ok=not bad):
            s.written_to = ENV_FILE
