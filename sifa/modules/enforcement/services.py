"""Writes of 行政执法监督 (bodies, officers, power items, discretion rules, roster import and export).

One public service = one durable transaction = one audit event. Every service checks the permission
and the scope (the body's org must be in the actor's subtree; out of scope answers like missing) and
re-reads the object in scope after writing, so nothing can be moved out of the actor's subtree.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, User
from sifa.core.audit.recorder import diff, record
from sifa.core.errors import DuplicateError, NotFound, ValidationFailed
from sifa.core.laws.citations import CITATION, NUMERAL, chinese_number, normalise_title, parse_citations
from sifa.core.orgs.choices import EXTERNAL_ORG_TYPES, OrgType
from sifa.core.orgs.models import Org, Region
from sifa.core.persons.idnumbers import IdNumberError, IdNumberFacts, parse_id_number
from sifa.core.persons.models import Person
from sifa.core.persons.services import id_number_index, person_row, region_code_exists
from sifa.core.services import service
from sifa.core.spreadsheet import RowErrors, check_id_number_cell
from sifa.modules.enforcement import config
from sifa.modules.enforcement.choices import (
    MONETARY_PENALTY_TYPES,
    ArticleRole,
    BodyKind,
    CertificateStatus,
    Circumstance,
    EnforcementField,
    PartyType,
    PenaltyType,
    PowerKind,
)
from sifa.modules.enforcement.errors import ImportRejected
from sifa.modules.enforcement.imports import LABELS, NO, YES, OfficerRow, read_roster
from sifa.modules.enforcement.models import (
    DiscretionRule,
    EnforcementBody,
    EnforcementOfficer,
    PowerItem,
    PowerItemArticle,
)
from sifa.modules.enforcement.rules import default_valid_until

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_CODE_RE = re.compile(r"^[0-9A-Za-z\-_.]{1,64}$")
_PHONE_RE = re.compile(r"^[0-9+\-() ]{5,32}$")
_SCOPE_SPLIT = re.compile(r"[、,，;；/\s]+")
_PARAGRAPH_REF = re.compile(rf"第(?P<num>{NUMERAL})条(?:之(?P<sub>{NUMERAL}))?(?:第(?P<para>{NUMERAL})款)?")
_ROLE_MARKER = re.compile(r"(处罚依据|设定依据)")
MAX_AMOUNT = Decimal("1000000000000")
# A body is an org that enforces: an enforcement department, or a township government/司法所 or bureau where
# powers are devolved (AP-03). Courts, procuratorates, police, prisons and detention centres never are.
_NEVER_BODIES = EXTERNAL_ORG_TYPES - {OrgType.ENFORCEMENT_DEPARTMENT}


# --- private helpers (no transaction of their own) ------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"{label}不能为空", field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字符", field=field)
    return value


def _choice(value: str, choices: Any, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(f"{label}无效，可选：{'、'.join(choices.labels)}", field=field)
    return value


def _phone(value: str) -> str:
    value = (value or "").strip()
    if value and not _PHONE_RE.match(value):
        raise ValidationFailed("联系电话格式不正确", field="phone")
    return value


def _scope_codes(values: Sequence[str], *, field: str = "certificate_scope") -> list[str]:
    """执法领域 codes (or labels) → a de-duplicated list of codes, in the table's order."""
    by_label = {label: code for code, label in EnforcementField.choices}
    chosen: set[str] = set()
    for raw in values:
        value = (raw or "").strip()
        if not value:
            continue
        code = value if value in EnforcementField.values else by_label.get(value)
        if code is None:
            raise ValidationFailed(f"执法领域「{value}」无效，可选：{'、'.join(EnforcementField.labels)}", field=field)
        chosen.add(code)
    if not chosen:
        raise ValidationFailed("执法领域至少选择一项", field=field)
    return [code for code in EnforcementField.values if code in chosen]


def _certificate_number(value: str) -> str:
    number = (value or "").strip().upper()
    if not number:
        raise ValidationFailed("执法证号不能为空", field="certificate_number")
    if not config.certificate_number_pattern().match(number):
        raise ValidationFailed(f"执法证号格式不正确：{config.certificate_number_hint()}", field="certificate_number")
    return number


def _org_for_body(actor: Actor, org: Org) -> Org:
    visible = Org.objects.visible_to(actor).filter(pk=org.pk).first()
    if visible is None:
        raise NotFound("机构不存在或无权访问")
    if not visible.is_current:
        raise ValidationFailed(f"「{visible.name}」已撤销，不能登记为执法主体", field="org")
    if visible.type in _NEVER_BODIES:
        raise ValidationFailed(f"「{visible.name}」是{visible.get_type_display()}，不是行政执法主体", field="org")
    return visible


