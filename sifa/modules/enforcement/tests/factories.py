"""Test helpers of 行政执法监督: bodies, officers, items and rules written straight to the tables (no audit
rows), rosters as .xlsx bytes, an enforcement department in another county, the authorization matrix's
objects, and the audit-coverage recipes (``RECIPES``)."""

from __future__ import annotations

import datetime
import io
import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from sifa.core import crypto
from sifa.core.accounts.actor import Actor
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.persons.idnumbers import mask_id_number
from sifa.core.persons.models import Person
from sifa.core.persons.services import ID_CONTEXT, id_number_index
from sifa.core.testing import make_id_number, membership_of
from sifa.modules.enforcement.choices import PowerKind
from sifa.modules.enforcement.imports import LABELS
from sifa.modules.enforcement.models import DiscretionRule, EnforcementBody, EnforcementOfficer, PowerItem
from sifa.modules.enforcement.rules import default_valid_until
from sifa.modules.enforcement.services import save_articles

_seq = itertools.count(1)
TODAY = timezone.localdate()
FUYANG_ENFORCEMENT = "杭州市富阳区综合行政执法局"
HEADER = list(LABELS.values())
BASIS = "设定依据：《城市市容和环境卫生管理条例》第十七条；处罚依据：《城市市容和环境卫生管理条例》第三十六条"


def new_number(region6: str = "330111") -> str:
    """A valid 居民身份证号 not used by any demo person (birth year 1972 and a sequence of our own)."""
    while True:
        n = next(_seq)
        number = make_id_number(region6, birth=datetime.date(1972, 1 + n % 12, 1 + n % 28), seq=n % 1000)
        if not Person.objects.filter(id_number_index=id_number_index(number)).exists():
            return number


def make_person(org: Org, name: str = "", number: str = "") -> Person:
    number = number or new_number()
    return Person.objects.create(
        name=name or f"执法测试人{next(_seq)}", id_number_encrypted=crypto.encrypt(number, context=ID_CONTEXT),
        id_number_index=id_number_index(number), id_number_masked=mask_id_number(number),
        gender="M" if int(number[16]) % 2 else "F",
        birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])), org=org)


def org_named(name: str) -> Org:
    return Org.objects.get(name=name)


def demo_body() -> EnforcementBody:
    """The demo body of 富阳区综合行政执法局 (the demo user ``officer`` works there)."""
    return EnforcementBody.objects.get(org__name=FUYANG_ENFORCEMENT)


def child_org(parent: Org, name: str = "", type_: str = OrgType.ENFORCEMENT_DEPARTMENT) -> Org:
    org = Org.objects.create(name=name or f"测试执法局{next(_seq)}", type=type_, region=parent.region, parent=parent,
                             depth=parent.depth + 1, path=f"tmp-enf-{next(_seq)}")
    org.path = parent.path + Org.path_segment(org.pk)
    org.save(update_fields=["path"])
    return org


def other_county_org() -> Org:
    """An enforcement department under 西湖区司法局 (outside 富阳区's subtree)."""
    xihu = Org.objects.get(region__code="330106", type=OrgType.JUSTICE_BUREAU)
    return child_org(xihu, f"测试西湖执法局{next(_seq)}")


def make_body(org: Org | None = None, **fields: Any) -> EnforcementBody:
    org = org or child_org(org_named("杭州市富阳区司法局"))
    return EnforcementBody.objects.create(org=org, name=fields.pop("name", org.name), **fields)


def certificate_number() -> str:
    return f"CS{next(_seq):08d}"


def make_officer(body: EnforcementBody, *, person: Person | None = None, valid_from: datetime.date | None = None,
                 valid_until: datetime.date | None = None, scope: Sequence[str] = ("comprehensive", "city_appearance"),
                 **fields: Any) -> EnforcementOfficer:
    start = valid_from or TODAY - datetime.timedelta(days=100)
    return EnforcementOfficer.objects.create(
        person=person or make_person(body.org), body=body, certificate_number=fields.pop("certificate_number", None)
        or certificate_number(), certificate_scope=list(scope), valid_from=start,
        valid_until=valid_until or default_valid_until(start), **fields)


def make_item(body: EnforcementBody, *, kind: str = PowerKind.PENALTY, field: str = "city_appearance",
              penalty_types: Sequence[str] = ("warning", "fine"), basis_text: str = BASIS, **fields: Any) -> PowerItem:
    item = PowerItem.objects.create(body=body, code=fields.pop("code", f"T-{next(_seq)}"),
                                    name=fields.pop("name", "测试事项"), kind=kind, field=field,
                                    penalty_types=list(penalty_types) if kind == PowerKind.PENALTY else [],
                                    basis_text=basis_text, **fields)
    save_articles(item)
    return item


def make_rule(item: PowerItem, circumstance: str = "ordinary", penalty_type: str = "fine",
              min_amount: int | None = 100, max_amount: int | None = 500, party_type: str = "any",
              **fields: Any) -> DiscretionRule:
    return DiscretionRule.objects.create(
        item=item, circumstance=circumstance, penalty_type=penalty_type,
        min_amount=Decimal(min_amount) if min_amount is not None else None,
        max_amount=Decimal(max_amount) if max_amount is not None else None, party_type=party_type, **fields)


