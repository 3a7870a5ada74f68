from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("cases/<int:pk>/meetings/preliminary/", views.preliminary, name="preliminary"),
    path("cases/<int:pk>/meetings/planning/", views.planning, name="planning"),
]