def _body_in_scope(actor: Actor, body: EnforcementBody | None, *, field: str = "body",
                   active: bool = True) -> EnforcementBody:
    if body is None:
        raise ValidationFailed("请选择执法主体", field=field)
    found = EnforcementBody.objects.visible_to(actor).select_related("org", "org__region").filter(pk=body.pk).first()
    if found is None:
        raise NotFound("执法主体不存在或无权访问")
    if active and not found.active:
        raise ValidationFailed(f"执法主体「{found.name}」已停用", field=field)
    return found


def _areas(codes: Sequence[str]) -> list[Region]:
    codes = [c.strip() for c in codes if c and c.strip()]
    regions = {r.code: r for r in Region.objects.current().filter(code__in=codes)}
    unknown = [c for c in codes if c not in regions]
    if unknown:
        raise ValidationFailed(f"区划代码不存在：{'、'.join(unknown)}", field="area_codes")
    return [regions[c] for c in dict.fromkeys(codes)]


def _entrustment(actor: Actor, *, kind: str, entrusted_by: EnforcementBody | None, scope: str,
                 until: datetime.date | None, self_pk: int | None) -> tuple[EnforcementBody | None, str,
                                                                          datetime.date | None]:
    """AP-04 (《行政处罚法》第二十条): a 受委托组织 names the entrusting body, the matter and scope, and the
    term; the entrusting body must not itself be entrusted (no 再委托)."""
    if kind != BodyKind.ENTRUSTED_ORGANISATION:
        return None, "", None
    if entrusted_by is None:
        raise ValidationFailed("受委托组织须写明委托机关（AP-04，《行政处罚法》第二十条）", field="entrusted_by")
    principal = _body_in_scope(actor, entrusted_by, field="entrusted_by")
    if principal.pk == self_pk:
        raise ValidationFailed("委托机关不能是本主体", field="entrusted_by")
    if principal.is_entrusted:
        raise ValidationFailed(f"「{principal.name}」本身是受委托组织，不得再委托（AP-04，《行政处罚法》第二十条第三款）",
                               field="entrusted_by")
    scope = _text(scope, field="entrustment_scope", label="委托事项和权限", max_length=2000)
    if until is None:
        raise ValidationFailed("受委托组织须写明委托期限（AP-04，《行政处罚法》第二十条第二款）", field="entrustment_until")
    return principal, scope, until



def _resolve_person(actor: Actor, *, person: Person | None, name: str, id_number: str, org: Org) -> Person:
    """The officer's person: an existing one in scope, the registered holder of ``id_number`` (the name
    must match), or a new person registered in the persons registry (needs ``persons.manage``)."""
    if person is not None:
        visible = Person.objects.visible_to(actor).filter(pk=person.pk).first()
        if visible is None:
            raise NotFound("人员不存在或无权访问")
        return visible
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
        return existing
    actor.require("persons.manage")
    new = person_row(name=name, facts=facts, org=org)
    new.save()
    return new


def _user_in_scope(actor: Actor, user: User | None, body: EnforcementBody) -> User | None:
    """The officer's platform account: a user with an active membership in the body's org subtree."""
    if user is None:
        return None
    ok = (Membership.objects.visible_to(actor).active().filter(user=user, org__path__startswith=body.org.path)
          .exists())
    if not ok:
        raise ValidationFailed("平台账号须在该执法主体（或其下级机构）任职", field="user")
    return user


