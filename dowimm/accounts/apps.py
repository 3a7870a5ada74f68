from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dowimm.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from dowimm.accounts import signals  # noqa: F401
