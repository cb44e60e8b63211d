from django.urls import include, path

from sifa.project.api import api

urlpatterns = [
    path("", include("sifa.core.ui.urls")),
    path("accounts/", include("sifa.core.accounts.urls")),
    path("orgs/", include("sifa.core.orgs.urls")),
    path("persons/", include("sifa.core.persons.urls")),
    path("audit/", include("sifa.core.audit.urls")),
    path("deadlines/", include("sifa.core.deadlines.urls")),
    path("tasks/", include("sifa.core.tasks.urls")),
    path("cases/", include("sifa.core.cases.urls")),
    path("alerts/", include("sifa.core.alerts.urls")),
    path("attachments/", include("sifa.core.attachments.urls")),
    path("documents/", include("sifa.core.documents.urls")),
    path("scoring/", include("sifa.core.scoring.urls")),
    path("office/", include("sifa.modules.judicial_office.urls")),
    path("office/plans/", include("sifa.modules.judicial_office.plan_urls")),
    path("office/assessment/", include("sifa.modules.judicial_office.assessment_urls")),
    path("cockpit/", include("sifa.modules.judicial_office.cockpit_urls")),
    path("", include("sifa.core.casecodes.urls")),
    path("map/", include("sifa.modules.legal_services.urls")),
    path("liaisons/", include("sifa.modules.liaisons.urls")),
    path("correction/", include("sifa.modules.correction.urls")),
    path("laws/", include("sifa.core.laws.urls")),
    path("draws/", include("sifa.core.draws.urls")),
    path("enforcement/", include("sifa.modules.enforcement.urls")),
    path("api/v1/", api.urls),
]

handler400 = "sifa.core.ui.handlers.bad_request"
handler403 = "sifa.core.ui.handlers.permission_denied"
handler404 = "sifa.core.ui.handlers.page_not_found"
handler500 = "sifa.core.ui.handlers.server_error"
