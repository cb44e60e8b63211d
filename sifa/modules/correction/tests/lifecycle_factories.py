"""Test helpers of the lifecycle part: intake arguments, assessments without services, the authorization
matrix's objects and the audit-coverage recipes (tests/test_authz_matrix.py, tests/test_audit_coverage.py)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case
from sifa.core.cases.numbering import format_number, new_case_code, next_sequence, number_prefix
from sifa.core.orgs.models import Org
from sifa.core.testing import make_id_number
from sifa.modules.correction.models import CorrectionCase, PreSentenceAssessment
from sifa.modules.correction.tests.factories import make_correction, office_of

_seq = itertools.count(1)


def new_id_number(*, minor: bool = False, birth: datetime.date | None = None) -> str:
    """A valid number not yet in the registry (birth varies per call)."""
    from sifa.core.persons.models import Person
    from sifa.core.persons.services import id_number_index

    today = timezone.localdate()
    while True:
        n = next(_seq)
        base = birth or (datetime.date(today.year - 17, 1, 1) if minor else datetime.date(1985, 3, 1))
        number = make_id_number("330111", base + datetime.timedelta(days=(n * 3) % 200), 600 + n % 300)
        if not Person.objects.filter(id_number_index=id_number_index(number)).exists():
            return number


def intake_args(**overrides: Any) -> dict[str, Any]:
    """Arguments of ``open_correction`` for a 缓刑 judgment that took effect 30 days ago, in office1's 司法所."""
    today = timezone.localdate()
    args: dict[str, Any] = {
        "name": f"接收测试{next(_seq)}号", "id_number": new_id_number(), "office": office_of("office1"),
        "sentence_type": "probation", "decision_org_name": "杭州市富阳区人民法院",
        "judgment_number": f"（{today.year}）浙0111刑初{next(_seq)}号", "crimes": "危险驾驶罪",
        "original_sentence": "拘役三个月", "term": "六个月", "effective_date": today - datetime.timedelta(days=30),
        "execution_address": "杭州市富阳区富春街道测试路1号",
    }
    args.update(overrides)
    return args


def make_assessment(org: Org, *, state: str = "commissioned", person_name: str = "",
                    received_on: datetime.date | None = None) -> PreSentenceAssessment:
    """A 调查评估 written without services (no audit row, no deadline)."""
    year = timezone.localtime().year
    prefix = number_prefix(org)
    sequence = next_sequence(case_type="correction_assessment", prefix=prefix, year=year)
    name = person_name or f"评估对象{next(_seq)}号"
    case = Case.objects.create(case_type="correction_assessment", year=year, sequence=sequence,
                               number=format_number(year=year, prefix=prefix, word="矫评", sequence=sequence),
                               case_code=new_case_code(), org=org, state=state, title=f"{name} 调查评估",
                               opened_by="测试")
    return PreSentenceAssessment.objects.create(
        case=case, commissioner_type="court", commissioner_name="杭州市富阳区人民法院",
        received_on=received_on or timezone.localdate(), person_name=name, proposed_sentence_type="probation")


# --- the authorization matrix's objects ---------------------------------------------------------


def _matrix_case(org: Org) -> CorrectionCase:
    found = CorrectionCase.objects.filter(case__org=org, judgment_number=f"矩阵{org.pk}").first()
    return found or make_correction(org, state="received", judgment_number=f"矩阵{org.pk}")


def _matrix_assessment(org: Org) -> PreSentenceAssessment:
    found = PreSentenceAssessment.objects.filter(case__org=org, commission_number=f"矩阵{org.pk}").first()
    if found is None:
        found = make_assessment(org)
        found.commission_number = f"矩阵{org.pk}"
        found.save(update_fields=["commission_number"])
    return found


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for "correction_case" or "correction_assessment": one (adult) object per org."""
    make = {"correction_case": _matrix_case, "correction_assessment": _matrix_assessment}[kind]
    objects = {o.pk: make(o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [objects[actor_org.pk].pk], [objects[o.pk].pk for o in outside]


# --- recipes of tests/test_audit_coverage.py ----------------------------------------------------


def cover_open(actor: Actor) -> Any:
    from sifa.modules.correction.services import open_correction

    return open_correction(actor=actor, **intake_args())


def cover_move(actor: Actor) -> Any:
    from sifa.modules.correction.services import move_correction

    detail = make_correction(state="decided")
    return move_correction(actor=actor, detail=detail, transition="notify",
                           data={"documents_received_on": timezone.localdate().isoformat()})


def cover_view(actor: Actor) -> Any:
    from sifa.modules.correction.services import record_subject_view

    return record_subject_view(actor=actor, detail=make_correction())


def cover_minor(actor: Actor) -> Any:
    from sifa.modules.correction.services import open_minor_file

    return open_minor_file(actor=actor, detail=make_correction(minor=True), reason="人民法院审理案件需要调阅")


def cover_export(actor: Actor) -> Any:
    from sifa.modules.correction.services import export_subjects

    return export_subjects(actor=actor, description="社区矫正对象导出 覆盖", row_count=1)


def cover_assessment_open(actor: Actor) -> Any:
    from sifa.modules.correction.services import open_assessment

    return open_assessment(actor=actor, commissioner_type="court", commissioner_name="杭州市富阳区人民法院",
                           received_on=timezone.localdate(), person_name="覆盖评估", proposed_sentence_type="probation")


def cover_assessment_move(actor: Actor) -> Any:
    from sifa.modules.correction.services import move_assessment

    return move_assessment(actor=actor, assessment=make_assessment(office_of("office1")),
                           transition="start_investigation")
