import datetime
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


def folded(text):
    """
    Text as the case list's search compares it: without accents, with one
    kind of apostrophe, in lower case, so "zoe o'neill" finds "Zoë O’Neill".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("\u2019", "'").replace("\u2018", "'").casefold()


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
    # Every name of the pupil, folded for the case list's search.
    search_names = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.legal_first_names = nfc(self.legal_first_names)
        self.legal_surname = nfc(self.legal_surname)
        self.preferred_name = nfc(self.preferred_name)
        self.search_names = self.names_folded()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_names"}
        super().save(*args, **kwargs)

    def names_folded(self):
        names = (self.legal_first_names, self.legal_surname, self.preferred_name)
        return folded(" ".join(name for name in names if name))

    @property
    def legal_name(self):
        return f"{self.legal_first_names} {self.legal_surname}"

    @property
    def display_name(self):
        first = self.preferred_name or self.legal_first_names
        return f"{first} {self.legal_surname}"

    # Pupils in mainstream schools: Reception (0) to Year 13.
    FIRST_YEAR_GROUP = 0
    LAST_YEAR_GROUP = 13

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
    def reception_started_on(self):
        """1 September of the pupil's Reception year (Year 0, as year_group)."""
        born = self.date_of_birth
        after_cut_off = (born.month, born.day) > (8, 31)
        return datetime.date(born.year + (5 if after_cut_off else 4), 9, 1)

    @property
    def year_group_name(self):
        year = self.year_group()
        return "Reception" if year == 0 else f"Year {year}"

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

    PLACEMENT_STATES = (State.ACTIVE, State.EXTENDED)
    BEFORE_START_STATES = (
        State.ELIGIBILITY,
        State.PRELIMINARY,
        State.FINDING_SCHOOL,
        State.PLANNING,
    )
    OPEN_STATES = (*BEFORE_START_STATES, State.ACTIVE, State.EXTENDED)

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

    agreement_received_by_faet_on = models.DateField(null=True, blank=True)

    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["state", "home_school"]),
            models.Index(fields=["receiving_school", "state"]),
            models.Index(fields=["-opened_at"], name="case_list_order"),
            # Queues about placements look at the cases in one, never at
            # the many closed ones.
            # With the id, the queues are counted from the index alone.
            models.Index(
                fields=["started_on", "id"],
                condition=models.Q(state__in=["active", "extended"]),
                name="case_in_placement",
            ),
        ]

    def __str__(self):
        return self.reference or f"Case {self.pk}"

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @property
    def has_begun(self):
        """Whether the placement's first day has come."""
        return self.started_on is not None and self.started_on <= timezone.localdate()

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
        field=state, source=[State.ACTIVE, State.EXTENDED], target=State.EXTENDED
    )
    def extend(self):
        pass

    @transition(field=state, source=[State.ACTIVE, State.EXTENDED], target=State.ENDED)
    def end_early(self):
        pass

    @transition(
        field=state, source=[State.ACTIVE, State.EXTENDED], target=State.MANAGED_MOVE
    )
    def complete_managed_move(self):
        pass

    @transition(
        field=state,
        # Until its first day a started placement can still not go ahead.
        source=[*BEFORE_START_STATES, State.ACTIVE],
        target=State.NOT_PROCEEDING,
        conditions=[lambda case: not case.has_begun],
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
    class Document(models.TextChoices):
        DOWIMM_AGREEMENT = "dowimm_agreement", "DOWIMM Agreement"
        MANAGED_MOVE_AGREEMENT = "managed_move_agreement", "Managed Move Agreement"

    class Party(models.TextChoices):
        HOME_SCHOOL = "home_school", "Home school"
        RECEIVING_SCHOOL = "receiving_school", "Receiving school"
        PARENT_CARER = "parent_carer", "Parent or carer"
        PUPIL = "pupil", "Pupil"

    class Method(models.TextChoices):
        IN_APP = "in_app", "Signed in dowimm"
        PAPER = "paper", "Signed on paper"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signatures")
    document = models.CharField(
        max_length=30, choices=Document.choices, default=Document.DOWIMM_AGREEMENT
    )
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
        # No uniqueness here: a party signs again when the document changes,
        # and each signature counts for the version current when it was made.


class ContactLogEntry(models.Model):
    """A contact between the schools, the family and professionals."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    contact_on = models.DateField()
    between = models.TextField(help_text="Who took part.")
    method = models.CharField(max_length=20, choices=Method.choices)
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-contact_on", "-pk"]
        indexes = [
            models.Index(fields=["case", "contact_on"]),
            # The contacts of one week, for the Fair Access contact gaps.
            models.Index(fields=["contact_on", "case"], name="contact_in_week"),
        ]


class Absence(models.Model):
    """A session the pupil missed at the receiving school."""

    class Session(models.TextChoices):
        MORNING = "am", "Morning"
        AFTERNOON = "pm", "Afternoon"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="absences")
    absent_on = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    authorised = models.BooleanField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["absent_on", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "absent_on", "session"], name="one_absence_per_session"
            )
        ]


class ExtensionRequest(models.Model):
    """The receiving school's written request for more time, after a review."""

    class Reason(models.TextChoices):
        BEHAVIOUR = "behaviour", "Behaviour"
        ENGAGEMENT = "engagement", "Engagement"

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting answers"
        AGREED = "agreed", "Agreed by everyone"
        REFUSED = "refused", "Refused"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    review = models.ForeignKey(
        "meetings.ReviewMeeting", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    request = models.TextField()
    extra_school_days = models.PositiveSmallIntegerField()
    requested_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING
    )
    new_expected_end_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="awaiting"),
                name="one_extension_awaiting_per_case",
            )
        ]


