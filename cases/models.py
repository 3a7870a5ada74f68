import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from dowimm.files import private_storage


def nfc(text):
    """Names arrive typed both precomposed and decomposed; store one form."""
    return unicodedata.normalize("NFC", text.strip()) if text else text


def academic_year_start(on):
    return on.year if on.month >= 9 else on.year - 1


class Pupil(models.Model):
    class SenStatus(models.TextChoices):
        NONE = "none", "No special educational needs"
        SEN_SUPPORT = "sen_support", "SEN support"
        EHC_ASSESSMENT = "ehc_assessment", "EHC needs assessment under way"
        YES_TO_PLAN = "yes_to_plan", "Agreed to issue an EHCP (“yes to plan”)"
        EHCP = "ehcp", "Education, health and care plan (EHCP)"

    # Text fields, not CharFields: a length limit would cut real names.
    legal_first_names = models.TextField()
    legal_surname = models.TextField()
    preferred_name = models.TextField(blank=True)
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, db_index=True)
    home_address = models.TextField()
    home_postcode = models.CharField(max_length=8)
    sen_status = models.CharField(
        "SEN status", max_length=20, choices=SenStatus.choices
    )
    in_care = models.BooleanField(default=False)

    history = HistoricalRecords()

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.legal_first_names = nfc(self.legal_first_names)
        self.legal_surname = nfc(self.legal_surname)
        self.preferred_name = nfc(self.preferred_name)
        super().save(*args, **kwargs)

    @property
    def legal_name(self):
        return f"{self.legal_first_names} {self.legal_surname}"

    @property
    def display_name(self):
        first = self.preferred_name or self.legal_first_names
        return f"{first} {self.legal_surname}"

    def year_group(self, on=None):
        """
        National curriculum year on a date: pupils born 1 September to
        31 August share a year, and Year 1 is the year a child turns 6.
        """
        on = on or timezone.localdate()
        year_start = academic_year_start(on)
        born = self.date_of_birth
        age_on_31_august = year_start - born.year
        if (born.month, born.day) > (8, 31):
            age_on_31_august -= 1
        return age_on_31_august - 4

    @property
    def has_ehcp_or_yes_to_plan(self):
        return self.sen_status in (self.SenStatus.EHCP, self.SenStatus.YES_TO_PLAN)


class ParentCarer(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="carers")
    full_name = models.TextField()
    relationship = models.CharField(max_length=100)
    has_parental_responsibility = models.BooleanField(default=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name)
        super().save(*args, **kwargs)


class Case(FSMModelMixin, models.Model):
    class State(models.TextChoices):
        ELIGIBILITY = "eligibility", "Eligibility"
        PRELIMINARY = "preliminary", "Preliminary"
        FINDING_SCHOOL = "finding_school", "Finding a receiving school"
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active placement"
        EXTENDED = "extended", "Extended placement"
        ENDED = "ended", "Ended"
        MANAGED_MOVE = "managed_move", "Managed move"
        NOT_PROCEEDING = "not_proceeding", "Not proceeding"

    OPEN_STATES = (
        State.ELIGIBILITY,
        State.PRELIMINARY,
        State.FINDING_SCHOOL,
        State.PLANNING,
        State.ACTIVE,
        State.EXTENDED,
    )

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="cases")
    home_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="cases_sent"
    )
    receiving_school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_received",
    )
    state = FSMField(default=State.ELIGIBILITY, choices=State.choices, protected=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # Eligibility
    internal_strategies_exhausted = models.BooleanField(default=False)
    at_risk_of_exclusion = models.BooleanField(default=False)
    exclusion_issued = models.BooleanField(default=False)
    other_reason = models.TextField(blank=True)
    purpose_is_low_attendance = models.BooleanField(null=True)
    consulted_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consulted_on = models.DateField(null=True, blank=True)
    consultation_agreed = models.BooleanField(null=True)
    consultation_notes = models.TextField(blank=True)

    # Preliminary
    provision_plan = models.FileField(
        storage=private_storage, upload_to="provision-plans/", blank=True
    )
    provision_plan_name = models.CharField(max_length=255, blank=True)
    provision_plan_uploaded_at = models.DateTimeField(null=True, blank=True)
    pathway_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pathway_decided_on = models.DateField(null=True, blank=True)
    best_interests_statement = models.TextField(blank=True)

    # Finding a school
    transport_needed = models.BooleanField(null=True)

    # Planning
    safer_recruitment_assured_by = models.TextField(blank=True)
    safer_recruitment_assured_on = models.DateField(null=True, blank=True)
    home_contact_name = models.TextField(blank=True)
    home_contact_email = models.EmailField(blank=True)
    receiving_contact_name = models.TextField(blank=True)
    receiving_contact_email = models.EmailField(blank=True)
    tour_on = models.DateField(null=True, blank=True)

    # Placement
    started_on = models.DateField(null=True, blank=True)
    expected_end_on = models.DateField(null=True, blank=True)
    expected_end_explanation = models.TextField(blank=True)

    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["state", "home_school"]),
            models.Index(fields=["receiving_school", "state"]),
        ]

    def __str__(self):
        return self.reference or f"Case {self.pk}"

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @property
    def meets_a_scheme_reason(self):
        return (
            self.internal_strategies_exhausted
            or self.at_risk_of_exclusion
            or self.exclusion_issued
        )

    # Transitions. Guards on the data live in cases.services, which calls
    # these only once the stage's tasks are complete; the decorators keep
    # the order of stages itself impossible to break.

    @transition(field=state, source=State.ELIGIBILITY, target=State.PRELIMINARY)
    def confirm_eligible(self):
        pass

    @transition(field=state, source=State.PRELIMINARY, target=State.FINDING_SCHOOL)
    def agree_pathway(self):
        pass

    @transition(field=state, source=State.FINDING_SCHOOL, target=State.PLANNING)
    def accept_placement(self):
        pass

    @transition(field=state, source=State.PLANNING, target=State.FINDING_SCHOOL)
    def return_to_finding_school(self):
        pass

    @transition(field=state, source=State.PLANNING, target=State.ACTIVE)
    def start_placement(self):
        pass

    @transition(
        field=state,
        source=[
            State.ELIGIBILITY,
            State.PRELIMINARY,
            State.FINDING_SCHOOL,
            State.PLANNING,
        ],
        target=State.NOT_PROCEEDING,
    )
    def close_not_proceeding(self):
        pass


