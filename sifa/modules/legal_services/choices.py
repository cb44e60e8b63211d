"""Kinds of public legal service places (数字法务地图), with the colour of their map marker and badge."""

from __future__ import annotations

from django.db import models


class PlaceType(models.TextChoices):
    """场所类型: the issue's list; identifiers follow the glossary (docs/glossary.md)."""

    JUDICIAL_OFFICE = "judicial_office", "司法所"
    LEGAL_SERVICE_CENTER = "legal_service_center", "公共法律服务中心"
    LEGAL_SERVICE_STATION = "legal_service_station", "公共法律服务工作站"
    LEGAL_SERVICE_ROOM = "legal_service_room", "公共法律服务室"
    LAW_FIRM = "law_firm", "律师事务所"
    NOTARY_OFFICE = "notary_office", "公证处"
    FORENSIC_INSTITUTION = "forensic_institution", "司法鉴定机构"
    MEDIATION_COMMITTEE = "mediation_committee", "人民调解委员会"
    LEGAL_AID_CENTER = "legal_aid_center", "法律援助中心"
    LEGAL_AID_STATION = "legal_aid_station", "法律援助工作站"
    RULE_OF_LAW_SITE = "rule_of_law_site", "法治文化阵地"


#: Marker and badge colour per type (Tabler colour names; the hex is what the map draws).
TYPE_COLOURS: dict[str, tuple[str, str]] = {
    PlaceType.JUDICIAL_OFFICE: ("blue", "#206bc4"),
    PlaceType.LEGAL_SERVICE_CENTER: ("indigo", "#4263eb"),
    PlaceType.LEGAL_SERVICE_STATION: ("cyan", "#17a2b8"),
    PlaceType.LEGAL_SERVICE_ROOM: ("teal", "#0ca678"),
    PlaceType.LAW_FIRM: ("purple", "#ae3ec9"),
    PlaceType.NOTARY_OFFICE: ("orange", "#f76707"),
    PlaceType.FORENSIC_INSTITUTION: ("red", "#d63939"),
    PlaceType.MEDIATION_COMMITTEE: ("green", "#2fb344"),
    PlaceType.LEGAL_AID_CENTER: ("pink", "#d6336c"),
    PlaceType.LEGAL_AID_STATION: ("lime", "#74b816"),
    PlaceType.RULE_OF_LAW_SITE: ("yellow", "#f59f00"),
}


def badge_colour(place_type: str) -> str:
    return TYPE_COLOURS.get(place_type, ("secondary", "#6c757d"))[0]


def marker_colour(place_type: str) -> str:
    return TYPE_COLOURS.get(place_type, ("secondary", "#6c757d"))[1]