def _validity(valid_from: datetime.date | None, valid_until: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    if valid_from is None:
        raise ValidationFailed("发证日期不能为空", field="valid_from")
    until = valid_until or default_valid_until(valid_from)
    if until < valid_from:
        raise ValidationFailed("有效期至不能早于发证日期", field="valid_until")
    return valid_from, until


def _refuse_duplicate_certificate(number: str, *, exclude: int | None = None) -> None:
    qs = EnforcementOfficer.objects.filter(certificate_number=number)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise DuplicateError(f"执法证号 {number} 已登记", field="certificate_number")


def articles_of(basis_text: str) -> list[tuple[str, int, int, int | None, str]]:
    """(law title, number, sub, paragraph, role) of every article cited in ``basis_text``.

    Citations are parsed with ``sifa.core.laws.citations.parse_citations``; text after 「处罚依据」 is
    the 处罚依据 (penalty) part, text after 「设定依据」 or before any marker the 设定依据.
    """
    out: dict[tuple[str, int, int, str], int | None] = {}
    role = ArticleRole.SETTING
    for part in _ROLE_MARKER.split(basis_text or ""):
        if part == "处罚依据":
            role = ArticleRole.PENALTY
            continue
        if part == "设定依据":
            role = ArticleRole.SETTING
            continue
        paragraphs: dict[tuple[str, int, int], int] = {}
        for match in CITATION.finditer(part):
            title = normalise_title(match["title"])
            for ref in _PARAGRAPH_REF.finditer(match["refs"]):
                if ref["para"]:
                    sub = chinese_number(ref["sub"]) if ref["sub"] else 0
                    paragraphs.setdefault((title, chinese_number(ref["num"]), sub), chinese_number(ref["para"]))
        for cited in parse_citations(part):
            key = (cited.law_title, cited.number, cited.sub, str(role))
            out.setdefault(key, paragraphs.get((cited.law_title, cited.number, cited.sub)))
    return [(title, number, sub, paragraph, role_) for (title, number, sub, role_), paragraph in out.items()]


def save_articles(item: PowerItem) -> list[str]:
    PowerItemArticle.objects.filter(item=item).delete()
    rows = [PowerItemArticle(item=item, law_title=title[:128], number=number, sub=sub, paragraph=paragraph,
                             role=role, order=i)
            for i, (title, number, sub, paragraph, role) in enumerate(articles_of(item.basis_text))]
    PowerItemArticle.objects.bulk_create(rows)
    return [r.label for r in rows]


def _penalty_types(kind: str, values: Sequence[str]) -> list[str]:
    """AP-01: a subset of the 《行政处罚法》第九条 kinds; required for 行政处罚 items, empty for others."""
    chosen = set()
    for value in values:
        if value not in PenaltyType.values:
            raise ValidationFailed(f"处罚种类「{value}」不是《行政处罚法》第九条规定的种类（AP-01）", field="penalty_types")
        chosen.add(value)
    if kind == PowerKind.PENALTY and not chosen:
        raise ValidationFailed("行政处罚事项须至少选择一种处罚种类（AP-01）", field="penalty_types")
    if kind != PowerKind.PENALTY and chosen:
        raise ValidationFailed("只有行政处罚事项才能设置处罚种类", field="penalty_types")
    return [v for v in PenaltyType.values if v in chosen]


def _basis(basis_text: str) -> str:
    text = _text(basis_text, field="basis_text", label="实施依据", max_length=4000)
    if not parse_citations(text):
        raise ValidationFailed("实施依据须写明具体条文，如《浙江省综合行政执法条例》第八条", field="basis_text")
    return text


def _item_values(*, body: EnforcementBody, code: str, name: str, kind: str, field: str,
                 penalty_types: Sequence[str], basis_text: str, exclude: int | None) -> dict[str, Any]:
    code = _text(code, field="code", label="事项编码", max_length=64)
    if not _CODE_RE.match(code):
        raise ValidationFailed("事项编码只能包含字母、数字和 - _ .", field="code")
    clash = PowerItem.objects.filter(body=body, code=code)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise DuplicateError(f"「{body.name}」已有事项编码 {code}", field="code")
    kind = _choice(kind, PowerKind, field="kind", label="事项类型")
    return {
        "code": code, "name": _text(name, field="name", label="事项名称", max_length=255), "kind": kind,
        "field": _choice(field, EnforcementField, field="field", label="执法领域"),
        "penalty_types": _penalty_types(kind, penalty_types), "basis_text": _basis(basis_text),
    }


def _amount(value: Decimal | str | int | None, *, field: str, label: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed(f"{label}应为数字", field=field) from exc
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(f"{label}应为不小于 0 的金额，最多两位小数", field=field)
    return amount


def _rule_values(item: PowerItem, *, circumstance: str, conditions: str, order: int, penalty_type: str,
                 min_amount: Decimal | str | int | None, max_amount: Decimal | str | int | None, unit_note: str,
                 party_type: str, basis_text: str) -> dict[str, Any]:
    if item.kind != PowerKind.PENALTY:
        raise ValidationFailed("只有行政处罚事项才能设置裁量基准", field="item")
    penalty_type = _choice(penalty_type, PenaltyType, field="penalty_type", label="处罚种类")
    if penalty_type not in item.penalty_types:
        raise ValidationFailed(f"处罚种类「{PenaltyType(penalty_type).label}」不在该事项的处罚种类中", field="penalty_type")
    low = _amount(min_amount, field="min_amount", label="下限")
    high = _amount(max_amount, field="max_amount", label="上限")
    if penalty_type in MONETARY_PENALTY_TYPES:
        if high is None and low is None and not (unit_note or "").strip():
            raise ValidationFailed("罚没类处罚须写明金额范围（下限或上限）或计罚说明", field="max_amount")
    elif low is not None or high is not None:
        raise ValidationFailed("只有罚款、没收类处罚可以设置金额范围", field="min_amount")
    if low is not None and high is not None and low > high:
        raise ValidationFailed("下限不能高于上限", field="min_amount")
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 999:
        raise ValidationFailed("顺序应为 0 至 999 的整数", field="order")
    return {
        "circumstance": _choice(circumstance, Circumstance, field="circumstance", label="违法情节"),
        "conditions": _text(conditions, field="conditions", label="情节描述", max_length=2000, required=False),
        "order": order, "penalty_type": penalty_type, "min_amount": low, "max_amount": high,
        "unit_note": _text(unit_note, field="unit_note", label="计罚说明", max_length=128, required=False),
        "party_type": _choice(party_type, PartyType, field="party_type", label="当事人类型"),
        "basis_text": _text(basis_text, field="basis_text", label="裁量依据", max_length=4000, required=False),
    }


def _check_still_visible(actor: Actor, model: Any, pk: int) -> None:
    """CONVENTIONS §4.7: after writing, the object must still be in the actor's scope."""
    if not model.objects.visible_to(actor).filter(pk=pk).exists():
        raise NotFound("不能将记录移出本机构管辖范围")


# --- bodies -------------------------------------------------------------------------------------


@service("enforcement.body.created")
def create_body(*, actor: Actor, org: Org, name: str = "", kind: str = BodyKind.ADMINISTRATIVE_ORGAN,
                legal_basis: str = "", entrusted_by: EnforcementBody | None = None, entrustment_scope: str = "",
                entrustment_until: datetime.date | None = None, area_codes: Sequence[str] = ()) -> EnforcementBody:
    """Register an org as a 执法主体. ``kind`` 受委托组织 needs the entrusting body, the matter and scope,
    and the term of the 委托书 (AP-04, 《行政处罚法》第二十条); the org must be current, in scope, and not
    a court, procuratorate, police, prison or detention centre. ``name`` defaults to the org's name."""
    actor.require("enforcement.manage")
    target = _org_for_body(actor, org)
    if EnforcementBody.objects.filter(org=target).exists():
        raise DuplicateError(f"「{target.name}」已登记为执法主体", field="org")
    kind = _choice(kind, BodyKind, field="kind", label="主体类型")
    principal, scope, until = _entrustment(actor, kind=kind, entrusted_by=entrusted_by, scope=entrustment_scope,
                                           until=entrustment_until, self_pk=None)
    areas = _areas(area_codes)
    try:
        with transaction.atomic():
            body = EnforcementBody.objects.create(
                org=target, name=_text(name or target.name, field="name", label="主体名称", max_length=128), kind=kind,
                legal_basis=_text(legal_basis, field="legal_basis", label="职权依据", max_length=4000, required=False),
                entrusted_by=principal, entrustment_scope=scope, entrustment_until=until)
    except IntegrityError as exc:
        raise DuplicateError(f"「{target.name}」已登记为执法主体", field="org") from exc
    body.areas.set(areas)
    record(actor=actor, action="enforcement.body.created", obj=body,
           changes={"org": target.pk, "kind": kind, "entrusted_by": principal.pk if principal else None,
                    "areas": [r.code for r in areas]})
    return body


@service("enforcement.body.updated")
def update_body(*, actor: Actor, body: EnforcementBody, name: str, kind: str, legal_basis: str,
                entrusted_by: EnforcementBody | None = None, entrustment_scope: str = "",
                entrustment_until: datetime.date | None = None, area_codes: Sequence[str] = (),
                active: bool = True) -> EnforcementBody:
    """Edit a 执法主体 (name, kind and entrustment per AP-04, legal basis, areas, 在用)."""
    actor.require("enforcement.manage")
    locked = EnforcementBody.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=body.pk).first()
    if locked is None:
        raise NotFound()
    kind = _choice(kind, BodyKind, field="kind", label="主体类型")
    principal, scope, until = _entrustment(actor, kind=kind, entrusted_by=entrusted_by, scope=entrustment_scope,
                                           until=entrustment_until, self_pk=locked.pk)
    if kind == BodyKind.ENTRUSTED_ORGANISATION and locked.entrusted_bodies.exists():
        raise ValidationFailed("已有组织受本主体委托，本主体不能改为受委托组织（AP-04，不得再委托）", field="kind")
    areas = _areas(area_codes)
    before = {"name": locked.name, "kind": locked.kind, "legal_basis": locked.legal_basis,
              "entrusted_by": locked.entrusted_by_id, "entrustment_scope": locked.entrustment_scope,
              "entrustment_until": locked.entrustment_until, "active": locked.active,
              "areas": sorted(locked.areas.values_list("code", flat=True))}
    locked.name = _text(name, field="name", label="主体名称", max_length=128)
    locked.kind = kind
    locked.legal_basis = _text(legal_basis, field="legal_basis", label="职权依据", max_length=4000, required=False)
    locked.entrusted_by, locked.entrustment_scope, locked.entrustment_until = principal, scope, until
    locked.active = bool(active)
    locked.save(update_fields=["name", "kind", "legal_basis", "entrusted_by", "entrustment_scope",
                               "entrustment_until", "active", "updated_at"])
    locked.areas.set(areas)
    after = {"name": locked.name, "kind": locked.kind, "legal_basis": locked.legal_basis,
             "entrusted_by": locked.entrusted_by_id, "entrustment_scope": locked.entrustment_scope,
             "entrustment_until": locked.entrustment_until, "active": locked.active,
             "areas": sorted(r.code for r in areas)}
    record(actor=actor, action="enforcement.body.updated", obj=locked, changes=diff(before, after))
    return locked


# --- officers -----------------------------------------------------------------------------------


@service("enforcement.officer.created")
def create_officer(*, actor: Actor, body: EnforcementBody, certificate_number: str,
                   certificate_scope: Sequence[str], valid_from: datetime.date | None,
                   valid_until: datetime.date | None = None, person: Person | None = None, name: str = "",
                   id_number: str = "", is_auxiliary: bool = False, has_legal_qualification: bool = False,
                   user: User | None = None, phone: str = "", notes: str = "") -> EnforcementOfficer:
    """Register a 执法人员 with a 执法证: an existing ``person``, or one found or registered from ``name``
    and ``id_number`` (GB 11643). ``valid_until`` defaults to 五年 from ``valid_from`` (AP-42,
    《浙江省综合行政执法条例》第二十八条第二款). A 辅助人员 is recorded but can never be a case officer
    (AP-42, 第三十条). A person holds one record per body; a 执法证号 is unique."""
    actor.require("enforcement.manage")
    chosen_body = _body_in_scope(actor, body)
    number = _certificate_number(certificate_number)
    scope = _scope_codes(certificate_scope)
    start, until = _validity(valid_from, valid_until)
    _refuse_duplicate_certificate(number)
    account = _user_in_scope(actor, user, chosen_body)
    chosen = _resolve_person(actor, person=person, name=name, id_number=id_number, org=chosen_body.org)
    if EnforcementOfficer.objects.filter(person=chosen, body=chosen_body).exists():
        raise DuplicateError(f"{chosen.name}已是「{chosen_body.name}」的执法人员",
                             field="person" if person is not None else "id_number")
    try:
        with transaction.atomic():
            officer = EnforcementOfficer.objects.create(
                person=chosen, body=chosen_body, certificate_number=number, certificate_scope=scope,
                valid_from=start, valid_until=until, is_auxiliary=bool(is_auxiliary),
                has_legal_qualification=bool(has_legal_qualification), user=account, phone=_phone(phone),
                notes=_text(notes, field="notes", label="备注", max_length=500, required=False))
    except IntegrityError as exc:  # registered concurrently
        raise DuplicateError(f"执法证号 {number} 已登记", field="certificate_number") from exc
    record(actor=actor, action="enforcement.officer.created", obj=officer,
           changes={"person": chosen.pk, "body": chosen_body.pk, "certificate_number": number,
                    "certificate_scope": scope, "valid_from": start.isoformat(), "valid_until": until.isoformat(),
                    "is_auxiliary": officer.is_auxiliary, "user": account.pk if account else None})
    return officer


_OFFICER_FIELDS = ("body_id", "certificate_number", "certificate_scope", "valid_from", "valid_until", "status",
                   "is_auxiliary", "has_legal_qualification", "user_id", "phone", "notes")


@service("enforcement.officer.updated")
def update_officer(*, actor: Actor, officer: EnforcementOfficer, body: EnforcementBody, certificate_number: str,
                   certificate_scope: Sequence[str], valid_from: datetime.date | None,
                   valid_until: datetime.date | None, status: str, is_auxiliary: bool,
                   has_legal_qualification: bool, user: User | None = None, phone: str = "",
                   notes: str = "") -> EnforcementOfficer:
    """Edit a 执法人员: body (in scope), certificate, fields, validity (default 五年, AP-42), status
    (有效/暂扣/注销), 辅助人员, 法律职业资格 (AP-22), account, phone, notes."""
    actor.require("enforcement.manage")
    locked = (EnforcementOfficer.objects.visible_to(actor).select_for_update(of=("self",))
              .select_related("person").filter(pk=officer.pk).first())
    if locked is None:
        raise NotFound()
    chosen_body = _body_in_scope(actor, body, active=body.pk != locked.body_id)
    number = _certificate_number(certificate_number)
    _refuse_duplicate_certificate(number, exclude=locked.pk)
    if chosen_body.pk != locked.body_id and EnforcementOfficer.objects.filter(
            person_id=locked.person_id, body=chosen_body).exists():
        raise DuplicateError(f"{locked.person.name}已是「{chosen_body.name}」的执法人员", field="body")
    before = {f: getattr(locked, f) for f in _OFFICER_FIELDS}
    locked.body = chosen_body
    locked.certificate_number = number
    locked.certificate_scope = _scope_codes(certificate_scope)
    locked.valid_from, locked.valid_until = _validity(valid_from, valid_until)
    locked.status = _choice(status, CertificateStatus, field="status", label="证件状态")
    locked.is_auxiliary, locked.has_legal_qualification = bool(is_auxiliary), bool(has_legal_qualification)
    locked.user = _user_in_scope(actor, user, chosen_body)
    locked.phone = _phone(phone)
    locked.notes = _text(notes, field="notes", label="备注", max_length=500, required=False)
    try:
        with transaction.atomic():
            locked.save(update_fields=["body", "certificate_number", "certificate_scope", "valid_from", "valid_until",
                                       "status", "is_auxiliary", "has_legal_qualification", "user", "phone", "notes",
                                       "updated_at"])
    except IntegrityError as exc:
        raise DuplicateError(f"执法证号 {number} 已登记", field="certificate_number") from exc
    _check_still_visible(actor, EnforcementOfficer, locked.pk)
    after = {f: getattr(locked, f) for f in _OFFICER_FIELDS}
    record(actor=actor, action="enforcement.officer.updated", obj=locked, changes=diff(before, after))
    return locked


# --- roster import and export -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    persons_created: int


@dataclass
class _Checked:
    row: OfficerRow
    facts: IdNumberFacts | None
    body: EnforcementBody | None
    scope: list[str]
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    is_auxiliary: bool
    has_legal_qualification: bool




def _parse_date(value: datetime.date | str | None) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value or "", fmt).date()
        except ValueError:
            continue
    return None


