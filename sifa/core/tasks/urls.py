from django.urls import path

from sifa.core.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("retry/", views.task_retry, name="retry"),
]
