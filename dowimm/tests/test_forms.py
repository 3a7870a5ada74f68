"""
Forms are checked by the server, which answers with the GOV.UK error
summary: the browser is told not to check them itself.
"""

import re

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template

from cases.forms import CarerForm, NamedContactForm
from dowimm.forms import GovForm, PhoneNumberField
from meetings.forms import PlanningMeetingForm

PHONE_ERROR = (
    "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
)
EMAIL_ERROR = "Enter an email address in the correct format, like name@example.com"
FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
PROJECT_APPS = ("cases", "dowimm", "meetings", "reports", "transport")


class EmailForm(GovForm):
    email = forms.EmailField()


def rendered(form):
    template = Template("{% load crispy_forms_tags %}{% crispy form %}")
    return template.render(Context({"form": form}))


def test_a_gov_form_tells_the_browser_not_to_check_it():
    html = rendered(EmailForm())

    assert 'type="email"' in html
    assert FORM_TAG.search(html)[0] == '<form  novalidate method="post" >'


def test_every_form_in_the_templates_leaves_checking_to_the_server():
    templates = settings.BASE_DIR / "templates"
    without = [
        f"{path.relative_to(templates)}: {tag}"
        for path in sorted(templates.rglob("*.html"))
        for tag in FORM_TAG.findall(path.read_text(encoding="utf-8"))
        if "novalidate" not in tag
    ]

    assert without == []


def test_every_crispy_form_helper_in_the_code_is_the_gov_one():
    # A plain FormHelper draws <form> without novalidate.
    plain = [
        str(path.relative_to(settings.BASE_DIR))
        for app in PROJECT_APPS
        for path in sorted((settings.BASE_DIR / app).rglob("*.py"))
        if re.search(r"\bFormHelper\(", path.read_text(encoding="utf-8"))
    ]

    assert plain == []


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("01632 960 001", "01632 960001"),
        ("01632960001", "01632 960001"),
        ("(01632) 960001", "01632 960001"),
        ("+44 1632 960001", "01632 960001"),
        ("+44 (0)1632 960 001", "01632 960001"),
        ("0044 1632 960001", "01632 960001"),
        ("07700 900 982", "07700 900982"),
        ("07700-900-982", "07700 900982"),
        ("+44 808 157 0192", "0808 157 0192"),
        ("020 7946 0000", "020 7946 0000"),
        ("  0113 496 0000 ", "0113 496 0000"),
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
    ],
)
def test_a_phone_number_is_kept_in_one_form_however_it_was_written(written, kept):
    assert PhoneNumberField().clean(written) == kept


@pytest.mark.parametrize(
    "written",
    [
        "call after 3pm",
        "01632 96OOO1",
        "0800 123",
        "01632",
        "07700 900 982 extension 4",
        "01632 960 001 01632 960 002",
        "+",
        "()",
    ],
)
def test_a_phone_number_with_letters_or_the_wrong_length_is_refused(written):
    with pytest.raises(forms.ValidationError) as refused:
        PhoneNumberField().clean(written)

    assert refused.value.messages == [PHONE_ERROR]


def test_a_carer_form_says_how_to_write_the_phone_and_email():
    form = CarerForm(
        {
            "full_name": "Morgan Testcarer",
            "relationship": "Mother",
            "has_parental_responsibility": "True",
            "phone": "ring the office",
            "email": "morgan.example.com",
        }
    )

    assert form.errors == {"phone": [PHONE_ERROR], "email": [EMAIL_ERROR]}


def test_a_carer_phone_is_optional_and_saved_in_one_form():
    details = {
        "full_name": "Morgan Testcarer",
        "relationship": "Mother",
        "has_parental_responsibility": "True",
        "email": "",
    }

    assert CarerForm({**details, "phone": ""}).is_valid()
    form = CarerForm({**details, "phone": "+44 7700 900982"})
    assert form.is_valid()
    assert form.cleaned_data["phone"] == "07700 900982"


def test_a_named_contact_email_in_the_wrong_format_is_refused_with_an_example():
    form = NamedContactForm({"name": "Head of year", "email": "head of year"})

    assert form.errors == {"email": [EMAIL_ERROR]}


@pytest.mark.parametrize("threshold", ["0", "101", "-5"])
def test_an_attendance_threshold_outside_1_to_100_says_the_range(threshold):
    field = PlanningMeetingForm.base_fields["attendance_threshold_percent"]

    with pytest.raises(forms.ValidationError) as refused:
        field.clean(threshold)

    assert refused.value.messages == ["Enter an attendance threshold between 1 and 100"]