def _flag(row: OfficerRow, field: str, value: str, errors: RowErrors) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() not in NO:
        errors.add(row, field, f"「{value}」应填「是」或「否」")
    return False


def _check_row(row: OfficerRow, *, errors: RowErrors, bodies: dict[str, list[EnforcementBody]],
               default_body: EnforcementBody | None, seen_ids: dict[str, int], seen_numbers: dict[str, int],
               pattern: re.Pattern[str], region_exists: Callable[[str], bool]) -> _Checked:
    if not row.name:
        errors.add(row, "name", "必填")
    elif len(row.name) > 64:
        errors.add(row, "name", "不能超过 64 个字符")
    facts = check_id_number_cell(row, row.id_number, was_numeric=row.id_number_was_numeric, errors=errors,
                                 seen=seen_ids, region_exists=region_exists)
    number = row.certificate_number
    if not number:
        errors.add(row, "certificate_number", "必填")
    elif not pattern.match(number):
        errors.add(row, "certificate_number", f"格式不正确（{config.certificate_number_hint()}）")
    elif number in seen_numbers:
        errors.add(row, "certificate_number", f"与第 {seen_numbers[number]} 行重复")
    else:
        seen_numbers[number] = row.line
    body = None
    if row.body:
        matches = bodies.get(row.body, [])
        if not matches:
            errors.add(row, "body", f"「{row.body}」不是管辖范围内在用的执法主体")
        elif len(matches) > 1:
            errors.add(row, "body", f"管辖范围内有 {len(matches)} 个「{row.body}」，请分别导入")
        else:
            body = matches[0]
    elif default_body is not None:
        body = default_body
    else:
        errors.add(row, "body", "必填（当前身份不是执法主体，须写明执法主体全称）")
    scope: list[str] = []
    try:
        scope = _scope_codes(_SCOPE_SPLIT.split(row.certificate_scope))
    except ValidationFailed as exc:
        errors.add(row, "certificate_scope", exc.message)
    valid_from = _parse_date(row.valid_from)
    if row.valid_from is None:
        errors.add(row, "valid_from", "必填")
    elif valid_from is None:
        errors.add(row, "valid_from", f"「{row.valid_from}」不是日期，应如 2024-03-01")
    elif valid_from > _today():
        errors.add(row, "valid_from", "不能晚于今天")
    valid_until = None
    if row.valid_until is not None:
        valid_until = _parse_date(row.valid_until)
        if valid_until is None:
            errors.add(row, "valid_until", f"「{row.valid_until}」不是日期，应如 2029-02-28")
        elif valid_from is not None and valid_until < valid_from:
            errors.add(row, "valid_until", "不能早于发证日期")
    elif valid_from is not None:
        valid_until = default_valid_until(valid_from)
    return _Checked(row, facts, body, scope, valid_from, valid_until,
                    _flag(row, "is_auxiliary", row.is_auxiliary, errors),
                    _flag(row, "has_legal_qualification", row.has_legal_qualification, errors))


