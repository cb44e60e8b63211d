from django.urls import path

from sifa.modules.judicial_office import plan_views as views

app_name = "jo_plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("tasks/", views.my_tasks, name="tasks"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/items/", views.item_add, name="item_add"),
    path("<int:pk>/progress.xlsx", views.plan_export, name="export"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("tasks/<int:pk>/done/", views.occurrence_done, name="occurrence_done"),
]
