"""Demo data of 行政执法监督 (registered in ``registry.demo_generators``; runs in every test session, so small).

For each county's 综合行政执法局: one body, eight officers drawn from the persons the county's 司法所
registered (no new persons: the core tests pin the demo's persons), one expiring in 20 days, one
expired, one auxiliary, one with 法律职业资格 linked to the demo account ``officer`` (in 富阳区); ten
power items with basis texts citing real laws (some in the law library: 《浙江省综合行政执法条例》,
《行政强制法》; others stay plain text), each 行政处罚 item with 2–4 discretion rules. Dates are relative
to the day of loading.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import User
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Person
from sifa.modules.enforcement.choices import BodyKind, CertificateStatus
from sifa.modules.enforcement.models import DiscretionRule, EnforcementBody, EnforcementOfficer, PowerItem
from sifa.modules.enforcement.rules import default_valid_until
from sifa.modules.enforcement.services import save_articles

OFFICERS_PER_BODY = 8
SCOPE = ["comprehensive", "city_appearance", "urban_rural_construction", "ecology_environment"]
BODY_BASIS = ("《浙江省综合行政执法条例》第七条、第八条；浙江省人民政府批准的综合行政执法事项统一目录")

# (code suffix, name, kind, field, penalty types, basis text, discretion rules)
# rule: (circumstance, conditions, penalty type, min, max, party type)
ITEMS: list[tuple[str, str, str, str, list[str], str, list[tuple[str, str, str, int | None, int | None, str]]]] = [
    ("CF-001", "对在建筑物、设施以及树木上涂写、刻画或者未经批准张挂、张贴宣传品等的行政处罚", "penalty",
     "city_appearance", ["warning", "fine"],
     "设定依据：《城市市容和环境卫生管理条例》第十七条；处罚依据：《城市市容和环境卫生管理条例》第三十六条",
     [("slight", "首次违法，面积较小，当场改正", "warning", None, None, "any"),
      ("ordinary", "张贴面积 1 平方米以下", "fine", 20, 50, "any"),
      ("serious", "张贴面积 1 平方米以上或经责令拒不改正", "fine", 50, 100, "any")]),
    ("CF-002", "对运输液体、散装货物不作密封、包扎、覆盖，造成泄漏、遗撒的行政处罚", "penalty",
     "city_appearance", ["warning", "fine"],
     "处罚依据：《城市市容和环境卫生管理条例》第三十七条",
     [("slight", "遗撒面积 10 平方米以下且及时清除", "warning", None, None, "any"),
      ("ordinary", "遗撒面积 10 至 50 平方米", "fine", 100, 300, "any"),
      ("severe", "遗撒面积 50 平方米以上或造成交通事故", "fine", 300, 500, "any")]),
    ("CF-003", "对未经批准擅自占用或者挖掘城市道路的行政处罚", "penalty", "urban_rural_construction", ["fine"],
     "设定依据：《城市道路管理条例》第二十七条；处罚依据：《城市道路管理条例》第四十二条",
     [("ordinary", "占用面积 20 平方米以下，及时恢复", "fine", 500, 5000, "citizen"),
      ("ordinary", "占用面积 20 平方米以下，及时恢复", "fine", 2000, 10000, "organisation"),
      ("severe", "占用面积 20 平方米以上或造成道路损坏", "fine", 10000, 20000, "any")]),
    ("CF-004", "对未取得建设工程规划许可证进行建设的行政处罚", "penalty", "urban_rural_construction",
     ["fine", "confiscate_illegal_property"],
     "设定依据：《城乡规划法》第四十条；处罚依据：《城乡规划法》第六十四条",
     [("ordinary", "尚可采取改正措施消除对规划实施的影响", "fine", None, None, "any"),
      ("severe", "无法采取改正措施消除影响，不能拆除", "confiscate_illegal_property", None, None, "any")]),
    ("CF-005", "对露天焚烧秸秆、落叶等产生烟尘污染的物质的行政处罚", "penalty", "ecology_environment", ["fine"],
     "设定依据：《大气污染防治法》第七十七条；处罚依据：《大气污染防治法》第一百一十九条第一款",
     [("slight", "焚烧面积较小，及时熄灭", "fine", 500, 800, "any"),
      ("ordinary", "焚烧面积较大", "fine", 800, 1500, "any"),
      ("severe", "在重污染天气预警期间焚烧", "fine", 1500, 2000, "any")]),
    ("CF-006", "对排放油烟的餐饮服务业经营者未安装油烟净化设施的行政处罚", "penalty", "ecology_environment",
     ["fine", "order_suspension"],
     "设定依据：《大气污染防治法》第八十一条第一款；处罚依据：《大气污染防治法》第一百一十八条第一款",
     [("ordinary", "首次发现，限期内安装", "fine", 5000, 20000, "any"),
      ("serious", "逾期未安装", "fine", 20000, 50000, "any"),
      ("severe", "拒不改正", "order_suspension", None, None, "any")]),
    ("CF-007", "对擅自砍伐城市树木的行政处罚", "penalty", "city_appearance", ["warning", "fine"],
     "处罚依据：《城市绿化条例》第二十六条",
     [("slight", "砍伐 1 株且已补植", "warning", None, None, "any"),
      ("ordinary", "砍伐 2 至 5 株", "fine", 500, 3000, "any")]),
    ("QZ-001", "查封、扣押与违法行为有关的场所、设施、财物", "coercion", "comprehensive", [],
     "《行政强制法》第九条、第十八条、第二十二条；《浙江省综合行政执法条例》第八条", []),
    ("JC-001", "综合行政执法日常检查（双随机抽查）", "inspection", "comprehensive", [],
     "《浙江省综合行政执法条例》第二十一条", []),
    ("JC-002", "对建设工程施工现场市容环境卫生的检查", "inspection", "city_appearance", [],
     "《城市市容和环境卫生管理条例》第十六条；《浙江省综合行政执法条例》第八条", []),
]


def _unit_note(code: str, conditions: str) -> str:
    if code == "CF-004":
        return "罚款按建设工程造价的百分之五以上百分之十以下计；没收实物或者违法收入"
    return "按违法面积计" if "面积" in conditions else ""


def _officer_dates(i: int, today: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    if i == 0:  # ENF-CERT-EXPIRING: 20 days left
        until = today + datetime.timedelta(days=20)
        return until - datetime.timedelta(days=5 * 365), until, CertificateStatus.VALID
    if i == 1:  # ENF-CERT-EXPIRED: past its end, still marked 有效
        until = today - datetime.timedelta(days=10)
        return until - datetime.timedelta(days=5 * 365), until, CertificateStatus.VALID
    start = today - datetime.timedelta(days=150 * i)
    return start, default_valid_until(start), CertificateStatus.VALID


def generate_enforcement(*, actor: Actor, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    """Create the demo bodies, officers, power items and discretion rules; return their counts."""
    externals: list[Org] = structure["externals"]
    departments = sorted((o for o in externals if o.type == OrgType.ENFORCEMENT_DEPARTMENT
                          and o.name.endswith("综合行政执法局")), key=lambda o: o.path)
    today = timezone.localdate()
    demo_user = User.objects.filter(username="officer").first()
    counts = {"enforcement_bodies": 0, "enforcement_officers": 0, "enforcement_power_items": 0,
              "enforcement_discretion_rules": 0}
    for dept in departments:
        body = EnforcementBody.objects.create(org=dept, name=dept.name, kind=BodyKind.ADMINISTRATIVE_ORGAN,
                                              legal_basis=BODY_BASIS)
        body.areas.set([dept.region])
        county_path = dept.parent.path if dept.parent else dept.path
        persons = list(Person.objects.filter(org__path__startswith=county_path, org__type=OrgType.JUDICIAL_OFFICE)
                       .order_by("pk")[: OFFICERS_PER_BODY * 3: 3])
        officers = []
        for i, person in enumerate(persons):
            start, until, status = _officer_dates(i, today)
            linked = demo_user if (i == 3 and demo_user is not None
                                   and demo_user.memberships.filter(org=dept).exists()) else None
            officers.append(EnforcementOfficer(
                person=person, body=body, certificate_number=f"浙{dept.region.code[:6]}{dept.pk % 100:02d}{i + 1:04d}",
                certificate_scope=["city_appearance"] if i == 5 else SCOPE, valid_from=start, valid_until=until,
                status=status, is_auxiliary=i == 2, has_legal_qualification=i in (3, 4), user=linked))
        EnforcementOfficer.objects.bulk_create(officers)
        for code, name, kind, field, types, basis, rules in ITEMS:
            item = PowerItem.objects.create(body=body, code=f"{dept.region.code[:6]}-{code}", name=name, kind=kind,
                                            field=field, penalty_types=types, basis_text=basis)
            save_articles(item)
            DiscretionRule.objects.bulk_create([
                DiscretionRule(item=item, circumstance=c, conditions=cond, order=n, penalty_type=p,
                               min_amount=Decimal(lo) if lo is not None else None,
                               max_amount=Decimal(hi) if hi is not None else None, party_type=party,
                               unit_note=_unit_note(code, cond))
                for n, (c, cond, p, lo, hi, party) in enumerate(rules)])
            counts["enforcement_power_items"] += 1
            counts["enforcement_discretion_rules"] += len(rules)
        counts["enforcement_bodies"] += 1
        counts["enforcement_officers"] += len(officers)
    return counts
