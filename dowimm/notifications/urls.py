from django.urls import path

from dowimm.notifications import views

app_name = "notifications"

urlpatterns = [
    path("reminders/", views.my_reminders, name="mine"),
]
