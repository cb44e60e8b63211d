"""User administration: create (page and API), scope, least privilege, deactivation (ASVS 4.1, 4.2)."""

from __future__ import annotations

import pytest
from django.test import Client

from sifa.core.accounts import services
from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import AccessToken, Membership, Role, User
from sifa.core.accounts.roles import GRID_WORKER, LEADER, OFFICE_STAFF
from sifa.core.accounts.tests.conftest import GOOD_PASSWORD, audit_count, audit_rows
from sifa.core.errors import NotFound, PermissionDeniedError
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for, client_for, membership_of

pytestmark = pytest.mark.django_db


def _office():  # type: ignore[no-untyped-def]
    return membership_of("office1").org


def _ningbo() -> Org:
    return Org.objects.get(name="宁波市司法局")


def _hangzhou() -> Org:
    return membership_of("city").org


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), audit_count()


def _form(username: str = "newstaff", password: str = GOOD_PASSWORD, org: Org | None = None,
          role: str = OFFICE_STAFF) -> dict[str, str]:
    return {"username": username, "display_name": "新同事", "phone": "13800000000", "password": password,
            "org": str((org or _office()).pk), "role": str(Role.objects.get(code=role).pk)}


def _bearer_for(username: str) -> dict[str, str]:
    _, token = services.create_access_token(actor=actor_for(username), membership=membership_of(username), name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _ningbo_user() -> User:
    return services.create_user(actor=Actor.system("test"), username="nbstaff", display_name="宁波员工",
                                password=GOOD_PASSWORD, org=_ningbo(), role=Role.objects.get(code=OFFICE_STAFF))


def _user_admin_actor() -> Actor:
    """A custom role that may manage users but holds only a few permissions itself (the 网格员 role's
    and user management), at 杭州市司法局."""
    grid = Role.objects.get(code=GRID_WORKER).permissions
    role = Role.objects.create(code="user_admin", name="用户管理员", builtin=False,
                               permissions=sorted({*grid, "orgs.view", "persons.view", "alerts.view", "accounts.view",
                                                   "accounts.manage"}))
    user = services.create_user(actor=Actor.system("test"), username="hzadmin", display_name="杭州用户管理员",
                                password=GOOD_PASSWORD, org=_hangzhou(), role=role)
    return Actor.for_membership(user.memberships.get(), ip="127.0.0.1")


# --- create via the page ---

def test_admin_creates_a_user_on_the_page():
    # given
    client = client_for("admin")
    assert client.get("/accounts/users/new/").status_code == 200

    # when
    response = client.post("/accounts/users/new/", _form())

    # then
    user = User.objects.get(username="newstaff")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/users/{user.pk}/"
    assert user.check_password(GOOD_PASSWORD)
    membership = user.memberships.get()
    assert (membership.org, membership.role.code) == (_office(), OFFICE_STAFF)
    [event] = audit_rows("accounts.user.created")
    assert event.object_id == str(user.pk)
    assert event.actor_username == "admin"
    assert GOOD_PASSWORD not in str(event.changes)


def test_bad_password_on_the_page_is_shown_beside_the_field():
    # given
    client = client_for("admin")
    before = _counts()

    # when
    response = client.post("/accounts/users/new/", _form(password="abcdefgh"))

    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert '<div class="field-error" id="id_password-error" role="alert">' in html
    error = html.split('id="id_password-error" role="alert">', 1)[1].split("</div>", 1)[0]
    assert "密码须包含大写字母、小写字母、数字、特殊字符中的至少三类" in error
    assert not User.objects.filter(username="newstaff").exists()
    assert _counts() == before


def test_duplicate_username_on_the_page_is_refused():
    # given
    before = _counts()

    # when
    response = client_for("admin").post("/accounts/users/new/", _form(username="COUNTY"))

    # then
    assert response.status_code == 400
    assert "该用户名已被使用" in response.content.decode()
    assert _counts() == before


def test_staff_without_accounts_manage_cannot_open_or_post_the_page():
    # given county is bureau_staff (no accounts.manage)
    client = client_for("county")
    before = _counts()

    # when
    get = client.get("/accounts/users/new/")
    post = client.post("/accounts/users/new/", _form())

    # then
    assert get.status_code == 403
    assert post.status_code == 403
    assert not User.objects.filter(username="newstaff").exists()
    assert _counts() == before
    assert client.get("/accounts/users/").status_code == 403


# --- create via the API ---

def test_admin_creates_a_user_via_the_api():
    # given
    headers = _bearer_for("admin")

    # when
    response = Client().post("/api/v1/users", {
        "username": "apistaff", "display_name": "接口用户", "password": GOOD_PASSWORD,
        "org_id": _office().pk, "role": OFFICE_STAFF}, content_type="application/json", **headers)

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "apistaff"
    assert "password" not in body
    user = User.objects.get(username="apistaff")
    assert user.check_password(GOOD_PASSWORD)
    assert len(audit_rows("accounts.user.created")) == 1


def test_bad_password_via_the_api_is_a_problem_for_the_password_field():
    # given
    headers = _bearer_for("admin")
    before = _counts()

    # when
    response = Client().post("/api/v1/users", {
        "username": "apistaff", "display_name": "接口用户", "password": "short1A",
        "org_id": _office().pk, "role": OFFICE_STAFF}, content_type="application/json", **headers)

    # then
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_failed"
    assert [e["field"] for e in body["errors"]] == ["password"]
    assert "密码至少需要 8 个字符" in body["detail"]
    assert _counts() == before


def test_missing_field_via_the_api_is_a_validation_problem():
    # given
    headers = _bearer_for("admin")
    before = _counts()

    # when
    response = Client().post("/api/v1/users", {"username": "x"}, content_type="application/json", **headers)

    # then
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"password", "org_id", "role"} <= fields
    assert _counts() == before


