"""The subject page (lifecycle part) shows this part's four cards: 矫正小组, 管理等级, 矫正方案, 监管任务."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sifa.core.testing import client_for
from sifa.modules.correction.choices import PlanStatus
from sifa.modules.correction.tests.factories import make_correction
from sifa.modules.correction.tests.supervision_factories import member, plan_without_audit, task_without_audit

pytestmark = pytest.mark.django_db


def test_subject_page_shows_the_supervision_cards() -> None:
    # given a female subject with a male member only, an approved plan and an overdue visit
    detail = make_correction(female=True)
    member(detail, name="钱所长", gender="M")
    plan_without_audit(detail, status=PlanStatus.APPROVED, texts=("每月法治学习",))
    task_without_audit(detail, kind="visit", due=timezone.localdate() - datetime.timedelta(days=2))
    # when office1 opens the subject's page
    page = client_for("office1").get(reverse("correction:subject_detail", args=[detail.pk])).content.decode()
    # then the four cards are there, with the CC-10 problem, the plan in force and the overdue task
    for card in ("panel-supervision-team", "panel-supervision-level", "panel-supervision-plan", "panel-supervision-tasks"):
        assert card in page
    assert "女性社区矫正对象的矫正小组应当有女性成员" in page
    assert "第1版生效" in page and "每月法治学习" in page
    assert "已过期" in page
