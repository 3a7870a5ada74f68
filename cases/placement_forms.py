"""Forms for the placement and its end."""

from django import forms

from cases.models import (
    Absence,
    ChildProtectionFileTransfer,
    ContactLogEntry,
    Dispute,
    ExtensionAnswer,
    ExtensionRequest,
    Outcome,
)
from dowimm.forms import GovForm, SchoolDateField, text_field, yes_no_field


class ContactForm(GovForm):
    submit_label = "Record contact"

    contact_on = SchoolDateField(what="the date of the contact", label="Date")
    between = text_field(
        "Who was in contact",
        help_text="For example: head of year at each school and the pupil's mother.",
        error="Enter who was in contact",
    )
    method = forms.ChoiceField(
        label="How",
        choices=ContactLogEntry.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the contact happened"},
    )
    summary = text_field("Summary", rows=4, error="Enter a summary of the contact")


class AbsenceForm(GovForm):
    submit_label = "Record absence"

    absent_on = SchoolDateField(what="the date of the absence", label="Date")
    sessions = forms.MultipleChoiceField(
        label="Sessions missed",
        choices=Absence.Session.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the morning, the afternoon or both"},
    )
    authorised = yes_no_field(
        "Was the absence authorised?",
        help_text="Authorised absence moves the expected end one school day later "
        "for each whole day missed.",
        error_messages={"required": "Select yes if the absence was authorised"},
    )
    reason = text_field("Reason", rows=2, error="Enter the reason for the absence")


class ExtensionRequestForm(GovForm):
    submit_label = "Send the request"

    reason = forms.ChoiceField(
        label="Why is more time needed?",
        choices=ExtensionRequest.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select behaviour or engagement"},
    )
    request = text_field(
        "The request, in writing",
        rows=6,
        help_text="What has happened, what more time would achieve, and the support "
        "that will be in place.",
        error="Write the request",
    )
    extra_school_days = forms.IntegerField(
        label="How many more school days?",
        min_value=1,
        error_messages={
            "required": "Enter how many more school days are needed",
            "invalid": "Enter the number of school days as a whole number, like 10",
            "min_value": "Ask for at least 1 more school day",
        },
    )


