"""Test helpers shared by core and module tests: demo-world actors and logged-in clients.

The test database is loaded once per run with the demo data (``sifa demo --scale demo --seed 1``,
see ``conftest.py``); each test runs in a transaction that is rolled back.
"""

from __future__ import annotations

import datetime

from django.test import Client

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.middleware import SESSION_LAST_SEEN, SESSION_MEMBERSHIP
from sifa.core.accounts.models import Membership, User
from sifa.core.persons.idnumbers import id_check_digit

DEMO_USERS = ("admin", "province", "city", "county", "office1", "office2", "corr", "grid1", "officer", "reviewer")


def membership_of(username: str) -> Membership:
    return Membership.objects.select_related("org", "role", "user").filter(user__username=username).order_by("id").first()  # type: ignore[return-value]


def actor_for(username: str, *, ip: str = "127.0.0.1") -> Actor:
    return Actor.for_membership(membership_of(username), ip=ip, user_agent="pytest")


def client_for(username: str) -> Client:
    """A test client signed in as ``username`` acting in their first membership (2FA already passed)."""
    import time

    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    session = client.session
    session[SESSION_MEMBERSHIP] = membership_of(username).pk
    session[SESSION_LAST_SEEN] = time.time()
    session.save()
    return client


def make_id_number(region6: str = "330111", birth: datetime.date = datetime.date(1990, 1, 1), seq: int = 123) -> str:
    """A valid 居民身份证号 (GB 11643) for tests; odd ``seq`` = male, even = female."""
    first17 = f"{region6}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)
