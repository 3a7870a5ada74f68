from django.urls import path

from dowimm.schools import views

app_name = "schools"

urlpatterns = [
    path("account/school/", views.details, name="details"),
]
