from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class PreliminaryMeeting(models.Model):
    """The home school and the linked Inclusion Adviser consider a DOWIMM."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="preliminary_meeting"
    )
    held_on = models.DateField()
    attendees = models.TextField(help_text="One person a line, with their role.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()


class PlanningMeeting(models.Model):
    """Both schools, the family and the pupil agree how the placement will run."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="planning_meeting"
    )
    held_on = models.DateField()
    attendees = models.TextField(help_text="One person a line, with their role.")
    family_understand_process = models.BooleanField()
    support_agreed = models.TextField()
    engagement_level = models.TextField()
    attendance_threshold_percent = models.PositiveSmallIntegerField()
    proposed_start_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()


class ReviewMeeting(models.Model):
    """A review of the placement: proposed at planning, then held."""

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the placement"
        REQUEST_EXTENSION = "request_extension", "Request an extension"
        END = "end", "End the placement"
        OFFER_MANAGED_MOVE = "offer_managed_move", "Offer a managed move"

    class Engagement(models.TextChoices):
        MET = "met", "Meeting the agreed engagement level"
        PARTLY = "partly", "Partly meeting it"
        NOT_MET = "not_met", "Not meeting it"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="reviews"
    )
    scheduled_for = models.DateField()
    face_to_face = models.BooleanField(default=False)
    held_on = models.DateField(null=True, blank=True)
    attendees = models.TextField(blank=True)
    sessions_possible = models.PositiveSmallIntegerField(null=True, blank=True)
    sessions_absent_authorised = models.PositiveSmallIntegerField(null=True, blank=True)
    sessions_absent_unauthorised = models.PositiveSmallIntegerField(
        null=True, blank=True
    )
    incidents = models.TextField(blank=True)
    engagement = models.CharField(max_length=20, choices=Engagement.choices, blank=True)
    engagement_notes = models.TextField(blank=True)
    pupil_voice = models.TextField(blank=True)
    family_voice = models.TextField(blank=True)
    concerns_and_support = models.TextField(blank=True)
    strategies_shared = models.TextField(blank=True)
    reintegration_planning = models.TextField(blank=True)
    travel_plan_review = models.TextField(blank=True)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_for", "pk"]

    @property
    def is_held(self):
        return self.held_on is not None

    @property
    def raised_engagement_concern(self):
        return self.engagement in (self.Engagement.PARTLY, self.Engagement.NOT_MET)
