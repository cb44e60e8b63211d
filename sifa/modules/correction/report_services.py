"""Writes of the field-report part (富春微矫正): submit a report, decide a suggestion, keyword rules, export.

One public service = one durable transaction = one audit event (CONVENTIONS §4.3).

``submit_field_report`` is the capture-time attestation: in ONE transaction the photo is stored as an
attachment (hashed with SM3 and SHA-256 and logged to the evidence ledger by the attachments engine),
the report is classified, ONE further ledger entry (type ``correction.field_report``) binds together
the photo's hash, the note's hash, the time the server received it, the time and place the browser
says it was captured, the reporter and the case — and the suggestions and alerts the categories call
for are created. If anything fails, nothing of it remains (no report, no file row, no ledger entry).

Legal basis: the 社区矫正机构 keeps informed of a subject's conduct and may verify it by 实地查访,
protecting the subject's identity and privacy (CC-14, 《社区矫正法》第二十六条); the 矫正小组 (which
includes 网格员 and volunteers) helps it (CC-10, 第二十五条); minors' files stay confidential (CC-35,
第五十四条). Location is 行踪轨迹-adjacent personal information, used only for correction work
(PI-03, 《个人信息保护法》第二十八条).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.files import File
from django.db import IntegrityError
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.models import Alert
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.alerts.services import open_alert_in_transaction
from sifa.core.attachments.filetypes import GIF, HEIC, JPEG, PNG, WEBP
from sifa.core.attachments.models import AttachmentKind
from sifa.core.attachments.store import store_attachment
from sifa.core.audit.recorder import diff, record
from sifa.core.errors import Conflict, DuplicateError, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.ledger.entries import Entry, format_time
from sifa.core.ledger.hashing import SM3
from sifa.core.ledger.store import append_entry, ledger_hash_alg
from sifa.core.services import service
from sifa.modules.correction import report_selectors as selectors
from sifa.modules.correction.choices import ReportStatus, SuggestionStatus
from sifa.modules.correction.classify import CategoryMatch, classify, clean_keywords
from sifa.modules.correction.models import CorrectionCase, CorrectionSuggestion, FieldReport, KeywordRule

PHOTO_TYPES = (JPEG, PNG, GIF, WEBP, HEIC)
NOTE_MAX = 2000
REASON_MAX = 1000
ACCURACY_MAX_M = 100_000
#: A capture time may be a little ahead of the server's clock (phones drift), never more.
CAPTURE_CLOCK_SKEW = datetime.timedelta(minutes=5)
#: A photo taken offline may be sent later, but not weeks later.
CAPTURE_MAX_AGE = datetime.timedelta(days=30)
LEDGER_ENTRY_TYPE = "correction.field_report"
ALERT_OBJECT_TYPE = "correction.fieldreport"
KEYWORD_MAX = 32
KEYWORDS_MAX = 50

FIELD_REPORT_RULE = AlertRule(
    code="correction.field_report", label="现场报告反映异常情况", level=AlertLevel.YELLOW,
    description="网格员、志愿者的现场报告按分类规则归入设有预警等级的类别（等级取分类规则所设）",
    legal_basis="《社区矫正法》第二十六条（CC-14）；现场报告分类规则（本系统配置，可调整）", permission="correction.view")


@dataclasses.dataclass(frozen=True)
class Location:
    """Where and when the browser says the photo was captured (all optional; 未获取定位 when absent)."""

    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy_m: int | None = None
    captured_at: datetime.datetime | None = None

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _decimal(raw: Any, field: str, label: str, bound: int) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(f"{label}应为数字", field=field) from exc
    if not value.is_finite() or not -bound <= value <= bound:
        raise ValidationFailed(f"{label}应在 -{bound} 至 {bound} 之间", field=field)
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _captured(raw: Any, now: datetime.datetime) -> datetime.datetime | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime.datetime):
        value = raw
    else:
        text = str(raw).strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValidationFailed("拍摄时间格式不正确，应为 ISO 8601（如 2026-03-01T08:30:00+08:00）",
                                   field="captured_at") from exc
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + CAPTURE_CLOCK_SKEW:
        raise ValidationFailed("拍摄时间晚于服务器接收时间，请核对手机时间", field="captured_at")
    if value < now - CAPTURE_MAX_AGE:
        raise ValidationFailed(f"拍摄时间早于 {CAPTURE_MAX_AGE.days} 天前，请重新拍摄后报告", field="captured_at")
    return value


def clean_location(*, latitude: Any = None, longitude: Any = None, accuracy_m: Any = None, captured_at: Any = None,
                   now: datetime.datetime | None = None) -> Location:
    """Check the browser's location fields; each error names its field (latitude, longitude, accuracy_m,
    captured_at). Latitude and longitude come together or not at all."""
    now = now or timezone.now()
    lat = _decimal(latitude, "latitude", "纬度", 90)
    lng = _decimal(longitude, "longitude", "经度", 180)
    if (lat is None) != (lng is None):
        missing = "longitude" if lng is None else "latitude"
        raise ValidationFailed("经度和纬度须同时提供（或都不提供，记为未获取定位）", field=missing)
    accuracy: int | None = None
    if accuracy_m is not None and str(accuracy_m).strip():
        try:
            accuracy = round(float(str(accuracy_m).strip()))
        except ValueError as exc:
            raise ValidationFailed("定位精度应为米数", field="accuracy_m") from exc
        if not 0 <= accuracy <= ACCURACY_MAX_M:
            raise ValidationFailed(f"定位精度应在 0 至 {ACCURACY_MAX_M} 米之间", field="accuracy_m")
        if lat is None:
            accuracy = None  # an accuracy without a position means nothing
    return Location(latitude=lat, longitude=lng, accuracy_m=accuracy, captured_at=_captured(captured_at, now))


def _sm3_hex(text: str) -> str:
    return hashlib.new(SM3, text.encode("utf-8")).hexdigest()


def location_text_for_commitment(nonce: str, latitude: Any, longitude: Any, accuracy_m: Any) -> str:
    """The text whose SM3 the ledger keeps for a report's location: ``nonce|lat|lng|accuracy``
    (coordinates with six decimals, as stored)."""
    def six(value: Any) -> str:
        return f"{Decimal(value):.6f}" if value is not None else ""

    return f"{nonce}|{six(latitude)}|{six(longitude)}|{accuracy_m if accuracy_m is not None else ''}"


def _location_commitment(report: FieldReport, where: Location) -> str | None:
    """PI-03: the place of a subject is 行踪信息. The ledger entry, which any signed-in user may read by case,
    keeps only a salted SM3 commitment of the location; the coordinates and the random nonce stay on the report
    (visible in scope), so whoever may see the report can recompute the commitment and check it."""
    if not where.has_position:
        return None
    report.location_nonce = secrets.token_hex(16)
    return _sm3_hex(location_text_for_commitment(report.location_nonce, where.latitude, where.longitude,
                                                 where.accuracy_m))


def _ledger_digest(sm3: str, sha256: str) -> str:
    return sm3 if ledger_hash_alg() == SM3 else sha256


def _subject_label(detail: CorrectionCase) -> str:
    """The subject as alerts name it: a minor's name is not spread beyond the file (CC-35)."""
    return "未成年社区矫正对象" if detail.subject.is_minor else detail.subject.person.name


