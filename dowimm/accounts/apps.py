from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dowimm.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
