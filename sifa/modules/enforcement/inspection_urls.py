"""URLs of 双随机一公开, included by the module's ``urls.py`` (names prefixed ``inspection_``)."""

from django.urls import path

from sifa.modules.enforcement import inspection_views as views

urlpatterns = [
    path("inspections/", views.inspection_plan_list, name="inspection_plan_list"),
    path("inspections/new/", views.inspection_plan_create, name="inspection_plan_create"),
    path("inspections/merge/", views.inspection_merge, name="inspection_merge"),
    path("inspections/<int:pk>/", views.inspection_plan_detail, name="inspection_plan_detail"),
    path("inspections/<int:pk>/publish/", views.inspection_plan_publish, name="inspection_plan_publish"),
    path("inspections/<int:pk>/draw/", views.inspection_plan_draw, name="inspection_plan_draw"),
    path("inspections/<int:pk>/cancel/", views.inspection_plan_cancel, name="inspection_plan_cancel"),
    path("inspections/<int:pk>/results/", views.inspection_plan_results, name="inspection_plan_results"),
    path("inspections/checks/<int:pk>/result/", views.inspection_result, name="inspection_result"),
    path("inspections/targets/", views.inspection_target_list, name="inspection_target_list"),
    path("inspections/targets/export.xlsx", views.inspection_target_export, name="inspection_target_export"),
    path("inspections/targets/import/", views.inspection_target_import, name="inspection_target_import"),
    path("inspections/targets/import/template.xlsx", views.inspection_target_template,
         name="inspection_target_template"),
    path("inspections/targets/<int:pk>/", views.inspection_target_detail, name="inspection_target_detail"),
    path("public/inspections/", views.inspection_public_list, name="inspection_public_list"),
    path("public/inspections/<str:number>/", views.inspection_public_detail, name="inspection_public_detail"),
]
