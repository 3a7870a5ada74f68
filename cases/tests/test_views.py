import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.tests.factories import PDF_BYTES, Cast, valid_upn

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def cast():
    return Cast()


def pupil_form(**overrides):
    data = {
        "legal_first_names": "Siân",
        "legal_surname": "O'Connor-Nguyễn",
        "preferred_name": "",
        "date_of_birth_0": "14",
        "date_of_birth_1": "5",
        "date_of_birth_2": "2012",
        "upn": valid_upn(42).lower()[:5] + " " + valid_upn(42)[5:],
        "home_address": "1 Example Street\nNorwich",
        "home_postcode": "nr11aa",
        "sen_status": "sen_support",
        "in_care": "False",
    }
    data.update(overrides)
    return data


def error_page(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    return html


def test_school_staff_open_a_case_with_normalised_details(client, cast):
    client.force_login(cast.home_staff)

    response = client.post(reverse("cases:open"), pupil_form())

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.pupil.upn == valid_upn(42)
    assert case.pupil.home_postcode == "NR1 1AA"
    assert case.pupil.legal_surname == "O'Connor-Nguyễn"
    assert case.home_school == cast.home_school


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("upn", "B926200120042", "its first letter does not match"),
        ("upn", "X12345", "Enter a UPN of 13 characters"),
        ("date_of_birth_2", "2027", "The date of birth must be in the past"),
        ("date_of_birth_2", "12", "in full, for example 2025"),
        ("date_of_birth_1", "13", "as a real date"),
        ("home_postcode", "NR1", "Enter a real postcode"),
        ("preferred_name", "x" * 501, "must be 500 characters or fewer"),
    ],
)
def test_bad_pupil_details_are_refused_with_an_instruction(
    client, cast, field, value, message
):
    client.force_login(cast.home_staff)

    response = client.post(reverse("cases:open"), pupil_form(**{field: value}))

    assert message in error_page(response)
    assert not Case.objects.exists()


# In 2026-27 Reception holds children born 1 Sep 2021 to 31 Aug 2022, and
# Year 13 those born 1 Sep 2008 to 31 Aug 2009.
@pytest.mark.parametrize(
    ("born", "message"),
    [
        (
            ("1", "9", "2022"),
            "born on 1 September 2022 is not old enough for Reception",
        ),
        (("31", "8", "2008"), "born on 31 August 2008 would be past Year 13"),
    ],
)
def test_a_date_of_birth_outside_school_age_is_refused(client, cast, born, message):
    day, month, year = born
    client.force_login(cast.home_staff)

    response = client.post(
        reverse("cases:open"),
        pupil_form(date_of_birth_0=day, date_of_birth_1=month, date_of_birth_2=year),
    )

    assert message in error_page(response)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("born", "shown"),
    [(("31", "8", "2022"), "(Reception)"), (("1", "9", "2008"), "(Year 13)")],
)
def test_the_first_and_last_school_years_are_accepted(client, cast, born, shown):
    # An all-through school has both.
    cast.home_school.phase = "All-through"
    cast.home_school.save()
    day, month, year = born
    client.force_login(cast.home_staff)

    client.post(
        reverse("cases:open"),
        pupil_form(date_of_birth_0=day, date_of_birth_1=month, date_of_birth_2=year),
    )

    case = Case.objects.get()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert shown in page


@pytest.mark.parametrize(
    ("phase", "born", "message"),
    [
        # Born 1 Jan 2022: Reception in 2026-27.
        (
            "Secondary",
            ("1", "1", "2022"),
            "Home Academy is a secondary school, but a pupil born on 1 January "
            "2022 is in Reception this school year. Check the date of birth",
        ),
        # Born 31 Aug 2015: already 11 by 31 Aug 2026, so Year 7 in 2026-27.
        (
            "Primary",
            ("31", "8", "2015"),
            "Home Academy is a primary school, but a pupil born on 31 August "
            "2015 is in Year 7 this school year. Check the date of birth",
        ),
    ],
)
def test_a_pupil_outside_the_schools_years_is_refused(
    client, cast, phase, born, message
):
    cast.home_school.phase = phase
    cast.home_school.save()
    day, month, year = born
    client.force_login(cast.home_staff)

    response = client.post(
        reverse("cases:open"),
        pupil_form(date_of_birth_0=day, date_of_birth_1=month, date_of_birth_2=year),
    )

    assert message in error_page(response)
    assert not Case.objects.exists()


