from django.urls import path

from sifa.modules.judicial_office import views

app_name = "judicial_office"
urlpatterns = [
    path("log/", views.today, name="today"),
    path("log/month/", views.month, name="month"),
    path("logs/", views.log_list, name="log_list"),
    path("logs.xlsx", views.log_export, name="log_export"),
    path("logs/<int:pk>/", views.log_detail, name="log_detail"),
    path("logs/<int:pk>/correction/", views.correction_request, name="correction_request"),
    path("corrections/", views.correction_list, name="correction_list"),
    path("corrections/<int:pk>/", views.correction_detail, name="correction_detail"),
    path("corrections/<int:pk>/decide/", views.correction_decide, name="correction_decide"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/", views.catalogue_edit, name="catalogue_edit"),
]