def _open_alert(actor: Actor, report: FieldReport, detail: CorrectionCase, match: CategoryMatch) -> Alert | None:
    rule = dataclasses.replace(FIELD_REPORT_RULE, level=AlertLevel(match.alert_level))
    condition = AlertCondition(
        object_type=ALERT_OBJECT_TYPE, object_id=f"{report.pk}:{match.category}"[:64], org_id=detail.case.org_id,
        case_id=detail.case_id, title=f"现场报告「{match.category}」：{_subject_label(detail)}",
        detail=f"{match.explanation}。报告人 {report.reporter_name}，接收于 "
               f"{timezone.localtime(report.received_at):%Y-%m-%d %H:%M}，现场报告 #{report.pk}。")
    return open_alert_in_transaction(rule=rule, condition=condition, actor_name=actor.name)


@service("correction.field_report.submitted")
def submit_field_report(*, actor: Actor, correction_case: CorrectionCase, note: str, photo: File | None = None,
                        latitude: Any = None, longitude: Any = None, accuracy_m: Any = None,
                        captured_at: Any = None) -> FieldReport:
    """File a field report on a supervised subject (CC-14 实地查访, CC-10 矫正小组; CC-35 minors).

    Needs ``correction.field_report`` and the subject among the actor's reportable subjects
    (``report_selectors.reportable_cases``: in scope, under correction, minors only with
    ``correction.minor_files``) — otherwise 404. The note is required; the photo (JPEG/PNG/GIF/WebP/HEIC)
    and the location are optional. Stores the photo as an attachment of the case, appends the
    attestation entry to the ledger (its index is ``ledger_seq``), classifies the note, queues one
    suggestion per category and opens one alert (rule ``correction.field_report``, level from the
    keyword rule) per category that has an alert level.
    """
    actor.require("correction.field_report")
    if actor.user is None:
        raise PermissionDeniedError("系统身份不能提交现场报告")
    detail = selectors.reportable_cases(actor).filter(pk=correction_case.pk).first()
    if detail is None:
        raise NotFound("社区矫正对象不存在、不在本机构辖区或不在矫正期间")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("请填写情况说明", field="note")
    if len(note) > NOTE_MAX:
        raise ValidationFailed(f"情况说明不能超过 {NOTE_MAX} 字", field="note")
    now = timezone.now()
    where = clean_location(latitude=latitude, longitude=longitude, accuracy_m=accuracy_m, captured_at=captured_at,
                           now=now)
    report = FieldReport.objects.create(
        correction_case=detail, reporter=actor.user, reporter_name=actor.name[:150], note=note,
        latitude=where.latitude, longitude=where.longitude, accuracy_m=where.accuracy_m,
        captured_at=where.captured_at, received_at=now)
    stored = None
    if photo is not None:
        try:
            stored = store_attachment(actor=actor, org=detail.case.org, name=photo.name or "现场照片", content=photo,
                                      case=detail.case, kind=AttachmentKind.PHOTO, allowed_types=PHOTO_TYPES,
                                      metadata={"field_report": report.pk})
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field="photo") from exc
    matches = classify(note, KeywordRule.objects.filter(active=True))
    metadata: dict[str, Any] = {
        "field_report": report.pk, "org": detail.case.org_id, "reporter": actor.user.pk,
        "reporter_name": report.reporter_name, "received_at": format_time(now),
        "captured_at": format_time(where.captured_at) if where.captured_at else None,
        "location_sm3": _location_commitment(report, where), "note_sm3": _sm3_hex(note),
        "photo_attachment": stored.pk if stored else None, "photo_sha256": stored.sha256 if stored else None,
        "photo_sm3": stored.sm3 if stored else None, "photo_ledger_index": stored.ledger_index if stored else None,
        "categories": [m.category for m in matches],
    }
    entry = append_entry(Entry(type=LEDGER_ENTRY_TYPE, case_id=detail.case_id,
                               object_hash=_ledger_digest(stored.sm3, stored.sha256) if stored else "",
                               metadata=metadata, time=now))
    report.photo = stored
    report.ledger_seq = entry.index
    fields = ["photo", "ledger_seq", "categories", "classification", "location_nonce"]
    report.categories = [m.category for m in matches]
    report.classification = [m.as_json() for m in matches]
    report.save(update_fields=fields)
    CorrectionSuggestion.objects.bulk_create([
        CorrectionSuggestion(correction_case=detail, field_report=report, category=m.category, text=m.suggestion[:255])
        for m in matches])
    alerts = [a for m in matches if m.alert_level and (a := _open_alert(actor, report, detail, m)) is not None]
    record(actor=actor, action="correction.field_report.submitted", obj=report, changes={
        "case": detail.case.number, "categories": report.categories, "ledger_seq": report.ledger_seq,
        "photo_sha256": stored.sha256 if stored else None, "located": where.has_position,
        "suggestions": len(matches), "alerts": [a.pk for a in alerts], "note_length": len(note)})
    return report


