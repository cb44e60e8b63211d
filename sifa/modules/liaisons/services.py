"""Writes of the 法律明白人 registry. One public service = one durable transaction = one audit event.

Every service checks the permission and the scope (the liaison's 司法所 must be in the actor's
subtree; out of scope answers like missing). A liaison is registered for an existing person of the
persons registry, or for a new person registered in the same transaction (its number validated
per GB 11643, encrypted and indexed exactly as ``sifa.core.persons`` does). A roster import is its
own service and all-or-nothing: every bad row is named and nothing is written.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.filetypes import GIF, HEIC, JPEG, PNG, WEBP
from sifa.core.attachments.models import AttachmentKind
from sifa.core.attachments.store import store_attachment
from sifa.core.audit.recorder import diff, record
from sifa.core.errors import Conflict, DuplicateError, NotFound, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.persons.idnumbers import IdNumberError, IdNumberFacts, parse_id_number
from sifa.core.persons.models import Person
from sifa.core.persons.services import id_number_index, person_row, region_code_exists
from sifa.core.services import service
from sifa.core.spreadsheet import RowErrors, check_id_number_cell
from sifa.modules.liaisons.choices import ActivityKind, LiaisonStatus, RewardLevel
from sifa.modules.liaisons.errors import ImportRejected
from sifa.modules.liaisons.imports import LABELS, RosterRow, read_roster
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity, LiaisonReward, LiaisonTraining

_PHONE_RE = re.compile(r"^[0-9+\-() ]{5,32}$")
PHOTO_TYPES = (JPEG, PNG, GIF, WEBP, HEIC)
MAX_PHOTOS = 9
MAX_COUNT = 999
MAX_HOURS = Decimal(24)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


# --- private helpers (no transaction of their own) ------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"{label}不能为空", field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字符", field=field)
    return value


def _phone(value: str) -> str:
    value = (value or "").strip()
    if value and not _PHONE_RE.match(value):
        raise ValidationFailed("联系电话格式不正确", field="phone")
    return value


def _past_date(value: datetime.date | None, *, field: str, label: str) -> datetime.date:
    if value is None:
        raise ValidationFailed(f"{label}不能为空", field=field)
    if value > _today():
        raise ValidationFailed(f"{label}不能晚于今天", field=field)
    return value


def _office(actor: Actor, org: Org | None) -> Org:
    """The 司法所 that will manage a liaison: in the actor's scope, a current 司法所."""
    target = org or actor.org
    if target is None:
        raise ValidationFailed("请选择管理该法律明白人的司法所", field="org")
    visible = Org.objects.visible_to(actor).filter(pk=target.pk).first()
    if visible is None:
        raise NotFound("司法所不存在或无权访问")
    if visible.type != OrgType.JUDICIAL_OFFICE or not visible.is_current:
        raise ValidationFailed(f"「{visible.name}」不是在用的司法所：法律明白人须由司法所管理", field="org")
    return visible


def _locked(actor: Actor, liaison: LegalLiaison, *, active: bool = True) -> LegalLiaison:
    """The liaison re-read in scope and locked; ``active``: refuse one already removed."""
    locked = (LegalLiaison.objects.visible_to(actor).select_for_update(of=("self",))
              .select_related("person", "org").filter(pk=liaison.pk).first())
    if locked is None:
        raise NotFound()
    if active and not locked.is_active:
        raise Conflict(f"{locked.person.name}已于 {locked.removed_on} 除名，不能再登记或修改")
    return locked


def _new_person(*, name: str, facts: IdNumberFacts, phone: str, org: Org) -> Person:
    """An unsaved Person for a validated number, stored as the persons registry stores it (PI-01, PI-08)."""
    return person_row(name=name, facts=facts, phone=phone, org=org)