class Intervention(models.Model):
    """A strategy the home school tried before considering a DOWIMM."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="interventions"
    )
    description = models.TextField()
    started_on = models.DateField()
    outcome = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "pk"]


class ReceivingSchoolApproach(models.Model):
    class Answer(models.TextChoices):
        AWAITING = "awaiting", "Awaiting an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approaches")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="approaches"
    )
    approached_on = models.DateField()
    notes = models.TextField(blank=True)
    answer = models.CharField(
        max_length=20, choices=Answer.choices, default=Answer.AWAITING
    )
    answered_on = models.DateField(null=True, blank=True)
    answer_notes = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["approached_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(answer="accepted"),
                name="one_accepted_approach_per_case",
            ),
        ]


class Consent(models.Model):
    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person at a meeting"
        WRITING = "writing", "In writing"
        PHONE = "phone", "By phone"
        EMAIL = "email", "By email"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    carer = models.ForeignKey(
        ParentCarer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Empty when the consent is the pupil's own.",
    )
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "carer"], name="one_consent_per_carer"
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(carer__isnull=True),
                name="one_consent_from_the_pupil",
            ),
        ]

    @property
    def given_by(self):
        return str(self.carer) if self.carer_id else "The pupil"


class SafeguardingShare(models.Model):
    """What the home school shared with the receiving school's DSL."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="safeguarding"
    )
    multi_agency_plans = models.TextField()
    allocated_workers = models.TextField()
    recording_and_sharing_plan = models.TextField()
    shared_on = models.DateField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()


class AgreementSignature(models.Model):
    class Party(models.TextChoices):
        HOME_SCHOOL = "home_school", "Home school"
        RECEIVING_SCHOOL = "receiving_school", "Receiving school"
        PARENT_CARER = "parent_carer", "Parent or carer"
        PUPIL = "pupil", "Pupil"

    class Method(models.TextChoices):
        IN_APP = "in_app", "Signed in dowimm"
        PAPER = "paper", "Signed on paper"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=20, choices=Party.choices)
    carer = models.ForeignKey(
        ParentCarer, null=True, blank=True, on_delete=models.CASCADE
    )
    signed_by_name = models.TextField()
    signed_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    scan = models.FileField(
        storage=private_storage, upload_to="signatures/", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["signed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party"],
                condition=~models.Q(party="parent_carer"),
                name="one_signature_per_party",
            ),
            models.UniqueConstraint(
                fields=["case", "carer"],
                condition=models.Q(party="parent_carer"),
                name="one_signature_per_carer",
            ),
        ]
