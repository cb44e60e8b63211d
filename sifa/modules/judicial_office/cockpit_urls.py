from django.urls import path

from sifa.modules.judicial_office import cockpit_views as views

app_name = "cockpit"
urlpatterns = [
    path("", views.home, name="home"),
    path("org/<int:pk>/", views.org_page, name="org"),
    path("org/<int:pk>/export.xlsx", views.export, name="export"),
    path("org/<int:pk>/alerts/", views.alerts, name="alerts"),
]
