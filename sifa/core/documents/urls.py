from django.urls import path

from sifa.core.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.org_list, name="org_list"),
    path("generate/", views.org_generate, name="org_generate"),
    path("cases/<int:pk>/generate/", views.generate, name="generate"),
    path("templates/", views.template_list, name="templates"),
    path("templates/upload/", views.template_upload, name="template_upload"),
    path("templates/activate/", views.template_activate, name="template_activate"),
    path("templates/download/", views.template_download, name="template_download"),
]
