import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


def _kept_reference(to, **kwargs):
    # Events outlive what they point at (a deleted case, a departed member
    # of staff), and the table refuses deletes, so there is no constraint
    # and nothing cascades.
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        **kwargs,
    )


class AccessEvent(models.Model):
    """
    One person seeing one child's record in one response. Append-only:
    the database refuses to update or delete these rows. A parent, carer
    or pupil signing from an emailed link has no user: `role` is the party
    the link was sent to and `signing_link` the link they used.
    """

    at = models.DateTimeField(default=timezone.now)
    user = _kept_reference(settings.AUTH_USER_MODEL)
    role = models.CharField(max_length=32)
    school = _kept_reference("schools.School")
    case = _kept_reference("cases.Case")
    pupil = _kept_reference("cases.Pupil")
    signing_link = _kept_reference("documents.SigningLink")
    view = models.CharField(max_length=100)
    request_id = models.UUIDField(default=uuid.uuid4)

    class Meta:
        ordering = ["-at", "-pk"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["case", "-at"], name="access_by_case_time"),
            models.Index(fields=["pupil", "-at"], name="access_by_pupil_time"),
        ]

    def __str__(self):
        return f"{self.view} by user {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