def _resolve_person(actor: Actor, *, person: Person | None, name: str, id_number: str, phone: str,
                    office: Org) -> tuple[Person, bool]:
    """The person to appoint and whether it was registered just now.

    An existing person must be in the actor's scope. A number already in the registry uses that
    person (the name must match); a new number registers a person owned by the 司法所, which needs
    ``persons.manage`` as registering a person anywhere does.
    """
    if person is not None:
        visible = Person.objects.visible_to(actor).filter(pk=person.pk).first()
        if visible is None:
            raise NotFound("人员不存在或无权访问")
        return visible, False
    name = _text(name, field="name", label="姓名", max_length=64)
    if not (id_number or "").strip():
        raise ValidationFailed("身份证号不能为空", field="id_number")
    try:
        facts = parse_id_number(id_number, region_exists=region_code_exists)
    except IdNumberError as exc:
        raise ValidationFailed(str(exc), field="id_number") from exc
    existing = Person.objects.filter(id_number_index=id_number_index(facts.number)).first()
    if existing is not None:
        if not Person.objects.visible_to(actor).filter(pk=existing.pk).exists():
            raise ValidationFailed("该身份证号已由其他机构在人员库登记，请联系上级机构核实", field="id_number")
        if existing.name != name:
            raise ValidationFailed(f"该身份证号在人员库登记的姓名为「{existing.name}」，与填写的姓名不一致", field="name")
        return existing, False
    actor.require("persons.manage")
    new = _new_person(name=name, facts=facts, phone=phone, org=office)
    new.save()
    return new, True


def _refuse_if_registered(actor: Actor, person: Person, field: str) -> None:
    existing = LegalLiaison.objects.active().filter(person=person).select_related("org").first()
    if existing is None:
        return
    if LegalLiaison.objects.visible_to(actor).filter(pk=existing.pk).exists():
        raise DuplicateError(f"{person.name}已是在册法律明白人（{existing.org.name}）", field=field,
                             existing_url=reverse("liaisons:detail", args=[existing.pk]))
    raise DuplicateError(f"{person.name}已由其他司法所登记为在册法律明白人，请联系上级机构核实", field=field)


# --- public services ----------------------------------------------------------------------------


@service("liaisons.liaison.registered")
def register_liaison(*, actor: Actor, community: str, org: Org | None = None, person: Person | None = None,
                     name: str = "", id_number: str = "", phone: str = "",
                     appointed_on: datetime.date | None = None, notes: str = "") -> LegalLiaison:
    """Appoint a 法律明白人: an existing ``person``, or a new one from ``name`` and ``id_number``.

    ``org`` is the managing 司法所 (default: the actor's own org, which must then be a 司法所). A person
    holds at most one 在册 record. ``phone`` goes to a new person's record, or onto the liaison when
    an existing person has no or another phone. ``appointed_on`` defaults to today.
    """
    actor.require("liaisons.manage")
    office = _office(actor, org)
    community = _text(community, field="community", label="村（社区）", max_length=64)
    phone = _phone(phone)
    notes = _text(notes, field="notes", label="备注", max_length=500, required=False)
    appointed_on = _past_date(appointed_on or _today(), field="appointed_on", label="聘任日期")
    chosen, created = _resolve_person(actor, person=person, name=name, id_number=id_number, phone=phone,
                                      office=office)
    _refuse_if_registered(actor, chosen, "person" if person is not None else "id_number")
    own_phone = "" if created or phone == chosen.phone else phone
    try:
        with transaction.atomic():
            liaison = LegalLiaison.objects.create(person=chosen, org=office, community=community, phone=own_phone,
                                                  appointed_on=appointed_on, notes=notes)
    except IntegrityError as exc:  # registered concurrently
        raise DuplicateError(f"{chosen.name}已是在册法律明白人", field="id_number") from exc
    record(actor=actor, action="liaisons.liaison.registered", obj=liaison,
           changes={"person": chosen.pk, "person_registered": created, "org": office.pk, "community": community,
                    "appointed_on": appointed_on.isoformat()})
    return liaison


@service("liaisons.liaison.updated")
def update_liaison(*, actor: Actor, liaison: LegalLiaison, org: Org, community: str, phone: str,
                   appointed_on: datetime.date, notes: str) -> LegalLiaison:
    """Edit a 在册 liaison: managing 司法所 (within scope), community, phone, appointment date, notes."""
    actor.require("liaisons.manage")
    locked = _locked(actor, liaison)
    office = _office(actor, org)
    community = _text(community, field="community", label="村（社区）", max_length=64)
    appointed_on = _past_date(appointed_on, field="appointed_on", label="聘任日期")
    before = {"org": locked.org_id, "community": locked.community, "phone": locked.phone,
              "appointed_on": locked.appointed_on, "notes": locked.notes}
    locked.org, locked.community, locked.phone = office, community, _phone(phone)
    locked.appointed_on = appointed_on
    locked.notes = _text(notes, field="notes", label="备注", max_length=500, required=False)
    locked.save(update_fields=["org", "community", "phone", "appointed_on", "notes", "updated_at"])
    after = {"org": locked.org_id, "community": locked.community, "phone": locked.phone,
             "appointed_on": locked.appointed_on, "notes": locked.notes}
    record(actor=actor, action="liaisons.liaison.updated", obj=locked, changes=diff(before, after))
    return locked


