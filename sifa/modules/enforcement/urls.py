from django.urls import include, path

from sifa.modules.enforcement import views

app_name = "enforcement"
urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("bodies/new/", views.body_create, name="body_create"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/new/", views.officer_create, name="officer_create"),
    path("officers/import/", views.officer_import, name="officer_import"),
    path("officers/import/template.xlsx", views.officer_import_template, name="officer_import_template"),
    path("officers/export.xlsx", views.officer_export, name="officer_export"),
    path("officers/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("", include("sifa.modules.enforcement.penalty_urls")),
    path("", include("sifa.modules.enforcement.inspection_urls")),
    path("", include("sifa.modules.enforcement.similar_urls")),
    path("", include("sifa.modules.enforcement.dashboard_urls")),
    path("", include("sifa.modules.enforcement.dispute_urls")),
    path("", include("sifa.modules.enforcement.review_urls")),
]
