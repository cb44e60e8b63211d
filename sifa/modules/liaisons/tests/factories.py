"""Test helpers: liaisons and persons written straight to the tables (no audit rows), rosters as .xlsx bytes,
a 司法所 in another county, and the authorization matrix's liaison objects."""

from __future__ import annotations

import datetime
import io
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from sifa.core import crypto
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.persons.idnumbers import mask_id_number
from sifa.core.persons.models import Person
from sifa.core.persons.services import ID_CONTEXT, id_number_index
from sifa.core.testing import make_id_number, membership_of
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity, LiaisonTraining

_seq = itertools.count(1)
HEADER = ["姓名", "身份证号", "联系电话", "司法所", "村（社区）", "聘任日期", "备注"]


def office_of(username: str) -> Org:
    return membership_of(username).org


def new_number(region6: str = "330111") -> str:
    """A valid 居民身份证号 not used by any demo person (birth year 1961 and a sequence of our own)."""
    while True:
        n = next(_seq)
        number = make_id_number(region6, birth=datetime.date(1961, 1 + n % 12, 1 + n % 28), seq=n % 1000)
        if not Person.objects.filter(id_number_index=id_number_index(number)).exists():
            return number


def make_person(org: Org, name: str = "", number: str = "", phone: str = "") -> Person:
    number = number or new_number()
    return Person.objects.create(
        name=name or f"测试人{next(_seq)}", id_number_encrypted=crypto.encrypt(number, context=ID_CONTEXT),
        id_number_index=id_number_index(number), id_number_masked=mask_id_number(number),
        gender="M" if int(number[16]) % 2 else "F",
        birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])), phone=phone, org=org)


def make_liaison(org: Org, *, person: Person | None = None, community: str = "东风村",
                 appointed_on: datetime.date = datetime.date(2020, 1, 1), **fields: Any) -> LegalLiaison:
    return LegalLiaison.objects.create(person=person or make_person(org), org=org, community=community,
                                       appointed_on=appointed_on, **fields)


def add_activity(liaison: LegalLiaison, kind: str, day: datetime.date, count: int = 1) -> LiaisonActivity:
    return LiaisonActivity.objects.create(liaison=liaison, kind=kind, done_on=day, count=count, recorded_by="测试")


def add_training(liaison: LegalLiaison, day: datetime.date, hours: str = "2") -> LiaisonTraining:
    return LiaisonTraining.objects.create(liaison=liaison, trained_on=day, title="测试培训", hours=Decimal(hours),
                                          recorded_by="测试")


def roster(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def new_county_with_offices(names: Sequence[str], *, parent: Org | None = None) -> tuple[Org, list[Org]]:
    """A new county bureau (under 杭州市司法局 unless ``parent``) with new 司法所 below it, for hand counts."""
    city = parent or Org.objects.get(name="杭州市司法局")
    region = Org.objects.get(name="杭州市富阳区司法局").region
    county = _child(city, f"测试{next(_seq)}区司法局", OrgType.JUSTICE_BUREAU, region)
    return county, [_child(county, name, OrgType.JUDICIAL_OFFICE, region) for name in names]


def _child(parent: Org, name: str, type_: str, region: Any) -> Org:
    org = Org.objects.create(name=name, type=type_, region=region, parent=parent, depth=parent.depth + 1,
                             path=f"tmp-{next(_seq)}")
    org.path = parent.path + Org.path_segment(org.pk)
    org.save(update_fields=["path"])
    return org


def other_county_office() -> Org:
    """A 司法所 under 西湖区 (outside 富阳区's subtree)."""
    xihu = Org.objects.get(region__code="330106", type=OrgType.JUSTICE_BUREAU)
    return _child(xihu, f"测试西湖司法所{next(_seq)}", OrgType.JUDICIAL_OFFICE, xihu.region)


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ----------------------------


def matrix_liaison(org: Org) -> LegalLiaison:
    """One liaison per matrix org, for the matrix's own marker person of that org (so a leak of its
    name is caught by the matrix's leak check); a new person when the org has none."""
    existing = LegalLiaison.objects.filter(org=org, community="矩阵村").first()
    if existing is not None:
        return existing
    person = Person.objects.filter(org=org, name__startswith="越界标记人").first() or make_person(org)
    return make_liaison(org, person=person, community="矩阵村")


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for kind "liaison": the actor's own org's liaison, and those of every org
    outside the actor's subtree."""
    if kind != "liaison":
        raise KeyError(kind)
    liaisons = {o.pk: matrix_liaison(o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [liaisons[actor_org.pk].pk], [liaisons[o.pk].pk for o in outside]
