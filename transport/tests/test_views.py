import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from cases import services as case_services
from cases.models import Case
from cases.tests.factories import set_transport_need
from dowimm.calendars.school_days import school_days_for
from dowimm.calendars.services import calendar_import_csv
from transport.forms import QuoteForm
from transport.models import TransportRequest
from transport.selectors import cost_to_date
from transport.tests.conftest import TODAY
from transport.tests.factories import transport_approve, transport_quote

pytestmark = pytest.mark.django_db

ON = TODAY.date()
THU_2_OCT_2025 = datetime.datetime(2025, 10, 2, 10, 0, tzinfo=datetime.UTC)
TERM_DATES_CSV = settings.BASE_DIR / "data" / "norfolk-term-dates.csv"


def page_text(response):
    assert response.status_code == 200
    return response.content.decode()


def test_transport_officer_sees_only_the_facts_the_journey_needs(
    client, cast, requested
):
    case_services.safeguarding_share_record(
        case_id=requested.pk,
        user=cast.home_dsl,
        details={
            "multi_agency_plans": "Child in need plan held by children's services",
            "allocated_workers": "Social worker on the duty team",
            "recording_and_sharing_plan": "Weekly call between DSLs",
            "shared_on": ON,
        },
    )
    client.force_login(cast.transport)

    text = page_text(client.get(reverse("transport:request", args=[requested.pk])))

    assert "Rowan Testpupil" in text
    assert "1 Example Street" in text
    assert "Home Academy" in text and "Receiving Academy" in text
    assert "arriving for 8:40 a.m., leaving at 3:10 p.m." in text
    assert "2.32 miles" in text
    assert "Child in need plan" not in text
    assert "carer@example.invalid" not in text
    assert client.get(reverse("cases:detail", args=[requested.pk])).status_code == 404


def test_travel_plan_review_notes_are_hidden_from_transport_officers(
    client, cast, requested
):
    from transport import services

    transport_approve(cast, requested, ON)
    services.travel_plan_record(
        case_id=requested.pk,
        user=cast.home_staff,
        goals="Walk to the stop alone",
        support="Travel training",
        review_dates="",
        next_review_on=None,
    )
    services.travel_plan_review_add(
        case_id=requested.pk,
        user=cast.home_staff,
        reviewed_on=ON,
        review_meeting=None,
        progress="Anxious on the bus after an incident at home",
        goals_met=True,
        next_review_on=None,
    )
    url = reverse("transport:request", args=[requested.pk])

    client.force_login(cast.transport)
    officer_view = page_text(client.get(url))
    client.force_login(cast.home_staff)
    school_view = page_text(client.get(url))

    assert "goals are met: review whether the pupil still needs" in officer_view
    assert "Anxious on the bus" not in officer_view
    assert "Anxious on the bus" in school_view


def test_the_route_form_shows_what_the_policy_points_to(client, cast, requested):
    client.force_login(cast.transport)

    response = client.post(
        reverse("transport:route", args=[requested.pk]),
        {
            "suitable_route": "True",
            "walk_to_stop_miles": "1.6",
            "arrangement": "bespoke",
            "boarding_point": "The end of the lane",
            "continues_after_managed_move": "True",
        },
    )

    assert response.status_code == 302
    text = page_text(client.get(response["Location"]))
    assert "Bespoke transport (taxi or minibus)" in text
    assert "1.60 miles&#x27; walk from home, beyond the policy&#x27;s 1.5" in text


def test_a_zero_cost_is_refused_with_an_instruction(client, cast, requested):
    transport_quote(cast, requested, ON)
    client.force_login(cast.transport)
    TransportRequest.objects.update(quote_received_on=None)

    response = client.post(
        reverse("transport:quote", args=[requested.pk]),
        {
            "received_on_0": "3",
            "received_on_1": "12",
            "received_on_2": "2026",
            "supplier": "Konectbus",
            "daily_cost": "0",
            "total_cost": "168",
        },
    )

    text = page_text(response)
    assert "<title>Error: " in text
    assert "Enter a cost of more than £0.00, in pounds and pence" in text


