import logging
import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from dowimm.accounts import services
from dowimm.accounts.models import User

logger = logging.getLogger(__name__)

SIGNED_IN_AT = "dowimm_signed_in_at"
LAST_SEEN = "dowimm_last_seen"


@receiver(user_logged_in)
def session_start(sender, request, user, **kwargs):
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    services.signed_in_session_record(
        user=user, session_key=request.session.session_key
    )


@receiver(post_save, sender=User)
def sessions_end_when_disabled(sender, instance, **kwargs):
    if not instance.is_active:
        services.sessions_end_all(user=instance)


@receiver(user_locked_out)
def lockout_log(sender, request, username, ip_address, **kwargs):
    # The username and IP address are personal data: log only the account's
    # id, and whether the name matched an account at all.
    user_id = User.objects.filter(username=username).values_list("pk", flat=True)
    logger.warning(
        "Sign-in refused: locked out after repeated failures, user %s",
        user_id.first() or "unknown",
    )
