from django.urls import path

from dowimm.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.second_factor, name="second_factor"),
    path(
        "sign-in/set-up-app/",
        views.second_factor_set_up,
        name="second_factor_set_up",
    ),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("account/", views.account, name="account"),
    path(
        "account/recovery-codes/",
        views.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
]
