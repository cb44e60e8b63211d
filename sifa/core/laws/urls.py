from django.urls import path

from sifa.core.laws import views

app_name = "laws"

urlpatterns = [
    path("", views.law_list, name="list"),
    path("search/", views.search, name="search"),
    path("import/", views.law_import, name="import"),
    path("<str:key>/", views.law_detail, name="detail"),
    path("<str:key>/articles/<str:ref>/", views.article_detail, name="article"),
    path("<str:key>/versions/", views.version_list, name="versions"),
    path("<str:key>/versions/<int:pk>/", views.version_detail, name="version"),
    path("<str:key>/edit/", views.law_edit, name="edit"),
    path("<str:key>/repeal/", views.law_repeal, name="repeal"),
]
