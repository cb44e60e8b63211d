from django.urls import path

from sifa.core.attachments import views

app_name = "attachments"
urlpatterns = [
    path("cases/<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/thumbnail/", views.thumbnail, name="thumbnail"),
]
