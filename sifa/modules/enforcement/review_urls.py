"""URLs of 案卷评查, included by the module's ``urls.py`` (names prefixed ``review_``)."""

from django.urls import path

from sifa.modules.enforcement import review_views as views

urlpatterns = [
    path("reviews/", views.review_campaign_list, name="review_campaign_list"),
    path("reviews/new/", views.review_campaign_create, name="review_campaign_create"),
    path("reviews/results/", views.review_results, name="review_results"),
    path("reviews/results.xlsx", views.review_results_export, name="review_results_export"),
    path("reviews/<int:pk>/", views.review_campaign_detail, name="review_campaign_detail"),
    path("reviews/<int:pk>/publish/", views.review_campaign_publish, name="review_campaign_publish"),
    path("reviews/<int:pk>/draw/", views.review_campaign_draw, name="review_campaign_draw"),
    path("reviews/files/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/files/<int:pk>/score/", views.review_score, name="review_score"),
    path("reviews/files/<int:pk>/finish/", views.review_finish, name="review_finish"),
    path("reviews/files/<int:pk>/rectify/", views.review_rectify, name="review_rectify"),
]
