"""What every route requires, for the authorization-matrix test (tests/test_authz_matrix.py).

Every page route (by URL name) and every API operation ("METHOD /path" from the OpenAPI document)
must appear here; the matrix test fails on a route that is missing, so the matrix grows with the
routes. ``auth`` is "public" (no sign-in), "login" (any signed-in user) or a permission code.
``auth`` may also be "roles:a,b" for routes limited to role codes rather than a permission.
``obj`` names the kind of object the route's path parameter points to ("person", "org", ...):
the matrix calls it with an object inside the actor's subtree and with objects outside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RouteSpec:
    auth: str
    obj: str | None = None
    method: str = "GET"
    body: dict[str, Any] = field(default_factory=dict)  # JSON body for API writes / form data for pages
    note: str = ""
    # What an object outside the actor's subtree answers: 404, like a missing one, except on routes that
    # answer every key, known or not, with the same page (/c/<case_code>, /g/<token>: the access-code form).
    outside_status: int = 404


PAGES: dict[str, RouteSpec] = {
    "ui:home": RouteSpec("login"),
    "ui:healthz": RouteSpec("public"),
    "accounts:login": RouteSpec("public"),
    "accounts:login_2fa": RouteSpec("public", note="redirects to login without a pending sign-in"),
    "accounts:setup_2fa": RouteSpec("public", note="own account only"),
    "accounts:logout": RouteSpec("public", method="POST"),
    "accounts:switch_membership": RouteSpec("login", method="POST", obj="own_membership", body={"membership": "{obj}"}),
    "accounts:profile": RouteSpec("login"),
    "accounts:token_revoke": RouteSpec("login", obj="token", method="POST"),
    "accounts:user_list": RouteSpec("accounts.view"),
    "accounts:user_create": RouteSpec("accounts.manage"),
    "accounts:user_detail": RouteSpec("accounts.view", obj="user"),
    "accounts:membership_deactivate": RouteSpec("accounts.manage", obj="membership", method="POST"),
    "orgs:tree": RouteSpec("orgs.view"),
    "orgs:detail": RouteSpec("orgs.view", obj="org"),
    "persons:list": RouteSpec("persons.view"),
    "persons:create": RouteSpec("persons.manage"),
    "persons:export": RouteSpec("persons.export"),
    "persons:detail": RouteSpec("persons.view", obj="person"),
    "persons:edit": RouteSpec("persons.manage", obj="person"),
    "persons:reveal": RouteSpec("persons.reveal", obj="person", method="POST"),
    "persons:entity_list": RouteSpec("persons.view"),
    "persons:entity_create": RouteSpec("persons.manage"),
    "persons:entity_detail": RouteSpec("persons.view", obj="entity"),
    "audit:list": RouteSpec("audit.view"),
    "alerts:list": RouteSpec("alerts.view"),
    "alerts:detail": RouteSpec("alerts.view", obj="alert"),
    "alerts:act": RouteSpec("alerts.handle", obj="alert", method="POST", body={"action": "sign"}),
    "cases:list": RouteSpec("login"),
    "cases:open": RouteSpec("login", note="?type= missing → 400; the case type's open_roles are checked by open_case"),
    "cases:detail": RouteSpec("login", obj="case"),
    "cases:deadline_adjust": RouteSpec("cases.deadlines.adjust", obj="case", method="POST",
                                       body={"key": "none", "kind": "extend", "period": "十日", "reason": "矩阵", "approver": "甲"}),
    "cases:transition": RouteSpec("login", obj="case", method="POST", body={"transition": "withdraw", "data_reason": "矩阵"}),
    "audit:export": RouteSpec("audit.export"),
    "deadlines:calculator": RouteSpec("login"),
    "deadlines:rules": RouteSpec("login"),
    "deadlines:calendar": RouteSpec("login", note="the load form is shown only with deadlines.calendar.manage"),
    "deadlines:calendar_load": RouteSpec("deadlines.calendar.manage", method="POST", note="empty form → 400 beside the fields"),
    "tasks:list": RouteSpec("tasks.view"),
    "tasks:retry": RouteSpec("tasks.manage", method="POST", note="form field task=<id>; without one → back to the list with a message"),
    "attachments:upload": RouteSpec("attachments.upload", obj="case", method="POST", body={"kind": "evidence"},
                                    note="no file → 400, the case page again with the error in the card"),
    "attachments:download": RouteSpec("login", obj="attachment", note="audited; the attachment must be in scope"),
    "attachments:thumbnail": RouteSpec("login", obj="attachment", note="the matrix attachment is a PNG, so it has one"),
    "documents:generate": RouteSpec("documents.generate", obj="case", method="POST", body={"doc_type": "test_acceptance_notice"}),
    "documents:org_list": RouteSpec("login"),
    "documents:org_generate": RouteSpec("documents.generate", method="POST",
                                        body={"org": "{org}", "doc_type": "test_org_table", "param_period": "2026-10"}),
    "documents:templates": RouteSpec("documents.templates.manage"),
    "documents:template_upload": RouteSpec("documents.templates.manage", method="POST", note="no file → 400 beside the form"),
    "documents:template_activate": RouteSpec("documents.templates.manage", method="POST", body={"doc_type": "case_summary", "version": "0"}),
    "documents:template_download": RouteSpec("documents.templates.manage", note="no ?doc_type= → 400"),
    "casecodes:entry": RouteSpec("public", obj="case_code", outside_status=200,
                                 note="staff who see the case → case page; anyone else the access-code form, the same "
                                      "page for any code, known or not"),
    "casecodes:link": RouteSpec("public", obj="grant_link", outside_status=200,
                                note="a link grant's token: the access-code form, the same for any token"),
    "casecodes:qr_svg": RouteSpec("login", obj="case"),
    "casecodes:qr_png": RouteSpec("login", obj="case"),
    "casecodes:grant_issue": RouteSpec("casecodes.grants.manage", obj="case", method="POST", body={"kind": "link"},
                                       note="no expires_at → 400 beside the field"),
    "casecodes:grant_revoke": RouteSpec("casecodes.grants.manage", obj="grant", method="POST",
                                        note="a second revoke → back to the case with a message"),
    "casecodes:my_grants": RouteSpec("login"),
    "casecodes:review": RouteSpec("login", obj="case", note="or a live grant (grantee user, or a browser that entered "
                                                            "a link grant's code); grant uses audited"),
    "casecodes:review_package": RouteSpec("login", obj="case", note="as casecodes:review; audited"),
    "casecodes:review_file": RouteSpec("login", obj="attachment", note="as casecodes:review; audited"),
    "scoring:scheme_list": RouteSpec("scoring.view"),
    "scoring:scheme_detail": RouteSpec("scoring.view", obj="scoring_scheme",
                                       note="schemes of the orgs above the actor's apply to it and are visible too"),
    "scoring:ranking": RouteSpec("scoring.view", obj="scoring_scheme", note="rows: current scores in the actor's subtree"),
    "scoring:ranking_export": RouteSpec("scoring.view", obj="scoring_scheme", note="audited Excel export"),
    "scoring:compute": RouteSpec("scoring.compute", obj="scoring_scheme", method="POST", body={"period": "2026-01"}),
    "scoring:score_detail": RouteSpec("scoring.view", obj="score"),
    "scoring:adjust": RouteSpec("scoring.adjust", obj="score", method="POST",
                                body={"indicator": "A.1", "points": "1", "reason": "矩阵"},
                                note="the same score adjusted twice (admin and province share an org) → 409"),
}

API: dict[str, RouteSpec] = {
    "GET /api/v1/me": RouteSpec("login"),
    "GET /api/v1/users": RouteSpec("accounts.view"),
    "POST /api/v1/users": RouteSpec("accounts.manage", body={
        "username": "matrix_user", "display_name": "矩阵测试", "password": "Matrix#2026", "org_id": "{org}", "role": "grid_worker"}),
    "GET /api/v1/users/{user_id}": RouteSpec("accounts.view", obj="user"),
    "GET /api/v1/orgs": RouteSpec("orgs.view"),
    "GET /api/v1/orgs/tree": RouteSpec("orgs.view"),
    "GET /api/v1/orgs/{org_id}": RouteSpec("orgs.view", obj="org"),
    "GET /api/v1/persons": RouteSpec("persons.view"),
    "POST /api/v1/persons": RouteSpec("persons.manage", body={"name": "矩阵新人", "id_number": "{new_id_number}"}),
    "GET /api/v1/persons/{person_id}": RouteSpec("persons.view", obj="person"),
    "PATCH /api/v1/persons/{person_id}": RouteSpec("persons.manage", obj="person", body={"phone": "13800000000"}),
    "POST /api/v1/persons/{person_id}/reveal": RouteSpec("persons.reveal", obj="person", body={}),
    "GET /api/v1/entities": RouteSpec("persons.view"),
    "POST /api/v1/entities": RouteSpec("persons.manage", body={"name": "矩阵公司", "credit_code": "{new_credit_code}"}),
    "GET /api/v1/entities/{entity_id}": RouteSpec("persons.view", obj="entity"),
    "GET /api/v1/audit": RouteSpec("audit.view"),
    "GET /api/v1/deadlines/compute": RouteSpec("login", note="no query → 400 naming the field"),
    "GET /api/v1/deadlines/rules": RouteSpec("login"),
    "GET /api/v1/deadlines/calendar": RouteSpec("login"),
    "POST /api/v1/deadlines/calendar": RouteSpec("deadlines.calendar.manage", body={
        "year": 2030, "notice": "矩阵测试", "rest_days": ["2030-01-01"], "makeup_days": []}),
    "GET /api/v1/tasks": RouteSpec("tasks.view"),
    "GET /api/v1/tasks/periodic-jobs": RouteSpec("tasks.view"),
    "POST /api/v1/tasks/{task_id}/retry": RouteSpec("tasks.manage", note="task runs are not scoped objects: the matrix "
                                                    "sends id 'None' → 400 for admins; everyone else 403 before the id is read"),
    "GET /api/v1/alerts": RouteSpec("alerts.view"),
    "GET /api/v1/alerts/{alert_id}": RouteSpec("alerts.view", obj="alert"),
    "POST /api/v1/alerts/{alert_id}/actions": RouteSpec("alerts.handle", obj="alert", body={"action": "sign"}),
    "GET /api/v1/cases": RouteSpec("login"),
    "POST /api/v1/cases": RouteSpec("roles:office_staff,bureau_staff", body={"type": "test_case", "title": "矩阵立案"}),
    "GET /api/v1/cases/{case_id}": RouteSpec("login", obj="case"),
    "POST /api/v1/cases/{case_id}/deadline-adjustments": RouteSpec("cases.deadlines.adjust", obj="case", body={
        "key": "none", "kind": "extend", "period": "十日", "reason": "矩阵", "approver": "甲"}),
    "POST /api/v1/cases/{case_id}/transitions": RouteSpec("login", obj="case", body={"name": "withdraw", "data": {"reason": "矩阵"}}),
    "GET /api/v1/ledger/checkpoint": RouteSpec("login", note="verification data, any signed-in user; 409 before the first checkpoint"),
    "POST /api/v1/ledger/checkpoint": RouteSpec("ledger.checkpoint", method="POST"),
    "GET /api/v1/ledger/entries": RouteSpec("login"),
    "GET /api/v1/ledger/proofs/inclusion": RouteSpec("login", note="no query → 400 naming the field"),
    "GET /api/v1/ledger/proofs/consistency": RouteSpec("login", note="no query → 400 naming the field"),
    "GET /api/v1/ledger/public-key": RouteSpec("login"),
    "GET /api/v1/cases/{case_id}/attachments": RouteSpec("login", obj="case"),
    "POST /api/v1/cases/{case_id}/attachments": RouteSpec("attachments.upload", obj="case",
                                                          note="multipart; a JSON body has no file → 400 naming file"),
    "GET /api/v1/attachments/{attachment_id}": RouteSpec("login", obj="attachment"),
    "GET /api/v1/attachments/{attachment_id}/content": RouteSpec("login", obj="attachment", note="audited download"),
    "GET /api/v1/cases/{case_id}/documents": RouteSpec("login", obj="case"),
    "POST /api/v1/cases/{case_id}/documents": RouteSpec("documents.generate", obj="case", body={"doc_type": "test_acceptance_notice"}),
    "GET /api/v1/documents": RouteSpec("login"),
    "POST /api/v1/documents": RouteSpec("documents.generate", body={"org_id": "{org}", "doc_type": "test_org_table",
                                                                    "params": {"period": "2026-10"}}),
    "GET /api/v1/documents/types": RouteSpec("login"),
    "GET /api/v1/documents/templates": RouteSpec("documents.templates.manage"),
    "POST /api/v1/documents/templates": RouteSpec("documents.templates.manage", note="multipart; a JSON body has no file → 400 naming file"),
    "POST /api/v1/documents/templates/activate": RouteSpec("documents.templates.manage", body={"doc_type": "case_summary", "version": 0}),
    "GET /api/v1/cases/{case_id}/grants": RouteSpec("casecodes.grants.manage", obj="case"),
    "POST /api/v1/cases/{case_id}/grants": RouteSpec("casecodes.grants.manage", obj="case", body={"note": "矩阵"}),
    "POST /api/v1/grants/{grant_id}/revoke": RouteSpec("casecodes.grants.manage", obj="grant",
                                                       note="a second revoke → 409"),
    "GET /api/v1/cases/{case_id}/evidence": RouteSpec("login", obj="case", note="or a grantee with a live grant (audited)"),
    "GET /api/v1/cases/{case_id}/evidence-package": RouteSpec("login", obj="case", note="as /evidence; audited; "
                                                              "409 for a case without evidence"),
    "GET /api/v1/scoring/schemes": RouteSpec("scoring.view"),
    "GET /api/v1/scoring/schemes/{scheme_id}": RouteSpec("scoring.view", obj="scoring_scheme"),
    "POST /api/v1/scoring/schemes/{scheme_id}/compute": RouteSpec("scoring.compute", obj="scoring_scheme",
                                                                  body={"period": "2026-01"}),
    "GET /api/v1/scoring/scores": RouteSpec("scoring.view", note="no ?scheme=&period= → 400 naming the fields"),
    "GET /api/v1/scoring/scores/{score_id}": RouteSpec("scoring.view", obj="score"),
    "POST /api/v1/scoring/scores/{score_id}/adjustments": RouteSpec("scoring.adjust", obj="score", body={
        "indicator": "A.1", "points": 1, "reason": "矩阵"}),
}

# API routes outside the JSON API proper (documents about the API).
API_PUBLIC_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}