@service("liaisons.training.recorded")
def record_training(*, actor: Actor, liaison: LegalLiaison, trained_on: datetime.date, title: str,
                    hours: Decimal | str | int, organiser: str = "") -> LiaisonTraining:
    """Record a training a 在册 liaison attended (学时 0.5–24, one decimal)."""
    actor.require("liaisons.manage")
    locked = _locked(actor, liaison)
    trained_on = _past_date(trained_on, field="trained_on", label="培训日期")
    title = _text(title, field="title", label="培训内容", max_length=128)
    try:
        amount = Decimal(str(hours))
    except InvalidOperation as exc:
        raise ValidationFailed("学时应为数字", field="hours") from exc
    if not amount.is_finite() or amount <= 0 or amount > MAX_HOURS or amount != amount.quantize(Decimal("0.1")):
        raise ValidationFailed("学时应在 0.1 至 24 之间，最多一位小数", field="hours")
    training = LiaisonTraining.objects.create(
        liaison=locked, trained_on=trained_on, title=title, hours=amount,
        organiser=_text(organiser, field="organiser", label="组织单位", max_length=128, required=False),
        recorded_by=actor.name[:150])
    record(actor=actor, action="liaisons.training.recorded", obj=locked,
           changes={"training": training.pk, "trained_on": trained_on.isoformat(), "title": title,
                    "hours": str(amount)})
    return training


@service("liaisons.activity.recorded")
def record_activity(*, actor: Actor, liaison: LegalLiaison, kind: str, done_on: datetime.date, count: int = 1,
                    note: str = "", photos: Sequence[File] = ()) -> LiaisonActivity:
    """Record what a 在册 liaison did on a day: ``count`` sessions, disputes or consultations of ``kind``.

    The day may not be before the appointment nor after today. Up to nine photos (images only) are
    stored as attachments of the liaison's 司法所 and logged to the evidence ledger.
    """
    actor.require("liaisons.manage")
    locked = _locked(actor, liaison)
    if kind not in ActivityKind.values:
        raise ValidationFailed(f"活动类型无效，可选：{'、'.join(ActivityKind.labels)}", field="kind")
    done_on = _past_date(done_on, field="done_on", label="活动日期")
    if done_on < locked.appointed_on:
        raise ValidationFailed(f"活动日期不能早于聘任日期 {locked.appointed_on}", field="done_on")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValidationFailed(f"次数（件数）应为 1 至 {MAX_COUNT} 的整数", field="count")
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(f"一次最多上传 {MAX_PHOTOS} 张照片", field="photos")
    activity = LiaisonActivity.objects.create(
        liaison=locked, kind=kind, done_on=done_on, count=count,
        note=_text(note, field="note", label="情况说明", max_length=255, required=False),
        recorded_by=actor.name[:150])
    stored = []
    for photo in photos:
        try:
            stored.append(store_attachment(
                actor=actor, org=locked.org, name=getattr(photo, "name", "") or "照片", content=photo,
                kind=AttachmentKind.PHOTO, allowed_types=PHOTO_TYPES,
                metadata={"liaison": locked.pk, "liaison_activity": activity.pk}))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field="photos") from exc
    if stored:
        activity.photos.add(*stored)
    record(actor=actor, action="liaisons.activity.recorded", obj=locked,
           changes={"activity": activity.pk, "kind": kind, "done_on": done_on.isoformat(), "count": count,
                    "photos": [a.pk for a in stored]})
    return activity


