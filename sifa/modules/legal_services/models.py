"""服务场所 (ServicePlace): one public legal service place on the 数字法务地图, and its photos.

A place is owned by an org (``org``): that org's subtree maintains it (scope, as for every record).
What the public sees is only the published places (``published``), on /map/ and through
/api/v1/public/places. Coordinates are WGS-84 / CGCS2000 decimal degrees (see ``geo.py``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sifa.core.attachments.models import Attachment
from sifa.core.orgs.models import Org, Region
from sifa.core.orgs.scope import ScopedQuerySet
from sifa.modules.legal_services.choices import PlaceType, badge_colour, marker_colour


class ServicePlaceQuerySet(ScopedQuerySet["ServicePlace"]):
    scope_path_field = "org__path"

    def published(self) -> ServicePlaceQuerySet:
        return self.filter(published=True)


class ServicePlace(models.Model):
    """A public legal service place (司法所, 公共法律服务中心/站/室, 律所, 公证处, 鉴定机构, 调委会,
    法律援助中心/工作站, 法治文化阵地) with where it is, when it is open, what it offers and whom to call."""

    type = models.CharField("场所类型", max_length=32, choices=PlaceType.choices)
    name = models.CharField("名称", max_length=128)
    org = models.ForeignKey(Org, models.PROTECT, related_name="service_places", verbose_name="维护机构")
    township = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="service_places",
                                 limit_choices_to={"level": "township"}, verbose_name="所在乡镇（街道）")
    address = models.CharField("地址", max_length=255)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6,
                                    help_text="WGS-84 / CGCS2000（天地图坐标），十进制度")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6,
                                   help_text="WGS-84 / CGCS2000（天地图坐标），十进制度")
    opening_hours = models.TextField("开放时间", blank=True)
    services = models.JSONField("服务事项", default=list, blank=True,
                                help_text="取自可配置的服务事项清单（SIFA_MAP_SERVICE_TAGS）")
    # "|法律咨询|法律援助|": ``services`` as text, so "offers this service" is one portable LIKE on any
    # database (JSON containment is not available on SQLite). Written with ``services`` by the services.
    service_index = models.CharField("服务事项索引", max_length=1000, blank=True, editable=False)
    description = models.TextField("简介", blank=True)
    contact_person = models.CharField("联系人", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=64, blank=True)
    panorama_url = models.URLField("全景/VR 链接", max_length=500, blank=True)
    published = models.BooleanField("公开发布", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ServicePlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "服务场所"
        verbose_name_plural = "服务场所"
        ordering = ["type", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "type", "name"], name="service_place_unique_name"),
            models.CheckConstraint(condition=Q(longitude__gte=73.4, longitude__lte=135.1, latitude__gte=3.8,
                                               latitude__lte=53.6), name="service_place_in_china"),
        ]
        indexes = [models.Index(fields=["published", "type"])]

    def __str__(self) -> str:
        return self.name

    @property
    def badge_colour(self) -> str:
        return badge_colour(self.type)

    @property
    def marker_colour(self) -> str:
        return marker_colour(self.type)


class PlacePhotoQuerySet(ScopedQuerySet["PlacePhoto"]):
    scope_path_field = "place__org__path"


class PlacePhoto(models.Model):
    """A photo of a place: an attachment (kind 现场照片, kept and hashed like any evidence file).

    Photos of a published place are public (served by /map/photos/<id>/), so upload only what may be shown."""

    place = models.ForeignKey(ServicePlace, models.CASCADE, related_name="place_photos", verbose_name="场所")
    attachment = models.ForeignKey(Attachment, models.PROTECT, related_name="+", verbose_name="附件")
    caption = models.CharField("说明", max_length=100, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    objects = PlacePhotoQuerySet.as_manager()

    class Meta:
        verbose_name = "场所照片"
        verbose_name_plural = "场所照片"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.attachment.name


def service_index_of(services: list[str]) -> str:
    """The ``service_index`` text of a services list."""
    return "|" + "|".join(services) + "|" if services else ""
