"""Demo 行政处罚 cases of the 富阳区综合行政执法局 (``registry.demo_generators``; runs in every test session).

About 30 cases in various states, 15 of them closed with a facts text (the later similar-case
retrieval ranks them). Written on a fast path inside the demo load's transaction (no services, no
audit events of their own), keeping the invariants the services keep: a party from the county's
registry, two valid officers of the body, the state's dates filled in, the running deadlines started
through the cases engine. Dates lie in 2025–2026, the years the shipped calendar covers.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case, CaseParty, PartyRole
from sifa.core.cases.numbering import format_number, new_case_code, next_sequence, number_prefix
from sifa.core.cases.services import start_deadline
from sifa.core.persons.models import Person
from sifa.modules.enforcement.models import EnforcementBody, EnforcementOfficer, PowerItem
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.penalty_workflow import PENALTY, PENALTY_CASE

COUNTY_NAME = "富阳区"
# (state, count)
PLAN = [("closed", 15), ("clue_received", 3), ("investigating", 3), ("pre_decision_notice_served", 2),
        ("decided", 2), ("payment_due", 2), ("overdue", 2), ("legal_review", 1)]
FACTS = {
    "CF-001": ["当事人在{place}的墙体上张贴小广告{n}处，面积约{area}平方米，经责令后未及时清除。",
               "当事人未经批准在{place}的电线杆上张挂宣传横幅{n}条，影响市容。"],
    "CF-002": ["当事人驾驶渣土运输车辆途经{place}，车厢未密闭覆盖，造成泥浆遗撒约{area}平方米。",
               "当事人运输砂石未作覆盖，在{place}路段遗撒砂石约{area}平方米，未及时清除。"],
    "CF-003": ["当事人未经批准擅自占用{place}城市道路堆放建筑材料，占用面积约{area}平方米。",
               "当事人未经批准在{place}擅自挖掘城市道路铺设管线，挖掘面积约{area}平方米。"],
    "CF-005": ["当事人在{place}露天焚烧秸秆、落叶，焚烧面积约{area}平方米，产生大量烟尘。"],
    "CF-006": ["当事人在{place}经营餐饮服务，未安装油烟净化设施，油烟直排，周边居民多次投诉。"],
    "CF-007": ["当事人未经批准擅自砍伐{place}绿化带内香樟树{n}株。"],
}
PLACES = ["富春街道江滨西大道", "银湖街道富闲路", "东洲街道五丰路", "鹿山街道桂花西路", "春江街道江南路",
          "新登镇城西路", "场口镇东兴路", "万市镇万市街"]
FINES = {"CF-001": (20, 100), "CF-002": (100, 500), "CF-003": (500, 20000), "CF-005": (500, 2000),
         "CF-006": (5000, 50000), "CF-007": (500, 3000)}


def _day(start: datetime.date, days: int) -> datetime.date:
    return start + datetime.timedelta(days=days)


def generate_penalty_cases(*, actor: Actor, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    """Create the demo cases; return their count."""
    body = (EnforcementBody.objects.select_related("org", "org__region", "org__parent")
            .filter(name__contains=COUNTY_NAME).order_by("pk").first())
    if body is None:
        return {}
    today = timezone.localdate()
    officers = [o for o in EnforcementOfficer.objects.filter(body=body, status="valid", is_auxiliary=False)
                .order_by("pk") if o.valid_from <= datetime.date(2025, 1, 1) and o.valid_until > today
                and "urban_rural_construction" in o.certificate_scope]
    items = {i.code.split("-", 1)[-1]: i
             for i in PowerItem.objects.filter(body=body, kind="penalty")}
    county = body.org.parent or body.org
    persons = list(Person.objects.filter(org__path__startswith=county.path).order_by("pk")[:60])
    if len(officers) < 2 or not persons or not items:
        return {}
    rng = random.Random(seed * 7919 + 11)
    prefix = number_prefix(body.org)
    made = 0
    for state, count in PLAN:
        for _ in range(count):
            code = rng.choice(sorted(k for k in FACTS if k in items))
            item = items[code]
            person = persons[made % len(persons)]
            act = datetime.date(2025, 1, 6) + datetime.timedelta(days=rng.randint(0, 420))
            discovered = _day(act, rng.randint(0, 20))
            filed = _day(discovered, rng.randint(1, 5))
            low, high = FINES[code]
            amount = Decimal(rng.randrange(low, high + 1, max(1, (high - low) // 20 or 1)))
            facts = rng.choice(FACTS[code]).format(place=rng.choice(PLACES), n=rng.randint(1, 8),
                                                   area=rng.randint(2, 60))
            year = timezone.localtime(timezone.now()).year
            sequence = next_sequence(case_type=PENALTY, prefix=prefix, year=year)
            case = Case.objects.create(
                case_type=PENALTY, year=year, sequence=sequence,
                number=format_number(year=year, prefix=prefix, word=PENALTY_CASE.number_word, sequence=sequence),
                case_code=new_case_code(), org=body.org, state=state, title=f"{person.name}{item.name[1:20]}案",
                data={"procedure": "ordinary", "demo": True}, opened_by=actor.name)
            CaseParty.objects.create(case=case, role=PartyRole.PARTY, person=person, name=person.name)
            detail = PenaltyCase(case=case, body=body, power_item=item, party_type="citizen", person=person,
                                 party_name=person.name, party_birth_date=person.birth_date, act_date=act,
                                 discovered_on=discovered, facts=facts, circumstance="ordinary",
                                 cited_articles=item.basis_text, filed_on=None if state == "clue_received" else filed)
            later = state not in ("clue_received", "investigating")
            if later:
                detail.proposed_types, detail.proposed_amount = ["fine"], amount
                detail.notice_served_on = _day(filed, 30)
            if state in ("closed", "decided", "payment_due", "overdue"):
                detail.decision_types, detail.decision_amount = ["fine"], amount
                detail.decided_on = _day(filed, 45)
                detail.decision_number = f"富综执罚决字〔{detail.decided_on.year}〕{sequence}号"
            if state in ("closed", "payment_due", "overdue"):
                detail.served_on, detail.service_method = _day(filed, 47), "direct"
            if state == "closed":
                detail.paid_on, detail.paid_amount = _day(filed, 55), amount
                detail.closed_on = _day(filed, 60)
                case.closed_at = timezone.make_aware(datetime.datetime.combine(detail.closed_on, datetime.time(17)))
                case.save(update_fields=["closed_at"])
            detail.save()
            detail.officers.set(officers[:2])
            if state in ("filed", "investigating", "pre_decision_notice_served", "legal_review"):
                start_deadline(case=case, key="decision", rule="AP-27", start=filed)
            if state in ("payment_due", "overdue") and detail.served_on is not None:
                due = start_deadline(case=case, key="payment", rule="AP-31", start=detail.served_on)
                detail.payment_due = due.due_date
                detail.save(update_fields=["payment_due"])
            made += 1
    return {"penalty_cases": made}