def test_wrong_la_number_in_a_upn_is_explained(client, cast):
    number = "999200120042"
    client.force_login(cast.home_staff)

    response = client.post(reverse("cases:open"), pupil_form(upn="A" + number))

    assert "local authority number" in error_page(response)


def test_upn_already_open_links_to_the_case(client, cast):
    existing = cast.open_case(serial=42)
    client.force_login(cast.home_staff)

    response = client.post(reverse("cases:open"), pupil_form())

    html = error_page(response)
    assert f"already on an open case, {existing.reference}" in html
    assert reverse("cases:detail", args=[existing.pk]) in html


def test_upn_open_at_another_school_is_refused_without_naming_the_case(client, cast):
    existing = cast.open_case(serial=42)
    client.force_login(cast.other_staff)

    response = client.post(reverse("cases:open"), pupil_form())

    html = error_page(response)
    assert "This pupil already has an open case. Ask the Fair Access" in html
    assert existing.reference not in html
    assert reverse("cases:detail", args=[existing.pk]) not in html


def test_only_school_staff_open_cases(client, cast):
    client.force_login(cast.fair_access)

    assert client.get(reverse("cases:open")).status_code == 404


def test_an_administrator_starts_in_the_administration_not_an_empty_list(client, cast):
    client.force_login(cast.admin)

    response = client.get(reverse("cases:list"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_hard_stop_is_shown_on_the_eligibility_form(client, cast):
    case = cast.open_case(in_care=True)
    client.force_login(cast.home_staff)

    response = client.post(
        reverse("cases:eligibility", args=[case.pk]),
        {"reasons": ["at_risk_of_exclusion"], "purpose_is_low_attendance": "False"},
    )

    assert "the pupil is in the care of the local authority" in error_page(response)
    case.refresh_from_db()
    assert case.state == Case.State.ELIGIBILITY


def test_an_empty_eligibility_form_names_every_missing_answer(client, cast):
    case = cast.open_case()
    client.force_login(cast.home_staff)

    # As a browser sends it: every text box, each empty.
    response = client.post(
        reverse("cases:eligibility", args=[case.pk]),
        {"other_reason": "", "consulted_on_0": "", "consultation_notes": ""},
    )

    errors = error_page(response)
    assert "Select yes if the purpose is low attendance" in errors
    assert "Select why a DOWIMM is appropriate, or record the other reason" in errors
    case.refresh_from_db()
    assert case.state == Case.State.ELIGIBILITY


def test_a_post_that_skips_a_stage_is_refused(client, cast):
    case = cast.preliminary_case()
    client.force_login(cast.home_staff)

    response = client.post(
        reverse("transport:travel", args=[case.pk]), {"answer": "needs_transport"}
    )

    assert "“Preliminary” stage, so that cannot be done now" in error_page(response)
    case.refresh_from_db()
    assert case.transport_needed is None


def test_approach_needs_a_school(client, cast):
    case = cast.finding_school_case()
    client.force_login(cast.home_staff)

    response = client.post(
        reverse("cases:approach_add", args=[case.pk]),
        {"approached_on_0": "3", "approached_on_1": "12", "approached_on_2": "2026"},
    )

    assert "Select the school you approached" in error_page(response)


@pytest.mark.parametrize("email", ["", "office@receiving.invalid"])
def test_approaching_a_school_nobody_can_be_emailed_at_says_so(
    client, cast, mailoutbox, django_capture_on_commit_callbacks, email
):
    case = cast.finding_school_case()
    cast.receiving_school.named_contact_email = email
    cast.receiving_school.save()
    client.force_login(cast.home_staff)
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:approach_add", args=[case.pk]),
            {
                "school": cast.receiving_school.pk,
                "approached_on_0": today.day,
                "approached_on_1": today.month,
                "approached_on_2": today.year,
            },
            follow=True,
        )

    html = response.content.decode()
    assert "Approach recorded" in html
    warned = "Receiving Academy has no named contact&#x27;s email address" in html
    assert warned == (not email)
    assert [message.to for message in mailoutbox] == ([[email]] if email else [])


def test_approach_form_lists_the_nearest_school_first(client, cast):
    case = cast.finding_school_case()
    client.force_login(cast.home_staff)

    html = client.get(reverse("cases:approach_add", args=[case.pk])).content.decode()

    assert html.index("Receiving Academy (3.6 km)") < html.index(
        "Other Academy (12.8 km)"
    )
    assert "Home Academy" not in html.split("School approached")[1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"MZ\x90\x00 renamed program", "must be a PDF or Word document"),
        ("plan.pdf", b"<html><body>not a pdf</body></html>", "must be a PDF or Word"),
        ("plan.pdf", b"", "The selected file is empty"),
        ("plan.pdf", PDF_BYTES + b"x" * 2048, "smaller than"),
    ],
)
def test_provision_plan_upload_is_checked_by_content_and_size(
    client, cast, settings, name, content, message
):
    settings.UPLOAD_MAX_BYTES = 1024
    case = cast.preliminary_case()
    client.force_login(cast.home_staff)

    response = client.post(
        reverse("cases:provision_plan", args=[case.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )

    assert message in error_page(response)
    case.refresh_from_db()
    assert not case.provision_plan


def test_provision_plan_is_stored_and_served_to_the_case_only(client, cast):
    case = cast.preliminary_case()
    client.force_login(cast.home_staff)

    client.post(
        reverse("cases:provision_plan", args=[case.pk]),
        {"file": SimpleUploadedFile("Provision plan.pdf", PDF_BYTES)},
    )
    download = client.get(reverse("cases:provision_plan_file", args=[case.pk]))

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(cast.other_staff)
    assert (
        client.get(reverse("cases:provision_plan_file", args=[case.pk])).status_code
        == 404
    )


def test_case_page_shows_the_task_list_with_owners(client, cast):
    case = cast.preliminary_case()
    client.force_login(cast.home_staff)

    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert "What the preliminary stage needs" in html
    assert "Record the preliminary meeting" in html
    assert "Agree the pathway" in html
    assert "Inclusion Adviser" in html
    assert "Eligibility confirmed" in html


def test_the_preliminary_meetings_notes_are_on_the_case_page(client, cast):
    case = cast.preliminary_case()
    services.preliminary_meeting_record(
        case_id=case.pk,
        user=cast.home_staff,
        held_on=case.opened_at.date(),
        attendees="Head of year",
        notes="Family keen on a school nearer the bus route",
    )
    client.force_login(cast.adviser)

    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert "Family keen on a school nearer the bus route" in html


def test_case_list_filters_by_stage(client, cast):
    cast.open_case(serial=1)
    preliminary = cast.preliminary_case(serial=2)
    client.force_login(cast.fair_access)

    html = client.get(reverse("cases:list"), {"state": "preliminary"}).content.decode()

    assert preliminary.reference in html
    assert "1 case<" in html


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("Zoë", {"zoe"}),
        ("ní bhriain", {"zoe"}),
        # Typed without the accents, or with the apostrophe Word pastes.
        ("Zoe Ni Bhriain", {"zoe"}),
        ("walker-o\u2019neill", {"rowan"}),
        ("Walker-O'Neill", {"rowan"}),
        ("Rowan Walker", {"rowan"}),
        ("walker rowan", {"rowan"}),
        ("Rowan Bhriain", set()),
        ("Sunny", {"rowan"}),
    ],
)
def test_case_list_finds_a_pupil_by_any_of_their_names(client, cast, search, found):
    cases = {
        "rowan": cast.open_case(
            serial=1, preferred_name="Sunny", legal_surname="Walker-O'Neill"
        ),
        "zoe": cast.open_case(
            serial=2, legal_first_names="Zoë", legal_surname="Ní Bhriain"
        ),
    }
    client.force_login(cast.home_staff)

    page = client.get(reverse("cases:list"), {"pupil": search}).context["page"]

    assert {k for k, c in cases.items() if c in page.object_list} == found


