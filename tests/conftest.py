"""Shared test set-up: hypothesis profiles.

* ``ci`` (selected when ``CI`` is set): derandomized, 1,000 examples per property, so a
  CI failure reproduces exactly on any machine.
* ``dev`` (the default locally): 100 random examples, a quick edit-test loop.
* ``long``: 5,000 random examples (``python -m pytest --hypothesis-profile=long``).
* ``fuzz``: 200,000 random examples, for the fuzz targets in tests/reliability/test_fuzz.py.

``--hypothesis-profile=NAME`` (hypothesis' pytest plugin) or ``HYPOTHESIS_PROFILE=NAME``
picks one explicitly; the flag wins over the environment.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

CI_EXAMPLES = 1000

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=CI_EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=200_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
