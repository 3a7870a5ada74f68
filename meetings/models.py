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

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="reviews"
    )
    scheduled_for = models.DateField()
    face_to_face = models.BooleanField(default=False)
    held_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_for", "pk"]
