"""Real tools as oracles for `pipsrc fix`: does a fixed file still mean what its author meant?

* :mod:`tests.oracles.core`: :func:`~tests.oracles.core.compare` (path, before, after) ->
  every disagreement of ``bash -n``, BuildKit's parser (the ``dockerfile`` package),
  hadolint, pip's requirements parser and config loader, ruamel.yaml, and the semantic
  checks parsers do not make (``pip config unset`` with no ``set`` before it, empty compound
  bodies, an inserted ENV shadowing an ARG, collapsed ``||`` install fallbacks, private
  indexes lost, URLs from nowhere)
* :mod:`tests.oracles.harness`: runs pipsrc (``pipsrc.api`` or ``python -m pipsrc``) on an
  input, then the oracles, ``check`` after ``fix`` and a second ``fix``
* :mod:`tests.oracles.build`: fix, then build: Dockerfile stages and shell scripts run with
  real pip against loopback package indexes
* :mod:`tests.oracles.strategies`: hypothesis strategies for every file kind
* :mod:`tests.oracles.model`: the classes of disagreement and how a failing test reports one

The tests are tests/test_fix_oracles.py (generated inputs, fixtures, the oracles' own
checks), tests/test_fix_oracles_known.py (hand-written known-bad fixes) and
tests/test_fix_oracles_build.py (fix, then build).
"""
