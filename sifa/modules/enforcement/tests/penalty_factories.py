"""Factories of 行政处罚 cases for tests, the authz matrix (``matrix_objects``) and the audit recipes."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case
from sifa.core.cases.numbering import new_case_code
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for, make_id_number
from sifa.modules.enforcement import penalty_services as services
from sifa.modules.enforcement.models import EnforcementBody, EnforcementOfficer, PowerItem
from sifa.modules.enforcement.penalty_models import PenaltyCase

D = datetime.date
_seq = itertools.count(500)


def body_of(username: str = "officer") -> EnforcementBody:
    return EnforcementBody.objects.get(org=actor_for(username).org)


def valid_officers(body: EnforcementBody, n: int = 2) -> list[EnforcementOfficer]:
    """Officers with a valid, full-scope 执法证 (the demo's 4th and 5th officers of each body)."""
    today = timezone.localdate()
    qs = (EnforcementOfficer.objects.filter(body=body, status="valid", is_auxiliary=False, valid_from__lte=D(2025, 1, 1),
                                            valid_until__gte=today + datetime.timedelta(days=60))
          .order_by("pk"))
    found = [o for o in qs if "urban_rural_construction" in o.certificate_scope]
    return found[:n]


def item_of(body: EnforcementBody, code: str = "CF-003") -> PowerItem:
    return PowerItem.objects.get(body=body, code__endswith=code)


def new_case(actor: Actor | None = None, **overrides: Any) -> PenaltyCase:
    """An ordinary-procedure case through the service: citizen party (born 1990), 占道 item, two valid officers."""
    actor = actor or actor_for("officer")
    body = body_of()
    fields: dict[str, Any] = {
        "party_type": "citizen", "party_name": "测试当事人",
        "id_number": make_id_number(birth=D(1990, 1, 1), seq=next(_seq) % 1000),
        "act_date": D(2025, 6, 1), "discovered_on": D(2025, 7, 10),
        "facts": "当事人未经批准擅自占用城市道路堆放建筑材料，占用面积约 15 平方米。",
        "circumstance": "ordinary", "cited_articles": "《城市道路管理条例》第二十七条、第四十二条",
        "power_item": item_of(body), "officers": [o.pk for o in valid_officers(body)],
    }
    fields.update(overrides)
    return services.open_penalty_case(actor=actor, **fields)


def move(detail: PenaltyCase, transition: str, actor: Actor | None = None, **data: Any) -> PenaltyCase:
    return services.move_penalty_case(actor=actor or actor_for("officer"), detail=detail, transition=transition,
                                      data=data)


def reviewer() -> Actor:
    """A 法制审核人员 (legal_reviewer) of 富阳区司法局 — the bureau above the enforcement department."""
    from sifa.core.accounts.models import Membership

    body = body_of()
    member = (Membership.objects.select_related("org", "role", "user")
              .filter(role__code="legal_reviewer", org=body.org.parent).order_by("pk").first())
    assert member is not None
    return Actor.for_membership(member, ip="127.0.0.1", user_agent="pytest")


FILED = D(2025, 7, 15)


def to_concluded(detail: PenaltyCase, filed: D = FILED) -> PenaltyCase:
    detail = move(detail, "file", filed_on=filed)
    detail = move(detail, "start_investigation", started_on=filed)
    return move(detail, "conclude_investigation", concluded_on=filed + datetime.timedelta(days=20))


# --- fast path for the authz matrix ---------------------------------------------------------------


def matrix_case(org: Org) -> PenaltyCase:
    """A case owned by ``org`` (fast path: the matrix needs one per anchor org, not a real case)."""
    from sifa.core.persons.idnumbers import credit_check_char
    from sifa.core.persons.models import Entity

    body = body_of()
    n = next(_seq)
    first17 = f"9133018300{org.pk % 10000:04d}{n % 1000:03d}"
    entity = Entity.objects.create(name=f"矩阵组织{n}", credit_code=first17 + credit_check_char(first17), org=org)
    case = Case.objects.create(case_type="penalty", number=f"（2026）矩阵罚字第{n}号-{org.pk}", year=2026, sequence=n,
                               case_code=new_case_code(), org=org, state="clue_received", title="矩阵测试案件",
                               opened_at=timezone.now())
    return PenaltyCase.objects.create(case=case, body=body, party_type="organisation", entity=entity,
                                      party_name=entity.name, act_date=D(2025, 6, 1), discovered_on=D(2025, 7, 1),
                                      facts="矩阵测试")


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for kind "penalty_case": one case per anchor org, made on demand."""
    if kind != "penalty_case":
        raise KeyError(kind)
    cases = {o.pk: matrix_case(o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [cases[actor_org.pk].pk], [cases[o.pk].pk for o in outside]


# --- audit coverage recipes -----------------------------------------------------------------------


def cover_open(actor: Actor) -> Any:
    return new_case(actor)


def _quiet_case(actor: Actor) -> PenaltyCase:
    """A case of the actor's body made without a service (so a recipe records only its own event)."""
    detail = matrix_case(body_of().org)
    detail.discovered_on = D(2025, 7, 10)
    detail.save(update_fields=["discovered_on"])
    detail.officers.set(valid_officers(detail.body))
    return detail


def cover_move(actor: Actor) -> Any:
    return move(_quiet_case(actor), "file", actor, filed_on=D(2025, 7, 15))


def cover_officers(actor: Actor) -> Any:
    detail = _quiet_case(actor)
    return services.set_penalty_officers(actor=actor, detail=detail,
                                         officers=[o.pk for o in valid_officers(detail.body, 3)])


def cover_review_period(actor: Actor) -> Any:
    return services.record_review_period(actor=actor, detail=_quiet_case(actor), started_on=D(2025, 9, 1))


def cover_export(actor: Actor) -> Any:
    return services.record_penalty_export(actor=actor, description="测试导出", row_count=1)


RECIPES: dict[str, tuple[str, str]] = {
    "sifa.modules.enforcement.penalty_services.open_penalty_case": ("officer", "cover_open"),
    "sifa.modules.enforcement.penalty_services.move_penalty_case": ("officer", "cover_move"),
    "sifa.modules.enforcement.penalty_services.set_penalty_officers": ("officer", "cover_officers"),
    "sifa.modules.enforcement.penalty_services.record_review_period": ("officer", "cover_review_period"),
    "sifa.modules.enforcement.penalty_services.record_penalty_export": ("officer", "cover_export"),
}