def test_case_list_finds_a_case_by_reference_or_upn(client, cast):
    case = cast.open_case(serial=1)
    cast.open_case(serial=2)
    client.force_login(cast.fair_access)

    # The reference in full or in part (its number), or the UPN in any case.
    number = case.reference.split("-", 1)[1]
    for search in (case.reference.lower(), number, f" {case.pupil.upn.lower()} "):
        page = client.get(reverse("cases:list"), {"pupil": search}).context["page"]
        assert list(page.object_list) == [case]


@pytest.mark.parametrize(
    "query",
    [{"pupil": "x" * 101}, {"state": "no-such-stage"}, {"school": "y" * 101}],
)
def test_a_filter_that_cannot_be_read_shows_no_cases(client, cast, query):
    cast.open_case(serial=1)
    client.force_login(cast.home_staff)

    response = client.get(reverse("cases:list"), query)

    assert not response.context["page"].object_list
    assert response.context["filters"].errors


def test_the_consent_form_offers_only_those_still_to_consent(client, cast):
    case = cast.planning_case()
    carer = case.pupil.carers.get()
    url = reverse("cases:consent_add", args=[case.pk])
    client.force_login(cast.home_staff)

    def record(carer):
        services.consent_record(
            case_id=case.pk,
            user=cast.home_staff,
            carer=carer,
            given_on=case.opened_at.date(),
            method="in_person",
        )

    record(None)
    offered = dict(client.get(url).context["form"].fields["given_by"].choices)
    record(carer)
    done = client.get(url).content.decode()

    assert offered == {str(carer.pk): "Morgan Testcarer (Mother)"}
    assert "Consent from the pupil and from every parent or carer" in done


