"""奖惩与提请 pages (part "sanctions"), composed in urls.py under the ``correction`` namespace."""

from __future__ import annotations

from django.urls import path

from sifa.modules.correction import sanction_views as views

urlpatterns = [
    path("sanctions/", views.sanction_queue, name="sanction_queue"),
    path("sanctions/export/", views.sanction_export, name="sanction_export"),
    path("sanctions/cases/<int:pk>/new/", views.sanction_new, name="sanction_new"),
    path("sanctions/<int:pk>/", views.sanction_detail, name="sanction_detail"),
    path("sanctions/<int:pk>/decide/", views.sanction_decide, name="sanction_decide"),
    path("sanctions/<int:pk>/package/", views.sanction_package, name="sanction_package"),
    path("sanctions/cases/<int:pk>/proposal/", views.proposal_new, name="proposal_new"),
    path("sanctions/proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("sanctions/proposals/<int:pk>/arrest/", views.proposal_arrest, name="proposal_arrest"),
    path("sanctions/proposals/<int:pk>/ruling/", views.proposal_ruling, name="proposal_ruling"),
    path("sanctions/proposals/<int:pk>/package/", views.proposal_package, name="proposal_package"),
    path("sanctions/cases/<int:pk>/commutation/", views.commutation_new, name="commutation_new"),
    path("sanctions/commutations/<int:pk>/ruling/", views.commutation_ruling, name="commutation_ruling"),
]
