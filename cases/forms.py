import re

from crispy_forms_gds.layout import Fieldset, Layout, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.gb import upn as upn_number

from cases.fair_access import QUEUES, cases_in_queue
from cases.models import AgreementSignature, Case, Consent, Pupil, folded
from dowimm.files import validate_document_upload
from dowimm.forms import (
    EMAIL_ADDRESS_ERROR,
    GovForm,
    PhoneNumberField,
    SchoolDateField,
    yes_no_field,
)
from dowimm.forms import text_field as text
from dowimm.schools.models import School
from dowimm.schools.services import normalise_postcode

# The shapes of a UK postcode's outward code, then the inward code.
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")


class PupilForm(GovForm):
    legal_first_names = text(
        "Legal first names", error="Enter the pupil's legal first names"
    )
    legal_surname = text("Legal surname", error="Enter the pupil's legal surname")
    preferred_name = text(
        "Preferred first name",
        required=False,
        help_text="Only if the pupil is known by a different first name.",
    )
    date_of_birth = SchoolDateField(
        what="the pupil's date of birth",
        label="Date of birth",
        help_text="For example, 27 3 2012",
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        help_text="13 characters, starting with a letter, for example A926…",
        error_messages={"required": "Enter the pupil's UPN"},
    )
    home_address = text("Home address", rows=3, error="Enter the pupil's home address")
    home_postcode = forms.CharField(
        label="Home postcode",
        error_messages={"required": "Enter the pupil's home postcode"},
    )
    sen_status = forms.ChoiceField(
        label="Special educational needs",
        choices=Pupil.SenStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the pupil's SEN status"},
    )
    in_care = yes_no_field(
        "Is the pupil in the care of the local authority?",
        error_messages={"required": "Select yes if the pupil is in care"},
    )

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("The date of birth must be in the past")
        year = Pupil(date_of_birth=born).year_group(today)
        if year < Pupil.FIRST_YEAR_GROUP:
            raise forms.ValidationError(
                f"Enter the pupil's date of birth: a child born on {born:%-d %B %Y} "
                "is not old enough for Reception this school year"
            )
        if year > Pupil.LAST_YEAR_GROUP:
            raise forms.ValidationError(
                f"Enter the pupil's date of birth: a child born on {born:%-d %B %Y} "
                "would be past Year 13 this school year"
            )
        return born

    def clean_upn(self):
        value = upn_number.compact(self.cleaned_data["upn"])
        try:
            return upn_number.validate(value)
        except InvalidChecksum:
            raise forms.ValidationError(
                "Check the UPN: its first letter does not match the rest of the number"
            ) from None
        except InvalidComponent:
            raise forms.ValidationError(
                "Check the UPN: characters 2 to 4 must be a local authority "
                "number, such as 926 for Norfolk"
            ) from None
        except ValidationError:
            raise forms.ValidationError(
                "Enter a UPN of 13 characters: a letter, 11 digits, then a digit "
                "or letter"
            ) from None

    def clean_home_postcode(self):
        postcode = normalise_postcode(self.cleaned_data["home_postcode"])
        if not POSTCODE.match(postcode):
            raise forms.ValidationError("Enter a real postcode, such as NR1 2DH")
        return postcode


class CarerForm(GovForm):
    submit_label = "Add parent or carer"

    full_name = text("Full name", error="Enter the parent or carer's full name")
    relationship = text(
        "Relationship to the pupil",
        error="Enter their relationship to the pupil, such as mother",
    )
    has_parental_responsibility = yes_no_field(
        "Do they have parental responsibility?",
        error_messages={"required": "Select yes if they have parental responsibility"},
    )
    phone = PhoneNumberField(label="Phone number", required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": EMAIL_ADDRESS_ERROR},
    )


