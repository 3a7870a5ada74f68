from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class TransportRequest(models.Model):
    """
    Transport for a placement the pupil cannot reach without it. Planning
    cannot complete until a decision to approve it is recorded here.
    """

    class Decision(models.TextChoices):
        AWAITING = "awaiting", "Awaiting a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="transport_request"
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT)
    requested_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(
        max_length=20, choices=Decision.choices, default=Decision.AWAITING
    )
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_notes = models.TextField(blank=True)

    history = HistoricalRecords()

    @property
    def is_approved(self):
        return self.decision == self.Decision.APPROVED