class ExtensionAnswerForm(GovForm):
    submit_label = "Record answer"

    party = forms.ChoiceField(
        label="Whose answer is this?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whose answer this is"},
    )
    agreed = forms.TypedChoiceField(
        label="Do they agree to the extension?",
        choices=[(True, "Yes, they agree"), (False, "No, they do not agree")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they agree"},
    )
    notes = text_field("Notes", required=False, rows=3)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [
            (party, ExtensionAnswer.Party(party).label) for party in parties
        ]


class EndEarlyForm(GovForm):
    submit_label = "End the placement and complete the Outcomes Form"

    reason = forms.ChoiceField(
        label="Why is the placement ending?",
        choices=Outcome.Reason.choices,
        widget=forms.RadioSelect,
        help_text="These are the only reasons a placement can end early. Authorised "
        "absence is never a reason to end it.",
        error_messages={"required": "Select why the placement is ending"},
    )
    grounds_for_suspension = yes_no_field(
        "For a breach: would it be grounds for a suspension at your school?",
        required=False,
        empty_value=None,
        help_text="A minor infraction cannot end a placement.",
    )
    incident = text_field("For a breach: the incident", required=False, rows=4)
    evidence = text_field(
        "Evidence",
        rows=5,
        help_text="For engagement: what was done to remove barriers to attendance "
        "and engagement.",
        error="Enter the evidence for ending the placement",
    )
    last_day_on = SchoolDateField(
        what="the last day at the receiving school", label="Last day at your school"
    )
    return_on = SchoolDateField(
        what="the date the pupil returns to the home school",
        label="Return to the home school",
    )
    successes = text_field(
        "The pupil's successes",
        rows=4,
        help_text="Shared with the home school for a fresh start.",
        error="Enter the pupil's successes during the placement",
    )
    pupil_voice = text_field(
        "What the pupil says", rows=3, error="Enter what the pupil says"
    )
    family_voice = text_field(
        "What the family says", rows=3, error="Enter what the family says"
    )
    dispute_raised = yes_no_field(
        "Does either school dispute the ending?",
        error_messages={"required": "Select yes if the ending is disputed"},
    )

    def details(self):
        data = dict(self.cleaned_data)
        data.pop("grounds_for_suspension")
        return data


class ReintegrationPlanForm(GovForm):
    submit_label = "Save the reintegration plan"

    meeting_offered_on = SchoolDateField(
        what="the date the reintegration meeting was offered", label="Meeting offered"
    )
    meeting_held_on = SchoolDateField(
        what="the date of the reintegration meeting",
        past=True,
        label="Meeting held",
        required=False,
        help_text="Ideally the day before the pupil returns.",
    )
    key_adult = text_field("Key adult", error="Enter the key adult's name and role")
    fresh_start_arrangements = text_field(
        "Fresh-start arrangements", rows=4, error="Enter the fresh-start arrangements"
    )
    timetable = text_field("Timetable", rows=3, error="Enter the pupil's timetable")
    reduced_timetable = yes_no_field(
        "Is it a reduced timetable?",
        error_messages={"required": "Select yes if the timetable is reduced"},
    )
    parental_agreement_on = SchoolDateField(
        what="the date the parents agreed in writing",
        label="For a reduced timetable: parents' written agreement",
        required=False,
    )
    reduced_timetable_ends_on = SchoolDateField(
        what="the date the reduced timetable ends",
        label="For a reduced timetable: when it ends",
        required=False,
    )
    support = text_field("Support", rows=4, error="Enter the support in place")
    review_on = SchoolDateField(
        what="the date of the plan's review", label="Review date"
    )


class ConfirmForm(GovForm):
    """No questions: only a button that says what it does."""

    def __init__(self, *args, submit_label, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class DateForm(GovForm):
    """One date, for steps that are only a date."""

    def __init__(self, *args, name, label, what, submit_label, **kwargs):
        self.base_fields = {name: SchoolDateField(what=what, label=label)}
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class CpFileSentForm(GovForm):
    submit_label = "Record the file as sent"

    sent_on = SchoolDateField(what="the date the file was sent", label="Date sent")
    method = forms.ChoiceField(
        label="How was it sent?",
        choices=ChildProtectionFileTransfer.Method.choices,
        widget=forms.RadioSelect,
        help_text="Never by the family, and never by ordinary post.",
        error_messages={"required": "Select how the file was sent"},
    )
    contents = text_field(
        "What was sent", rows=4, error="Enter what the file contained"
    )


class CpFileReceivedForm(GovForm):
    submit_label = "Confirm receipt"

    received_on = SchoolDateField(
        what="the date the file was received", label="Date received"
    )
    stored_where = text_field(
        "Where it is stored", error="Enter where the file is now stored"
    )


class DisputeForm(GovForm):
    submit_label = "Raise the dispute"

    about = text_field(
        "What is the dispute about?", rows=5, error="Describe what the dispute is about"
    )


class MediationForm(GovForm):
    submit_label = "Record mediation"

    dates = text_field(
        "Mediation dates", help_text="One a line.", rows=2, error="Enter the dates"
    )
    notes = text_field("Notes", rows=4, error="Enter notes of the mediation")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Dispute.Mediation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether mediation resolved it"},
    )


class PanelForm(GovForm):
    submit_label = "Record the panel's decision"

    panel = forms.ChoiceField(
        label="Which panel decided?",
        choices=Dispute.Panel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the panel"},
    )
    panel_on = SchoolDateField(what="the date of the panel", label="Date of the panel")
    decision = text_field("Decision", rows=4, error="Enter the panel's decision")
