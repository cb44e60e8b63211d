"""千分制 pages, included at ``office/assessment/`` with the namespace ``jo_assessment``."""

from django.urls import path

from sifa.modules.judicial_office import assessment_views as views

app_name = "jo_assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("org/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("org/<int:pk>/ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("org/<int:pk>/compute/", views.compute, name="compute"),
    # An office's work log on a day (what a score fact links to), or all its logs.
    path("org/<int:pk>/day/", views.office_day, name="day"),
    path("org/<int:pk>/day/<str:day>/", views.office_day, name="day"),
    # One name, two patterns: an org's page for the period in ?period= (default: this year), or for the
    # period in the path (what the score facts of a 司法局 link to, one per office: org/12/2026-11/).
    path("org/<int:pk>/", views.org_page, name="org"),
    path("org/<int:pk>/<str:period>/", views.org_page, name="org"),
]