def test_staff_cannot_create_users_via_the_api():
    # given
    headers = _bearer_for("county")
    before = _counts()

    # when
    response = Client().post("/api/v1/users", {
        "username": "apistaff", "display_name": "接口用户", "password": GOOD_PASSWORD,
        "org_id": _office().pk, "role": OFFICE_STAFF}, content_type="application/json", **headers)

    # then
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _counts() == before


# --- scope: a leader of 杭州 sees 杭州's users only ---

def test_city_leader_sees_hangzhou_users_but_not_ningbo_users():
    # given
    nb = _ningbo_user()
    client = client_for("city")

    # when
    hz_page = client.get("/accounts/users/?q=county")
    nb_page = client.get("/accounts/users/?q=nbstaff")
    nb_detail = client.get(f"/accounts/users/{nb.pk}/")
    hz_detail = client.get(f"/accounts/users/{User.objects.get(username='office1').pk}/")

    # then
    assert hz_page.status_code == 200
    assert [u.username for u in hz_page.context["page"]] == ["county"]
    assert f'href="/accounts/users/{User.objects.get(username="county").pk}/"' in hz_page.content.decode()
    assert nb_page.status_code == 200
    assert list(nb_page.context["page"]) == []
    assert f'href="/accounts/users/{nb.pk}/"' not in nb_page.content.decode()
    assert nb_detail.status_code == 404
    assert hz_detail.status_code == 200


def test_city_leader_api_scope():
    # given
    nb = _ningbo_user()
    headers = _bearer_for("city")

    # when
    listing = Client().get("/api/v1/users?page_size=200", **headers).json()
    detail = Client().get(f"/api/v1/users/{nb.pk}", **headers)
    own = Client().get(f"/api/v1/users/{User.objects.get(username='county').pk}", **headers)

    # then
    names = {u["username"] for u in listing["items"]}
    assert "county" in names
    assert "nbstaff" not in names
    assert "admin" not in names  # 省厅 is above 杭州
    assert detail.status_code == 404
    assert detail.json()["code"] == "not_found"
    assert own.status_code == 200


def test_leader_with_view_only_cannot_edit_a_user():
    # given
    target = User.objects.get(username="county")
    client = client_for("city")
    before = audit_count()

    # when
    response = client.post(f"/accounts/users/{target.pk}/",
                           {"form": "edit", "display_name": "改名", "phone": "", "is_active": ""})

    # then
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active
    assert target.display_name != "改名"
    assert audit_count() == before