def roster(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster_row(name: str = "", number: str = "", cert: str = "", body: str = FUYANG_ENFORCEMENT,
               scope: str = "综合执法、市容环卫", valid_from: Any = "2024-03-01", valid_until: Any = "",
               auxiliary: str = "否", legal: str = "否") -> list[Any]:
    return [name or f"导入人{next(_seq)}", number or new_number(), cert or certificate_number(), body, scope,
            valid_from, valid_until, auxiliary, legal]


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ----------------------------


def matrix_body(org: Org) -> EnforcementBody:
    existing = EnforcementBody.objects.filter(org=org).first()
    return existing or make_body(org, name=f"{org.name}（矩阵执法主体）")


def matrix_officer(org: Org) -> EnforcementOfficer:
    body = matrix_body(org)
    number = f"JZ{org.pk:08d}"
    existing = EnforcementOfficer.objects.filter(certificate_number=number).first()
    if existing is not None:
        return existing
    person = Person.objects.filter(org=org, name__startswith="越界标记人").first() or make_person(org)
    return make_officer(body, person=person, certificate_number=number)


def matrix_item(org: Org) -> PowerItem:
    body = matrix_body(org)
    return PowerItem.objects.filter(body=body, code="MATRIX").first() or make_item(body, code="MATRIX")


def matrix_rule(org: Org) -> DiscretionRule:
    item = matrix_item(org)
    return item.discretion_rules.first() or make_rule(item)


_MAKERS: dict[str, Callable[[Org], Any]] = {
    "enforcement_body": matrix_body, "enforcement_officer": matrix_officer, "power_item": matrix_item,
    "discretion_rule": matrix_rule,
}


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for the kinds above: the actor's own org's object, and those of every org
    outside the actor's subtree."""
    make = _MAKERS[kind]
    objects = {o.pk: make(o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [objects[actor_org.pk].pk], [objects[o.pk].pk for o in outside]


# --- audit-coverage recipes (tests/test_audit_coverage.py) --------------------------------------


def _services() -> Any:
    from sifa.modules.enforcement import services

    return services


def cover_create_body(actor: Actor) -> Any:
    return _services().create_body(actor=actor, org=child_org(membership_of("county").org), legal_basis="覆盖")


def cover_update_body(actor: Actor) -> Any:
    body = demo_body()
    return _services().update_body(actor=actor, body=body, name=body.name, kind=body.kind, legal_basis="覆盖修改")


def cover_create_officer(actor: Actor) -> Any:
    return _services().create_officer(actor=actor, body=demo_body(), name="覆盖执法", id_number=new_number(),
                                      certificate_number=certificate_number(), certificate_scope=["comprehensive"],
                                      valid_from=TODAY)


def cover_update_officer(actor: Actor) -> Any:
    o = make_officer(demo_body())
    return _services().update_officer(actor=actor, officer=o, body=o.body, certificate_number=o.certificate_number,
                                      certificate_scope=["comprehensive"], valid_from=o.valid_from,
                                      valid_until=o.valid_until, status="suspended", is_auxiliary=False,
                                      has_legal_qualification=True)


def cover_import(actor: Actor) -> Any:
    return _services().import_officers(actor=actor, content=roster([roster_row()]), filename="覆盖.xlsx")


def cover_export(actor: Actor) -> Any:
    return _services().export_officers(actor=actor, description="覆盖导出", row_count=1)


def cover_create_item(actor: Actor) -> Any:
    return _services().create_power_item(actor=actor, body=demo_body(), code=f"C-{next(_seq)}", name="覆盖事项",
                                         kind="penalty", field="city_appearance", penalty_types=["fine"],
                                         basis_text=BASIS)


def cover_update_item(actor: Actor) -> Any:
    item = make_item(demo_body())
    return _services().update_power_item(actor=actor, item=item, code=item.code, name="覆盖修改", kind=item.kind,
                                         field=item.field, penalty_types=item.penalty_types, basis_text=BASIS)


def cover_create_rule(actor: Actor) -> Any:
    return _services().create_discretion_rule(actor=actor, item=make_item(demo_body()), circumstance="ordinary",
                                              penalty_type="fine", min_amount=10, max_amount=20)


def cover_update_rule(actor: Actor) -> Any:
    rule = make_rule(make_item(demo_body()))
    return _services().update_discretion_rule(actor=actor, rule=rule, circumstance="serious", penalty_type="fine",
                                              party_type="any", min_amount=100, max_amount=900)


_S = "sifa.modules.enforcement.services."
RECIPES: dict[str, tuple[str, Callable[[Actor], Any]]] = {
    _S + "create_body": ("county", cover_create_body),
    _S + "update_body": ("county", cover_update_body),
    _S + "create_officer": ("county", cover_create_officer),
    _S + "update_officer": ("county", cover_update_officer),
    _S + "import_officers": ("county", cover_import),
    _S + "export_officers": ("county", cover_export),
    _S + "create_power_item": ("county", cover_create_item),
    _S + "update_power_item": ("county", cover_update_item),
    _S + "create_discretion_rule": ("county", cover_create_rule),
    _S + "update_discretion_rule": ("county", cover_update_rule),
}
