"""Place reads: the public list (published places only, no scope), and the managed list in the actor's scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.errors import NotFound
from sifa.core.orgs.models import Region
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.legal_services.filters import PlaceFilter
from sifa.modules.legal_services.geo import distance_label, haversine_m
from sifa.modules.legal_services.models import PlacePhoto, ServicePlace

MANAGE = "legal_services.places.manage"
PUBLIC_LIST_LIMIT = 2000  # the map draws every listed place; past this, narrow the filters


def _with_photos(qs: QuerySet[ServicePlace]) -> QuerySet[ServicePlace]:
    return qs.select_related("township", "org").prefetch_related(
        Prefetch("place_photos", queryset=PlacePhoto.objects.select_related("attachment")))


def published_places(*, filters: PlaceFilter | None = None) -> QuerySet[ServicePlace]:
    """Published places for the public (anyone, signed in or not), filtered."""
    qs = _with_photos(ServicePlace.objects.published())
    return filters.filter(qs) if filters is not None else qs


def published_place(pk: int) -> ServicePlace:
    """One published place; an unpublished or missing one answers NotFound."""
    place = _with_photos(ServicePlace.objects.published()).filter(pk=pk).first()
    if place is None:
        raise NotFound("该服务场所不存在或未公开")
    return place


def public_photo(pk: int) -> PlacePhoto:
    """A photo of a published place (public); any other answers NotFound."""
    photo = PlacePhoto.objects.filter(pk=pk, place__published=True).select_related("attachment").first()
    if photo is None:
        raise NotFound("照片不存在或未公开")
    return photo


def public_townships() -> list[Region]:
    """Townships that have at least one published place (the township filter's choices)."""
    ids = ServicePlace.objects.published().exclude(township=None).values("township_id")
    return list(Region.objects.filter(pk__in=ids).order_by("code"))


@dataclass(frozen=True)
class Distanced:
    place: ServicePlace
    metres: float

    @property
    def label(self) -> str:
        return distance_label(self.metres)


def nearest_first(places: Iterable[ServicePlace], lat: float, lng: float) -> list[Distanced]:
    """The places sorted by great-circle distance from (lat, lng), nearest first (ties by name, id)."""
    rows = [Distanced(p, haversine_m(lat, lng, float(p.latitude), float(p.longitude))) for p in places]
    rows.sort(key=lambda d: (d.metres, d.place.name, d.place.pk))
    return rows


def managed_places(actor: Actor, *, filters: PlaceFilter | None = None) -> QuerySet[ServicePlace]:
    """Places the actor maintains (their org's subtree), published or not."""
    actor.require(MANAGE)
    qs = ServicePlace.objects.visible_to(actor).select_related("township", "org").order_by("org__path", "type", "name")
    return filters.filter(qs) if filters is not None else qs


def managed_place(actor: Actor, pk: int) -> ServicePlace:
    actor.require(MANAGE)
    return get_visible_or_404(ServicePlace, actor, pk=pk)


def managed_photo(actor: Actor, pk: int) -> PlacePhoto:
    actor.require(MANAGE)
    return get_visible_or_404(PlacePhoto, actor, pk=pk)


def photos_of(place: ServicePlace) -> list[PlacePhoto]:
    return list(place.place_photos.select_related("attachment").all())
