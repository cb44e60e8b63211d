"""Settings for the test suite: same as production settings, faster hashing, isolated var dir."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("SIFA_VAR_DIR", os.path.join(tempfile.gettempdir(), "sifa-test-var"))

from sifa.project.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]

# A test-only module registering a case type (tests/testapp), before sifa.project freezes the registries.
INSTALLED_APPS = [*INSTALLED_APPS[:-1], "tests.testapp", INSTALLED_APPS[-1]]  # noqa: F405

# The test session's demo world keeps an empty evidence ledger (the ledger tests count from index 0):
# the 双随机 demo plans stay drafts instead of committing and performing their draws.
SIFA_DEMO_DRAWS = False