@service("liaisons.reward.granted")
def grant_reward(*, actor: Actor, liaison: LegalLiaison, granted_on: datetime.date, title: str, reason: str,
                 level: str) -> LiaisonReward:
    """Record a reward (表彰奖励) of a 在册 liaison, with its reason and level."""
    actor.require("liaisons.manage")
    locked = _locked(actor, liaison)
    if level not in RewardLevel.values:
        raise ValidationFailed(f"奖励级别无效，可选：{'、'.join(RewardLevel.labels)}", field="level")
    granted_on = _past_date(granted_on, field="granted_on", label="奖励日期")
    title = _text(title, field="title", label="奖励名称", max_length=128)
    reason = _text(reason, field="reason", label="奖励事由", max_length=1000)
    reward = LiaisonReward.objects.create(liaison=locked, granted_on=granted_on, title=title, reason=reason,
                                          level=level, recorded_by=actor.name[:150])
    record(actor=actor, action="liaisons.reward.granted", obj=locked,
           changes={"reward": reward.pk, "granted_on": granted_on.isoformat(), "title": title, "level": level})
    return reward


@service("liaisons.liaison.removed")
def remove_liaison(*, actor: Actor, liaison: LegalLiaison, reason: str,
                   removed_on: datetime.date | None = None) -> LegalLiaison:
    """Remove (除名) a liaison from the register, with a required reason. The record and its history stay."""
    actor.require("liaisons.manage")
    locked = _locked(actor, liaison, active=False)
    if not locked.is_active:
        raise Conflict(f"{locked.person.name}已于 {locked.removed_on} 除名")
    reason = _text(reason, field="reason", label="除名原因", max_length=1000)
    removed_on = _past_date(removed_on or _today(), field="removed_on", label="除名日期")
    if removed_on < locked.appointed_on:
        raise ValidationFailed(f"除名日期不能早于聘任日期 {locked.appointed_on}", field="removed_on")
    locked.status, locked.removed_on, locked.removal_reason = LiaisonStatus.REMOVED, removed_on, reason
    locked.save(update_fields=["status", "removed_on", "removal_reason", "updated_at"])
    record(actor=actor, action="liaisons.liaison.removed", obj=locked,
           changes={"removed_on": removed_on.isoformat(), "reason": reason})
    return locked


# --- roster import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    persons_created: int


@dataclass
class _Checked:
    row: RosterRow
    name: str
    facts: IdNumberFacts | None
    office: Org | None
    community: str
    phone: str
    appointed_on: datetime.date | None
    notes: str


def _parse_date(value: datetime.date | str | None) -> datetime.date | None:
    if value is None:
        return _today()
    if isinstance(value, datetime.date):
        return value
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _offices_by_name(actor: Actor) -> dict[str, list[Org]]:
    found: dict[str, list[Org]] = {}
    for office in Org.objects.visible_to(actor).current().filter(type=OrgType.JUDICIAL_OFFICE):
        found.setdefault(office.name, []).append(office)
    return found




def _check_row(row: RosterRow, *, errors: RowErrors, offices: dict[str, list[Org]], default_office: Org | None,
               seen: dict[str, int], region_exists: Callable[[str], bool]) -> _Checked:
    name = row.name
    if not name:
        errors.add(row, "name", "必填")
    elif len(name) > 64:
        errors.add(row, "name", "不能超过 64 个字符")
    facts = check_id_number_cell(row, row.id_number, was_numeric=row.id_number_was_numeric, errors=errors,
                                 seen=seen, region_exists=region_exists)
    office = None
    if row.office:
        matches = offices.get(row.office) or offices.get(f"{row.office}司法所") or []
        if not matches:
            errors.add(row, "office", f"「{row.office}」不是管辖范围内的司法所")
        elif len(matches) > 1:
            errors.add(row, "office", f"管辖范围内有 {len(matches)} 个「{row.office}」，请以县（区）司法局账号分别导入")
        else:
            office = matches[0]
    elif default_office is not None:
        office = default_office
    else:
        errors.add(row, "office", "必填（当前身份不是司法所，须写明司法所全称）")
    community = row.community
    if not community:
        errors.add(row, "community", "必填")
    elif len(community) > 64:
        errors.add(row, "community", "不能超过 64 个字符")
    if row.phone and not _PHONE_RE.match(row.phone):
        errors.add(row, "phone", "格式不正确")
    appointed = _parse_date(row.appointed_on)
    if appointed is None:
        errors.add(row, "appointed_on", f"「{row.appointed_on}」不是日期，应如 2025-03-01")
    elif appointed > _today():
        errors.add(row, "appointed_on", "不能晚于今天")
    if len(row.notes) > 500:
        errors.add(row, "notes", "不能超过 500 个字符")
    return _Checked(row, name, facts, office, community, row.phone, appointed, row.notes)