@service("enforcement.officers.imported")
def import_officers(*, actor: Actor, content: bytes, filename: str = "") -> ImportResult:
    """Import a roster of 执法人员 (.xlsx, see ``imports.py``), all or nothing: every row is checked first,
    and if any row is bad nothing is written and ``ImportRejected`` names every bad row and column.

    Checks: name; 身份证号 (GB 11643; twice in the file; registered out of scope; another name in the
    persons registry); 执法证号 (format, twice in the file, already registered); a body in scope; 执法领域
    codes; dates (有效期至 defaults to 五年, AP-42); 是/否 flags; a person already an officer of the body.
    Numbers not yet in the persons registry register persons owned by the body's org."""
    actor.require("enforcement.manage")
    rows = read_roster(content)
    errors = RowErrors(LABELS)
    bodies: dict[str, list[EnforcementBody]] = {}
    for b in EnforcementBody.objects.visible_to(actor).active().select_related("org"):
        bodies.setdefault(b.name, []).append(b)
        if b.org.name != b.name:
            bodies.setdefault(b.org.name, []).append(b)
    default_body = (EnforcementBody.objects.filter(org=actor.org, active=True).first()
                    if actor.org is not None else None)
    pattern = config.certificate_number_pattern()
    region_exists = lru_cache(maxsize=None)(region_code_exists)
    seen_ids: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    checked = [_check_row(row, errors=errors, bodies=bodies, default_body=default_body, seen_ids=seen_ids,
                          seen_numbers=seen_numbers, pattern=pattern, region_exists=region_exists) for row in rows]

    taken = set(EnforcementOfficer.objects.filter(certificate_number__in=list(seen_numbers))
                .values_list("certificate_number", flat=True))
    indexes = {c.facts.number: id_number_index(c.facts.number) for c in checked if c.facts is not None}
    persons = {p.id_number_index: p for p in Person.objects.filter(id_number_index__in=list(indexes.values()))}
    visible = set(Person.objects.visible_to(actor).filter(pk__in=[p.pk for p in persons.values()])
                  .values_list("pk", flat=True))
    existing = set(EnforcementOfficer.objects.filter(person_id__in=list(visible)).values_list("person_id", "body_id"))
    can_register = actor.has_perm("persons.manage")
    for c in checked:
        if c.row.certificate_number in taken:
            errors.add(c.row, "certificate_number", "已登记")
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
        if c.row.name and person.name != c.row.name:
            errors.add(c.row, "name", f"与人员库登记的姓名「{person.name}」不一致")
        if c.body is not None and (person.pk, c.body.pk) in existing:
            errors.add(c.row, "id_number", f"该人员已是「{c.body.name}」的执法人员")
    if errors:
        bad_rows = len({line for line, _, _ in errors.items})
        raise ImportRejected(f"名册有 {bad_rows} 行错误，未导入任何记录；请改正后重新导入", errors=errors.sorted())

    new_persons: dict[str, Person] = {}
    ready: list[tuple[_Checked, str, EnforcementBody, datetime.date, datetime.date]] = []
    for c in checked:
        if c.facts is None or c.body is None or c.valid_from is None or c.valid_until is None:
            raise RuntimeError("roster rows left unchecked")  # every row without an error has all four
        key = indexes[c.facts.number]
        if key not in persons:
            new_persons[key] = person_row(name=c.row.name, facts=c.facts, org=c.body.org)
        ready.append((c, key, c.body, c.valid_from, c.valid_until))
    for p in Person.objects.bulk_create(list(new_persons.values()), batch_size=1000):
        persons[p.id_number_index] = p
    rows_out = [EnforcementOfficer(person=persons[key], body=body, certificate_number=c.row.certificate_number,
                                   certificate_scope=c.scope, valid_from=start, valid_until=until,
                                   is_auxiliary=c.is_auxiliary, has_legal_qualification=c.has_legal_qualification)
                for c, key, body, start, until in ready]
    try:
        with transaction.atomic():
            EnforcementOfficer.objects.bulk_create(rows_out, batch_size=1000)
    except IntegrityError as exc:  # a certificate registered concurrently
        raise DuplicateError("导入期间有执法证号被登记，请重新导入", field="file") from exc
    record(actor=actor, action="enforcement.officers.imported", object_type="enforcement.enforcementofficer",
           object_repr=f"导入执法人员名册 {filename}"[:255],
           changes={"file": filename[:255], "rows": len(rows_out), "persons_created": len(new_persons)})
    return ImportResult(created=len(rows_out), persons_created=len(new_persons))


