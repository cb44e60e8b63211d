"""Puts ``request.actor`` on every request and enforces the idle session timeout (等保2.0 三级).

The active membership is kept in the session (``membership_id``) and chosen in the page header.
A session idle longer than ``SIFA_SESSION_IDLE_MINUTES`` is ended (audited) on its next request.
The last-seen time is refreshed at most every ``LAST_SEEN_RESOLUTION_SECONDS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sifa.core.accounts.actor import Actor

SESSION_MEMBERSHIP = "membership_id"
SESSION_LAST_SEEN = "last_seen"
# The last-seen time is written at most this often, so a page view does not rewrite the session row
# each time; the idle timeout is then up to this much later than configured (minutes vs. seconds).
LAST_SEEN_RESOLUTION_SECONDS = 30


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def client_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:255]


def actor_for_request(request: HttpRequest) -> Actor:
    from sifa.core.accounts.services import active_memberships

    ip, agent = client_ip(request), client_agent(request)
    user = request.user
    if not user.is_authenticated:
        return Actor.anonymous(ip=ip, user_agent=agent)
    memberships = active_memberships(user)
    request.memberships = memberships  # type: ignore[attr-defined]  # the page header lists them (ui.context.shell)
    if not memberships:
        return Actor(user=user, membership=None, ip=ip, user_agent=agent)
    wanted = request.session.get(SESSION_MEMBERSHIP)
    chosen = next((m for m in memberships if m.pk == wanted), memberships[0])
    if chosen.pk != wanted:
        request.session[SESSION_MEMBERSHIP] = chosen.pk
    return Actor.for_membership(chosen, ip=ip, user_agent=agent)


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_LAST_SEEN)
            idle = settings.SIFA_SESSION_IDLE_MINUTES * 60
            if last is not None and now - float(last) > idle:
                from sifa.core.accounts.services import record_session_expired

                actor = actor_for_request(request)
                record_session_expired(actor=actor, idle_minutes=settings.SIFA_SESSION_IDLE_MINUTES)
                logout(request)
                if request.path.startswith("/api/"):
                    request.actor = Actor.anonymous(ip=client_ip(request), user_agent=client_agent(request))  # type: ignore[attr-defined]
                    return self.get_response(request)
                # MessageMiddleware runs after this one, so open the message storage here and save it ourselves.
                request._messages = default_storage(request)  # type: ignore[attr-defined]
                messages.warning(request, f"您已超过 {settings.SIFA_SESSION_IDLE_MINUTES} 分钟未操作，请重新登录")
                response = redirect(f"{reverse('accounts:login')}?next={request.path}")
                request._messages.update(response)  # type: ignore[attr-defined]
                return response
            if last is None or now - float(last) >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_LAST_SEEN] = now
        request.actor = actor_for_request(request)  # type: ignore[attr-defined]
        return self.get_response(request)
