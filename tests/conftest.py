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

#: The master key the tests' stores (and the commands they run) encrypt personal data with:
#: a fixed test value, never a deployment's (docs/privacy.md).
TEST_MASTER_KEY = "dGVzdC1tYXN0ZXIta2V5LW9mLTMyLWJ5dGVzLW9rISE="
os.environ.setdefault("APPEAL_MASTER_KEY", TEST_MASTER_KEY)
