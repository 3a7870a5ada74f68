from django import forms
from django.utils import timezone

from dowimm.calendars.models import CalendarEntry
from dowimm.forms import GovForm, SchoolDateField, text_field

Kind = CalendarEntry.Kind

# Bank holidays come from the holidays package, so nobody types them in.
KINDS_ENTERED_BY_HAND = [
    (Kind.TERM, "Term"),
    (Kind.HOLIDAY, "Holiday, such as a half term"),
    (Kind.INSET, "Staff training day"),
    (Kind.CLOSURE, "Closure, such as a polling day"),
]


class CalendarEntryForm(GovForm):
    submit_label = "Add to the calendar"

    kind = forms.ChoiceField(
        label="What is it?",
        choices=KINDS_ENTERED_BY_HAND,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of dates these are"},
    )
    start_date = SchoolDateField(what="the first day", label="First day")
    end_date = SchoolDateField(
        what="the last day",
        label="Last day",
        help_text="The same as the first day for a single day.",
    )
    label = text_field(
        "Name",
        required=False,
        help_text="For example Autumn term or Autumn half term.",
    )

    # Calendars reach back to cases brought in from before the service, and
    # forward as far as schools publish their dates; beyond that a year was
    # mistyped.
    YEARS_BACK = 5
    YEARS_AHEAD = 3

    def clean(self):
        cleaned = super().clean()
        this_year = timezone.localdate().year
        first, last = this_year - self.YEARS_BACK, this_year + self.YEARS_AHEAD
        for name, what in (("start_date", "first day"), ("end_date", "last day")):
            day = cleaned.get(name)
            if day and not first <= day.year <= last:
                self.add_error(
                    name,
                    f"The {what} is in {day.year}. Enter dates from {first} to "
                    f"{last}, checking the year",
                )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", "The last day must be the same as or after the first day"
            )
        return cleaned


class AcademicYearForm(forms.Form):
    year = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)