@service("enforcement.officers.exported")
def export_officers(*, actor: Actor, description: str, row_count: int) -> None:
    """Record an export of the officer roster (identity numbers masked; PI-01, 《个人信息保护法》第五十一条)."""
    actor.require("enforcement.export")
    record(actor=actor, action="enforcement.officers.exported", object_type="enforcement.enforcementofficer",
           object_repr=description[:255], changes={"rows": row_count})


# --- power items and discretion rules -----------------------------------------------------------


@service("enforcement.power_item.created")
def create_power_item(*, actor: Actor, body: EnforcementBody, code: str, name: str, kind: str, field: str,
                      basis_text: str, penalty_types: Sequence[str] = ()) -> PowerItem:
    """Add a 执法事项 to a body's 权责清单. Powers follow the approved 事项目录 (AP-42, 《浙江省综合行政执法条例》
    第七条、第八条); ``basis_text`` must cite at least one article (parsed into ``PowerItemArticle``);
    ``penalty_types`` ⊆ AP-01 (《行政处罚法》第九条), required for 行政处罚 items."""
    actor.require("enforcement.manage")
    chosen_body = _body_in_scope(actor, body)
    values = _item_values(body=chosen_body, code=code, name=name, kind=kind, field=field,
                          penalty_types=penalty_types, basis_text=basis_text, exclude=None)
    try:
        with transaction.atomic():
            item = PowerItem.objects.create(body=chosen_body, **values)
    except IntegrityError as exc:
        raise DuplicateError(f"「{chosen_body.name}」已有事项编码 {values['code']}", field="code") from exc
    articles = save_articles(item)
    record(actor=actor, action="enforcement.power_item.created", obj=item,
           changes={**values, "body": chosen_body.pk, "articles": articles})
    return item