def test_admin_edit_is_audited_and_deactivated_user_cannot_sign_in():
    # given
    target = User.objects.get(username="county")

    # when
    response = client_for("admin").post(f"/accounts/users/{target.pk}/",
                                        {"form": "edit", "display_name": "停用者", "phone": "", "is_active": ""})

    # then
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    [event] = audit_rows("accounts.user.updated")
    assert event.changes["is_active"] == [True, False]
    signed = Client().post("/accounts/login/", {"username": "county", "password": "Sifa#2026"})
    assert signed.status_code == 400


def test_admin_cannot_deactivate_themselves():
    # given
    admin = User.objects.get(username="admin")
    before = audit_count()

    # when
    response = client_for("admin").post(f"/accounts/users/{admin.pk}/",
                                        {"form": "edit", "display_name": "x", "phone": "", "is_active": ""})

    # then
    assert response.status_code == 400
    assert "不能停用自己的账户" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active
    assert audit_count() == before


# --- least privilege: no granting more than one holds ---

def test_granting_a_role_with_more_permissions_than_the_actor_is_refused():
    # given
    actor = _user_admin_actor()
    before = _counts()

    # when / then
    with pytest.raises(PermissionDeniedError) as exc_info:
        services.create_user(actor=actor, username="escalate", display_name="提权", password=GOOD_PASSWORD,
                             org=_office(), role=Role.objects.get(code=LEADER))
    assert "超出本人权限" in exc_info.value.message
    with pytest.raises(PermissionDeniedError):
        services.add_membership(actor=actor, user=User.objects.get(username="office2"), org=_office(),
                                role=Role.objects.get(code=LEADER))
    assert not User.objects.filter(username="escalate").exists()
    assert _counts() == before


def test_granting_a_role_within_the_actors_permissions_is_allowed():
    # given
    actor = _user_admin_actor()

    # when
    user = services.create_user(actor=actor, username="gridnew", display_name="网格员", password=GOOD_PASSWORD,
                                org=_office(), role=Role.objects.get(code=GRID_WORKER))

    # then
    assert user.memberships.get().role.code == GRID_WORKER


def test_creating_a_user_outside_the_actors_scope_is_not_found():
    # given
    actor = _user_admin_actor()
    before = _counts()

    # when / then
    with pytest.raises(NotFound):
        services.create_user(actor=actor, username="nbnew", display_name="宁波", password=GOOD_PASSWORD,
                             org=_ningbo(), role=Role.objects.get(code=GRID_WORKER))
    assert _counts() == before


def test_role_escalation_on_the_page_is_refused():
    # given the user admin's session
    actor = _user_admin_actor()
    client = Client()
    client.force_login(actor.user)
    before = _counts()

    # when
    response = client.post("/accounts/users/new/", _form(username="escalate", role=LEADER))

    # then
    assert response.status_code == 400
    assert "不能授予超出本人权限的角色" in response.content.decode()
    assert _counts() == before


# --- deactivating a membership revokes its tokens ---

def test_deactivating_a_membership_revokes_its_tokens():
    # given county has a working token
    _, token = services.create_access_token(actor=actor_for("county"), membership=membership_of("county"), name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get("/api/v1/me", **headers).status_code == 200
    membership = membership_of("county")

    # when the admin deactivates the membership
    response = client_for("admin").post(f"/accounts/memberships/{membership.pk}/deactivate/")

    # then
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert AccessToken.objects.get().revoked_at is not None
    assert Client().get("/api/v1/me", **headers).status_code == 401
    [event] = audit_rows("accounts.membership.deactivated")
    assert event.object_id == str(membership.pk)


def test_deactivation_needs_accounts_manage():
    # given
    _, token = services.create_access_token(actor=actor_for("county"), membership=membership_of("county"), name="t")
    membership = membership_of("county")
    before = audit_count()

    # when
    response = client_for("city").post(f"/accounts/memberships/{membership.pk}/deactivate/")

    # then
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.is_active
    assert AccessToken.objects.get().revoked_at is None
    assert audit_count() == before
