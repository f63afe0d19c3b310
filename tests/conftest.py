"""Shared test setup: hypothesis profiles (`dev` default, `ci` under CI) and strictness."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

#: Under APPEAL_CI_STRICT=1 a test that needs a missing service fails instead of skipping.
STRICT = os.environ.get("APPEAL_CI_STRICT") == "1"
