from django.urls import path

from sifa.modules.liaisons import views

app_name = "liaisons"
urlpatterns = [
    path("", views.liaison_list, name="list"),
    path("new/", views.liaison_create, name="create"),
    path("import/", views.liaison_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export.xlsx", views.liaison_export, name="export"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.liaison_detail, name="detail"),
    path("<int:pk>/edit/", views.liaison_edit, name="edit"),
    path("<int:pk>/trainings/new/", views.training_create, name="training_create"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("<int:pk>/rewards/new/", views.reward_create, name="reward_create"),
    path("<int:pk>/remove/", views.liaison_remove, name="remove"),
]
