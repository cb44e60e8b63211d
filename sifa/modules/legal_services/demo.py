"""Demo places for ``sifa demo`` (registry.demo_generators): 31 places of every type around 富阳区.

Deterministic for a seed: positions are drawn from ``random.Random`` around 富阳 (about 30.05°N,
119.95°E, WGS-84) — near each township's own point for township places, near the district centre for
district ones. They are plausible, not surveyed. One place is left unpublished, to show the flag.
Names of law firms and appraisal institutions are made up.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.modules.legal_services.choices import PlaceType
from sifa.modules.legal_services.models import ServicePlace, service_index_of
from sifa.modules.legal_services.validation import service_tags

COUNTY_CODE = "330111"  # 富阳区
CENTRE = (30.05, 119.95)  # latitude, longitude
OFFICE_HOURS = "周一至周五 8:30–12:00，13:30–17:00（法定节假日除外）"
SERVICES = {
    PlaceType.JUDICIAL_OFFICE: ["法律咨询", "人民调解", "社区矫正", "安置帮教", "法治宣传"],
    PlaceType.LEGAL_SERVICE_CENTER: ["法律咨询", "法律援助", "人民调解", "公证服务", "司法鉴定", "律师服务", "法治宣传"],
    PlaceType.LEGAL_SERVICE_STATION: ["法律咨询", "人民调解", "法治宣传"],
    PlaceType.LEGAL_SERVICE_ROOM: ["法律咨询", "法治宣传"],
    PlaceType.LAW_FIRM: ["律师服务", "法律咨询"],
    PlaceType.NOTARY_OFFICE: ["公证服务", "法律咨询"],
    PlaceType.FORENSIC_INSTITUTION: ["司法鉴定"],
    PlaceType.MEDIATION_COMMITTEE: ["人民调解"],
    PlaceType.LEGAL_AID_CENTER: ["法律援助", "法律咨询"],
    PlaceType.LEGAL_AID_STATION: ["法律援助", "法律咨询"],
    PlaceType.RULE_OF_LAW_SITE: ["法治宣传"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑"
VILLAGES = ["新民村", "永安村", "东洲村"]
LAW_FIRMS = ["浙江春江明理律师事务所", "浙江银湖正衡律师事务所", "浙江新登信达律师事务所", "浙江东洲守正律师事务所"]
FORENSIC = ["富春江司法鉴定所", "江滨司法鉴定中心"]
SITES = [("法治广场", "全天开放"), ("法治讲堂", "每月第一个周六 9:00–11:00 开讲"), ("法治长廊", "全天开放"),
         ("法治图书角", "周二至周日 9:00–17:00")]


def _round(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def generate_demo_places(*, actor: Actor, structure: Mapping[str, Any], scale: Any, seed: int) -> dict[str, int]:
    """Insert the demo places (bulk, no audit event: ``load_demo`` records one for the whole load)."""
    rng = random.Random(f"legal_services:{seed}")  # noqa: S311 (demo data)
    by_county: Mapping[str, Org] = structure["by_county"]
    county = by_county[COUNTY_CODE]
    offices = sorted((o for o in structure["offices"] if o.region.code.startswith(COUNTY_CODE)),
                     key=lambda o: o.region.code)
    committees = {o.region.code: o for o in structure["committees"] if o.region.code.startswith(COUNTY_CODE)}
    externals = [o for o in structure["externals"] if o.region.code == COUNTY_CODE]
    service_center = next((o for o in externals if o.type == OrgType.LEGAL_SERVICE_CENTER), county)
    aid_center = next((o for o in externals if o.type == OrgType.LEGAL_AID_CENTER), county)
    allowed = set(service_tags())
    anchors = {o.pk: (CENTRE[0] + rng.uniform(-0.07, 0.07), CENTRE[1] + rng.uniform(-0.10, 0.10)) for o in offices}
    places: list[ServicePlace] = []

    def add(place_type: str, name: str, org: Org, township: Any, near: tuple[float, float], spread: float,
            *, hours: str = OFFICE_HOURS, published: bool = True, panorama: str = "") -> None:
        services = [s for s in SERVICES[PlaceType(place_type)] if s in allowed]
        lat, lng = near[0] + rng.uniform(-spread, spread), near[1] + rng.uniform(-spread, spread)
        street = f"{township.name if township else county.region.name}{rng.choice(['富春', '江滨', '文化', '桂花', '金桥'])}路" \
                 f"{rng.randrange(1, 400)}号"
        places.append(ServicePlace(
            type=place_type, name=name, org=org, township=township, address=f"浙江省杭州市富阳区{street}",
            latitude=_round(lat), longitude=_round(lng), opening_hours=hours, services=services,
            service_index=service_index_of(services), contact_person=f"{rng.choice(SURNAMES)}{rng.choice(['主任', '老师'])}",
            phone=f"0571-6{rng.randrange(0, 10**7):07d}", panorama_url=panorama, published=published,
            description=f"{name}，面向群众提供{'、'.join(services) or '公共法律服务'}。"))

    if len(offices) < 6:
        return {"service_places": 0}
    centre_township = offices[0].region
    for office in offices[:6]:
        add(PlaceType.JUDICIAL_OFFICE, office.name, office, office.region, anchors[office.pk], 0.004)
    add(PlaceType.LEGAL_SERVICE_CENTER, f"{county.region.name}公共法律服务中心", service_center, centre_township, CENTRE,
        0.003, panorama="https://example.com/vr/fuyang-legal-service-center")
    for office in offices[1:5]:
        add(PlaceType.LEGAL_SERVICE_STATION, f"{office.region.name}公共法律服务工作站", office, office.region,
            anchors[office.pk], 0.006)
    for office, village in zip(offices[2:5], VILLAGES, strict=True):
        add(PlaceType.LEGAL_SERVICE_ROOM, f"{office.region.name}{village}公共法律服务室", office, office.region,
            anchors[office.pk], 0.02, hours="周一、周三、周五 9:00–11:30")
    for name in LAW_FIRMS:
        add(PlaceType.LAW_FIRM, name, county, centre_township, CENTRE, 0.03,
            hours="周一至周五 8:30–17:30，周末预约")
    add(PlaceType.NOTARY_OFFICE, f"{county.region.name}公证处", county, centre_township, CENTRE, 0.01)
    for name in FORENSIC:
        add(PlaceType.FORENSIC_INSTITUTION, name, county, centre_township, CENTRE, 0.03)
    for office in offices[:3]:
        committee = committees.get(office.region.code, office)
        add(PlaceType.MEDIATION_COMMITTEE, committee.name, committee, office.region, anchors[office.pk], 0.005)
    add(PlaceType.LEGAL_AID_CENTER, f"{county.region.name}法律援助中心", aid_center, centre_township, CENTRE, 0.005)
    for office in offices[3:5]:
        add(PlaceType.LEGAL_AID_STATION, f"{office.region.name}法律援助工作站", office, office.region,
            anchors[office.pk], 0.006)
    for (kind, hours), office in zip(SITES, offices[:4], strict=True):
        add(PlaceType.RULE_OF_LAW_SITE, f"{office.region.name}{kind}", office, office.region, anchors[office.pk],
            0.01, hours=hours, published=kind != "法治图书角")
    ServicePlace.objects.bulk_create(places)
    return {"service_places": len(places)}
