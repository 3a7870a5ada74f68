from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords


class Calendar(models.Model):
    """The county's model calendar (no school) or one school's own calendar."""

    name = models.CharField(max_length=255)
    school = models.OneToOneField(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar",
    )
    inherits_county = models.BooleanField(
        default=True,
        help_text=(
            "Use the county's terms and holidays for any academic year in which "
            "this calendar has no terms of its own."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            # NULLs are distinct in a unique index, so the county's null school
            # is folded to 0 to allow exactly one county calendar.
            models.UniqueConstraint(
                Coalesce("school", 0), name="calendars_one_county_calendar"
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=False) | Q(inherits_county=False),
                name="calendars_county_inherits_nothing",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_county(self):
        return self.school_id is None


class CalendarEntry(models.Model):
    """A span of days in a calendar: a term, or a reason the school is shut."""

    class Kind(models.TextChoices):
        TERM = "term", "term"
        HOLIDAY = "holiday", "holiday"
        INSET = "inset", "staff training day"
        BANK_HOLIDAY = "bank_holiday", "bank holiday"
        CLOSURE = "closure", "closure"

    calendar = models.ForeignKey(
        Calendar, on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField(help_text="The last day, included.")
    label = models.CharField(max_length=255)
    academic_year = models.CharField(max_length=7, help_text="For example 2025-26.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "kind"]
        verbose_name_plural = "calendar entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="calendars_entry_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["calendar", "kind", "start_date", "end_date"],
                name="calendars_entry_unique_span",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.start_date} to {self.end_date})"
