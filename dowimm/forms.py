"""Form fields shared by every app, in the GOV.UK Design System's patterns."""

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator


class SchoolDateField(DateInputField):
    """
    A GOV.UK date input (day, month, year boxes), so dates are always read
    day first, and a year must have four digits.
    """

    def __init__(self, *, what, **kwargs):
        self.what = what
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter {what}"
        self.error_messages["incomplete"] = (
            f"Enter {what}, including the day, month and year"
        )

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(year) != 4:
            raise ValidationError(
                f"Enter the year of {self.what} in full, for example 2025"
            )
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"Enter {self.what} as a real date") from None


class GovForm(forms.Form):
    """A form drawn by crispy-forms-gds with one primary button."""

    submit_label = "Save and continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))

    def add_rule_error(self, error):
        """Show a CaseRuleError against its field, or at the top of the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


def yes_no_field(label, **kwargs):
    return forms.TypedChoiceField(
        label=label,
        choices=[(True, "Yes"), (False, "No")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        **kwargs,
    )


# Far beyond any real name or note, but a limit all the same: a pasted
# document in a name field would otherwise break every page that shows it.
LINE_MAX_CHARACTERS = 500
TEXT_MAX_CHARACTERS = 20_000


def text_field(label, *, required=True, help_text="", rows=None, error=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    limit = TEXT_MAX_CHARACTERS if rows else LINE_MAX_CHARACTERS
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=widget,
        validators=[
            MaxLengthValidator(
                limit,
                message=f"{label} must be {limit:,} characters or fewer",
            )
        ],
        error_messages={"required": error or f"Enter {label[0].lower()}{label[1:]}"},
    )