@service("liaisons.liaisons.imported")
def import_liaisons(*, actor: Actor, content: bytes, filename: str = "") -> ImportResult:
    """Import a roster (.xlsx, see ``imports.py``): every row is checked first, and if any row is bad
    nothing is written and ``ImportRejected`` names every bad row and column. Checks: required name,
    身份证号 (GB 11643: length, region, birth date, check digit), a 司法所 in scope, community, phone,
    date; the same number twice in the file; a person already 在册; a number registered by an org out
    of scope; a name that differs from the persons registry. Numbers not yet registered create persons."""
    actor.require("liaisons.manage")
    rows = read_roster(content)
    errors = RowErrors(LABELS)
    offices = _offices_by_name(actor)
    default_office = actor.org if actor.org is not None and actor.org.type == OrgType.JUDICIAL_OFFICE else None
    seen: dict[str, int] = {}
    region_exists = lru_cache(maxsize=None)(region_code_exists)
    checked = [_check_row(row, errors=errors, offices=offices, default_office=default_office, seen=seen,
                          region_exists=region_exists) for row in rows]

    indexes = {c.facts.number: id_number_index(c.facts.number) for c in checked if c.facts is not None}
    persons = {p.id_number_index: p for p in Person.objects.filter(id_number_index__in=list(indexes.values()))}
    visible = set(Person.objects.visible_to(actor).filter(pk__in=[p.pk for p in persons.values()])
                  .values_list("pk", flat=True))
    active = {row["person_id"]: row["org__name"] for row in LegalLiaison.objects.active()
              .filter(person_id__in=list(visible)).values("person_id", "org__name")}
    can_register = actor.has_perm("persons.manage")
    for c in checked:
        if c.facts is None:
            continue
        person = persons.get(indexes[c.facts.number])
        if person is None:
            if not can_register:
                errors.add(c.row, "id_number", "该身份证号未在人员库登记，当前身份无权登记新人员")
            continue
        if person.pk not in visible:
            errors.add(c.row, "id_number", "已由其他机构在人员库登记，请联系上级机构核实")
            continue
        if c.name and person.name != c.name:
            errors.add(c.row, "name", f"与人员库登记的姓名「{person.name}」不一致")
        if person.pk in active:
            errors.add(c.row, "id_number", f"该人员已是在册法律明白人（{active[person.pk]}）")
    if errors:
        bad_rows = len({line for line, _, _ in errors.items})
        raise ImportRejected(f"名册有 {bad_rows} 行错误，未导入任何记录；请改正后重新导入", errors=errors.sorted())

    ready = [(c, c.facts, c.office, c.appointed_on) for c in checked
             if c.facts is not None and c.office is not None and c.appointed_on is not None]
    if len(ready) != len(checked):  # every row without an error has all three
        raise RuntimeError("roster rows left unchecked")
    new_persons = [_new_person(name=c.name, facts=facts, phone=c.phone, org=office)
                   for c, facts, office, _ in ready if indexes[facts.number] not in persons]
    for p in Person.objects.bulk_create(new_persons, batch_size=1000):
        persons[p.id_number_index] = p
    liaisons = []
    for c, facts, office, appointed_on in ready:
        person = persons[indexes[facts.number]]
        liaisons.append(LegalLiaison(person=person, org=office, community=c.community,
                                     phone="" if c.phone == person.phone else c.phone,
                                     appointed_on=appointed_on, notes=c.notes))
    try:
        with transaction.atomic():
            LegalLiaison.objects.bulk_create(liaisons, batch_size=1000)
    except IntegrityError as exc:  # a row registered concurrently
        raise Conflict("导入期间有人员被登记为法律明白人，请重新导入") from exc
    record(actor=actor, action="liaisons.liaisons.imported", object_type="liaisons.legalliaison",
           object_repr=f"导入法律明白人名册 {filename}"[:255],
           changes={"file": filename[:255], "rows": len(liaisons), "persons_created": len(new_persons)})
    return ImportResult(created=len(liaisons), persons_created=len(new_persons))


@service("liaisons.liaisons.exported")
def export_liaisons(*, actor: Actor, description: str, row_count: int) -> None:
    """Record an export of the roster (identity numbers and phones masked)."""
    actor.require("liaisons.export")
    record(actor=actor, action="liaisons.liaisons.exported", object_type="liaisons.legalliaison",
           object_repr=description[:255], changes={"rows": row_count})