@service("correction.suggestion.decided")
def decide_suggestion(*, actor: Actor, suggestion: CorrectionSuggestion, accept: bool,
                      reason: str = "") -> CorrectionSuggestion:
    """Accept or dismiss one 精准矫正建议. A dismissal needs a reason (field ``reason``); a decided
    suggestion cannot be decided again (409). When the report's last pending suggestion is decided,
    the report is marked 已查看."""
    actor.require("correction.manage")
    locked = (selectors.suggestions_visible_to(actor, status="").select_for_update(of=("self",))
              .filter(pk=suggestion.pk).first())
    if locked is None:
        raise NotFound()
    if locked.status != SuggestionStatus.PENDING:
        raise Conflict(f"该建议已处理（{locked.get_status_display()}），不能重复处理")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationFailed("不采纳建议须填写理由", field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"理由不能超过 {REASON_MAX} 字", field="reason")
    locked.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.DISMISSED
    locked.reason = reason
    locked.decided_by = actor.name[:150]
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    report = locked.field_report
    if not report.suggestions.filter(status=SuggestionStatus.PENDING).exists() and report.status != ReportStatus.REVIEWED:
        report.status = ReportStatus.REVIEWED
        report.save(update_fields=["status"])
    record(actor=actor, action="correction.suggestion.decided", obj=locked, org_override=locked.correction_case.case.org,
           changes={"status": locked.status, "category": locked.category, "reason": reason[:200],
                    "field_report": report.pk, "case": locked.correction_case.case.number})
    return locked


