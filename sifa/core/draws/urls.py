from django.urls import path

from sifa.core.draws import views

app_name = "draws"

urlpatterns = [
    path("", views.draw_list, name="list"),
    path("<str:number>.json", views.draw_json, name="json"),
    path("<str:number>/", views.draw_detail, name="detail"),
    path("<str:number>/perform/", views.draw_perform, name="perform"),
    path("<str:number>/cancel/", views.draw_cancel, name="cancel"),
]
