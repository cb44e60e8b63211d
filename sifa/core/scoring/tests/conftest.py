from __future__ import annotations

from typing import Any

import pytest

from sifa.core.scoring.models import SchemeVersion
from sifa.core.scoring.tests.factories import import_example


@pytest.fixture
def version(db: Any) -> SchemeVersion:
    """The example scheme (tests/testapp/scoring_scheme.json), owned by the province, in force since 2020."""
    return import_example()
