from django.urls import path

from sifa.core.deadlines import views

app_name = "deadlines"
urlpatterns = [
    path("", views.calculator_page, name="calculator"),
    path("rules/", views.rule_list, name="rules"),
    path("calendar/", views.calendar_list, name="calendar"),
    path("calendar/load/", views.calendar_load, name="calendar_load"),
]