def list_queries(client, user):
    client.force_login(user)
    client.get(reverse("cases:list"))  # the session and user load once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    return len(queries)


def test_case_list_queries_do_not_grow_with_cases(client, cast):
    cast.open_case(serial=1)
    one = list_queries(client, cast.fair_access)

    for serial in range(2, 51):
        cast.open_case(serial=serial)
    fifty = list_queries(client, cast.fair_access)

    assert one == fifty


@pytest.mark.parametrize("cases", [1, 50])
def test_case_list_query_count(client, cast, django_assert_num_queries, cases):
    for serial in range(1, cases + 1):
        cast.open_case(serial=serial)
    client.force_login(cast.home_staff)

    # Session, user, the user's second-factor device, the user's school, the
    # count for the paginator, the page of cases with pupils and schools,
    # and one insert of the rows' access events.
    with django_assert_num_queries(7):
        client.get(reverse("cases:list"))


def test_demo_accounts_are_refused_without_debug(client, cast, settings):
    cast.home_staff.is_demo_account = True
    cast.home_staff.save()
    settings.DEBUG = False

    response = client.post(
        reverse("accounts:sign_in"),
        {"username": "home-staff", "password": "a long test passphrase"},
    )

    assert "<title>Error: " in response.content.decode()


def test_demo_accounts_sign_in_with_debug(client, cast, settings):
    cast.home_staff.is_demo_account = True
    cast.home_staff.save()
    settings.DEBUG = True

    response = client.post(
        reverse("accounts:sign_in"),
        {"username": "home-staff", "password": "a long test passphrase"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list")


def test_the_named_contact_form_shows_the_contact_already_saved(client, cast):
    case = cast.planning_case()
    services.named_contact_record(
        case_id=case.pk,
        user=cast.home_staff,
        side="home",
        name="Jo Ellis, head of year",
        email="j.ellis@home.invalid",
    )
    client.force_login(cast.home_staff)

    html = client.get(reverse("cases:home_contact", args=[case.pk])).content.decode()

    assert 'value="Jo Ellis, head of year"' in html
    assert 'value="j.ellis@home.invalid"' in html
