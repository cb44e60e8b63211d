"""Case codes and QR, and the grant services: issue, revoke, uses, access codes (all audited)."""

from __future__ import annotations

import base64
import math
import re
from typing import Any

import pytest
import segno
from django.contrib.auth.hashers import check_password
from django.test import override_settings
from django.utils import timezone

from sifa.core.accounts.models import User
from sifa.core.audit.models import AuditEvent
from sifa.core.casecodes import links, services
from sifa.core.casecodes.choices import GrantState, GrantUse
from sifa.core.casecodes.models import MAX_CODE_ATTEMPTS, AccessGrant
from sifa.core.casecodes.selectors import review_access
from sifa.core.casecodes.tests.conftest import in_days
from sifa.core.cases.models import Case
from sifa.core.cases.numbering import new_case_code
from sifa.core.cases.services import open_case
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for

pytestmark = pytest.mark.django_db


def audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- case code and QR ---------------------------------------------------------------------------


def test_case_codes_are_unique_url_safe_and_random() -> None:
    codes = [new_case_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", c) for c in codes)
    # 16 random bytes in URL-safe base64: 21 full characters (6 bits each) and one carrying 2 bits.
    assert all(len(base64.urlsafe_b64decode(c + "==")) == 16 for c in codes)
    assert all(len({c[i] for c in codes}) > 32 for i in range(21))


def test_case_codes_carry_at_least_128_bits() -> None:
    assert len(base64.urlsafe_b64decode(new_case_code() + "==")) * 8 >= 128


def test_opened_cases_get_distinct_codes(db: Any) -> None:
    actor = actor_for("office1")
    cases = [open_case(actor=actor, case_type="test_case", title=f"码{i}") for i in range(20)]
    assert len({c.case_code for c in cases}) == 20


@override_settings(SIFA_SITE_URL="https://sifa.example.gov.cn/")
def test_qr_encodes_the_absolute_case_url(case: Case) -> None:
    url = f"https://sifa.example.gov.cn/c/{case.case_code}"
    assert links.case_url(case) == url
    qr = links.case_qr(case)
    same = segno.make(url, error="m", micro=False)
    assert qr.designator == same.designator and qr.mode == "byte"
    assert list(qr.matrix) == list(same.matrix)
    assert list(qr.matrix) != list(segno.make(url + "x", error="m", micro=False).matrix)
    svg = links.qr_svg(case).decode()
    assert svg.startswith("<svg") and "案件码" in svg and "<script" not in svg
    assert links.qr_png(case).startswith(b"\x89PNG\r\n\x1a\n")


# --- issue --------------------------------------------------------------------------------------


def test_issue_a_user_grant(case: Case) -> None:
    reviewer = User.objects.get(username="reviewer")
    issued = services.issue_grant(actor=actor_for("office1"), case=case, expires_at=in_days(30), grantee=reviewer,
                                  note=" 行政复议审查 ")
    grant = issued.grant
    assert grant.grantee == reviewer and grant.token_hash is None and grant.code_hash == ""
    assert grant.note == "行政复议审查" and grant.state() == GrantState.LIVE
    assert issued.code == "" and issued.link.endswith(f"/c/{case.case_code}")
    [row] = audit("casecodes.grant.issued")
    assert row.changes["grantee"] == "reviewer" and row.changes["kind"] == "user"
    assert row.object_id == str(grant.pk)


def test_issue_a_link_grant_keeps_only_hashes(case: Case) -> None:
    issued = services.issue_grant(actor=actor_for("county"), case=case, expires_at=in_days(3))
    grant = issued.grant
    token = issued.link.rsplit("/g/", 1)[1]
    assert len(token) >= 43 and grant.token_hash == links.hash_link_token(token)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", issued.code)
    assert check_password(links.normalize_code(issued.code), grant.code_hash)
    assert token not in grant.code_hash and issued.code not in str(grant.__dict__)
    [row] = audit("casecodes.grant.issued")
    assert token not in str(row.changes) and issued.code not in str(row.changes)
    assert math.log2(len(links.CODE_ALPHABET)) * links.CODE_LENGTH > 39


@pytest.mark.parametrize(("expires", "field", "message"), [
    (None, "expires_at", "请填写授权有效期"),
    (-1, "expires_at", "授权有效期须晚于当前时间"),
    (91, "expires_at", "授权有效期最长 90 天"),
])
def test_issue_checks_the_expiry(case: Case, expires: int | None, field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.issue_grant(actor=actor_for("office1"), case=case,
                             expires_at=None if expires is None else in_days(expires))
    assert exc.value.field == field and exc.value.message == message
    assert not AccessGrant.objects.exists() and not audit("casecodes.grant.issued")


@override_settings(SIFA_GRANT_MAX_DAYS=10)
def test_the_longest_expiry_is_configurable(case: Case) -> None:
    with pytest.raises(ValidationFailed, match="最长 10 天"):
        services.issue_grant(actor=actor_for("office1"), case=case, expires_at=in_days(11))
    # counted in calendar days: the tenth day may be used to its end (the page picks a date)
    last_day = timezone.localtime(in_days(10)).replace(hour=23, minute=59, second=59)
    assert services.issue_grant(actor=actor_for("office1"), case=case, expires_at=last_day).grant.expires_at == last_day


def test_issue_checks_the_grantee(case: Case) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.grantee_by_username("nobody")
    assert exc.value.field == "grantee" and "nobody 不存在或已停用" in exc.value.message
    reviewer = User.objects.get(username="reviewer")
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed, match="已停用") as exc:
        services.issue_grant(actor=actor_for("office1"), case=case, expires_at=in_days(1), grantee=reviewer)
    assert exc.value.field == "grantee"


def test_out_of_scope_or_unpermitted_staff_cannot_issue(case: Case) -> None:
    # office2 is another 司法所: the case is outside its subtree → as if missing
    with pytest.raises(NotFound):
        services.issue_grant(actor=actor_for("office2"), case=case, expires_at=in_days(1))
    # the reviewer has no casecodes.grants.manage
    with pytest.raises(PermissionDeniedError):
        services.issue_grant(actor=actor_for("reviewer"), case=case, expires_at=in_days(1))
    assert not AccessGrant.objects.exists() and not audit("casecodes.grant.issued")


# --- revoke, expire, use -----------------------------------------------------------------------


def test_revoke(case: Case, user_grant: services.IssuedGrant) -> None:
    grant = services.revoke_grant(actor=actor_for("county"), grant=user_grant.grant)
    assert grant.state() == GrantState.REVOKED and grant.revoked_by_name
    assert len(audit("casecodes.grant.revoked")) == 1
    with pytest.raises(Conflict, match="该授权已撤销"):
        services.revoke_grant(actor=actor_for("county"), grant=grant)
    with pytest.raises(NotFound):
        services.revoke_grant(actor=actor_for("office2"), grant=grant)
    with pytest.raises(PermissionDeniedError) as exc:
        review_access(actor_for("reviewer"), case.pk)
    assert "撤销" in exc.value.message
    with pytest.raises(PermissionDeniedError, match="撤销"):
        services.record_grant_use(actor=actor_for("reviewer"), grant=grant, what=GrantUse.REVIEW_PAGE)


def test_expiry(case: Case, user_grant: services.IssuedGrant) -> None:
    AccessGrant.objects.filter(pk=user_grant.grant.pk).update(expires_at=timezone.now())
    grant = AccessGrant.objects.get(pk=user_grant.grant.pk)
    assert grant.state() == GrantState.EXPIRED and not AccessGrant.objects.live().exists()
    with pytest.raises(PermissionDeniedError, match="过期"):
        review_access(actor_for("reviewer"), case.pk)


def test_uses_are_counted_and_audited_in_the_cases_org(case: Case, user_grant: services.IssuedGrant) -> None:
    reviewer = actor_for("reviewer")
    access = review_access(reviewer, case.pk)
    assert access.grant == user_grant.grant and access.case == case
    for what in (GrantUse.REVIEW_PAGE, GrantUse.PACKAGE):
        services.record_grant_use(actor=reviewer, grant=user_grant.grant, what=what)
    grant = AccessGrant.objects.get(pk=user_grant.grant.pk)
    assert grant.use_count == 2 and grant.last_used_at is not None
    rows = audit("casecodes.grant.used")
    assert [r.changes["what"] for r in rows] == ["review_page", "package"]
    assert {r.org_id for r in rows} == {case.org_id} and rows[0].actor_username == "reviewer"
    # somebody else cannot use the reviewer's grant
    with pytest.raises(PermissionDeniedError):
        services.record_grant_use(actor=actor_for("office2"), grant=grant, what=GrantUse.FILE)
    with pytest.raises(ValidationFailed):
        services.record_grant_use(actor=reviewer, grant=grant, what="browse")


def test_a_grant_opens_only_its_own_case(case: Case, other_case: Case, user_grant: services.IssuedGrant) -> None:
    with pytest.raises(NotFound):
        review_access(actor_for("reviewer"), other_case.pk)
    assert not Case.objects.visible_to(actor_for("reviewer")).filter(pk=case.pk).exists()


# --- access codes --------------------------------------------------------------------------------


def test_the_right_code_opens_the_grant(case: Case, link_grant: services.IssuedGrant) -> None:
    anonymous = actor_for("reviewer").__class__.anonymous(ip="10.1.1.1")
    typed = link_grant.code.lower().replace("-", " ")
    assert services.enter_access_code(actor=anonymous, case=case, code=typed) == link_grant.grant
    [row] = audit("casecodes.grant.code_entered")
    assert row.changes["result"] == "accepted" and row.org_id == case.org_id and row.ip == "10.1.1.1"


def test_wrong_codes_are_counted_and_lock_the_grant(case: Case, link_grant: services.IssuedGrant) -> None:
    anonymous = actor_for("reviewer").__class__.anonymous(ip="10.1.1.2")
    for n in range(1, MAX_CODE_ATTEMPTS):
        assert services.enter_access_code(actor=anonymous, case=case, code="WRONG-CODE") is None
        assert AccessGrant.objects.get(pk=link_grant.grant.pk).failed_attempts == n
    assert services.enter_access_code(actor=anonymous, case=case, code="", grant=link_grant.grant) is None
    grant = AccessGrant.objects.get(pk=link_grant.grant.pk)
    assert grant.state() == GrantState.LOCKED and grant.locked_at is not None
    # locked: even the right code no longer opens it
    assert services.enter_access_code(actor=anonymous, case=case, code=link_grant.code) is None
    rows = audit("casecodes.grant.code_entered")
    assert len(rows) == MAX_CODE_ATTEMPTS + 1
    assert rows[MAX_CODE_ATTEMPTS - 1].changes["locked"] == [grant.pk]
    assert {r.changes["result"] for r in rows} == {"rejected"}


def test_a_right_code_resets_the_count(case: Case, link_grant: services.IssuedGrant) -> None:
    anonymous = actor_for("reviewer").__class__.anonymous(ip=None)
    services.enter_access_code(actor=anonymous, case=case, code="x")
    services.enter_access_code(actor=anonymous, case=case, code=link_grant.code, grant=link_grant.grant)
    assert AccessGrant.objects.get(pk=link_grant.grant.pk).failed_attempts == 0


def test_a_code_does_not_open_another_cases_grant(case: Case, other_case: Case,
                                                  link_grant: services.IssuedGrant) -> None:
    anonymous = actor_for("reviewer").__class__.anonymous(ip=None)
    assert services.enter_access_code(actor=anonymous, case=other_case, code=link_grant.code) is None
    assert AccessGrant.objects.get(pk=link_grant.grant.pk).failed_attempts == 0
