"""Liaison trainings reach the office's daily work log as 自动汇入 「法律明白人培训」, one per session."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.modules.judicial_office.models import AutoWorkItem, WorkDailyTotal
from sifa.modules.judicial_office.services import pull_auto_items
from sifa.modules.liaisons.tests.factories import add_training, make_liaison, make_person, office_of

pytestmark = pytest.mark.django_db


def test_a_training_session_is_one_auto_item_however_many_attended() -> None:
    # given two liaisons of office1 at the same training today, and one at another training
    office = office_of("office1")
    today = timezone.localdate()
    first = make_liaison(office, person=make_person(office, name="明白人甲"))
    second = make_liaison(office, person=make_person(office, name="明白人乙"))
    add_training(first, today)
    add_training(second, today)
    other = add_training(first, today)
    other.title = "调解技巧培训"
    other.save(update_fields=["title"])
    # when the work log pulls its sources
    pull_auto_items(actor=Actor.system("test"))
    # then the office's day shows two 法律明白人培训 sessions, counted in the daily totals
    items = AutoWorkItem.objects.filter(org=office, day=today, source="liaisons.training")
    assert sorted(i.label for i in items) == ["法律明白人培训：测试培训（2人参加）", "法律明白人培训：调解技巧培训（1人参加）"]
    assert all(i.catalogue_item.code == "liaison_training" and i.count == 1 for i in items)
    assert WorkDailyTotal.objects.get(org=office, day=today, item_code="liaison_training").auto == 2
