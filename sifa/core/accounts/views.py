"""Sign-in (password, then TOTP), sign-out, membership switch, own profile and tokens, user admin."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sifa.core.accounts import selectors, services
from sifa.core.accounts.actor import Actor
from sifa.core.accounts.forms import (
    LoginForm,
    MembershipForm,
    PasswordChangeForm,
    TokenForm,
    TotpForm,
    UserCreateForm,
    UserEditForm,
)
from sifa.core.accounts.middleware import SESSION_LAST_SEEN, SESSION_MEMBERSHIP, client_agent, client_ip
from sifa.core.accounts.models import AccessToken, Membership, User
from sifa.core.errors import NotFound, SifaError
from sifa.core.orgs.models import Org
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import attach_error
from sifa.core.ui.pagination import paginate

PENDING_USER = "pending_user_id"
PENDING_SECRET = "pending_totp_secret"
PENDING_NEXT = "pending_next"


def _anonymous(request: HttpRequest) -> Actor:
    return Actor.anonymous(ip=client_ip(request), user_agent=client_agent(request))


def _actor_for_user(request: HttpRequest, user: User) -> Actor:
    memberships = services.active_memberships(user)
    if memberships:
        return Actor.for_membership(memberships[0], ip=client_ip(request), user_agent=client_agent(request))
    return Actor(user=user, membership=None, ip=client_ip(request), user_agent=client_agent(request))


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _fail(request: HttpRequest, username: str, reason: str) -> None:
    anon = _anonymous(request)
    services.record_login_failure(actor=anon, username=username, reason=reason)
    until = services.locked_until(username=username, ip=anon.ip)
    if until is not None:
        services.record_lockout(actor=anon, username=username, until=until)


def _complete_login(request: HttpRequest, user: User, *, two_factor: bool) -> HttpResponse:
    target = request.session.get(PENDING_NEXT)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_LAST_SEEN] = timezone.now().timestamp()
    actor = _actor_for_user(request, user)
    if actor.membership:
        request.session[SESSION_MEMBERSHIP] = actor.membership.pk
    services.record_login(actor=actor, two_factor=two_factor)
    return redirect(_safe_next(request, target))


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        until = services.locked_until(username=username, ip=client_ip(request))
        if until is not None:
            services.record_login_failure(actor=_anonymous(request), username=username, reason="locked")
            form.add_error(None, f"登录失败次数过多，账户或 IP 已锁定，请于 {timezone.localtime(until):%H:%M} 后重试")
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                _fail(request, username, "bad_credentials")
                form.add_error(None, "用户名或密码错误")
                status = 400
            else:
                assert isinstance(user, User)
                request.session[PENDING_NEXT] = request.GET.get("next", "/")
                if user.totp_enabled:
                    _start_pending(request, user)
                    return redirect("accounts:login_2fa")
                if services.user_requires_2fa(user):
                    _start_pending(request, user)
                    return redirect("accounts:setup_2fa")
                return _complete_login(request, user, two_factor=False)
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/login.html", {"form": form}, status=status)


PENDING_SINCE = "pending_since"
PENDING_MAX_SECONDS = 300  # the password step is valid for five minutes; then sign in again


def _start_pending(request: HttpRequest, user: User) -> None:
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_SINCE] = timezone.now().timestamp()


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING_USER)
    since = float(request.session.get(PENDING_SINCE, 0))
    if not pk or timezone.now().timestamp() - since > PENDING_MAX_SECONDS:
        request.session.pop(PENDING_USER, None)
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def login_2fa(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.locked_until(username=user.username, ip=client_ip(request)) is not None:
            form.add_error("code", "登录失败次数过多，账户已锁定，请稍后重试")
        elif services.verify_totp(user, form.cleaned_data["code"]):
            del request.session[PENDING_USER]
            return _complete_login(request, user, two_factor=True)
        else:
            _fail(request, user.username, "bad_totp")
            form.add_error("code", "动态验证码不正确或已过期")
    return render(request, "accounts/login_2fa.html", {"form": form}, status=400 if form.errors else 200)


def _qr_data_uri(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def setup_2fa(request: HttpRequest) -> HttpResponse:
    """Enrol TOTP: required for roles that demand it (系统管理员) before the sign-in completes."""
    user = _pending_user(request) if not request.user.is_authenticated else request.user
    if user is None:
        return redirect("accounts:login")
    assert isinstance(user, User)
    if not request.user.is_authenticated and user.totp_enabled:
        # Half-signed-in (password only): an enrolled user must pass the TOTP step, not enrol a new secret.
        return redirect("accounts:login_2fa")
    if request.user.is_authenticated and user.totp_enabled:
        # Replacing a secret would let a hijacked session take over the second factor.
        messages.info(request, "已启用双因素认证；如需更换身份验证器，请联系系统管理员重置")
        return redirect("accounts:profile")
    secret = request.session.get(PENDING_SECRET) or services.new_totp_secret()
    request.session[PENDING_SECRET] = secret
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enable_totp(actor=_actor_for_user(request, user), user=user, secret=secret, code=form.cleaned_data["code"])
        except SifaError as exc:
            attach_error(form, exc)
        else:
            del request.session[PENDING_SECRET]
            if request.user.is_authenticated:
                messages.success(request, "已启用双因素认证")
                return redirect("accounts:profile")
            del request.session[PENDING_USER]
            return _complete_login(request, user, two_factor=True)
    uri = services.totp_uri(user, secret)
    return render(request, "accounts/setup_2fa.html",
                  {"form": form, "secret": secret, "qr": _qr_data_uri(uri)}, status=400 if form.errors else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_logout(actor=request.actor)  # type: ignore[attr-defined]
    logout(request)
    messages.info(request, "已安全退出")
    return redirect("accounts:login")


@login_required
@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("membership", "")
    ids = {m.pk for m in services.active_memberships(request.user)}  # type: ignore[arg-type]
    if not wanted.isdigit() or int(wanted) not in ids:
        raise NotFound("任职不存在")
    request.session[SESSION_MEMBERSHIP] = int(wanted)
    return redirect("ui:home")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    user = request.user
    assert isinstance(user, User)
    password_form = PasswordChangeForm(prefix="pw")
    token_form = TokenForm(prefix="tk")
    new_token = None
    if request.method == "POST" and "pw-password" in request.POST:
        password_form = PasswordChangeForm(request.POST, prefix="pw")
        if password_form.is_valid():
            try:
                services.change_password(actor=actor, user=user, password=password_form.cleaned_data["password"],
                                         old_password=password_form.cleaned_data["old_password"])
            except SifaError as exc:
                attach_error(password_form, exc)
            else:
                from django.contrib.auth import update_session_auth_hash

                update_session_auth_hash(request, user)
                messages.success(request, "密码已修改")
                return redirect("accounts:profile")
    elif request.method == "POST" and "tk-name" in request.POST:
        token_form = TokenForm(request.POST, prefix="tk")
        if token_form.is_valid() and actor.membership is not None:
            try:
                _, new_token = services.create_access_token(actor=actor, membership=actor.membership,
                                                            name=token_form.cleaned_data["name"])
            except SifaError as exc:
                attach_error(token_form, exc)
    tokens = AccessToken.objects.filter(user=user).select_related("membership__org", "membership__role")
    return render(request, "accounts/profile.html", {
        "password_form": password_form, "token_form": token_form, "tokens": tokens, "new_token": new_token,
    }, status=400 if (password_form.errors or token_form.errors) else 200)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = AccessToken.objects.filter(pk=pk, user=request.user).first()  # type: ignore[misc]
    if token is None:
        raise NotFound()
    services.revoke_access_token(actor=request.actor, token=token)  # type: ignore[attr-defined]
    messages.success(request, f"已撤销令牌 {token.name}")
    return redirect("accounts:profile")


@login_required
@require_perm("accounts.view")
def user_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.users_visible_to(request.actor, q=request.GET.get("q", ""))  # type: ignore[attr-defined]
    page, querystring = paginate(request, qs.prefetch_related("memberships__org", "memberships__role"))
    return render(request, "accounts/user_list.html", {"page": page, "querystring": querystring, "params": request.GET})


@login_required
@require_perm("accounts.view")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    user = selectors.user_visible_to(actor, pk)
    orgs = Org.objects.visible_to(actor).current()
    edit_form = UserEditForm(initial={"display_name": user.display_name, "phone": user.phone, "is_active": user.is_active})
    membership_form = MembershipForm(orgs=orgs)
    if request.method == "POST":
        actor.require("accounts.manage")
        if request.POST.get("form") == "edit":
            edit_form = UserEditForm(request.POST)
            if edit_form.is_valid():
                try:
                    services.update_user(actor=actor, user=user, **edit_form.cleaned_data)
                except SifaError as exc:
                    attach_error(edit_form, exc)
                else:
                    messages.success(request, "已保存")
                    return redirect("accounts:user_detail", pk=user.pk)
        elif request.POST.get("form") == "membership":
            membership_form = MembershipForm(request.POST, orgs=orgs)
            if membership_form.is_valid():
                try:
                    services.add_membership(actor=actor, user=user, **membership_form.cleaned_data)
                except SifaError as exc:
                    attach_error(membership_form, exc)
                else:
                    messages.success(request, "已添加任职")
                    return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_detail.html", {
        "subject": user, "memberships": selectors.memberships_of(actor, user),
        "edit_form": edit_form, "membership_form": membership_form,
    }, status=400 if (edit_form.errors or membership_form.errors) else 200)


@login_required
@require_POST
@require_perm("accounts.manage")
def membership_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    membership = Membership.objects.visible_to(actor).filter(pk=pk).first()
    if membership is None:
        raise NotFound()
    services.deactivate_membership(actor=actor, membership=membership)
    messages.success(request, f"已停用任职：{membership}")
    return redirect("accounts:user_detail", pk=membership.user_id)


@login_required
@require_perm("accounts.manage")
def user_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = UserCreateForm(request.POST or None, orgs=Org.objects.visible_to(actor).current())
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(actor=actor, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已创建用户 {user.username}")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form}, status=400 if form.errors else 200)
