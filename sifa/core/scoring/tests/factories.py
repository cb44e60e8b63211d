"""Test helpers for scoring: the example scheme, test_case cases at given dates, the matrix's objects."""

from __future__ import annotations

import datetime
import itertools
import json
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case, CaseTransition
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.scoring.engine import parse_scheme
from sifa.core.scoring.models import Scheme, SchemeVersion, Score
from sifa.core.scoring.periods import Period
from sifa.core.scoring.services import import_scheme, known_sources
from tests.testapp.scoring import EXAMPLE_SCHEME

_seq = itertools.count(1)


def example_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE_SCHEME.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def province() -> Org:
    return Org.objects.get(name="浙江省司法厅")


def fuyang() -> Org:
    return Org.objects.get(name="杭州市富阳区司法局")


def import_example(owner: Org | None = None, **changes: Any) -> SchemeVersion:
    return import_scheme(actor=Actor.system("test"), data=example_data(**changes), owner=owner or province(),
                         source_name="scoring_scheme.json")


def example_without_audit() -> SchemeVersion:
    """The example scheme written straight to the tables (no service, so no audit row), for the coverage test."""
    spec = parse_scheme(example_data(), sources=known_sources())
    scheme = Scheme.objects.create(code=spec.code, name=spec.name, subject_kind=spec.subject_kind,
                                   subject_type=spec.subject_type, owner=province())
    return SchemeVersion.objects.create(scheme=scheme, number=1, valid_from=spec.valid_from, total=spec.tree.total,
                                        indicators=spec.tree.to_data(), imported_by="测试")


def current_score_without_audit(version: SchemeVersion, org: Org, period: Period) -> Score:
    return Score.objects.create(scheme=version.scheme, version=version, subject_kind="org", subject_id=org.pk,
                                subject_label=org.name, org=org, period_kind=period.kind, period_start=period.start,
                                period_end=period.end, period_label=period.label, total=Decimal(0), computed_by="测试")


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def make_case(org: Org, day: datetime.date, *, state: str = "registered", title: str = "") -> Case:
    n = next(_seq)
    return Case.objects.create(case_type="test_case", number=f"评分测试{n}号", year=day.year, sequence=9000 + n,
                               case_code=f"scoring-{n}-{timezone.now().timestamp()}", org=org, state=state,
                               title=title or f"评分测试案件{n}", opened_at=at(day))


def withdraw(case: Case, day: datetime.date) -> CaseTransition:
    return CaseTransition.objects.create(case=case, name="withdraw", label="撤回", from_state=case.state,
                                         to_state="withdrawn", actor_name="测试", created_at=at(day))


def other_county_office() -> Org:
    """A 司法所 under another county (西湖区), outside 富阳区's subtree."""
    xihu = Org.objects.get(region__code="330106", type=OrgType.JUSTICE_BUREAU)
    office = Org.objects.create(name="评分测试西湖司法所", type=OrgType.JUDICIAL_OFFICE, region=xihu.region, parent=xihu,
                                depth=xihu.depth + 1, path="tmp-scoring", valid_from=datetime.date(2000, 1, 1))
    office.path = xihu.path + Org.path_segment(office.pk)
    office.save(update_fields=["path"])
    return office


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ----------------------------

MATRIX_TREE = [
    {"code": "A", "label": "人工评分", "kind": "part", "full_marks": "100", "children": [
        {"code": "A.1", "label": "综合评价", "kind": "item", "cap": "100"}]},
]


def matrix_scheme(org: Org) -> Scheme:
    """A scheme owned by ``org`` (scoring every org below it), with one manual indicator, and a current score of ``org``."""
    scheme, created = Scheme.objects.get_or_create(
        code=f"matrix.{org.pk}", defaults={"name": f"矩阵考核{org.pk}", "subject_kind": "org",
                                           "subject_type": "", "owner": org})
    if created:
        version = SchemeVersion.objects.create(scheme=scheme, number=1, valid_from=datetime.date(2020, 1, 1),
                                               total=Decimal(100), indicators=MATRIX_TREE, imported_by="矩阵")
        Score.objects.create(scheme=scheme, version=version, subject_kind="org", subject_id=org.pk,
                             subject_label=org.name, org=org, period_kind="month",
                             period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 1, 31),
                             period_label="2026年1月", total=Decimal(0), computed_by="矩阵")
    return scheme


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for kind "scoring_scheme" or "score", one object per org of the matrix world.

    A scheme is visible in its owner's subtree and to the orgs below... and above it: the orgs above
    the actor's own (whose schemes apply to it) are neither inside nor outside, so they are left out.
    """
    schemes = {o.pk: matrix_scheme(o) for o in orgs}
    inside = [o for o in orgs if o.path.startswith(actor_org.path)]
    outside = [o for o in orgs if not o.path.startswith(actor_org.path) and not actor_org.path.startswith(o.path)]
    if kind == "scoring_scheme":
        return [schemes[actor_org.pk].pk], [schemes[o.pk].pk for o in outside]
    scores = {o.pk: Score.objects.filter(scheme=schemes[o.pk], is_current=True).get().pk for o in orgs}
    return [scores[actor_org.pk]], [scores[o.pk] for o in orgs if o not in inside]
