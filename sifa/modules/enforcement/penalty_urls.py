"""URLs of 行政处罚 cases, included by the module's ``urls.py`` (names prefixed ``penalty_``)."""

from django.urls import path

from sifa.modules.enforcement import penalty_views as views

urlpatterns = [
    path("cases/", views.penalty_list, name="penalty_list"),
    path("cases/export/", views.penalty_export, name="penalty_export"),
    path("cases/new/", views.penalty_new, name="penalty_new"),
    path("cases/<int:case_id>/", views.penalty_case, name="penalty_case"),
    path("cases/<int:case_id>/step/", views.penalty_step, name="penalty_step"),
]
