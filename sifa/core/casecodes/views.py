"""Case-code pages: the 案件码 card and QR, /c/<case_code>, link + access code, the read-only review
page with proofs, file and package downloads, grant issue and revoke, "我的授权案件"."""

from __future__ import annotations

import datetime
import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.attachments import services as attachment_services
from sifa.core.attachments.models import Attachment
from sifa.core.attachments.views import content_response
from sifa.core.casecodes import evidence, links, selectors, services
from sifa.core.casecodes.choices import STATE_BADGE, GrantUse
from sifa.core.casecodes.models import AccessGrant
from sifa.core.casecodes.selectors import SESSION_GRANTS, ReviewAccess
from sifa.core.cases.models import Case
from sifa.core.cases.selectors import case_in_scope
from sifa.core.cases.services import case_type_of
from sifa.core.cases.workflow import WorkflowSpecError
from sifa.core.errors import NotFound, SifaError, ValidationFailed
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.ui.decorators import require_perm

WRONG_CODE = "访问码不正确，或授权已过期、已撤销、因多次输错被锁定"
DEFAULT_DAYS = 30


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _session_ids(request: HttpRequest) -> list[int]:
    return [int(i) for i in request.session.get(SESSION_GRANTS, []) if str(i).isdigit()]


def _remember(request: HttpRequest, grant: AccessGrant) -> None:
    """Keep the unlocked link grant for this browser session (a fresh session key against fixation)."""
    ids = _session_ids(request)
    request.session.cycle_key()
    request.session[SESSION_GRANTS] = sorted({*ids, grant.pk})


def state_label(case: Case) -> str:
    """The state's Chinese label (the raw state when the case type or state is no longer registered)."""
    if case.case_type not in registry.case_types:
        return case.state
    try:
        return case_type_of(case.case_type).workflow.state(case.state).label
    except WorkflowSpecError:
        return case.state


# --- the 案件码 card on the case page -------------------------------------------------------------


def case_panel_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """Context of the "案件码" card (registry.case_panels): code, QR, and grant management for managers."""
    actor = _actor(request)
    can_manage = actor.has_perm(services.MANAGE)
    today = timezone.localdate()
    grants = list(selectors.grants_for_case(case)) if can_manage else []
    return {
        "url": links.case_url(case),
        "can_manage": can_manage,
        "grants": [(g, g.state(), STATE_BADGE.get(g.state(), "")) for g in grants],
        "default_expiry": today + datetime.timedelta(days=DEFAULT_DAYS),
        "max_expiry": today + datetime.timedelta(days=links.max_grant_days()),
        "max_days": links.max_grant_days(),
    }


