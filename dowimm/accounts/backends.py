from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """Refuses the shared demo accounts unless the site runs in DEBUG."""

    def user_can_authenticate(self, user):
        if user.is_demo_account and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
