import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

# How near an approved arrangement's end date must be for the transport
# officer's queue to show it as ending.
ENDING_WITHIN = datetime.timedelta(days=28)


def normalise_postcode(text):
    """Postcodes compare in one form: upper case, one space before the last 3."""
    compact = "".join(text.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


class Postcode(models.Model):
    """A postcode's grid reference, from the ONS Postcode Directory."""

    postcode = models.CharField(max_length=8, unique=True)
    easting = models.PositiveIntegerField()
    northing = models.PositiveIntegerField()

    def __str__(self):
        return self.postcode


class TravelAnswer(models.Model):
    """How the pupil will get to the receiving school, asked with the family."""

    class Answer(models.TextChoices):
        PARENT_CARER = "parent_carer", "A parent or carer will take them"
        ALONE = "alone", "They will travel on their own"
        NEEDS_TRANSPORT = "needs_transport", "Neither: they need transport"

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="travel_answer"
    )
    answer = models.CharField(max_length=20, choices=Answer.choices)
    answered_on = models.DateField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()


class TransportRequest(models.Model):
    """
    Transport for a placement the pupil cannot reach without it. Planning
    cannot complete until the panel's approval is recorded here.
    """

    class Decision(models.TextChoices):
        AWAITING = "awaiting", "Awaiting a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    class Arrangement(models.TextChoices):
        # In the policy's order of cost, cheapest first.
        BUS_PASS = "bus_pass", "Bus pass"
        BESPOKE = "bespoke", "Bespoke transport (taxi or minibus)"
        BEYOND_POLICY = "beyond_policy", "Beyond policy (a fuel allowance, say)"

    class Status(models.TextChoices):
        AWAITING_QUOTE = "awaiting_quote", "Awaiting a quote"
        AWAITING_PANEL = "awaiting_panel", "Awaiting the panel"
        RUNNING = "running", "Approved for the placement"
        ENDING = "ending", "Ending"
        ENDED = "ended", "Ended"
        REFUSED = "refused", "Refused"

    class DistanceSource(models.TextChoices):
        DIRECTORY = "directory", "From the postcode directory"
        HAND = "hand", "Entered by the transport officer"

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="transport_request"
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT)
    requested_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # Distances, in miles as the transport policy counts them.
    home_to_school_miles = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True
    )
    home_to_school_source = models.CharField(
        max_length=20, choices=DistanceSource.choices, blank=True
    )
    boarding_point = models.TextField(blank=True)
    boarding_point_postcode = models.CharField(max_length=8, blank=True)
    home_to_boarding_point_miles = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True
    )
    home_to_boarding_point_source = models.CharField(
        max_length=20, choices=DistanceSource.choices, blank=True
    )
    suitable_route = models.BooleanField(null=True)
    walk_to_stop_miles = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )

    arrangement = models.CharField(
        max_length=20, choices=Arrangement.choices, blank=True
    )
    arrangement_details = models.TextField(blank=True)
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="Required for anything beyond policy, which is short term.",
    )
    continues_after_managed_move = models.BooleanField(default=True)

    # Exceptions to policy: evidence, then two authorisations.
    risk_safeguarding = models.BooleanField(
        "Significant safeguarding concerns", default=False
    )
    risk_exploitation = models.BooleanField(
        "High risk of criminal or sexual exploitation", default=False
    )
    risk_send_vulnerability = models.BooleanField(
        "SEND that raises vulnerability", default=False
    )
    risk_absconding = models.BooleanField("Risk of absconding", default=False)
    exception_evidence = models.TextField(blank=True)
    exception_faet_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exception_faet_on = models.DateField(null=True, blank=True)
    exception_transport_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exception_transport_on = models.DateField(null=True, blank=True)

    # The quote.
    quote_requested_on = models.DateField(null=True, blank=True)
    quote_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quote_received_on = models.DateField(null=True, blank=True)
    supplier = models.TextField(blank=True)
    daily_cost = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True
    )
    total_cost = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True
    )

    # The panel's decision.
    decision = models.CharField(
        max_length=20, choices=Decision.choices, default=Decision.AWAITING
    )
    decided_on = models.DateField("panel date", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    panel_members = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    decision_notes = models.TextField("reasons", blank=True)

    history = HistoricalRecords()

    RISK_FIELDS = (
        "risk_safeguarding",
        "risk_exploitation",
        "risk_send_vulnerability",
        "risk_absconding",
    )

    @property
    def is_approved(self):
        return self.decision == self.Decision.APPROVED

    @property
    def has_quote(self):
        return self.quote_received_on is not None

    @property
    def risks(self):
        """The evidence categories ticked, as their labels."""
        return [
            self._meta.get_field(name).verbose_name
            for name in self.RISK_FIELDS
            if getattr(self, name)
        ]

    @property
    def exception_authorised(self):
        return bool(self.exception_faet_by_id and self.exception_transport_by_id)

    def status(self, today=None):
        today = today or timezone.localdate()
        if self.decision == self.Decision.REFUSED:
            return self.Status.REFUSED
        if self.decision == self.Decision.AWAITING:
            if self.has_quote:
                return self.Status.AWAITING_PANEL
            return self.Status.AWAITING_QUOTE
        if self.ends_on and self.ends_on < today:
            return self.Status.ENDED
        if self.ends_on and self.ends_on <= today + ENDING_WITHIN:
            return self.Status.ENDING
        return self.Status.RUNNING

    def get_status_display(self):
        return self.Status(self.status()).label


class TravelPlan(models.Model):
    """The Pupil's Individual Travel Plan (PITP): steps towards travelling alone."""

    request = models.OneToOneField(
        TransportRequest, on_delete=models.CASCADE, related_name="travel_plan"
    )
    goals = models.TextField()
    support = models.TextField()
    review_dates = models.TextField(
        blank=True, help_text="When the plan will be reviewed, if not at reviews."
    )
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    @property
    def goals_met(self):
        latest = self.reviews.first()
        return bool(latest and latest.goals_met)


class TravelPlanReview(models.Model):
    """A look at the PITP, at a review meeting where there is one."""

    plan = models.ForeignKey(
        TravelPlan, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField()
    review_meeting = models.ForeignKey(
        "meetings.ReviewMeeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="travel_plan_reviews",
    )
    progress = models.TextField()
    goals_met = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
