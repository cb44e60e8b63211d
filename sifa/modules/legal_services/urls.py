from django.urls import path

from sifa.modules.legal_services import views

app_name = "legal_services"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("places/<int:pk>/", views.place_detail, name="place"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.manage_create, name="manage_create"),
    path("manage/export.xlsx", views.manage_export, name="manage_export"),
    path("manage/import/", views.manage_import, name="manage_import"),
    path("manage/<int:pk>/", views.manage_edit, name="manage_edit"),
    path("manage/<int:pk>/publication/", views.manage_publication, name="manage_publication"),
    path("manage/<int:pk>/photos/", views.manage_photo_upload, name="manage_photo_upload"),
    path("manage/photos/<int:pk>/remove/", views.manage_photo_remove, name="manage_photo_remove"),
]