class EligibilityForm(GovForm):
    submit_label = "Confirm eligibility"

    REASONS = [
        (
            "internal_strategies_exhausted",
            "The school's own strategies are exhausted and a fresh start would help",
        ),
        ("at_risk_of_exclusion", "The pupil is at risk of permanent exclusion"),
        (
            "exclusion_issued",
            "A permanent exclusion has been issued and this is the alternative",
        ),
    ]

    reasons = forms.MultipleChoiceField(
        label="Why is a DOWIMM appropriate?",
        choices=REASONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. If none do, record the other reason and "
        "the Inclusion Adviser you consulted below.",
    )
    purpose_is_low_attendance = yes_no_field(
        "Is the main purpose to resolve low attendance?",
        error_messages={"required": "Select yes if the purpose is low attendance"},
    )
    other_reason = text("Other reason", required=False, rows=3)
    consulted_adviser = forms.ModelChoiceField(
        label="Inclusion Adviser consulted",
        queryset=None,
        required=False,
        empty_label="Choose the adviser",
    )
    consulted_on = SchoolDateField(
        what="the date you consulted the adviser",
        label="Date consulted",
        past=True,
        required=False,
    )
    consultation_agreed = forms.TypedChoiceField(
        label="Did the adviser agree a DOWIMM can go ahead?",
        choices=[(True, "Yes"), (False, "No")],
        coerce=lambda value: value in (True, "True"),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    consultation_notes = text("Notes of the consultation", required=False, rows=3)

    def __init__(self, *args, advisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consulted_adviser"].queryset = advisers
        self.helper.layout = Layout(
            "reasons",
            "purpose_is_low_attendance",
            Fieldset(
                "other_reason",
                "consulted_adviser",
                "consulted_on",
                "consultation_agreed",
                "consultation_notes",
                legend="Only if none of the reasons apply",
                legend_size="m",
            ),
            Submit("submit", self.submit_label),
        )

    def clean(self):
        # The service decides; this only lets an empty form show every
        # missing answer at once.
        data = super().clean()
        outside_the_reasons = ("other_reason", "consulted_adviser", "consulted_on")
        if not data.get("reasons") and not any(
            data.get(name) for name in outside_the_reasons
        ):
            self.add_error(
                "reasons",
                "Select why a DOWIMM is appropriate, or record the other reason, "
                "the Inclusion Adviser you consulted and when",
            )
        return data

    def answers(self):
        data = self.cleaned_data
        answers = {name: name in data["reasons"] for name, _ in self.REASONS}
        answers.update(
            {
                name: data[name]
                for name in (
                    "purpose_is_low_attendance",
                    "other_reason",
                    "consulted_adviser",
                    "consulted_on",
                    "consultation_agreed",
                    "consultation_notes",
                )
            }
        )
        return answers


class InterventionForm(GovForm):
    submit_label = "Save intervention"

    description = text(
        "What was tried", rows=3, error="Describe the intervention that was tried"
    )
    started_on = SchoolDateField(what="the date it started", label="When it started")
    outcome = text("How it went", rows=3, error="Describe how the intervention went")


class ProvisionPlanForm(GovForm):
    submit_label = "Upload"

    file = forms.FileField(
        label="Provision Plan",
        help_text="A PDF or Word document.",
        error_messages={
            "required": "Select the Provision Plan to upload",
            "empty": "The selected file is empty",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_document_upload(upload)
        return upload


class PathwayForm(GovForm):
    submit_label = "Save decision"

    agree = forms.TypedChoiceField(
        label="Is a DOWIMM the right pathway for this pupil?",
        choices=[
            (True, "Yes, agree the pathway"),
            (False, "No, the case will not proceed"),
        ],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree the pathway"},
    )
    decided_on = SchoolDateField(
        what="the date of the decision", label="Date of decision"
    )
    statement = text(
        "Why is this in the pupil's best interests, or why not?",
        rows=5,
        error="Explain why the decision is in the pupil's best interests",
    )


class CloseForm(GovForm):
    submit_label = "Close the case"

    reason = text(
        "Why is the case not going ahead?",
        rows=4,
        error="Enter why the case is not going ahead",
    )


class ApproachForm(GovForm):
    submit_label = "Record approach"

    school = forms.ChoiceField(
        label="School approached",
        help_text="Nearest to the home school first.",
        error_messages={"required": "Select the school you approached"},
    )
    approached_on = SchoolDateField(
        what="the date of the approach", label="Date approached"
    )
    notes = text("Notes", required=False, rows=3)

    def __init__(self, *args, ranked_schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = {str(school.pk): school for _, school in ranked_schools}
        self.fields["school"].choices = [("", "Select a school")] + [
            (str(school.pk), _school_choice_label(school, km))
            for km, school in ranked_schools
        ]

    def clean_school(self):
        return self.schools[self.cleaned_data["school"]]


def _school_choice_label(school, km):
    label = school.name if km is None else f"{school.name} ({km:.1f} km)"
    if not school.in_authority:
        label += f", outside the authority ({school.la_name})"
    return label


class ApproachAnswerForm(GovForm):
    submit_label = "Send answer"

    accept = forms.TypedChoiceField(
        label="Will your school take this pupil for a DOWIMM placement?",
        choices=[(True, "Yes, we accept"), (False, "No, we decline")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether your school accepts"},
    )
    notes = text("Notes for the home school", required=False, rows=3)


class ConsentForm(GovForm):
    submit_label = "Record consent"

    given_by = forms.ChoiceField(
        label="Who gave consent?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gave consent"},
    )
    given_on = SchoolDateField(
        what="the date consent was given", label="Date given", past=True
    )
    method = forms.ChoiceField(
        label="How was consent given?",
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how consent was given"},
    )

    def __init__(self, *args, carers, pupil_awaited=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.carers = {str(carer.pk): carer for carer in carers}
        pupil = [("pupil", "The pupil")] if pupil_awaited else []
        self.fields["given_by"].choices = pupil + [
            (str(carer.pk), f"{carer.full_name} ({carer.relationship})")
            for carer in carers
        ]

    def clean_given_by(self):
        return self.carers.get(self.cleaned_data["given_by"])


class SafeguardingForm(GovForm):
    submit_label = "Record safeguarding information shared"

    multi_agency_plans = text(
        "Multi-agency plans shared",
        rows=4,
        help_text="Child protection, child in need or early help plans, and where "
        "they are held. Write “none” if there are none.",
        error="Enter the multi-agency plans shared, or “none”",
    )
    allocated_workers = text(
        "Allocated workers and their contact details",
        rows=4,
        error="Enter the allocated workers, or “none”",
    )
    recording_and_sharing_plan = text(
        "How the receiving school will record concerns and pass them to the home "
        "school's DSLs",
        rows=4,
        error="Enter how safeguarding information will be recorded and shared",
    )
    shared_on = SchoolDateField(what="the date it was shared", label="Date shared")


class SaferRecruitmentForm(GovForm):
    submit_label = "Give assurance"

    assured_by = text(
        "Name and role of the person giving the assurance",
        error="Enter the name and role of the person giving the assurance",
    )
    assured_on = SchoolDateField(what="the date of the assurance", label="Date")
    confirm = forms.BooleanField(
        label="I confirm in writing that safer-recruitment checks have been done "
        "on the staff who will work with this pupil",
        error_messages={"required": "Confirm the safer-recruitment checks"},
    )


class NamedContactForm(GovForm):
    submit_label = "Save contact"

    name = text("Name and role", error="Enter the named contact's name and role")
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the named contact's email address",
            "invalid": EMAIL_ADDRESS_ERROR,
        },
    )


class TourForm(GovForm):
    submit_label = "Save tour date"

    tour_on = SchoolDateField(what="the date of the tour", label="Date of the tour")


class SignatureForm(GovForm):
    """
    A signature given on paper, with its scan. Signatures in dowimm itself
    are made by the signer, on the document's page or from an emailed link.
    """

    submit_label = "Record signature"

    party = forms.ChoiceField(
        label="Who signed?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who signed"},
    )
    signed_by_name = text(
        "Name of the member of staff who signed",
        required=False,
        help_text="For a school's signature only. A parent, carer or the pupil "
        "signs in the name the case holds for them.",
    )
    signed_on = SchoolDateField(what="the date of signing", label="Date signed")
    scan = forms.FileField(
        label="Scan of the signed paper copy",
        help_text="A PDF or Word document.",
        error_messages={
            "required": "Upload a scan of the signed paper copy",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = parties
        self.fields["party"].choices = [
            (key, label) for key, (label, _, _) in parties.items()
        ]

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan:
            validate_document_upload(scan)
        return scan

    def signer(self):
        """The (party, carer) pair chosen."""
        _, party, carer = self.parties[self.cleaned_data["party"]]
        return party, carer


class StartForm(GovForm):
    submit_label = "Start the placement"

    started_on = SchoolDateField(
        what="the first day of the placement", label="First day"
    )


def signature_choices(case, awaited, user):
    """
    Awaited signatories whose paper signature `user` may record, as {form
    key: (label, party, carer)}: a school's only by that school's staff.
    """
    Party = AgreementSignature.Party
    carers = {carer.pk: carer for carer in case.pupil.carers.all()}
    schools = {
        Party.HOME_SCHOOL: case.home_school_id,
        Party.RECEIVING_SCHOOL: case.receiving_school_id,
    }
    choices = {}
    for party, carer_id in awaited:
        carer = carers.get(carer_id)
        if party in schools and schools[party] != user.school_id:
            continue
        if party == Party.HOME_SCHOOL:
            label = f"Home school: {case.home_school.name}"
        elif party == Party.RECEIVING_SCHOOL:
            label = f"Receiving school: {case.receiving_school.name}"
        elif party == Party.PUPIL:
            label = f"The pupil: {case.pupil.display_name}"
        else:
            label = f"{carer.full_name} ({carer.relationship})"
        choices[f"{party}:{carer_id or ''}"] = (label, party, carer)
    return choices


def search_box(name, label, help_text, too_long):
    """A filter's text box, its hint tied to it, without the browser's guesses."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=100,
        required=False,
        strip=True,
        error_messages={"max_length": f"Enter at most 100 characters {too_long}"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input",
                "aria-describedby": f"id_{name}-hint",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )


class CaseFilterForm(forms.Form):
    pupil = search_box(
        "pupil", "Pupil or case", "Name, UPN or case reference", "to search for"
    )
    state = forms.ChoiceField(
        label="Stage",
        choices=[("", "All stages")] + Case.State.choices,
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Choose a stage from the list"},
    )
    # A box to type in rather than a list: an authority may have thousands
    # of schools, and a list of them all would cost more than the cases.
    school = search_box(
        "school",
        "School name or URN",
        "Part of the name, or the 6-digit URN",
        "of the school's name",
    )
    queue = forms.ChoiceField(
        label="Waiting on the Fair Access team",
        choices=[("", "Any")] + [(q.slug, q.label) for q in QUEUES],
        required=False,
        widget=forms.HiddenInput,
    )

    def apply(self, cases):
        state = self.cleaned_data.get("state")
        school = self.cleaned_data.get("school")
        if queue := self.cleaned_data.get("queue"):
            cases = cases_in_queue(cases, queue, timezone.localdate())
        if state:
            cases = cases.filter(state=state)
        if pupil := self.cleaned_data.get("pupil"):
            cases = cases.filter(_pupil_or_case(pupil))
        if school:
            if school.isdigit():
                schools = School.objects.filter(urn=int(school))
            else:
                schools = School.objects.filter(name__icontains=school)
            ids = schools.values("pk")
            cases = cases.filter(
                Q(home_school_id__in=ids) | Q(receiving_school_id__in=ids)
            )
        return cases


def _pupil_or_case(text):
    """
    Cases whose reference holds `text`, whose UPN is it, or whose pupil has
    every word of it in a name (legal or preferred), accents and the kind
    of apostrophe aside.
    """
    text = " ".join(text.split())
    names = Q()
    for word in folded(text).split():
        names &= Q(pupil__search_names__contains=word)
    return Q(reference__icontains=text) | Q(pupil__upn=text.upper()) | names


def queue_label(slug):
    return next((q.label for q in QUEUES if q.slug == slug), "")
