"""Fixtures for the documents engine's tests: a test_case case with a party, no LibreOffice by default."""

from __future__ import annotations

import io
from typing import Any

import pytest

from sifa.core.cases.models import Case
from sifa.core.cases.services import PartyInput, open_case
from sifa.core.persons.models import Person
from sifa.core.testing import actor_for, membership_of


@pytest.fixture(autouse=True)
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run without PDF conversion unless they opt in (a machine with LibreOffice stays fast)."""
    monkeypatch.setenv("SIFA_SOFFICE", "off")


@pytest.fixture
def party(db: Any) -> Person:
    """A demo person registered by office1's 司法所."""
    return Person.objects.filter(org=membership_of("office1").org).order_by("pk").first()  # type: ignore[return-value]


def open_test_case(username: str = "office1", *, title: str = "张某申请法律援助", person: Person | None = None) -> Case:
    parties = [PartyInput(role="applicant", person=person)] if person is not None else []
    return open_case(actor=actor_for(username), case_type="test_case", title=title, parties=parties)


@pytest.fixture
def case(party: Person) -> Case:
    return open_test_case(person=party)


@pytest.fixture
def demo_world(transactional_db: Any) -> None:
    """The demo world, reloaded when an earlier transactional test's flush wiped it."""
    from django.core.management import call_command

    from sifa.core.orgs.models import Org

    if not Org.objects.exists():
        call_command("demo", scale="demo", seed=1, verbosity=0, stdout=io.StringIO())
