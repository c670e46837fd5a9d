"""The span contract every parser keeps, checked on every parsed document in the tests."""

from __future__ import annotations

from pipsrc.model import Document, Method, Setting


def assert_spans(doc: Document, method: Method | None = None, markers: str = "#") -> None:
    """Each span slices to its raw text; every other offset is in range and every link resolves."""
    n = len(doc.text)
    for s in doc.settings:
        assert doc.text[s.span.start : s.span.end] == s.raw, s
        for extra in (s.use_span, s.removal):
            assert extra is None or 0 <= extra.start <= extra.end <= n, s
        if s.removal is not None and s.use_span is None:
            assert s.removal.contains(s.span), s
        if s.sibling is not None:
            assert 0 <= s.sibling.offset <= n, s
        assert doc.scope(s.scope) is not None, s.scope
        if s.site is not None:
            assert s in doc.sites[s.site].settings
        if method is not None:
            assert s.method is method, s
    for site in doc.sites:
        assert 0 <= site.span.start <= site.span.end <= n
        assert doc.scope(site.scope) is not None
    for c in doc.comments:
        assert doc.text[c.span.start] in markers, c


def line(doc: Document, s: Setting) -> int:
    """The 1-based line of a setting's literal."""
    return doc.text.count("\n", 0, s.span.start) + 1


def one(doc: Document, **kw: object) -> Setting:
    """The single setting whose attributes equal ``kw``."""
    hits = [s for s in doc.settings if all(getattr(s, k) == v for k, v in kw.items())]
    assert len(hits) == 1, (kw, doc.settings)
    return hits[0]
