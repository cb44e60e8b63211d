"""Writes of case codes and access grants (CONVENTIONS §4.3): one service, one transaction, one audit event.

Issue text (casecodes): "A case's org issues a grant to an external reviewer … scoped to that case,
expiring, revocable, every use audited." The link token and the access code are returned once, by
``issue_grant``, and never stored or logged in clear.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any, NamedTuple

from django.contrib.auth.hashers import check_password, make_password
from django.db.models import F
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import User
from sifa.core.audit.recorder import record
from sifa.core.casecodes import links
from sifa.core.casecodes.choices import GrantState, GrantUse
from sifa.core.casecodes.models import MAX_CODE_ATTEMPTS, AccessGrant
from sifa.core.cases.models import Case
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.services import service

MANAGE = "casecodes.grants.manage"
NOTE_MAX = 200


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password(links.new_access_code())


def dummy_code_check(code: str) -> None:
    """Spend the time of one code check, so an unknown case code or link answers as slowly as a known one."""
    check_password(links.normalize_code(code) or "x", _dummy_hash())


class IssuedGrant(NamedTuple):
    """What ``issue_grant`` returns: the grant, the link to send and (link grants only) the access code."""

    grant: AccessGrant
    link: str
    code: str


def grantee_by_username(username: str) -> User:
    """The active user a grant is for, or ValidationFailed naming the field ``grantee``."""
    name = (username or "").strip()
    if not name:
        raise ValidationFailed("请填写被授权用户的用户名", field="grantee")
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise ValidationFailed(f"用户名 {name} 不存在或已停用", field="grantee")
    return user


def _visible_case(actor: Actor, case: Case) -> Case:
    found = Case.objects.visible_to(actor).filter(pk=case.pk).select_related("org").first()
    if found is None:
        raise NotFound("案件不存在或无权访问")
    return found


def _check_expiry(expires_at: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    if expires_at is None:
        raise ValidationFailed("请填写授权有效期", field="expires_at")
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    if expires_at <= now:
        raise ValidationFailed("授权有效期须晚于当前时间", field="expires_at")
    days = links.max_grant_days()
    # Counted in calendar days: a grant may run to the end of the last day (the page picks a date).
    limit = timezone.localtime(now + datetime.timedelta(days=days)).replace(hour=23, minute=59, second=59,
                                                                            microsecond=999999)
    if expires_at > limit:
        raise ValidationFailed(f"授权有效期最长 {days} 天", field="expires_at")
    return expires_at


@service("casecodes.grant.issued")
def issue_grant(*, actor: Actor, case: Case, expires_at: datetime.datetime | None, grantee: User | None = None,
                note: str = "") -> IssuedGrant:
    """Let ``grantee`` (a user) or, without one, whoever holds a link and its access code read the case's evidence.

    Only for a case in the actor's scope and with ``casecodes.grants.manage``. ``expires_at`` is
    required and at most ``SIFA_GRANT_MAX_DAYS`` days ahead (to the end of that day). A link grant gets a 256-bit token (only its
    SHA-256 kept) and an 8-character code (kept as a password hash); both are returned once here.
    """
    actor.require(MANAGE)
    case = _visible_case(actor, case)
    now = timezone.now()
    expires_at = _check_expiry(expires_at, now)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(f"用途/备注最多 {NOTE_MAX} 字", field="note")
    fields: dict[str, Any] = {"case": case, "note": note, "issued_by": actor.user, "issued_by_name": actor.name[:150],
                              "issued_at": now, "expires_at": expires_at}
    if grantee is not None:
        if not grantee.is_active:
            raise ValidationFailed(f"用户 {grantee.username} 已停用，不能授权", field="grantee")
        grant = AccessGrant.objects.create(grantee=grantee, **fields)
        issued = IssuedGrant(grant, links.case_url(case), "")
    else:
        token, code = links.new_link_token(), links.new_access_code()
        grant = AccessGrant.objects.create(token_hash=links.hash_link_token(token),
                                           code_hash=make_password(links.normalize_code(code)), **fields)
        issued = IssuedGrant(grant, links.link_url(token), code)
    record(actor=actor, action="casecodes.grant.issued", obj=grant, changes={
        "case": case.number, "kind": "link" if grantee is None else "user",
        "grantee": grantee.username if grantee is not None else "", "expires_at": expires_at.isoformat(),
        "note": note})
    return issued


@service("casecodes.grant.revoked")
def revoke_grant(*, actor: Actor, grant: AccessGrant) -> AccessGrant:
    """End a grant now (its holder gets 403 「授权已撤销」 from the next request on)."""
    actor.require(MANAGE)
    locked = AccessGrant.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=grant.pk).first()
    if locked is None:
        raise NotFound("授权不存在或无权访问")
    if locked.revoked_at is not None:
        raise Conflict("该授权已撤销")
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor.user
    locked.revoked_by_name = actor.name[:150]
    locked.save(update_fields=["revoked_at", "revoked_by", "revoked_by_name"])
    record(actor=actor, action="casecodes.grant.revoked", obj=locked,
           changes={"case": locked.case.number, "state": [GrantState.LIVE.value, GrantState.REVOKED.value]})
    return locked


def not_live_message(grant: AccessGrant) -> str:
    """Why a grant its holder used to have no longer opens the case (shown with 403)."""
    state = grant.state()
    if state == GrantState.REVOKED:
        return f"对本案的查阅授权已于 {timezone.localtime(grant.revoked_at):%Y-%m-%d %H:%M} 撤销"
    if state == GrantState.LOCKED:
        return "该查阅授权因访问码多次输错已锁定，请联系签发机关重新授权"
    return f"对本案的查阅授权已于 {timezone.localtime(grant.expires_at):%Y-%m-%d %H:%M} 过期"


@service("casecodes.grant.used")
def record_grant_use(*, actor: Actor, grant: AccessGrant, what: str, attachment: Any = None) -> AccessGrant:
    """Count and audit one use of a live grant: the review page, the evidence list, a file or the package.

    The audit row goes to the case's org (``org_override``), so the org that issued the grant sees
    every use in its own audit log. ``attachment`` (for a file) must belong to the grant's case.
    """
    try:
        use = GrantUse(what)
    except ValueError as exc:
        raise ValidationFailed(f"未知的使用方式：{what}", field="what") from exc
    locked = AccessGrant.objects.select_for_update(of=("self",)).select_related("case", "case__org").get(pk=grant.pk)
    if not locked.is_live:
        raise PermissionDeniedError(not_live_message(locked))
    if locked.grantee_id is not None and (actor.user is None or actor.user.pk != locked.grantee_id):
        raise PermissionDeniedError("该查阅授权不是授予当前用户的")
    if attachment is not None and attachment.case_id != locked.case_id:
        raise NotFound("文件不存在或无权访问")
    now = timezone.now()
    AccessGrant.objects.filter(pk=locked.pk).update(use_count=F("use_count") + 1, last_used_at=now)
    changes: dict[str, Any] = {"what": use.value, "case": locked.case.number}
    if attachment is not None:
        changes.update({"attachment": attachment.pk, "name": attachment.name})
    record(actor=actor, action="casecodes.grant.used", obj=locked, changes=changes, org_override=locked.case.org)
    locked.refresh_from_db(fields=["use_count", "last_used_at"])
    return locked


@service("casecodes.grant.code_entered")
def enter_access_code(*, actor: Actor, case: Case, code: str, grant: AccessGrant | None = None) -> AccessGrant | None:
    """Check an access code against the case's live link grants (or just ``grant``, from its link).

    Returns the matching grant, or None. A wrong code counts against every grant it was tried on,
    and a grant locks at ``MAX_CODE_ATTEMPTS`` wrong codes; a right one resets its count. Both
    outcomes are audited (the count must survive a wrong code, so this returns rather than raises).
    """
    candidates = AccessGrant.objects.select_for_update(of=("self",)).filter(case=case, grantee__isnull=True).live()
    if grant is not None:
        candidates = candidates.filter(pk=grant.pk)
    tried = list(candidates.order_by("pk"))
    given = links.normalize_code(code)
    matched = next((g for g in tried if given and check_password(given, g.code_hash)), None)
    if not tried:
        dummy_code_check(code)
    locked_now: list[int] = []
    if matched is not None:
        if matched.failed_attempts:
            matched.failed_attempts = 0
            matched.save(update_fields=["failed_attempts"])
    else:
        for g in tried:
            g.failed_attempts += 1
            if g.failed_attempts >= MAX_CODE_ATTEMPTS:
                g.locked_at = timezone.now()
                locked_now.append(g.pk)
            g.save(update_fields=["failed_attempts", "locked_at"])
    record(actor=actor, action="casecodes.grant.code_entered", obj=matched or case, org_override=case.org, changes={
        "result": "accepted" if matched is not None else "rejected", "grants": [g.pk for g in tried],
        "locked": locked_now})
    return matched


@service("casecodes.package.exported")
def record_package_export(*, actor: Actor, case: Case, items: int, tree_size: int) -> Case:
    """Audit a staff member's download of a case's evidence package (grantees' downloads are grant uses)."""
    case = _visible_case(actor, case)
    record(actor=actor, action="casecodes.package.exported", obj=case,
           changes={"items": items, "tree_size": tree_size})
    return case