@service("correction.field_report.reviewed")
def mark_report_reviewed(*, actor: Actor, report: FieldReport) -> FieldReport:
    """Mark a report 已查看 (for reports without categories, or read before their suggestions are decided)."""
    actor.require("correction.manage")
    locked = selectors.reports_visible_to(actor).filter(pk=report.pk).first()
    if locked is None:
        raise NotFound()
    if locked.status == ReportStatus.REVIEWED:
        raise Conflict("该报告已标记为已查看")
    FieldReport.objects.filter(pk=locked.pk).update(status=ReportStatus.REVIEWED)
    locked.status = ReportStatus.REVIEWED
    record(actor=actor, action="correction.field_report.reviewed", obj=locked,
           org_override=locked.correction_case.case.org, changes={"status": ReportStatus.REVIEWED})
    return locked


# --- keyword rules --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RuleInput:
    code: str
    category: str
    keywords: list[str]
    alert_level: str = ""
    suggestion: str = ""
    order: int = 100
    active: bool = True


def _clean_rule(data: RuleInput, *, current: KeywordRule | None) -> dict[str, Any]:
    code = (data.code or "").strip()
    if not code:
        raise ValidationFailed("请填写编码", field="code")
    if len(code) > 48 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        raise ValidationFailed("编码只能由英文字母、数字、连字符和下划线组成，不超过 48 位", field="code")
    others = KeywordRule.objects.filter(code=code)
    if current is not None:
        others = others.exclude(pk=current.pk)
    if others.exists():
        raise DuplicateError(f"编码「{code}」已被其他规则使用", field="code")
    category = (data.category or "").strip()
    if not category:
        raise ValidationFailed("请填写类别", field="category")
    if len(category) > 32:
        raise ValidationFailed("类别不超过 32 字", field="category")
    keywords = clean_keywords(data.keywords)
    if not keywords:
        raise ValidationFailed("请至少填写一个关键词", field="keywords")
    if len(keywords) > KEYWORDS_MAX:
        raise ValidationFailed(f"关键词不超过 {KEYWORDS_MAX} 个", field="keywords")
    if long := [k for k in keywords if len(k) > KEYWORD_MAX]:
        raise ValidationFailed(f"关键词「{long[0][:40]}」过长（不超过 {KEYWORD_MAX} 字）", field="keywords")
    level = (data.alert_level or "").strip()
    if level and level not in AlertLevel.values:
        allowed = "、".join(f"{v}（{label}）" for v, label in AlertLevel.choices)
        raise ValidationFailed(f"预警等级「{level}」无效，可选：{allowed}，或留空表示不预警", field="alert_level")
    suggestion = (data.suggestion or "").strip()
    if len(suggestion) > 255:
        raise ValidationFailed("矫正建议不超过 255 字", field="suggestion")
    if not 0 <= int(data.order) <= 32767:
        raise ValidationFailed("排序应在 0 至 32767 之间", field="order")
    return {"code": code, "category": category, "keywords": keywords, "alert_level": level,
            "suggestion": suggestion, "order": int(data.order), "active": bool(data.active)}


