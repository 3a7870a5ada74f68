from django.urls import path

from transport import views

app_name = "transport"

urlpatterns = [
    path("transport/", views.queue, name="queue"),
    path("transport/panel-pack/", views.panel_pack, name="panel_pack"),
    path("cases/<int:pk>/transport/", views.request_detail, name="request"),
    path("cases/<int:pk>/transport/travel/", views.travel, name="travel"),
    path("cases/<int:pk>/transport/route/", views.route, name="route"),
    path(
        "cases/<int:pk>/transport/quote-request/",
        views.quote_request,
        name="quote_request",
    ),
    path("cases/<int:pk>/transport/quote/", views.quote, name="quote"),
    path("cases/<int:pk>/transport/exception/", views.exception, name="exception"),
    path("cases/<int:pk>/transport/decision/", views.decide, name="decide"),
    path("cases/<int:pk>/transport/end/", views.end, name="end"),
    path(
        "cases/<int:pk>/transport/travel-plan/",
        views.travel_plan,
        name="travel_plan",
    ),
    path(
        "cases/<int:pk>/transport/travel-plan/review/",
        views.travel_plan_review,
        name="travel_plan_review",
    ),
]
