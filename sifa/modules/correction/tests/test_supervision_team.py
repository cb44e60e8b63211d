"""矫正小组 (CC-10, CASES C-46): a female subject's team includes a woman, a minor's a person familiar
with minors (also after the 18th birthday, CC-35); a change that would break it is refused."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from sifa.core.audit.models import AuditEvent
from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.testing import actor_for, client_for
from sifa.modules.correction.models import TeamMember
from sifa.modules.correction.supervision_selectors import team_problems
from sifa.modules.correction.supervision_services import add_team_member, remove_team_member
from sifa.modules.correction.tests.factories import make_correction
from sifa.modules.correction.tests.supervision_factories import member

pytestmark = pytest.mark.django_db


def _audits() -> int:
    return AuditEvent.objects.filter(action="correction.team.changed").count()


def test_c46a_female_subject_team_must_keep_a_woman() -> None:
    # given a female subject whose team has one man
    detail = make_correction(female=True)
    actor = actor_for("office1")
    add_team_member(actor=actor, detail=detail, name="王所长", role="officer", gender="M")
    # then the team still lacks a woman, and says so citing CC-10
    assert any("女性成员" in p and "CC-10" in p for p in team_problems(detail))
    # when a woman joins
    woman = add_team_member(actor=actor, detail=detail, name="李网格", role="grid_worker", gender="F")
    # then the team is complete
    assert team_problems(detail) == []
    # when the only woman is removed
    before = _audits()
    with pytest.raises(ValidationFailed) as exc:
        remove_team_member(actor=actor, member=woman)
    # then it is refused naming the rule, and nothing was written
    assert "CC-10" in exc.value.message and "女性" in exc.value.message
    assert TeamMember.objects.get(pk=woman.pk).active is True
    assert _audits() == before


def test_c46a_a_woman_can_leave_when_another_stays() -> None:
    # given a female subject's team with two women
    detail = make_correction(female=True)
    first = member(detail, name="甲", gender="F")
    member(detail, name="乙", gender="F", role="family")
    # when one of them leaves
    remove_team_member(actor=actor_for("office1"), member=first, reason="调离")
    # then the team is still complete and the leaver stays in history
    assert team_problems(detail) == []
    assert TeamMember.objects.get(pk=first.pk).active is False


def test_c46b_minor_team_needs_a_minor_expert_also_after_18() -> None:
    # given a subject who was a minor at reception and is now 19 (the minor rules continue, CC-35)
    detail = make_correction(minor=True)
    person = detail.subject.person
    person.birth_date = datetime.date(person.birth_date.year - 2, 1, 1)
    person.save(update_fields=["birth_date"])
    member(detail, name="社工", role="volunteer")
    # then the team lacks a person familiar with minors
    assert any("熟悉未成年人" in p for p in team_problems(detail))
    # when one joins, then the team is complete
    expert = add_team_member(actor=actor_for("corr"), detail=detail, name="张老师", role="minor_expert", gender="M")
    assert team_problems(detail) == []
    # and removing the only expert is refused
    with pytest.raises(ValidationFailed) as exc:
        remove_team_member(actor=actor_for("corr"), member=expert)
    assert "第五十二条" in exc.value.message


def test_member_input_is_checked() -> None:
    # given a case
    detail = make_correction()
    # when a member is added without a gender
    with pytest.raises(ValidationFailed) as exc:
        add_team_member(actor=actor_for("office1"), detail=detail, name="某人", role="family", gender="")
    # then the field is named and nothing is written
    assert exc.value.field == "gender"
    assert not TeamMember.objects.filter(correction_case=detail).exists()


def test_another_office_cannot_touch_the_team() -> None:
    # given office1's case and member
    detail = make_correction()
    someone = member(detail)
    # when office2 tries to change the team, then it is not found
    with pytest.raises(NotFound):
        add_team_member(actor=actor_for("office2"), detail=detail, name="越权", role="family", gender="F")
    with pytest.raises(NotFound):
        remove_team_member(actor=actor_for("office2"), member=someone)
    assert TeamMember.objects.filter(correction_case=detail).count() == 1
    # and the pages answer 404
    assert client_for("office2").get(reverse("correction:supervision_case", args=[detail.pk])).status_code == 404
    assert client_for("office2").post(reverse("correction:team_remove", args=[someone.pk])).status_code == 404


def test_team_card_on_the_page() -> None:
    # given a female subject with no team
    detail = make_correction(female=True)
    client = client_for("office1")
    url = reverse("correction:supervision_case", args=[detail.pk])
    # when the page is shown, then it names the missing woman
    page = client.get(url).content.decode()
    assert "女性社区矫正对象的矫正小组应当有女性成员" in page
    # when a woman is added through the form
    r = client.post(reverse("correction:team_add", args=[detail.pk]), {"name": "赵姐", "role": "family", "gender": "F"})
    # then she is in the team, and removing her is refused on the page with the rule
    assert r.status_code == 302
    woman = TeamMember.objects.get(correction_case=detail, name="赵姐")
    r = client.post(reverse("correction:team_remove", args=[woman.pk]))
    assert r.status_code == 400
    assert "CC-10" in r.content.decode()
    assert TeamMember.objects.get(pk=woman.pk).active


def test_team_api() -> None:
    # given a minor's case
    detail = make_correction(minor=True)
    client = client_for("corr")  # a minor's file: the county agency (CC-35)
    base = f"/api/v1/correction/supervision/cases/{detail.pk}/team"
    # when the team is read, then the missing expert is a problem
    assert any("熟悉未成年人" in p for p in client.get(base).json()["problems"])
    # when an expert is added
    r = client.post(base, {"name": "心理老师", "role": "minor_expert", "gender": "F"}, content_type="application/json")
    # then the team is complete
    assert r.status_code == 201
    assert r.json()["problems"] == []
    expert = r.json()["members"][0]["id"]
    # and removing the expert is refused with the rule
    r = client.post(f"/api/v1/correction/supervision/team-members/{expert}/removal", {}, content_type="application/json")
    assert r.status_code == 400
    assert "CC-10" in r.json()["detail"]
    # and office2 gets 404
    assert client_for("office2").get(base).status_code == 404
