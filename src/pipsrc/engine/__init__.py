"""The engine: read, parse, lint and fix the files of a run, then write what changed.

- :mod:`~pipsrc.engine.results`: what a run produces (findings, changes, per-file results);
- :mod:`~pipsrc.engine.selection`: which rules run (``select``/``ignore`` layers);
- :mod:`~pipsrc.engine.reading`: discovery, reading, decoding, the prefilter and parsing;
- :mod:`~pipsrc.engine.repository`: the rest of the repository when only files are named;
- :mod:`~pipsrc.engine.linting`: one document's findings, suppressions applied, redacted;
- :mod:`~pipsrc.engine.fixing`: the pure fix loop (texts in, texts and changes out);
- :mod:`~pipsrc.engine.writing`: atomic, durable writes once a whole run succeeded;
- :mod:`~pipsrc.engine.run`: :func:`check` and :func:`fix`, the two runs.

This package module imports nothing, so that importing ``pipsrc.engine.results`` (as
the renderers do) does not load the parsers or the writer.
"""
