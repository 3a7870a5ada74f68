"""Form fields shared by every app, in the GOV.UK Design System's patterns."""

import datetime
import re

import phonenumbers
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from phonenumbers import PhoneNumberFormat


class SchoolDateField(DateInputField):
    """
    A GOV.UK date input (day, month, year boxes), so dates are always read
    day first, and a year must have four digits.
    """

    def __init__(self, *, what, past=False, **kwargs):
        self.what = what
        # For what has happened: refused with the other fields' errors, not
        # by the service once they are all put right.
        self.past = past
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
            day = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"Enter {self.what} as a real date") from None
        if self.past and day > timezone.localdate():
            raise ValidationError(f"Enter {self.what} as today or a date in the past")
        return day


class GovFormHelper(FormHelper):
    """
    Draws a form the browser leaves unchecked: the server answers with the
    error summary and a message that says what to enter, where the
    browser's own bubble would say only that a value is wrong.
    """

    def __init__(self, form=None):
        super().__init__(form)
        self.attrs["novalidate"] = True


class GovForm(forms.Form):
    """A form drawn by crispy-forms-gds with one primary button."""

    submit_label = "Save and continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = GovFormHelper()
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))

    def add_rule_error(self, error):
        """
        Show a CaseRuleError, or each of several, against its field or at the
        top of the form.
        """
        for each in error.errors:
            field = each.field if each.field in self.fields else None
            self.add_error(field, each.message)


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


def text_field(
    label, *, required=True, help_text="", rows=None, error=None, limit=None
):
    """
    Text checked for length by a validator, not an HTML maxlength: the
    browser would cut pasted text short without a word, where this says what
    is wrong. `limit` narrows the default for a column that holds less.
    """
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    limit = limit or (TEXT_MAX_CHARACTERS if rows else LINE_MAX_CHARACTERS)
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


EMAIL_ADDRESS_ERROR = (
    "Enter an email address in the correct format, like name@example.com"
)
PHONE_NUMBER_ERROR = (
    "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
)
# What people write around the digits: spaces, brackets, dots and dashes.
PHONE_NUMBER_CHARACTERS = re.compile(r"^\+?[0-9 ()./-]+$")
# Ofcom keeps these UK ranges for drama and examples, so no one is ever
# given them; libphonenumber calls them invalid, but they are the numbers
# the error message offers and the demo uses.
EXAMPLE_NUMBER_PREFIXES = ("1632960", "7700900")
UK_COUNTRY_CODE = 44


class PhoneNumberField(forms.CharField):
    """
    A telephone number as people write it, with or without +44, spaces or
    brackets. A UK number is kept in the national format (01632 960001),
    one from abroad in the international format.
    """

    widget = forms.TextInput(
        attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}
    )

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        if not PHONE_NUMBER_CHARACTERS.match(value):
            raise ValidationError(PHONE_NUMBER_ERROR, code="invalid")
        try:
            number = phonenumbers.parse(value, "GB")
        except phonenumbers.NumberParseException:
            raise ValidationError(PHONE_NUMBER_ERROR, code="invalid") from None
        if not _is_real_number(number):
            raise ValidationError(PHONE_NUMBER_ERROR, code="invalid")
        if number.country_code == UK_COUNTRY_CODE:
            return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _is_real_number(number):
    if phonenumbers.is_valid_number(number):
        return True
    national = str(number.national_number)
    return (
        number.country_code == UK_COUNTRY_CODE
        and len(national) == 10
        and national.startswith(EXAMPLE_NUMBER_PREFIXES)
    )