def test_a_decision_before_a_quote_is_refused(client, cast, requested):
    client.force_login(cast.transport)

    response = client.post(
        reverse("transport:decide", args=[requested.pk]),
        {
            "panel_on_0": "3",
            "panel_on_1": "12",
            "panel_on_2": "2026",
            "panel_members": "Transport manager",
            "approve": "True",
            "reasons": "Fine",
        },
    )

    assert "Record the quote first: the panel decides on the quote" in page_text(
        response
    )
    assert TransportRequest.objects.get().decision == "awaiting"


def queue_cases(cast, count):
    for serial in range(1, count + 1):
        case = cast.planning_case(serial=serial)
        set_transport_need(case, cast.home_staff, True)
        transport_quote(cast, case, ON)


@pytest.mark.parametrize("count", [1, 8])
def test_queue_query_count_does_not_grow(
    client, cast, count, django_assert_num_queries
):
    queue_cases(cast, count)
    client.force_login(cast.transport)

    # The session, the user and their OTP device, the requests, the reviews,
    # the school's calendars and the audit row: the same for 1 or 8 rows.
    with django_assert_num_queries(7):
        response = client.get(reverse("transport:queue"))

    assert page_text(response).count("Konectbus") == 0
    assert response.context["groups"][1][0].label == "Awaiting the panel"
    assert len(response.context["groups"][1][1]) == count


def test_queue_is_for_transport_officers_only(client, cast):
    for user in (cast.home_staff, cast.fair_access, cast.adviser):
        client.force_login(user)
        assert client.get(reverse("transport:queue")).status_code == 404


def test_panel_pack_lists_the_requests_awaiting_the_panel(client, cast, requested):
    transport_quote(cast, requested, ON)
    client.force_login(cast.fair_access)

    text = page_text(
        client.get(
            reverse("transport:panel_pack"),
            {"panel_on_0": "10", "panel_on_1": "12", "panel_on_2": "2026"},
        )
    )

    assert "Transport panel pack: Thursday 10 December 2026" in text
    assert "Konectbus: £4.20 a day, £168.00 for the placement" in text
    assert 'media="print"' in text


def test_cost_to_date_counts_the_receiving_schools_days(cast):
    with TERM_DATES_CSV.open(encoding="utf-8", newline="") as f:
        calendar_import_csv(file=f)
    with time_machine.travel(THU_2_OCT_2025, tick=False):
        case = cast.planning_case()
        set_transport_need(case, cast.home_staff, True)
        transport_approve(cast, case, THU_2_OCT_2025.date())
    # Only the start date matters here; starting a placement needs planning
    # complete, which other tests cover.
    Case.objects.filter(pk=case.pk).update(started_on=datetime.date(2025, 10, 13))
    request = TransportRequest.objects.select_related("case", "school").get()

    # Mon 13 Oct to Fri 7 Nov 2025 on the county calendar: 13-24 Oct is 10
    # school days, 27-31 Oct is half term, 3-7 Nov is 5 more: 15 days.
    # 15 x £4.20 a day = £63.00.
    cost = cost_to_date(
        request, school_days_for(request.school), datetime.date(2025, 11, 7)
    )

    assert cost == Decimal("63.00")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("£38.50", Decimal("38.50")),
        ("1,540.00", Decimal("1540.00")),
        (" £ 4.2 ", Decimal("4.2")),
    ],
)
def test_a_quote_is_read_as_people_write_pounds(typed, read):
    form = QuoteForm(
        {
            "received_on_0": "3",
            "received_on_1": "12",
            "received_on_2": "2026",
            "supplier": "Norwich Taxis",
            "daily_cost": typed,
            "total_cost": typed,
        }
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["daily_cost"] == read


def test_a_quote_that_is_not_an_amount_says_how_to_write_one():
    form = QuoteForm({"daily_cost": "about forty"})

    assert form.errors["daily_cost"] == [
        "Enter the daily cost in pounds and pence, like 42.50"
    ]


def test_costs_over_a_thousand_pounds_are_shown_with_a_comma(client, cast, requested):
    transport_quote(cast, requested, ON)
    TransportRequest.objects.update(total_cost=Decimal("1540.00"))
    client.force_login(cast.transport)

    text = page_text(client.get(reverse("transport:request", args=[requested.pk])))

    assert "£4.20 a day, £1,540.00 for the placement" in text
