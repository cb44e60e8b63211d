"""Checks shared by the place form, the API and the Excel import (private helpers: no transactions).

``check_place`` validates every field of a place at once and returns the clean values plus a list of
``(field, message)`` problems, so a form shows each message beside its field and an import names
every bad cell of a row. Text references (an org or a township given by name, as in a spreadsheet)
are resolved by ``resolve_org`` and ``resolve_township``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from sifa.core.accounts.actor import Actor
from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.orgs.choices import RegionLevel
from sifa.core.orgs.models import Org, Region
from sifa.modules.legal_services.choices import PlaceType
from sifa.modules.legal_services.geo import clean_coordinates
from sifa.modules.legal_services.models import ServicePlace

FIELD_LABELS = {
    "type": "场所类型", "name": "名称", "org": "维护机构", "township": "乡镇（街道）", "address": "地址",
    "longitude": "经度", "latitude": "纬度", "opening_hours": "开放时间", "services": "服务事项",
    "description": "简介", "contact_person": "联系人", "phone": "联系电话", "panorama_url": "全景/VR 链接",
    "published": "公开发布",
}
#: Fields a place is written with (``org`` and ``township`` as objects).
PLACE_FIELDS = tuple(FIELD_LABELS)
_MAX = {"name": 128, "address": 255, "opening_hours": 500, "description": 2000, "contact_person": 64, "phone": 64,
        "panorama_url": 500}
_PHONE_RE = re.compile(r"^[0-9+\-()（） 、,，/;；转]+$")
_TAG_SPLIT = re.compile(r"[、,，;；/\n]+")

Problems = list[tuple[str, str]]


def service_tags() -> list[str]:
    """The configurable list of service tags (``SIFA_MAP_SERVICE_TAGS``), in display order."""
    return list(getattr(settings, "SIFA_MAP_SERVICE_TAGS", []))


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in _TAG_SPLIT.split(text or "") if t.strip()]


def type_from_text(text: str) -> str | None:
    """A place type from its value (``law_firm``) or its Chinese label (``律师事务所``)."""
    text = (text or "").strip()
    for value, label in PlaceType.choices:
        if text in (value, label):
            return value
    return None


def tel_number(phone: str) -> str:
    """The first number in ``phone`` as a ``tel:`` target (digits and a leading +), or ""."""
    m = re.search(r"\+?\d[\d\- ]{3,}\d", phone or "")
    return re.sub(r"[\- ]", "", m.group(0)) if m else ""


def township_prefix(org: Org) -> str:
    """Townships an org may place things in: under its county (or under its region if that is higher)."""
    code = org.region.code
    return code[:6] if len(code) >= 6 else code


def resolve_township(text: str, org: Org | None) -> Region | None:
    """A township by its 9-digit code or by its name under the org's county; ``None`` for blank text."""
    text = (text or "").strip()
    if not text:
        return None
    townships = Region.objects.current().filter(level=RegionLevel.TOWNSHIP)
    if text.isdigit():
        found = townships.filter(code=text).first()
        if found is None:
            raise ValidationFailed(f"乡镇（街道）区划代码 {text} 不存在", field="township")
        return found
    if org is not None:
        townships = townships.filter(code__startswith=township_prefix(org))
    matches = list(townships.filter(name=text)[:2])
    if not matches:
        where = f"{org.region.name}辖区内" if org is not None else ""
        raise ValidationFailed(f"{where}没有名为「{text}」的乡镇（街道）", field="township")
    if len(matches) > 1:
        raise ValidationFailed(f"有多个名为「{text}」的乡镇（街道），请填写 9 位区划代码", field="township")
    return matches[0]


def resolve_org(actor: Actor, text: str) -> Org:
    """An org in the actor's scope by its exact name; blank → the actor's own org."""
    text = (text or "").strip()
    if not text:
        if actor.org is None:
            raise ValidationFailed("请填写维护机构", field="org")
        return actor.org
    matches = list(Org.objects.visible_to(actor).current().filter(name=text).select_related("region")[:2])
    if not matches:
        raise ValidationFailed(f"维护机构「{text}」不存在或不在本机构范围内", field="org")
    if len(matches) > 1:
        raise ValidationFailed(f"本机构范围内有多个名为「{text}」的机构", field="org")
    return matches[0]


