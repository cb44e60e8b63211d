from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable

import pytest

from sifa.core.audit.models import AuditEvent
from sifa.core.persons.models import Person
from sifa.core.testing import make_id_number, membership_of

_seq = itertools.count(1)


@pytest.fixture
def new_id_number() -> Callable[..., str]:
    """Valid numbers in 富阳区 born in 2010, after every demo birth date (1950–2004), so never already registered."""

    def make(region6: str = "330111", seq: int | None = None) -> str:
        return make_id_number(region6, datetime.date(2010, 3, 15), seq if seq is not None else next(_seq) % 1000)

    return make


@pytest.fixture
def person_of_office1(db) -> Person:  # type: ignore[no-untyped-def]
    """A demo person registered by office1's 司法所 (富春街道)."""
    return Person.objects.filter(org=membership_of("office1").org).order_by("pk").first()  # type: ignore[return-value]


@pytest.fixture
def audit_count(db) -> Callable[..., int]:  # type: ignore[no-untyped-def]
    def count(**lookup: object) -> int:
        return AuditEvent.objects.filter(**lookup).count()

    return count
