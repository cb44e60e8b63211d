"""Switching the acting membership (当前身份) in the page header."""

from __future__ import annotations

import pytest

from sifa.core.accounts import services
from sifa.core.accounts.middleware import SESSION_MEMBERSHIP
from sifa.core.accounts.models import Membership, Role, User
from sifa.core.accounts.roles import OFFICE_STAFF
from sifa.core.accounts.tests.conftest import audit_count, audit_rows
from sifa.core.testing import actor_for, client_for, membership_of

pytestmark = pytest.mark.django_db


def _second_membership_for_county() -> Membership:
    return services.add_membership(actor=actor_for("admin"), user=User.objects.get(username="county"),
                                   org=membership_of("office1").org, role=Role.objects.get(code=OFFICE_STAFF))


def test_add_membership_is_audited():
    # when
    added = _second_membership_for_county()

    # then
    [event] = audit_rows("accounts.membership.added")
    assert event.object_id == str(added.pk)
    assert event.actor_username == "admin"
    assert event.changes["role"] == OFFICE_STAFF


def test_user_with_two_memberships_can_switch():
    # given
    first = membership_of("county")
    second = _second_membership_for_county()
    client = client_for("county")
    page = client.get("/")
    assert page.wsgi_request.actor.membership.pk == first.pk
    assert f'value="{second.pk}"' in page.content.decode()

    # when
    response = client.post("/accounts/switch/", {"membership": str(second.pk)})

    # then
    assert response.status_code == 302
    assert client.session[SESSION_MEMBERSHIP] == second.pk
    after = client.get("/")
    assert after.wsgi_request.actor.membership.pk == second.pk
    assert after.wsgi_request.actor.org == second.org
    assert after.wsgi_request.actor.org != first.org
    me = client.get("/api/v1/me").json()
    assert me["membership"]["id"] == second.pk
    assert me["membership"]["org_id"] == second.org_id
    assert me["membership"]["role"] == OFFICE_STAFF


@pytest.mark.parametrize("wanted", ["other", "inactive", "junk"])
def test_switching_to_a_membership_that_is_not_ones_own_is_not_found(wanted):
    # given
    own = membership_of("county")
    if wanted == "inactive":
        mine = _second_membership_for_county()
        Membership.objects.filter(pk=mine.pk).update(is_active=False)
        value = str(mine.pk)
    elif wanted == "other":
        value = str(membership_of("office1").pk)
    else:
        value = "1 OR 1=1"
    client = client_for("county")
    before = audit_count()

    # when
    response = client.post("/accounts/switch/", {"membership": value})

    # then
    assert response.status_code == 404
    assert client.session[SESSION_MEMBERSHIP] == own.pk
    assert client.get("/").wsgi_request.actor.membership.pk == own.pk
    assert audit_count() == before


def test_switch_requires_sign_in_and_post():
    # given
    from django.test import Client

    # when / then
    anonymous = Client().post("/accounts/switch/", {"membership": str(membership_of("county").pk)})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client_for("county").get("/accounts/switch/").status_code == 405


def test_stale_session_membership_falls_back_to_an_active_one():
    # given the chosen membership has been deactivated by an admin
    second = _second_membership_for_county()
    client = client_for("county")
    client.post("/accounts/switch/", {"membership": str(second.pk)})
    services.deactivate_membership(actor=actor_for("admin"), membership=second)

    # when
    response = client.get("/")

    # then
    assert response.wsgi_request.actor.membership.pk == membership_of("county").pk