def _text(values: Mapping[str, Any], key: str) -> str:
    value = values.get(key)
    return "" if value is None else str(value).strip()


def _clean_services(raw: Any, problems: Problems) -> list[str]:
    tags = split_tags(raw) if isinstance(raw, str) else [str(t).strip() for t in (raw or []) if str(t).strip()]
    allowed = service_tags()
    unknown = [t for t in tags if t not in allowed]
    if unknown:
        problems.append(("services", f"服务事项「{'、'.join(unknown)}」不在清单中，可选：{'、'.join(allowed)}"))
    return list(dict.fromkeys(t for t in tags if t in allowed))


def check_place(actor: Actor, values: Mapping[str, Any], *, place: ServicePlace | None = None) -> tuple[dict[str, Any], Problems]:
    """Validate a place's fields (``org`` an Org, ``township`` a Region or None); return (clean, problems).

    ``place`` is the place being edited (excluded from the duplicate check). Checks: the type is known;
    name and address are given; the org is current and in the actor's scope; the township is a
    township under the org's county; coordinates are inside China; services come from the list; the
    phone looks like phone numbers; the panorama link is http(s); lengths; no other place of the same
    type and name in the same org.
    """
    problems: Problems = []
    clean: dict[str, Any] = {}
    place_type = _text(values, "type")
    if place_type not in PlaceType.values:
        problems.append(("type", f"场所类型「{place_type}」无效，可选：{'、'.join(PlaceType.labels)}" if place_type
                         else "请选择场所类型"))
    clean["type"] = place_type
    for key in ("name", "address", "opening_hours", "description", "contact_person", "phone", "panorama_url"):
        clean[key] = _text(values, key)
        if len(clean[key]) > _MAX[key]:
            problems.append((key, f"{FIELD_LABELS[key]}不能超过 {_MAX[key]} 个字符"))
    for key in ("name", "address"):
        if not clean[key]:
            problems.append((key, f"请填写{FIELD_LABELS[key]}"))
    if clean["phone"] and not _PHONE_RE.match(clean["phone"]):
        problems.append(("phone", "联系电话只能包含数字、空格、+、-、括号，多个号码用顿号或逗号分隔"))
    if clean["panorama_url"]:
        try:
            URLValidator(schemes=["http", "https"])(clean["panorama_url"])
        except ValidationError:
            problems.append(("panorama_url", "全景/VR 链接应为以 http:// 或 https:// 开头的网址"))
    org = values.get("org")
    if not isinstance(org, Org) or not Org.objects.visible_to(actor).current().filter(pk=org.pk).exists():
        problems.append(("org", "维护机构不存在或不在本机构范围内"))
        org = None
    clean["org"] = org
    township = values.get("township")
    if township is not None:
        if not isinstance(township, Region) or township.level != RegionLevel.TOWNSHIP or township.valid_to is not None:
            problems.append(("township", "所在乡镇（街道）应为现行的乡镇级区划"))
        elif org is not None and not township.code.startswith(township_prefix(org)):
            problems.append(("township", f"{township.name}不在维护机构「{org.name}」所在的{org.region.name}辖区内"))
    clean["township"] = township
    try:
        clean["longitude"], clean["latitude"] = clean_coordinates(values.get("longitude"), values.get("latitude"))
    except SifaError as exc:
        problems.append((exc.field or "longitude", exc.message))
    clean["services"] = _clean_services(values.get("services"), problems)
    clean["published"] = bool(values.get("published", True))
    if org is not None and place_type and clean["name"]:
        twins = ServicePlace.objects.filter(org=org, type=place_type, name=clean["name"])
        if place is not None:
            twins = twins.exclude(pk=place.pk)
        twin = twins.first()
        if twin is not None:
            problems.append(("name", f"{org.name}已有同名的{PlaceType(place_type).label}「{clean['name']}」（编号 {twin.pk}）"))
    return clean, problems


def raise_problems(problems: Sequence[tuple[str, str]]) -> None:
    """One ``ValidationFailed`` carrying every problem (each beside its field); nothing when there are none."""
    if problems:
        errors = [{"field": f, "message": m} for f, m in problems]
        raise ValidationFailed(problems[0][1] if len(problems) == 1 else f"有 {len(problems)} 处错误：{problems[0][1]}……",
                               field=problems[0][0], errors=errors)