@service("enforcement.power_item.updated")
def update_power_item(*, actor: Actor, item: PowerItem, code: str, name: str, kind: str, field: str,
                      basis_text: str, penalty_types: Sequence[str] = (), active: bool = True) -> PowerItem:
    """Edit a 执法事项; the articles are parsed again from ``basis_text`` and ``version`` goes up by one.
    A 行政处罚 item keeps the penalty types its active discretion rules use (AP-01)."""
    actor.require("enforcement.manage")
    locked = (PowerItem.objects.visible_to(actor).select_for_update(of=("self",)).select_related("body")
              .filter(pk=item.pk).first())
    if locked is None:
        raise NotFound()
    values = _item_values(body=locked.body, code=code, name=name, kind=kind, field=field,
                          penalty_types=penalty_types, basis_text=basis_text, exclude=locked.pk)
    used = set(locked.discretion_rules.filter(active=True).values_list("penalty_type", flat=True))
    orphaned = used - set(values["penalty_types"])
    if orphaned:
        labels = "、".join(PenaltyType(t).label for t in PenaltyType.values if t in orphaned)
        raise ValidationFailed(f"在用的裁量基准使用了「{labels}」，请先停用相应裁量基准", field="penalty_types")
    before = {k: getattr(locked, k) for k in values} | {"active": locked.active,
                                                        "articles": [a.label for a in locked.articles.all()]}
    for key, value in values.items():
        setattr(locked, key, value)
    locked.active = bool(active)
    locked.version += 1
    try:
        with transaction.atomic():
            locked.save(update_fields=[*values, "active", "version", "updated_at"])
    except IntegrityError as exc:
        raise DuplicateError(f"「{locked.body.name}」已有事项编码 {values['code']}", field="code") from exc
    articles = save_articles(locked)
    after = {k: getattr(locked, k) for k in values} | {"active": locked.active, "articles": articles}
    record(actor=actor, action="enforcement.power_item.updated", obj=locked,
           changes={**diff(before, after), "version": locked.version})
    return locked