class ExtensionAnswer(models.Model):
    class Party(models.TextChoices):
        HOME_SCHOOL = "home_school", "Home school"
        FAMILY = "family", "Pupil and family"
        FAIR_ACCESS = "fair_access", "Fair Access and Exclusions Team"

    extension = models.ForeignKey(
        ExtensionRequest, on_delete=models.CASCADE, related_name="answers"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    agreed = models.BooleanField()
    notes = models.TextField(blank=True)
    answered_on = models.DateField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["extension", "party"], name="one_answer_per_party"
            )
        ]


class Outcome(models.Model):
    """The Outcomes Form for a placement the receiving school ended early."""

    class Reason(models.TextChoices):
        SERIOUS_BREACH = (
            "serious_breach",
            ("A serious breach that would be grounds for a suspension here"),
        )
        ENGAGEMENT = (
            "engagement",
            ("The engagement level makes the placement's objective unreachable"),
        )
        FAMILY_CHOICE = "family_choice", "The pupil and family chose to end it"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="outcome")
    review = models.ForeignKey(
        "meetings.ReviewMeeting", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    incident = models.TextField(blank=True)
    evidence = models.TextField()
    last_day_on = models.DateField()
    return_on = models.DateField()
    successes = models.TextField()
    pupil_voice = models.TextField()
    family_voice = models.TextField()
    dispute_raised = models.BooleanField(default=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_to_faet_on = models.DateField(null=True, blank=True)
    received_by_faet_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()


class ReintegrationPlan(models.Model):
    """How the pupil returns to the home school: a fresh start."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="reintegration_plan"
    )
    meeting_offered_on = models.DateField()
    meeting_held_on = models.DateField(null=True, blank=True)
    key_adult = models.TextField()
    fresh_start_arrangements = models.TextField()
    timetable = models.TextField()
    reduced_timetable = models.BooleanField(default=False)
    parental_agreement_on = models.DateField(null=True, blank=True)
    reduced_timetable_ends_on = models.DateField(null=True, blank=True)
    support = models.TextField()
    review_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()


class ManagedMove(models.Model):
    """The receiving school's offer to take the pupil on roll, and the move."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="managed_move"
    )
    review = models.ForeignKey(
        "meetings.ReviewMeeting", on_delete=models.PROTECT, related_name="+"
    )
    offered_on = models.DateField()
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    single_registration_on = models.DateField(null=True, blank=True)
    # Worked out on the home school's calendar when the move completes, so
    # lists and reminders can find overdue transfers in one query.
    cp_file_due_on = models.DateField(null=True, blank=True)
    home_cme_informed_on = models.DateField(null=True, blank=True)
    receiving_cme_informed_on = models.DateField(null=True, blank=True)
    home_deleted_from_roll_on = models.DateField(null=True, blank=True)
    # Whether the child-protection file has gone: kept by database triggers
    # on the transfers (cases.tallies), so that the overdue files are found
    # in an index of the few moves still waiting for one.
    cp_file_sent = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["cp_file_sent"])

    class Meta:
        indexes = [
            models.Index(
                fields=["cp_file_due_on", "case"],
                condition=models.Q(cp_file_sent=False),
                name="managed_move_cp_file_waiting",
            )
        ]


