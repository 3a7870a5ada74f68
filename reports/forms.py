import datetime

from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.db.models import Q

from cases.models import Pupil, academic_year_start
from dowimm.accounts.models import User
from dowimm.calendars.school_days import academic_year_bounds, academic_year_of
from dowimm.forms import GovFormHelper, SchoolDateField

YEARS_OFFERED = 6
# Above this many schools a drop-down is too long to use: type the URN.
SCHOOLS_IN_A_LIST = 1000
YEAR_GROUPS = [(str(n), f"Year {n}") for n in range(1, 14)]


def academic_years(today):
    first = academic_year_start(today)
    return [
        academic_year_of(datetime.date(first - n, 9, 1)) for n in range(YEARS_OFFERED)
    ]


class ReportFilterForm(forms.Form):
    """
    The period and the groups of cases a report counts. A date range, when
    given, replaces the academic year.
    """

    academic_year = forms.ChoiceField(label="Academic year", required=False)
    date_from = SchoolDateField(
        what="the first day of the period",
        label="Or from",
        required=False,
        help_text="For example, 1 9 2025",
    )
    date_to = SchoolDateField(
        what="the last day of the period",
        label="To",
        required=False,
        help_text="For example, 31 8 2026",
    )
    school = forms.ModelChoiceField(
        label="School",
        queryset=None,
        to_field_name="urn",
        required=False,
        empty_label="All schools",
        error_messages={
            "invalid_choice": "Enter the URN of a school you can see figures for"
        },
    )
    district = forms.ChoiceField(label="District", required=False)
    adviser = forms.ModelChoiceField(
        label="Inclusion Adviser",
        queryset=User.objects.filter(role=User.Role.INCLUSION_ADVISER).order_by(
            "last_name", "first_name"
        ),
        required=False,
        empty_label="All advisers",
    )
    year_group = forms.ChoiceField(
        label="Year group",
        choices=[("", "All year groups"), *YEAR_GROUPS],
        required=False,
    )
    sen_status = forms.ChoiceField(
        label="SEN status",
        choices=[("", "Any SEN status"), *Pupil.SenStatus.choices],
        required=False,
    )

    def __init__(self, data, *, scope, today):
        super().__init__(data)
        self.today = today
        years = academic_years(today)
        self.fields["academic_year"].choices = [(year, year) for year in years]
        self.fields["academic_year"].initial = years[0]
        self.fields["academic_year"].error_messages["invalid_choice"] = (
            f"Choose an academic year from {years[-1]} to {years[0]}, or enter "
            "a date range"
        )
        for name, what in (
            ("district", "a district"),
            ("year_group", "a year group"),
            ("sen_status", "an SEN status"),
            ("adviser", "an Inclusion Adviser"),
        ):
            if name in self.fields:
                self.fields[name].error_messages["invalid_choice"] = (
                    f"Choose {what} from the list"
                )

        schools = scope.schools().order_by("name")
        self.fields["school"].queryset = schools
        self.fields["district"].choices = [("", "All districts")] + [
            (name, name)
            for name in schools.exclude(district="")
            .order_by("district")
            .values_list("district", flat=True)
            .distinct()
        ]
        if not scope.is_authority:
            # An adviser's or a school's figures are theirs already.
            del self.fields["adviser"]
        if isinstance(scope.school_ids, list):
            del self.fields["school"], self.fields["district"]
        elif scope.is_authority and schools.count() > SCHOOLS_IN_A_LIST:
            self.fields["school"].widget = forms.TextInput(
                attrs={"class": "govuk-input govuk-input--width-10"}
            )
            self.fields["school"].label = "School URN"
            self.fields["school"].help_text = "The 6-digit URN, for example 121205"

        self.helper = GovFormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(*self.fields, Submit("", "Show figures"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if self.has_error("date_from") or self.has_error("date_to"):
            # A day that could not be read has said so already.
            return cleaned
        if bool(start) != bool(end):
            missing = "date_to" if start else "date_from"
            self.add_error(
                missing,
                "Enter both days of the period, or neither to use the academic year",
            )
        elif start and end and end < start:
            self.add_error(
                "date_to", "Enter a last day that is on or after the first day"
            )
        return cleaned

    @property
    def period(self):
        """The first and last day counted, both included."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("date_from") and data.get("date_to"):
            return data["date_from"], data["date_to"]
        year = data.get("academic_year") or self.fields["academic_year"].initial
        return academic_year_bounds(year)

    def apply(self, cases):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if school := data.get("school"):
            cases = cases.filter(Q(home_school=school) | Q(receiving_school=school))
        if district := data.get("district"):
            cases = cases.filter(
                Q(home_school__district=district)
                | Q(receiving_school__district=district)
            )
        if adviser := data.get("adviser"):
            cases = cases.filter(
                Q(home_school__inclusion_adviser=adviser)
                | Q(receiving_school__inclusion_adviser=adviser)
            )
        if year_group := data.get("year_group"):
            cases = cases.filter(
                pupil__date_of_birth__range=born_in_year_group(
                    int(year_group), self.period[0]
                )
            )
        if sen_status := data.get("sen_status"):
            cases = cases.filter(pupil__sen_status=sen_status)
        return cases

    def query_string(self):
        """The filters as a query string, for links to exports."""
        return self.data.urlencode() if self.is_bound else ""


def born_in_year_group(year_group, on):
    """
    The first and last dates of birth of a year group on a day: the pupils
    born from 1 September to 31 August, as `Pupil.year_group` counts.
    """
    first_year = academic_year_start(on) - year_group - 5
    return datetime.date(first_year, 9, 1), datetime.date(first_year + 1, 8, 31)
