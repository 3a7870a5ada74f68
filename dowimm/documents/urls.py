from django.urls import path

from dowimm.documents import views

app_name = "documents"

urlpatterns = [
    path("cases/<int:pk>/documents/<slug:kind>/", views.detail, name="detail"),
    path("cases/<int:pk>/documents/<slug:kind>/sign/", views.sign, name="sign"),
    path(
        "cases/<int:pk>/documents/<slug:kind>/signing-links/",
        views.signing_link_send,
        name="signing_link_send",
    ),
    path(
        "cases/<int:pk>/documents/<slug:kind>/versions/<int:number>/pdf/",
        views.version_pdf,
        name="version_pdf",
    ),
    path(
        "cases/<int:pk>/documents/<slug:kind>/versions/<int:number>/signed-pdf/",
        views.signed_pdf,
        name="signed_pdf",
    ),
    path("sign/<str:token>/", views.signing_start, name="signing_start"),
    path("sign/<str:token>/code/", views.signing_code, name="signing_code"),
    path("sign/<str:token>/document/", views.signing_document, name="signing_document"),
    path("sign/<str:token>/new-link/", views.signing_renew, name="signing_renew"),
    path("signed/", views.signing_done, name="signing_done"),
    path("verify/", views.verify, name="verify"),
]
