"""Idle timeout, sign-out, security headers, CSRF and cookie flags (等保2.0 三级; ASVS 3.3, 3.4, 4.2.2, 14.4)."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from sifa.core.accounts.middleware import SESSION_LAST_SEEN
from sifa.core.accounts.models import LoginFailure, User
from sifa.core.accounts.tests.conftest import PASSWORD, audit_count, audit_rows, is_signed_in, sign_in
from sifa.core.testing import client_for

pytestmark = pytest.mark.django_db


def _idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - minutes * 60
    session.save()


def test_idle_session_is_ended_and_audited(settings):
    # given a session idle for longer than the limit
    settings.SIFA_SESSION_IDLE_MINUTES = 30
    client = client_for("county")
    _idle_for(client, 31)

    # when
    response = client.get("/persons/")

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=/persons/" in response["Location"]
    assert not is_signed_in(client)
    [event] = audit_rows("accounts.session.expired")
    assert event.actor_username == "county"
    assert event.changes == {"idle_minutes": 30}
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert "30 分钟未操作" in follow.content.decode()
    assert client.get("/").status_code == 302


def test_active_session_is_kept_and_refreshed(settings):
    # given a session idle for less than the limit
    settings.SIFA_SESSION_IDLE_MINUTES = 30
    client = client_for("county")
    _idle_for(client, 29)
    before = client.session[SESSION_LAST_SEEN]

    # when
    response = client.get("/")

    # then
    assert response.status_code == 200
    assert is_signed_in(client)
    assert client.session[SESSION_LAST_SEEN] > before
    assert audit_rows("accounts.session.expired") == []


def test_idle_session_cannot_use_the_api(settings):
    # given
    settings.SIFA_SESSION_IDLE_MINUTES = 30
    client = client_for("county")
    _idle_for(client, 45)

    # when
    response = client.get("/api/v1/me")

    # then
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert len(audit_rows("accounts.session.expired")) == 1
    assert not is_signed_in(client)


def test_logout_by_post_ends_the_session_and_is_audited():
    # given
    client = Client()
    sign_in(client, "county")
    assert is_signed_in(client)

    # when
    response = client.post("/accounts/logout/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)
    [event] = audit_rows("accounts.logout")
    assert event.actor_username == "county"
    assert client.get("/").status_code == 302


def test_logout_by_get_is_not_allowed():
    # given
    client = client_for("county")
    before = audit_count()

    # when
    response = client.get("/accounts/logout/")

    # then
    assert response.status_code == 405
    assert is_signed_in(client)
    assert audit_count() == before


def test_security_headers_on_a_page():
    # when
    response = Client().get("/accounts/login/")

    # then
    assert response.status_code == 200
    csp = {d.strip().split(" ")[0]: d.strip() for d in response["Content-Security-Policy"].split(";") if d.strip()}
    assert csp["script-src"].split() == ["script-src", "'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["default-src"] == "default-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_signed_in_pages_are_not_cached():
    # when
    response = client_for("county").get("/")

    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response


def test_login_post_without_csrf_token_is_forbidden():
    # given a client that enforces CSRF like a browser
    client = Client(enforce_csrf_checks=True)
    before = audit_count()

    # when
    response = client.post("/accounts/login/", {"username": "county", "password": PASSWORD})

    # then
    assert response.status_code == 403
    assert not is_signed_in(client)
    assert LoginFailure.objects.count() == 0
    assert audit_count() == before


def test_login_post_with_csrf_token_works():
    # given
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value

    # when
    response = client.post("/accounts/login/", {"username": "county", "password": PASSWORD,
                                                "csrfmiddlewaretoken": token})

    # then
    assert response.status_code == 302
    assert is_signed_in(client)


def test_logout_without_csrf_token_is_forbidden():
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="county"))
    before = audit_count()

    # when
    response = client.post("/accounts/logout/")

    # then
    assert response.status_code == 403
    assert is_signed_in(client)
    assert audit_count() == before


def test_session_cookie_is_httponly_and_samesite():
    # when
    client = Client()
    response = sign_in(client, "county")

    # then
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # expires at browser close