@service("enforcement.discretion_rule.created")
def create_discretion_rule(*, actor: Actor, item: PowerItem, circumstance: str, penalty_type: str,
                           party_type: str = PartyType.ANY, conditions: str = "", order: int = 0,
                           min_amount: Decimal | str | int | None = None, max_amount: Decimal | str | int | None = None,
                           unit_note: str = "", basis_text: str = "") -> DiscretionRule:
    """Add a 裁量基准 to a 行政处罚 item: circumstance → penalty type (one of the item's, AP-01) and, for
    罚款/没收, an amount range in 元 with min ≤ max."""
    actor.require("enforcement.manage")
    found = PowerItem.objects.visible_to(actor).select_related("body").filter(pk=item.pk).first()
    if found is None:
        raise NotFound()
    values = _rule_values(found, circumstance=circumstance, conditions=conditions, order=order,
                          penalty_type=penalty_type, min_amount=min_amount, max_amount=max_amount,
                          unit_note=unit_note, party_type=party_type, basis_text=basis_text)
    rule = DiscretionRule.objects.create(item=found, **values)
    record(actor=actor, action="enforcement.discretion_rule.created", obj=found,
           changes={"rule": rule.pk, **{k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()
                                        if k != "conditions"}})
    return rule


@service("enforcement.discretion_rule.updated")
def update_discretion_rule(*, actor: Actor, rule: DiscretionRule, circumstance: str, penalty_type: str,
                           party_type: str, conditions: str = "", order: int = 0,
                           min_amount: Decimal | str | int | None = None, max_amount: Decimal | str | int | None = None,
                           unit_note: str = "", basis_text: str = "", active: bool = True) -> DiscretionRule:
    """Edit or deactivate (``active=False``) a 裁量基准; the same checks as ``create_discretion_rule``."""
    actor.require("enforcement.manage")
    locked = (DiscretionRule.objects.visible_to(actor).select_for_update(of=("self",))
              .select_related("item", "item__body").filter(pk=rule.pk).first())
    if locked is None:
        raise NotFound()
    values = _rule_values(locked.item, circumstance=circumstance, conditions=conditions, order=order,
                          penalty_type=penalty_type, min_amount=min_amount, max_amount=max_amount,
                          unit_note=unit_note, party_type=party_type, basis_text=basis_text)
    values["active"] = bool(active)
    before = {k: getattr(locked, k) for k in values}
    for key, value in values.items():
        setattr(locked, key, value)
    locked.save(update_fields=[*values, "updated_at"])
    record(actor=actor, action="enforcement.discretion_rule.updated", obj=locked.item,
           changes={"rule": locked.pk, **diff(before, values)})
    return locked
