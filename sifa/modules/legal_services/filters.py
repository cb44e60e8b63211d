"""One filter for the place lists: the public map page, the public API and the management list/export."""

from __future__ import annotations

from django.db.models import Q
from ninja import FilterSchema
from pydantic import Field

from sifa.core.orgs.scope import org_subtree_q
from sifa.modules.legal_services.choices import PlaceType


class PlaceFilter(FilterSchema):
    """type: 场所类型; service: 服务事项; township: 乡镇（街道）区划代码; q: 名称或地址."""

    type: str | None = Field(None, pattern="^(" + "|".join(PlaceType.values) + ")$", description="场所类型：" + "、".join(f"{v}（{lbl}）" for v, lbl in PlaceType.choices))
    service: str | None = Field(None, max_length=32, description="服务事项（清单见 SIFA_MAP_SERVICE_TAGS）")
    township: str | None = Field(None, pattern=r"^\d{9}$", description="所在乡镇（街道）的 9 位区划代码")
    q: str | None = Field(None, max_length=64, description="名称或地址中的文字")

    def filter_type(self, value: str | None) -> Q:
        return Q(type=value) if value else Q()

    def filter_service(self, value: str | None) -> Q:
        return Q(service_index__contains=f"|{value.strip()}|") if value and value.strip() else Q()

    def filter_township(self, value: str | None) -> Q:
        return Q(township__code=value) if value else Q()

    def filter_q(self, value: str | None) -> Q:
        value = (value or "").strip()
        return Q(name__icontains=value) | Q(address__icontains=value) if value else Q()


class ManagedPlaceFilter(PlaceFilter):
    """The management list adds: published (公开/未公开) and org (维护机构, with its subtree)."""

    published: bool | None = Field(None, description="是否公开发布")
    org: int | None = Field(None, description="维护机构 ID（含下级）")

    def filter_published(self, value: bool | None) -> Q:
        return Q() if value is None else Q(published=value)

    def filter_org(self, value: int | None) -> Q:
        return org_subtree_q(value)