@login_required
@require_GET
def qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_in_scope(_actor(request), pk)
    response = HttpResponse(links.qr_svg(case), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR as a PNG download, for printing on paper documents."""
    case = case_in_scope(_actor(request), pk)
    response = HttpResponse(links.qr_png(case), content_type="image/png")
    response["Content-Disposition"] = content_disposition_header(True, f"案件码-{case.number}.png") or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- grant management ------------------------------------------------------------------------------


def _expiry_from_form(text: str) -> datetime.datetime:
    """The end of the chosen day (local time): a grant "valid until 3 May" works all of 3 May."""
    try:
        day = datetime.date.fromisoformat((text or "").strip())
    except ValueError as exc:
        raise ValidationFailed("请按 YYYY-MM-DD 填写有效期", field="expires_at") from exc
    end = datetime.datetime.combine(day, datetime.time(23, 59, 59))
    return timezone.make_aware(end)


@login_required
@require_POST
@require_perm(services.MANAGE)
def grant_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a grant from the card's form (kind=user|link, grantee, expires_at, note); the link and
    the access code are shown on the answer page, once."""
    actor = _actor(request)
    case = case_in_scope(actor, pk)
    posted = request.POST
    try:
        grantee = services.grantee_by_username(posted.get("grantee", "")) if posted.get("kind") == "user" else None
        issued = services.issue_grant(actor=actor, case=case, expires_at=_expiry_from_form(posted.get("expires_at", "")),
                                      grantee=grantee, note=posted.get("note", ""))
    except SifaError as exc:
        return render(request, "casecodes/grant_issue.html", {
            "case": case, "grant_error": exc, "grant_posted": posted, "panel_ctx": case_panel_context(request, case)},
            status=exc.status)
    return render(request, "casecodes/grant_issue.html", {"case": case, "issued": issued}, status=201)


@login_required
@require_POST
@require_perm(services.MANAGE)
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    grant = get_visible_or_404(AccessGrant, actor, pk=pk)
    try:
        services.revoke_grant(actor=actor, grant=grant)
    except SifaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤销查阅授权 #{grant.pk}")
    return redirect(reverse("cases:detail", args=[grant.case_id]) + "#casecodes")


# --- /c/<case_code> and the link ------------------------------------------------------------------


def _code_page(request: HttpRequest, *, action: str, error: str = "", status: int = 200) -> HttpResponse:
    """The access-code form: the same page for every code and token, known or not (no case detail)."""
    return render(request, "casecodes/code_entry.html", {
        "action": action, "error": error, "login_url": f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"},
        status=status)


@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, case_code: str) -> HttpResponse:
    """Where the QR leads. Staff who see the case go to the case page, a grantee or a browser that
    entered the code to the review page, anyone else gets the access-code form."""
    actor = _actor(request)
    case = selectors.case_by_code(case_code)
    if request.method == "POST":
        code = request.POST.get("code", "")
        grant = None
        if case is not None:
            grant = services.enter_access_code(actor=actor, case=case, code=code)
        else:
            services.dummy_code_check(code)
        if grant is None:
            return _code_page(request, action=request.path, error=WRONG_CODE, status=400)
        _remember(request, grant)
        return redirect("casecodes:review", pk=grant.case_id)
    if case is not None:
        try:
            access = selectors.review_access(actor, case.pk, session_grant_ids=_session_ids(request))
        except SifaError:
            access = None
        if access is not None:
            return redirect("cases:detail" if access.grant is None else "casecodes:review", pk=case.pk)
    return _code_page(request, action=request.path)


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link of a link grant: asks for its access code (the same page for any token)."""
    grant = AccessGrant.objects.filter(token_hash=links.hash_link_token(token), grantee__isnull=True).first()
    if request.method == "POST":
        code = request.POST.get("code", "")
        matched = None
        if grant is not None:
            matched = services.enter_access_code(actor=_actor(request), case=grant.case, code=code, grant=grant)
        else:
            services.dummy_code_check(code)
        if matched is None:
            return _code_page(request, action=request.path, error=WRONG_CODE, status=400)
        _remember(request, matched)
        return redirect("casecodes:review", pk=matched.case_id)
    if grant is not None and grant.pk in _session_ids(request) and grant.is_live:
        return redirect("casecodes:review", pk=grant.case_id)
    return _code_page(request, action=request.path)


# --- the review page and downloads ----------------------------------------------------------------


def _access(request: HttpRequest, case_id: int) -> ReviewAccess | HttpResponse:
    """The visitor's way into the case, or a redirect to sign in for a visitor with none at all."""
    actor = _actor(request)
    ids = _session_ids(request)
    if actor.user is None and not ids:
        return redirect_to_login(request.get_full_path())
    return selectors.review_access(actor, case_id, session_grant_ids=ids)


@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Read-only: the case and every file of it with hashes, ledger entry, proof and a check made now."""
    access = _access(request, pk)
    if isinstance(access, HttpResponse):
        return access
    evidence.ensure_checkpoint(access.actor, access.case)
    ev = evidence.evidence_of(access.case, verify=True)
    if access.grant is not None:
        services.record_grant_use(actor=access.actor, grant=access.grant, what=GrantUse.REVIEW_PAGE)
    return render(request, "casecodes/review.html", {
        "access": access, "case": access.case, "state_label": state_label(access.case), "ev": ev,
        "shell": _actor(request).user is not None})


@require_GET
def review_file(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """One file of a reviewable case, audited (a grant use, or the attachments download audit for staff)."""
    attachment = Attachment.objects.filter(pk=pk, case__isnull=False).first()
    actor = _actor(request)
    if attachment is None:
        if actor.user is None and not _session_ids(request):
            return redirect_to_login(request.get_full_path())
        raise NotFound()
    access = _access(request, attachment.case_id)  # type: ignore[arg-type]
    if isinstance(access, HttpResponse):
        return access
    if access.grant is not None:
        services.record_grant_use(actor=access.actor, grant=access.grant, what=GrantUse.FILE, attachment=attachment)
    else:
        attachment_services.record_download(actor=access.actor, attachment=attachment)
    return content_response(attachment)


@require_GET
def review_package(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The evidence package (zip) of a reviewable case, audited."""
    access = _access(request, pk)
    if isinstance(access, HttpResponse):
        return access
    return package_response(access)


def package_response(access: ReviewAccess) -> FileResponse:
    """Build the package (making a checkpoint first if needed), audit the download, send the zip.

    Shared by the page and the API. The zip is spooled to a temporary file (memory up to 16 MiB).
    """
    evidence.ensure_checkpoint(access.actor, access.case)
    ev = evidence.evidence_of(access.case, verify=False)
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 — closed by FileResponse
    try:
        count = evidence.write_case_package(out, ev)
        if access.grant is not None:
            services.record_grant_use(actor=access.actor, grant=access.grant, what=GrantUse.PACKAGE)
        else:
            services.record_package_export(actor=access.actor, case=access.case, items=count,
                                           tree_size=ev.checkpoint.tree_size if ev.checkpoint else 0)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    response = FileResponse(out, as_attachment=True, filename=f"证据包-{access.case.number}.zip",
                            content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def my_grants(request: HttpRequest) -> HttpResponse:
    """我的授权案件: the grants made to the signed-in user (and link grants opened in this browser)."""
    actor = _actor(request)
    rows = [(g, g.state(), STATE_BADGE.get(g.state(), "")) for g in selectors.grants_of(actor)]
    rows += [(g, g.state(), STATE_BADGE.get(g.state(), "")) for g in selectors.session_grants(_session_ids(request))]
    return render(request, "casecodes/my_grants.html", {"rows": rows})
