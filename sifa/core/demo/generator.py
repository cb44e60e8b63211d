"""Deterministic demo data: orgs for 浙江省, fixed demo accounts, persons with valid identity numbers.

``sifa demo --scale demo|county|city|province --seed N``. The same scale and seed always give the
same names, numbers and structure. Rows are bulk-inserted (one transaction, one audit event for
the whole load) so that the province scale stays quick on a laptop.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from faker import Faker

from sifa.core import crypto, registry
from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, Role, User
from sifa.core.accounts.roles import (
    BUREAU_STAFF,
    CORRECTION_STAFF,
    ENFORCEMENT_OFFICER,
    EXTERNAL_REVIEWER,
    GRID_WORKER,
    LEADER,
    LEGAL_REVIEWER,
    OFFICE_STAFF,
    SYSTEM_ADMIN,
)
from sifa.core.audit.recorder import record
from sifa.core.orgs.choices import OrgType, RegionLevel
from sifa.core.orgs.models import Org, Region
from sifa.core.persons.idnumbers import credit_check_char, id_check_digit, mask_id_number
from sifa.core.persons.models import Entity, Person
from sifa.core.persons.services import ID_CONTEXT, id_number_index
from sifa.core.services import service

PROVINCE_CODE = "33"
CITY_CODE = "3301"  # 杭州市
COUNTY_CODE = "330111"  # 富阳区
DEMO_PASSWORD = "Sifa#2026"
DEMO_DATE = datetime.date(2020, 1, 1)


@dataclass(frozen=True)
class Scale:
    name: str
    office_region_prefix: str  # 司法所 and external agencies are created under this region prefix
    persons: int
    entities: int
    staff_per_office: int


SCALES = {
    "demo": Scale("demo", COUNTY_CODE, persons=300, entities=40, staff_per_office=1),
    "county": Scale("county", COUNTY_CODE, persons=5_000, entities=400, staff_per_office=2),
    "city": Scale("city", CITY_CODE, persons=30_000, entities=3_000, staff_per_office=2),
    "province": Scale("province", PROVINCE_CODE, persons=150_000, entities=15_000, staff_per_office=2),
}

EXTERNAL_ORGS = [
    (OrgType.COURT, "{county}人民法院"),
    (OrgType.PROCURATORATE, "{county}人民检察院"),
    (OrgType.POLICE, "{city}公安局{county}分局"),
    (OrgType.DETENTION_CENTER, "{city}{county}看守所"),
    (OrgType.ENFORCEMENT_DEPARTMENT, "{city}{county}综合行政执法局"),
    (OrgType.ENFORCEMENT_DEPARTMENT, "{city}{county}市场监督管理局"),
]
COUNTY_SERVICE_ORGS = [
    (OrgType.CORRECTION_AGENCY, "{county}社区矫正管理局"),
    (OrgType.LEGAL_SERVICE_CENTER, "{county}公共法律服务中心"),
    (OrgType.LEGAL_AID_CENTER, "{county}法律援助中心"),
]


@dataclass
class DemoResult:
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    admin_totp_secret: str = ""


def _org(name: str, type_: str, region: Region, parent: Org | None) -> Org:
    org = Org(name=name, type=type_, region=region, parent=parent, valid_from=DEMO_DATE,
              depth=(parent.depth + 1) if parent else 0, path="")
    return org


def _bulk_orgs(orgs: list[Org]) -> list[Org]:
    """Insert one level of orgs, then set their paths from the ids the database gave them."""
    for i, o in enumerate(orgs):
        o.path = f"tmp-{i}-{random.random()}"  # noqa: S311
    created = Org.objects.bulk_create(orgs, batch_size=500)
    if any(o.pk is None for o in created):  # backends without RETURNING
        raise RuntimeError("bulk_create did not return ids")
    for o in created:
        o.path = (o.parent.path if o.parent else "") + Org.path_segment(o.pk)
    Org.objects.bulk_update(created, ["path"], batch_size=500)
    return created


def build_orgs(scale: Scale) -> dict[str, object]:
    regions = {r.code: r for r in Region.objects.current().filter(code__startswith=PROVINCE_CODE)}
    if PROVINCE_CODE not in regions:
        raise RuntimeError("缺少浙江省区划数据，请先运行 sifa import-regions")
    province = regions[PROVINCE_CODE]
    [dept] = _bulk_orgs([_org("浙江省司法厅", OrgType.JUSTICE_DEPARTMENT, province, None)])
    cities = sorted((r for r in regions.values() if r.level == RegionLevel.CITY), key=lambda r: r.code)
    city_orgs = _bulk_orgs([_org(f"{c.name}司法局", OrgType.JUSTICE_BUREAU, c, dept) for c in cities])
    by_city = {o.region.code: o for o in city_orgs}
    counties = sorted((r for r in regions.values() if r.level == RegionLevel.COUNTY), key=lambda r: r.code)
    county_orgs = _bulk_orgs([
        _org(f"{regions[c.code[:4]].name}{c.name}司法局", OrgType.JUSTICE_BUREAU, c, by_city[c.code[:4]]) for c in counties
    ])
    by_county = {o.region.code: o for o in county_orgs}
    prefix = scale.office_region_prefix
    townships = sorted((r for r in regions.values() if r.level == RegionLevel.TOWNSHIP and r.code.startswith(prefix)),
                       key=lambda r: r.code)
    offices = _bulk_orgs([_org(f"{t.name}司法所", OrgType.JUDICIAL_OFFICE, t, by_county[t.code[:6]]) for t in townships])
    committees = _bulk_orgs([
        _org(f"{o.region.name}人民调解委员会", OrgType.MEDIATION_COMMITTEE, o.region, o) for o in offices
    ])
    externals: list[Org] = []
    for c in counties:
        if not (c.code.startswith(prefix) or prefix.startswith(c.code)):
            continue
        city_name, county_name = regions[c.code[:4]].name, c.name
        for type_, pattern in EXTERNAL_ORGS + COUNTY_SERVICE_ORGS:
            externals.append(_org(pattern.format(city=city_name, county=county_name), type_, c, by_county[c.code]))
    externals = _bulk_orgs(externals)
    return {"department": dept, "cities": city_orgs, "counties": county_orgs, "offices": offices,
            "committees": committees, "externals": externals, "by_county": by_county, "regions": regions}


def build_accounts(structure: dict[str, object], scale: Scale, rng: random.Random, fake: Faker,
                   result: DemoResult) -> list[Membership]:
    roles = {r.code: r for r in Role.objects.all()}
    password_hash = make_password(DEMO_PASSWORD)
    dept = structure["department"]
    by_county: dict[str, Org] = structure["by_county"]  # type: ignore[assignment]
    offices: list[Org] = structure["offices"]  # type: ignore[assignment]
    externals: list[Org] = structure["externals"]  # type: ignore[assignment]
    fuyang = by_county[COUNTY_CODE]
    hangzhou = fuyang.parent
    fuyang_offices = [o for o in offices if o.region.code.startswith(COUNTY_CODE)]
    court = next(o for o in externals if o.type == OrgType.COURT and o.region.code == COUNTY_CODE)
    enforcement = next(o for o in externals if o.type == OrgType.ENFORCEMENT_DEPARTMENT and o.region.code == COUNTY_CODE)
    fixed = [
        ("admin", "系统管理员", dept, SYSTEM_ADMIN),
        ("province", "省厅领导", dept, LEADER),
        ("city", "市局领导", hangzhou, LEADER),
        ("county", "区局业务员", fuyang, BUREAU_STAFF),
        ("office1", "司法所甲", fuyang_offices[0], OFFICE_STAFF),
        ("office2", "司法所乙", fuyang_offices[1], OFFICE_STAFF),
        ("corr", "矫正工作人员", fuyang, CORRECTION_STAFF),
        ("grid1", "网格员", fuyang_offices[0], GRID_WORKER),
        ("officer", "执法人员", enforcement, ENFORCEMENT_OFFICER),
        ("reviewer", "法院审查员", court, EXTERNAL_REVIEWER),
    ]
    users: list[User] = []
    plan: list[tuple[int, Org, str]] = []
    for username, label, org, role in fixed:
        users.append(User(username=username, display_name=f"{label}{fake.name()}", password=password_hash))
        plan.append((len(users) - 1, org, role))  # type: ignore[arg-type]
        result.accounts.append((username, org.name, roles[role].name))  # type: ignore[attr-defined]
    # Generated staff: office staff and grid workers per 司法所, correction staff and legal reviewers per county.
    n = 0
    for office in offices:
        for _ in range(scale.staff_per_office):
            n += 1
            users.append(User(username=f"staff{n:05d}", display_name=fake.name(), password=password_hash))
            plan.append((len(users) - 1, office, OFFICE_STAFF))
        n += 1
        users.append(User(username=f"grid{n:05d}", display_name=fake.name(), password=password_hash))
        plan.append((len(users) - 1, office, GRID_WORKER))
    for county in sorted({o.parent for o in offices if o.parent}, key=lambda o: o.path):
        n += 1
        users.append(User(username=f"corr{n:05d}", display_name=fake.name(), password=password_hash))
        plan.append((len(users) - 1, county, CORRECTION_STAFF))
        n += 1
        users.append(User(username=f"legal{n:05d}", display_name=fake.name(), password=password_hash))
        plan.append((len(users) - 1, county, LEGAL_REVIEWER))
    created = User.objects.bulk_create(users, batch_size=1000)
    memberships = Membership.objects.bulk_create(
        [Membership(user=created[i], org=org, role=roles[role]) for i, org, role in plan], batch_size=1000
    )
    # The administrator's TOTP secret is fixed by the seed so the demo can print it.
    from sifa.core.accounts.services import TOTP_CONTEXT

    secret = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(32))
    admin = created[0]
    admin.totp_secret = crypto.encrypt(secret, context=TOTP_CONTEXT)
    admin.totp_enabled = True
    admin.save(update_fields=["totp_secret", "totp_enabled"])
    result.admin_totp_secret = secret
    return memberships


def _id_number(rng: random.Random, county_code: str, used: set[str]) -> str:
    while True:
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
        first17 = f"{county_code}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = first17 + id_check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def _credit_code(rng: random.Random, county_code: str, used: set[str]) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        first17 = "91" + county_code + "".join(rng.choice(alphabet) for _ in range(9))
        code = first17 + credit_check_char(first17)
        if code not in used:
            used.add(code)
            return code


def build_persons(structure: dict[str, object], scale: Scale, rng: random.Random, fake: Faker) -> tuple[int, int]:
    offices: list[Org] = structure["offices"]  # type: ignore[assignment]
    regions: dict[str, Region] = structure["regions"]  # type: ignore[assignment]
    used: set[str] = set()
    batch: list[Person] = []
    total = 0
    for i in range(scale.persons):
        office = offices[i % len(offices)] if i < len(offices) else rng.choice(offices)
        township = office.region
        county = regions[township.code[:6]]
        city = regions[township.code[:4]]
        number = _id_number(rng, county.code, used)
        batch.append(Person(
            name=fake.name(),
            id_number_encrypted=crypto.encrypt(number, context=ID_CONTEXT),
            id_number_index=id_number_index(number),
            id_number_masked=mask_id_number(number),
            gender="M" if int(number[16]) % 2 else "F",
            birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
            phone=f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}",
            address=f"浙江省{city.name}{county.name}{township.name}{fake.street_name()}{rng.randrange(1, 300)}号",
            region=township,
            org=office,
        ))
        if len(batch) >= 2000:
            Person.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    if batch:
        Person.objects.bulk_create(batch)
        total += len(batch)
    used_codes: set[str] = set()
    entities = []
    for _ in range(scale.entities):
        office = rng.choice(offices)
        county = regions[office.region.code[:6]]
        entities.append(Entity(name=fake.company(), credit_code=_credit_code(rng, county.code, used_codes),
                               legal_representative=fake.name(), address=f"{county.name}{fake.street_address()}",
                               region=office.region, org=office.parent or office))
    Entity.objects.bulk_create(entities, batch_size=2000)
    return total, len(entities)


@service("demo.loaded")
def load_demo(*, actor: Actor, scale: str, seed: int) -> DemoResult:
    """Load demo data into an empty database (refuses a database that already has orgs)."""
    from sifa.core.errors import ValidationFailed

    if scale not in SCALES:
        raise ValidationFailed(f"未知规模 {scale}，可选：{', '.join(SCALES)}", field="scale")
    if Org.objects.exists():
        raise ValidationFailed("数据库中已有机构数据，演示数据只能载入空数据库", field="scale")
    spec = SCALES[scale]
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    result = DemoResult(scale=scale, seed=seed)
    structure = build_orgs(spec)
    memberships = build_accounts(structure, spec, rng, fake, result)
    persons, entities = build_persons(structure, spec, rng, fake)
    result.counts = {
        "regions": Region.objects.count(),
        "orgs": Org.objects.count(),
        "judicial_offices": Org.objects.filter(type=OrgType.JUDICIAL_OFFICE).count(),
        "users": User.objects.count(),
        "memberships": len(memberships),
        "persons": persons,
        "entities": entities,
    }
    # Modules' demo data (registry.demo_generators), in key order, each called as
    # generate(actor=, structure=, scale=, seed=) inside this transaction (no audit events of its own);
    # it returns its row counts, added to the load's counts.
    for _key, generate in sorted(registry.demo_generators.items()):
        for name, n in (generate(actor=actor, structure=structure, scale=spec, seed=seed) or {}).items():
            result.counts[name] = result.counts.get(name, 0) + n  # e.g. a module's own persons add to "persons"
    record(actor=actor, action="demo.loaded", object_type="demo", object_repr=f"演示数据 {scale} seed={seed}",
           changes=dict(result.counts))
    return result
