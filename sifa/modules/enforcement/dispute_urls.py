"""URLs of 行政争议 (非诉执行监督, AP-29 withdrawal, court acceptance), included by the module's ``urls.py``."""

from django.urls import path

from sifa.modules.enforcement import dispute_views as views

urlpatterns = [
    path("nonlitigation/", views.nonlitigation, name="nonlitigation"),
    path("nonlitigation/export.xlsx", views.nonlitigation_export, name="nonlitigation_export"),
    path("cases/<int:case_id>/withdrawal/", views.withdrawal_record, name="dispute_withdrawal"),
    path("cases/<int:case_id>/court-acceptance/", views.court_acceptance_record, name="dispute_court_acceptance"),
]
