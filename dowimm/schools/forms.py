from django import forms
from django.core.exceptions import ValidationError

from dowimm.forms import EMAIL_ADDRESS_ERROR, GovForm, text_field

NAME_MAX_CHARACTERS = 255  # as the school's columns hold


def name_field(label, *, help_text=""):
    what = f"{label[0].lower()}{label[1:]}"
    return text_field(
        label, help_text=help_text, error=f"Enter the {what}", limit=NAME_MAX_CHARACTERS
    )


def email_field(label, whose):
    return forms.EmailField(
        label=label,
        error_messages={
            "required": f"Enter the {whose} email address",
            "invalid": EMAIL_ADDRESS_ERROR,
        },
    )


def time_field(label, what):
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text="Use the 24-hour clock, for example 08:45 or 15:15.",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": f"Enter the time the school day {what}",
            "invalid": f"Enter the time the school day {what} as hours and "
            "minutes, like 08:45",
        },
    )


class SchoolDetailsForm(GovForm):
    """The details a school's own staff keep: who to contact, and its day."""

    submit_label = "Save the school's details"

    headteacher = name_field("Headteacher")
    named_contact = name_field(
        "Named contact for DOWIMM",
        help_text="Name and role. Approaches from other schools and the "
        "authority go to this person.",
    )
    named_contact_email = email_field(
        "Named contact's email address", "named contact's"
    )
    dsl_name = name_field("Designated safeguarding lead (DSL)")
    dsl_email = email_field("DSL's email address", "DSL's")
    day_starts = time_field("School day starts", "starts")
    day_ends = time_field("School day ends", "ends")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("day_starts"), cleaned.get("day_ends")
        if starts and ends and ends <= starts:
            self.add_error(
                "day_ends",
                ValidationError(
                    f"The school day must end after it starts, at {starts:%H:%M}"
                ),
            )
        return cleaned
