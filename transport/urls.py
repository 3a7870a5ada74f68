from django.urls import path

from transport import views

app_name = "transport"

urlpatterns = [
    path("transport/", views.queue, name="queue"),
    path("transport/cases/<int:pk>/decide/", views.decide, name="decide"),
]
