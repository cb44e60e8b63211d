"""Demo data for the 法律明白人 registry (registered in ``registry.demo_generators``).

Called by ``sifa demo`` inside its transaction, after the core orgs and persons exist. Liaisons are
drawn from the persons each 司法所 registered: up to 15 per 司法所, and at most four in five of its
persons (at ``--scale demo`` a 司法所 has about 12 persons, so about 10 liaisons; the core tests pin
the demo's 300 persons, so no persons are added). Each liaison gets a year of activities, some
trainings, a few rewards and removals. The same scale and seed give the same rows; dates are relative
to the day of loading (the year ending yesterday), so the current year's statistics have figures.
Rows are bulk-inserted (activities and trainings with plain multi-row INSERTs).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Person
from sifa.modules.liaisons.choices import ActivityKind, LiaisonStatus, RewardLevel
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity, LiaisonReward, LiaisonTraining

PER_OFFICE = 15
RECORDED_BY = "演示数据"
_VILLAGE_STEMS = ["东风", "新民", "红旗", "和平", "青山", "五星", "联合", "光明", "胜利", "永安", "建新", "长春",
                  "双溪", "里山", "桃源", "新华", "兴旺", "团结", "前进", "金星"]
_COMMUNITY_STEMS = ["城东", "城西", "江滨", "文化", "春晖", "凤凰", "南苑", "北门"]
_TRAINING_TITLES = ["民法典宣讲培训", "人民调解实务培训", "农村土地承包法律知识", "反电诈法律知识",
                    "婚姻家庭纠纷化解", "法律明白人岗前培训", "信访法治化专题", "未成年人保护法解读"]
_REMOVAL_REASONS = ["本人申请辞去", "迁出本村（社区）", "年度考核不称职", "因病无法履职"]
_ACTIVITY_NOTES = {
    ActivityKind.PUBLICITY: ["村民法治讲座", "入户发放宣传资料", "法治文艺进村"],
    ActivityKind.DISPUTE: ["邻里宅基地纠纷", "家庭赡养纠纷", "土地流转纠纷", "排查矛盾隐患"],
    ActivityKind.CONSULTATION: ["解答婚姻家庭问题", "解答劳务报酬问题", "解答土地承包问题"],
    ActivityKind.OTHER: ["协助普法考试", "参加村务监督"],
}
_KIND_WEIGHTS = [(ActivityKind.PUBLICITY, 35), (ActivityKind.DISPUTE, 25), (ActivityKind.CONSULTATION, 30),
                 (ActivityKind.OTHER, 10)]


def _communities(rng: random.Random) -> list[str]:
    villages = [f"{s}村" for s in rng.sample(_VILLAGE_STEMS, 6)]
    return villages + [f"{s}社区" for s in rng.sample(_COMMUNITY_STEMS, 2)]


def _count(kind: str, rng: random.Random) -> int:
    if kind == ActivityKind.CONSULTATION:
        return rng.randint(1, 5)
    if kind == ActivityKind.DISPUTE:
        return rng.choice([1, 1, 1, 2])
    return 1


def _insert(model: type[Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain multi-row INSERTs (``executemany``): several times faster than ``bulk_create`` for the
    hundreds of thousands of activity rows of ``--scale province``; values are already database values."""
    qn = connection.ops.quote_name
    by_name = {f.name: f.column for f in model._meta.concrete_fields}
    columns = ", ".join(qn(by_name[f]) for f in fields)
    placeholders, table = ", ".join(["%s"] * len(fields)), qn(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 (model names; values bound)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])


def generate_liaisons(*, actor: Actor, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    """Create the demo liaisons with a year of work; return the row counts (added to the demo's counts)."""
    offices: list[Org] = sorted(structure["offices"], key=lambda o: o.path)
    rng = random.Random(seed * 7919 + 101)  # noqa: S311 (demo data, not security)
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=365)
    pools: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in Person.objects.filter(org__in=offices).order_by("pk").values_list("pk", "org_id"):
        pools[org_id].append(pk)

    liaisons: list[LegalLiaison] = []
    for office in offices:
        pool = pools.get(office.pk, [])
        n = min(PER_OFFICE, len(pool) * 4 // 5)
        communities = _communities(rng)
        for person_id in rng.sample(pool, n):
            appointed = today - datetime.timedelta(days=rng.randint(30, 365 * 4))
            liaison = LegalLiaison(person_id=person_id, org=office, community=rng.choice(communities),
                                   appointed_on=appointed)
            if rng.random() < 0.04:
                span = max(1, (today - max(appointed, first_day)).days - 1)
                liaison.status = LiaisonStatus.REMOVED
                liaison.removed_on = max(appointed, first_day) + datetime.timedelta(days=rng.randint(1, span))
                liaison.removal_reason = rng.choice(_REMOVAL_REASONS)
            liaisons.append(liaison)
    liaisons = LegalLiaison.objects.bulk_create(liaisons, batch_size=2000)

    day = connection.ops.adapt_datefield_value  # dates as the database takes them
    recorded_at = connection.ops.adapt_datetimefield_value(timezone.now())
    activities: list[tuple[Any, ...]] = []
    trainings: list[tuple[Any, ...]] = []
    rewards: list[LiaisonReward] = []
    kinds, weights = zip(*_KIND_WEIGHTS, strict=True)
    for liaison in liaisons:
        start = max(liaison.appointed_on, first_day)
        end = liaison.removed_on or today - datetime.timedelta(days=1)
        days = (end - start).days
        if days < 1:
            continue
        for _ in range(rng.randint(3, 18) * days // 365 + 1):
            kind = rng.choices(kinds, weights)[0]
            activities.append((liaison.pk, kind.value, day(start + datetime.timedelta(days=rng.randint(0, days))),
                               _count(kind, rng), rng.choice(_ACTIVITY_NOTES[kind]), RECORDED_BY, recorded_at))
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            organiser = liaison.org.name if rng.random() < 0.7 else (liaison.org.parent or liaison.org).name
            trainings.append((liaison.pk, day(start + datetime.timedelta(days=rng.randint(0, days))),
                              rng.choice(_TRAINING_TITLES), Decimal(rng.choice([2, 3, 4, 8])), organiser,
                              RECORDED_BY, recorded_at))
        if liaison.status == LiaisonStatus.ACTIVE and rng.random() < 0.05:
            rewards.append(LiaisonReward(
                liaison=liaison, granted_on=start + datetime.timedelta(days=rng.randint(0, days)),
                title="优秀法律明白人", reason="年度内积极开展法治宣传、协助化解矛盾纠纷成效明显",
                level=rng.choice([RewardLevel.TOWNSHIP, RewardLevel.COUNTY, RewardLevel.COUNTY, RewardLevel.CITY]),
                recorded_by=RECORDED_BY))
    _insert(LiaisonActivity, ["liaison", "kind", "done_on", "count", "note", "recorded_by", "recorded_at"], activities)
    _insert(LiaisonTraining, ["liaison", "trained_on", "title", "hours", "organiser", "recorded_by", "recorded_at"],
            trainings)
    LiaisonReward.objects.bulk_create(rewards, batch_size=2000)
    return {"legal_liaisons": len(liaisons), "liaison_activities": len(activities),
            "liaison_trainings": len(trainings), "liaison_rewards": len(rewards)}
