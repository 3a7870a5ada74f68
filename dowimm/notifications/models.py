from django.conf import settings
from django.db import models
from django.utils import timezone


class Reminder(models.Model):
    """
    One thing one person is reminded of, once. The unique constraint is what
    keeps a second run, a second beat or a redelivered task from sending it
    again; the daily job inserts rows and ignores those already there.
    """

    class Kind(models.TextChoices):
        REVIEW_DUE = "review_due", "Reviews coming up"
        REVIEW_OVERDUE = "review_overdue", "Reviews overdue"
        PLACEMENT_ENDING = "placement_ending", "Placements ending soon"
        PLANNING_TASKS = "planning_tasks", "Planning tasks waiting on you"
        APPROACH_UNANSWERED = "approach_unanswered", "Approaches awaiting an answer"
        # Their finders come with the records of issue 3: see finders.py.
        CONTACT_GAP = "contact_gap", "Weeks without contact"
        EXTENSION_WAITING = "extension_waiting", "Extensions waiting on you"
        OUTCOME_WAITING = "outcome_waiting", "Outcomes waiting on you"
        CP_FILE_DUE = "cp_file_due", "Child-protection files due"
        ATTENDANCE_BELOW = "attendance_below", "Attendance below the agreed level"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    due_on = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    message = models.TextField(help_text="What the reminder says, in one line.")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(
        max_length=255, blank=True, help_text="The kind of failure, never the email."
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due_on", "recipient"],
                name="one_reminder_per_case_kind_due_date_and_person",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "status"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"


class WeeklySummary(models.Model):
    """The Fair Access and Exclusions Team's summary of one week, sent once."""

    week_starting = models.DateField(unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "weekly summaries"

    def __str__(self):
        return f"Week starting {self.week_starting}"
