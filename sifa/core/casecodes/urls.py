"""Pages of case codes, mounted at the site root: /c/<case_code> is what the QR on paper encodes."""

from django.urls import path

from sifa.core.casecodes import views

app_name = "casecodes"
urlpatterns = [
    path("c/<str:case_code>", views.entry, name="entry"),
    path("g/<str:token>", views.link, name="link"),
    path("casecodes/cases/<int:pk>/qr.svg", views.qr_svg, name="qr_svg"),
    path("casecodes/cases/<int:pk>/qr.png", views.qr_png, name="qr_png"),
    path("casecodes/cases/<int:pk>/grants/", views.grant_issue, name="grant_issue"),
    path("casecodes/grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("casecodes/review/", views.my_grants, name="my_grants"),
    path("casecodes/review/<int:pk>/", views.review, name="review"),
    path("casecodes/review/<int:pk>/package/", views.review_package, name="review_package"),
    path("casecodes/files/<int:pk>/", views.review_file, name="review_file"),
]