class ChildProtectionFileTransfer(models.Model):
    """The home DSL sends the child-protection file; the receiving DSL confirms."""

    class Method(models.TextChoices):
        SECURE_SYSTEM = "secure_system", "Secure safeguarding system transfer"
        SECURE_EMAIL = "secure_email", "Secure (encrypted) email"
        DSL_HAND_DELIVERY = "dsl_hand_delivery", "Handed over in person by a DSL"
        TRACKED_COURIER = "tracked_courier", "Signed-for courier, DSL to DSL"

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="cp_file_transfer"
    )
    sent_on = models.DateField()
    method = models.CharField(max_length=30, choices=Method.choices)
    contents = models.TextField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stored_where = models.TextField(blank=True)

    history = HistoricalRecords()


class Dispute(models.Model):
    """A disagreement between the schools: FAET mediates, then a panel decides."""

    class RaisedBy(models.TextChoices):
        HOME_SCHOOL = "home_school", "Home school"
        RECEIVING_SCHOOL = "receiving_school", "Receiving school"

    class Mediation(models.TextChoices):
        RESOLVED = "resolved", "Resolved by mediation"
        NOT_RESOLVED = "not_resolved", "Not resolved: referred to a panel"

    class Panel(models.TextChoices):
        FAIR_ACCESS_PANEL = "fair_access_panel", "Fair Access Panel"
        VIRTUAL_PANEL = "virtual_panel", "Virtual panel"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disputes")
    raised_by_school = models.CharField(max_length=20, choices=RaisedBy.choices)
    about = models.TextField()
    raised_on = models.DateField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    mediation_dates = models.TextField(blank=True)
    mediation_notes = models.TextField(blank=True)
    mediation_outcome = models.CharField(
        max_length=20, choices=Mediation.choices, blank=True
    )
    panel = models.CharField(max_length=30, choices=Panel.choices, blank=True)
    panel_on = models.DateField(null=True, blank=True)
    panel_decision = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["raised_on", "pk"]
        indexes = [
            models.Index(
                fields=["case"], condition=models.Q(closed_on=None), name="dispute_open"
            )
        ]

    @property
    def is_open(self):
        return self.closed_on is None


# Figures over every case, kept by database triggers (cases.tallies) in the
# same transaction as the change to a case, so that the Fair Access dashboard
# reads a few rows instead of counting a quarter of a million cases.


class StageTally(models.Model):
    """How many cases are at a stage now."""

    state = models.CharField(primary_key=True, max_length=50, choices=Case.State)
    cases = models.IntegerField(default=0)


class SchoolMoveTally(models.Model):
    """The managed moves into and out of a school in one academic year."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="+"
    )
    # The calendar year the academic year starts in: 2025 for 2025-26. A
    # move counts in the year of its case's closing day.
    academic_year = models.PositiveSmallIntegerField()
    moved_in = models.IntegerField(default=0)
    moved_out = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year"], name="one_tally_per_school_year"
            )
        ]
        indexes = [
            models.Index(fields=["academic_year", "-moved_in"], name="school_moves_in"),
            models.Index(
                fields=["academic_year", "-moved_out"], name="school_moves_out"
            ),
        ]


class CaseReviewDue(models.Model):
    """
    For each case in placement, the day its earliest unheld review was due:
    the reviews overdue are read from these few rows, not found among every
    review ever booked for every case.
    """

    # The triggers add a row as a case starts its placement and remove it
    # when the placement ends or the case goes.
    case = models.OneToOneField(
        Case,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    first_unheld_on = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["first_unheld_on", "case"], name="review_due_on")
        ]


class ContactWeekTally(models.Model):
    """
    For each calendar week, named by its Monday, how many cases in
    placement since before that week have a contact recorded in it. A
    week's contact gaps are the placements less these, counted without
    reading a single placement or contact.
    """

    week_on = models.DateField(primary_key=True)
    cases = models.IntegerField(default=0)


class StageStay(models.Model):
    """
    One stay of a case in a stage, from the history row that brought it
    there to the one that took it on (none while it is still there). Kept
    by a trigger on the case history (cases.tallies), so that the time in
    each stage is read from these rows rather than worked out again from
    every change ever made.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=50, choices=Case.State)
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(left_at=None),
                name="one_current_stay_per_case",
            )
        ]
        indexes = [models.Index(fields=["left_at"], name="stage_stay_left")]