def _snapshot(rule: KeywordRule) -> dict[str, Any]:
    return {"code": rule.code, "category": rule.category, "keywords": list(rule.keywords),
            "alert_level": rule.alert_level, "suggestion": rule.suggestion, "order": rule.order, "active": rule.active}


@service("correction.keyword_rule.saved")
def save_keyword_rule(*, actor: Actor, data: RuleInput, rule: KeywordRule | None = None) -> KeywordRule:
    """Create (``rule=None``) or change a field-report classification rule. Checks: code unique and
    ASCII, category and at least one keyword given, alert level one of the core alert levels
    (red/orange/yellow/blue) or empty; each error names its field. New reports use the rule at once;
    reports already filed keep the classification they were given (it is stored with them)."""
    actor.require("correction.rules.manage")
    if rule is not None:
        rule = KeywordRule.objects.select_for_update().filter(pk=rule.pk).first()
        if rule is None:
            raise NotFound()
    values = _clean_rule(data, current=rule)
    before = _snapshot(rule) if rule else {}
    try:
        if rule is None:
            rule = KeywordRule.objects.create(**values)
        else:
            for key, value in values.items():
                setattr(rule, key, value)
            rule.save(update_fields=list(values))
    except IntegrityError as exc:  # the same code saved concurrently
        raise DuplicateError(f"编码「{values['code']}」已被其他规则使用", field="code") from exc
    record(actor=actor, action="correction.keyword_rule.saved", obj=rule,
           changes={"created": not before, **diff(before, _snapshot(rule))})
    return rule


@service("correction.keyword_rule.deactivated")
def deactivate_keyword_rule(*, actor: Actor, rule: KeywordRule) -> KeywordRule:
    """Stop using a rule for new reports (rules are never deleted: old classifications cite them)."""
    actor.require("correction.rules.manage")
    locked = KeywordRule.objects.select_for_update().filter(pk=rule.pk).first()
    if locked is None:
        raise NotFound()
    if not locked.active:
        raise Conflict("该规则已停用")
    locked.active = False
    locked.save(update_fields=["active"])
    record(actor=actor, action="correction.keyword_rule.deactivated", obj=locked, changes={"code": locked.code})
    return locked


@service("correction.field_reports.exported")
def export_field_reports(*, actor: Actor, description: str, row_count: int) -> None:
    """Record an Excel export of field reports in the actor's scope (who, which filter, how many rows)."""
    actor.require("correction.view")
    record(actor=actor, action="correction.field_reports.exported", object_type="correction.fieldreport",
           object_repr=description[:255], changes={"rows": row_count})
