from django.urls import path

from sifa.core.scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("schemes/<int:pk>/ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("schemes/<int:pk>/compute/", views.compute, name="compute"),
    path("scores/<int:pk>/", views.score_detail, name="score_detail"),
    path("scores/<int:pk>/adjust/", views.adjust, name="adjust"),
]
