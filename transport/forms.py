from crispy_forms_gds.layout import Layout, Submit
from django import forms

from dowimm.forms import GovForm, SchoolDateField, text_field, yes_no_field
from transport.models import TransportRequest, TravelAnswer


def miles_field(label, *, required=False, help_text=""):
    what = f"{label[0].lower()}{label[1:]}"
    return forms.DecimalField(
        label=f"{label} (miles)",
        required=required,
        help_text=help_text,
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {what} in miles",
            "invalid": f"Enter the {what} as a number of miles, like 1.25",
            "max_decimal_places": f"Enter the {what} to 2 decimal places at most",
            "max_digits": f"Enter the {what} as a number of miles under 1000",
            "max_whole_digits": f"Enter the {what} as a number of miles under 1000",
        },
    )


class PoundsField(forms.DecimalField):
    """An amount as people write it: "£1,540.00" is read as 1540.00."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
        return super().to_python(value)


def pounds_field(label, what):
    return PoundsField(
        label=f"{label} (£)",
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {what}",
            "invalid": f"Enter the {what} in pounds and pence, like 42.50",
            "max_decimal_places": f"Enter the {what} to the nearest penny",
            "max_digits": f"Enter the {what} as less than £100,000,000",
            "max_whole_digits": f"Enter the {what} as less than £100,000,000",
        },
    )


class TravelAnswerForm(GovForm):
    answer = forms.ChoiceField(
        label="How will the pupil get to the receiving school?",
        help_text="Ask the family. Transport is only requested when neither a "
        "parent or carer nor the pupil can manage the journey.",
        choices=TravelAnswer.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the pupil will get to school"},
    )


class RouteForm(GovForm):
    submit_label = "Save the route and arrangement"

    home_to_school_miles = miles_field(
        "Straight-line distance from home to school",
        help_text="The home postcode is not in the postcode directory, so "
        "measure this by hand.",
    )
    boarding_point = text_field(
        "Boarding point",
        required=False,
        help_text="Where bespoke transport picks the pupil up. Leave blank for a "
        "bus pass.",
    )
    boarding_point_postcode = forms.CharField(
        label="Boarding point's postcode",
        required=False,
        max_length=8,
        help_text="To work out the distance from home. Leave blank to enter the "
        "distance by hand.",
        error_messages={"max_length": "Enter a postcode of 8 characters at most"},
    )
    home_to_boarding_point_miles = miles_field(
        "Straight-line distance from home to the boarding point",
        help_text="Only when the boarding point's postcode is left blank.",
    )
    suitable_route = yes_no_field(
        "Is there a suitable public route to the school?",
        error_messages={"required": "Select yes if a suitable public route exists"},
    )
    walk_to_stop_miles = miles_field(
        "Walking distance from home to the nearest stop on that route",
        help_text="Measured along roads and paths. Leave blank if there is no route.",
    )
    arrangement = forms.ChoiceField(
        label="Which arrangement will the panel be asked for?",
        choices=TransportRequest.Arrangement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the arrangement"},
    )
    arrangement_details = text_field(
        "Details of the arrangement", required=False, rows=3
    )
    ends_on = SchoolDateField(
        what="the date the arrangement ends",
        label="End date",
        required=False,
        help_text="Required for anything beyond policy, which is only short term.",
    )
    continues_after_managed_move = yes_no_field(
        "Will transport continue if the placement becomes a managed move?",
        error_messages={"required": "Select yes if transport will continue"},
    )

    def __init__(self, *args, home_distance_known, **kwargs):
        super().__init__(*args, **kwargs)
        if home_distance_known:
            del self.fields["home_to_school_miles"]
            self.helper.layout = Layout(
                *self.fields, Submit("submit", self.submit_label)
            )


class QuoteRequestForm(GovForm):
    submit_label = "Record the quote request"

    requested_on = SchoolDateField(
        what="the date the quote was requested", label="Date requested"
    )


class QuoteForm(GovForm):
    submit_label = "Record the quote"

    received_on = SchoolDateField(
        what="the date the quote was received", label="Date received"
    )
    supplier = text_field("Supplier")
    daily_cost = pounds_field("Daily cost", "daily cost")
    total_cost = pounds_field(
        "Total cost for the placement", "total cost for the placement"
    )


class ExceptionForm(GovForm):
    submit_label = "Authorise the exception"

    risks = forms.MultipleChoiceField(
        label="Which categories does the evidence fall in?",
        choices=[
            (name, TransportRequest._meta.get_field(name).verbose_name)
            for name in TransportRequest.RISK_FIELDS
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one category the evidence falls in"
        },
    )
    evidence = text_field(
        "Evidence",
        rows=6,
        help_text="Only what the decision needs: transport officers can read it.",
        error="Enter the evidence for going beyond policy",
    )


class DecisionForm(GovForm):
    submit_label = "Record the panel's decision"

    panel_on = SchoolDateField(what="the date of the panel", label="Panel date")
    panel_members = text_field(
        "Panel members",
        rows=3,
        help_text="One person a line, with their role.",
        error="Enter who sat on the panel",
    )
    approve = forms.TypedChoiceField(
        label="Did the panel approve transport for this placement?",
        choices=[(True, "Yes, approved"), (False, "No, refused")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the panel approved transport"},
    )
    conditions = text_field("Conditions", required=False, rows=3)
    reasons = text_field(
        "Reasons", rows=4, error="Enter the panel's reasons for its decision"
    )


class EndForm(GovForm):
    submit_label = "Save the end date"

    ends_on = SchoolDateField(
        what="the last day of transport", label="Last day of transport"
    )


class TravelPlanForm(GovForm):
    submit_label = "Save the travel plan"

    goals = text_field(
        "Goals towards travelling independently",
        rows=4,
        error="Enter the goals towards travelling independently",
    )
    support = text_field("Support", rows=4, error="Enter the support agreed")
    review_dates = text_field(
        "When the plan will be reviewed",
        required=False,
        rows=2,
        help_text="It is also reviewed at each review meeting.",
    )
    next_review_on = SchoolDateField(
        what="the date of the next review", label="Next review", required=False
    )


class TravelPlanReviewForm(GovForm):
    submit_label = "Record the review"

    reviewed_on = SchoolDateField(what="the date of the review", label="Date reviewed")
    review_meeting = forms.ModelChoiceField(
        label="Review meeting",
        queryset=None,
        required=False,
        empty_label="Not at a review meeting",
    )
    progress = text_field(
        "Progress towards the goals", rows=4, error="Enter the progress made"
    )
    goals_met = yes_no_field(
        "Have the goals been met?",
        help_text="If so, the transport should be reviewed.",
        error_messages={"required": "Select yes if the goals have been met"},
    )
    next_review_on = SchoolDateField(
        what="the date of the next review", label="Next review", required=False
    )

    def __init__(self, *args, review_meetings, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["review_meeting"]
        field.queryset = review_meetings
        field.label_from_instance = lambda meeting: (
            f"{meeting.scheduled_for:%-d %B %Y}"
            + (" (face to face)" if meeting.face_to_face else "")
        )


class PanelDateForm(GovForm):
    submit_label = "Show the panel pack"

    panel_on = SchoolDateField(what="the date of the panel", label="Panel date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
