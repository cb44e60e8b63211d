"""The demo places: every type, around 富阳, inside the checks the services apply, the same for a seed."""

from __future__ import annotations

from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.demo.generator import SCALES
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for
from sifa.modules.legal_services.choices import PlaceType
from sifa.modules.legal_services.demo import generate_demo_places
from sifa.modules.legal_services.geo import haversine_m
from sifa.modules.legal_services.models import ServicePlace
from sifa.modules.legal_services.validation import check_place


def _demo_places() -> list[ServicePlace]:
    return list(ServicePlace.objects.filter(org__path__startswith=Org.objects.get(name="杭州市富阳区司法局").path)
                .select_related("org__region", "township").order_by("pk"))


def test_demo_has_every_type_around_fuyang(db: Any) -> None:
    places = _demo_places()
    assert len(places) == 31
    assert {p.type for p in places} == set(PlaceType.values)
    assert all(haversine_m(30.05, 119.95, float(p.latitude), float(p.longitude)) < 20_000 for p in places)
    assert sum(not p.published for p in places) == 1
    for place in places:  # every demo place passes the checks a manager's edit would run
        values = {key: getattr(place, key) for key in ("type", "name", "org", "township", "address", "longitude",
                                                       "latitude", "opening_hours", "services", "description",
                                                       "contact_person", "phone", "panorama_url", "published")}
        assert check_place(actor_for("county"), values, place=place)[1] == [], place.name


def test_demo_is_deterministic_for_a_seed(db: Any) -> None:
    # given the loaded demo (seed 1)
    first = [(p.name, p.latitude, p.longitude, p.phone) for p in _demo_places()]
    ServicePlace.objects.all().delete()
    structure = {
        "by_county": {o.region.code: o for o in Org.objects.filter(type=OrgType.JUSTICE_BUREAU).select_related("region")},
        "offices": list(Org.objects.filter(type=OrgType.JUDICIAL_OFFICE).select_related("region")),
        "committees": list(Org.objects.filter(type=OrgType.MEDIATION_COMMITTEE).select_related("region")),
        "externals": list(Org.objects.filter(parent__region__code="330111").exclude(type__in=[
            OrgType.JUDICIAL_OFFICE]).select_related("region")),
    }
    # when
    counts = generate_demo_places(actor=Actor.system("test"), structure=structure, scale=SCALES["demo"], seed=1)
    # then
    assert counts == {"service_places": 31}
    assert [(p.name, p.latitude, p.longitude, p.phone) for p in _demo_places()] == first
