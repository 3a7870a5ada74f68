import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from cases.checklist import planning_outstanding
from cases.models import Case, ReceivingSchoolApproach
from cases.services import CaseRuleError
from cases.tests.factories import set_transport_need
from transport import services
from transport.models import Postcode, TransportRequest, TravelAnswer
from transport.policy import policy_advice
from transport.tests.conftest import BOARDING_POSTCODE, TODAY
from transport.tests.factories import (
    ROUTE,
    transport_approve,
    transport_decide,
    transport_quote,
)

pytestmark = pytest.mark.django_db

Arrangement = TransportRequest.Arrangement
ON = TODAY.date()


def route(case, user, **changes):
    return services.transport_route_record(
        case_id=case.pk, user=user, **{**ROUTE, **changes}
    )


# The postcode directory


def test_import_reads_the_onspd_layout_and_skips_postcodes_without_a_grid(
    postcodes,
):
    assert {p.postcode: (p.easting, p.northing) for p in Postcode.objects.all()} == {
        "NR4 7ZZ": (622737, 306864),
        "NR3 9ZZ": (625082, 310392),
    }


def test_import_reads_plain_postcode_easting_northing_and_updates(tmp_path, postcodes):
    path = tmp_path / "plain.csv"
    path.write_text("postcode,easting,northing\nnr47zz,622700,306800\n")

    call_command("import_postcodes", str(path))

    assert Postcode.objects.get(postcode="NR4 7ZZ").easting == 622700
    assert Postcode.objects.count() == 2


def test_import_without_a_grid_column_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("postcode,easting\nNR4 7ZZ,622737\n")

    with pytest.raises(CommandError, match="no osnrth1m column"):
        call_command("import_postcodes", str(path))
    assert not Postcode.objects.exists()


# The travel question and the request


def test_a_pupil_who_travels_alone_needs_no_request(cast):
    case = cast.planning_case()

    set_transport_need(case, cast.home_staff, False)

    case.refresh_from_db()
    assert case.transport_needed is False
    assert case.travel_answer.answer == TravelAnswer.Answer.ALONE
    assert not TransportRequest.objects.exists()


def test_a_request_tells_the_adviser_and_faet(
    cast, settings, django_capture_on_commit_callbacks
):
    case = cast.planning_case()

    with django_capture_on_commit_callbacks(execute=True):
        set_transport_need(case, cast.home_staff, True)

    assert case.transport_request.school.name == "Receiving Academy"
    [message] = mail.outbox
    assert sorted(message.to) == sorted(
        ["adviser@example.invalid", settings.FAET_MAILBOX]
    )
    assert message.subject == f"Transport requested for {case.reference}"
    assert "the proposed receiving school Receiving Academy" in message.body
    assert "Testpupil" not in message.body


def test_home_to_school_distance_comes_from_the_postcode_directory(requested):
    # Home NR4 7ZZ sits on Hewett Academy's grid reference (622737, 306864),
    # the school is Sewell Park Academy (623204, 310576):
    #   east 623204 - 622737 = 467 m, north 310576 - 306864 = 3712 m
    #   sqrt(467² + 3712²) = sqrt(218089 + 13778944) = sqrt(13997033)
    #   = 3741.26 m; 3741.26 / 1609.344 = 2.3247, so 2.32 miles.
    request = requested.transport_request
    assert request.home_to_school_miles == Decimal("2.32")
    assert request.home_to_school_source == "directory"


def test_boarding_point_distance_comes_from_its_postcode(requested, cast):
    # Boarding point NR3 9ZZ sits on The Open Academy (625082, 310392):
    #   east 625082 - 622737 = 2345 m, north 310392 - 306864 = 3528 m
    #   sqrt(2345² + 3528²) = sqrt(5499025 + 12446784) = sqrt(17945809)
    #   = 4236.25 m; 4236.25 / 1609.344 = 2.6323, so 2.63 miles.
    request = route(
        requested,
        cast.transport,
        suitable_route=False,
        walk_to_stop_miles=None,
        arrangement=Arrangement.BESPOKE,
        boarding_point="The Open Academy's front gate",
        boarding_point_postcode="nr39zz",
    )

    assert request.boarding_point_postcode == BOARDING_POSTCODE
    assert request.home_to_boarding_point_miles == Decimal("2.63")


def test_a_boarding_postcode_not_in_the_directory_is_refused(requested, cast):
    with pytest.raises(CaseRuleError, match="NR9 1XX is not in the postcode") as error:
        route(
            requested,
            cast.transport,
            arrangement=Arrangement.BESPOKE,
            boarding_point="Village hall",
            boarding_point_postcode="NR9 1XX",
        )

    assert error.value.field == "boarding_point_postcode"
    assert "enter the distance to the boarding point by hand" in error.value.message
    assert TransportRequest.objects.get().arrangement == ""


def test_an_unknown_home_postcode_lets_the_officer_enter_distances_by_hand(cast):
    case = cast.planning_case()
    set_transport_need(case, cast.home_staff, True)
    assert case.transport_request.home_to_school_miles is None

    with pytest.raises(CaseRuleError, match="Enter the distance from home to school"):
        route(case, cast.transport, home_to_school_miles=None)

    request = route(
        case,
        cast.transport,
        home_to_school_miles=Decimal("3.10"),
        home_to_boarding_point_miles=Decimal("0.80"),
        arrangement=Arrangement.BESPOKE,
        boarding_point="Corner of the road",
    )
    assert request.home_to_school_miles == Decimal("3.10")
    assert request.home_to_school_source == "hand"
    assert request.home_to_boarding_point_miles == Decimal("0.80")
    assert request.home_to_boarding_point_source == "hand"


# The policy ladder


@pytest.mark.parametrize(
    ("suitable_route", "walk", "expected", "reason"),
    [
        (True, Decimal("0.40"), Arrangement.BUS_PASS, "0.40 miles' walk"),
        (True, Decimal("1.50"), Arrangement.BUS_PASS, "within the policy's 1.5"),
        (True, Decimal("1.51"), Arrangement.BESPOKE, "beyond the policy's 1.5"),
        (False, None, Arrangement.BESPOKE, "No suitable public route"),
    ],
)
def test_the_policy_points_to_the_cheapest_suitable_option(
    suitable_route, walk, expected, reason
):
    advice = policy_advice(suitable_route=suitable_route, walk_to_stop_miles=walk)

    assert advice.arrangement == expected
    assert reason in advice.reason


def test_a_bus_pass_needs_a_suitable_route(requested, cast):
    with pytest.raises(CaseRuleError, match="A bus pass needs a suitable public"):
        route(requested, cast.transport, suitable_route=False, walk_to_stop_miles=None)


def test_bespoke_transport_needs_a_boarding_point(requested, cast):
    with pytest.raises(CaseRuleError, match="Enter the boarding point"):
        route(requested, cast.transport, arrangement=Arrangement.BESPOKE)


def test_a_fuel_allowance_needs_an_end_date(requested, cast):
    with pytest.raises(CaseRuleError, match="short term: enter the date it ends"):
        route(requested, cast.transport, arrangement=Arrangement.BEYOND_POLICY)


# The quote and the panel


@pytest.mark.parametrize(
    ("daily", "total", "field"),
    [
        (Decimal("0.00"), Decimal("168.00"), "daily_cost"),
        (Decimal("4.20"), Decimal("-1.00"), "total_cost"),
    ],
)
def test_a_quote_must_cost_more_than_nothing(requested, cast, daily, total, field):
    officer = cast.transport
    services.transport_quote_request(
        case_id=requested.pk, user=officer, requested_on=ON
    )

    with pytest.raises(CaseRuleError, match="more than £0.00") as error:
        services.transport_quote_record(
            case_id=requested.pk,
            user=officer,
            received_on=ON,
            supplier="Konectbus",
            daily_cost=daily,
            total_cost=total,
        )
    assert error.value.field == field
    assert not TransportRequest.objects.get().has_quote


def test_the_panel_cannot_decide_before_the_quote(requested, cast):
    route(requested, cast.transport)

    with pytest.raises(CaseRuleError, match="Record the quote first"):
        transport_decide(cast, requested, ON)
    assert TransportRequest.objects.get().decision == "awaiting"


def test_approval_completes_the_planning_task_and_tells_both_schools(
    requested, cast, django_capture_on_commit_callbacks
):
    assert "Transport decision" in planning_outstanding(requested)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        transport_approve(cast, requested, ON)

    case = Case.objects.get(pk=requested.pk)
    assert "Transport decision" not in planning_outstanding(case)
    assert case.transport_request.get_status_display() == "Approved for the placement"
    [message] = mail.outbox
    assert message.to == [
        "office@home.example.invalid",
        "office@receiving.example.invalid",
    ]
    assert "approved transport" in message.body
    assert "arriving for 08:40 and leaving at 15:10" in message.body


def test_refusal_sends_the_home_school_back_to_finding_a_school(requested, cast):
    transport_quote(cast, requested, ON)

    transport_decide(cast, requested, ON, approve=False, reasons="Too far, too dear")

    case = Case.objects.get(pk=requested.pk)
    assert case.state == Case.State.FINDING_SCHOOL
    assert case.transport_needed is None
    approach = case.approaches.get()
    assert approach.answer == ReceivingSchoolApproach.Answer.WITHDRAWN
    assert approach.answer_notes == "Transport refused: Too far, too dear"
    refused = TransportRequest.history.filter(history_type="-").get()
    assert refused.decision == "refused"
    assert refused.supplier == "Konectbus"


# Exceptions to policy


def beyond_policy(cast, case):
    return transport_quote(
        cast,
        case,
        ON,
        arrangement=Arrangement.BEYOND_POLICY,
        arrangement_details="Fuel allowance for the mother's car",
        ends_on=datetime.date(2027, 1, 29),
    )


def test_an_exception_needs_evidence_and_a_category(requested, cast):
    beyond_policy(cast, requested)

    with pytest.raises(CaseRuleError, match="Select at least one category"):
        services.transport_exception_authorise(
            case_id=requested.pk, user=cast.fair_access, risks=[], evidence="Seen"
        )
    with pytest.raises(CaseRuleError, match="Enter the evidence"):
        services.transport_exception_authorise(
            case_id=requested.pk,
            user=cast.fair_access,
            risks=["risk_absconding"],
            evidence="  ",
        )


def test_an_exception_with_one_authoriser_cannot_be_approved(requested, cast):
    beyond_policy(cast, requested)
    services.transport_exception_authorise(
        case_id=requested.pk,
        user=cast.transport,
        risks=["risk_exploitation"],
        evidence="Police intelligence of contact with a county lines group",
    )

    with pytest.raises(CaseRuleError, match="Still awaited: a FAET officer"):
        transport_decide(cast, requested, ON)
    assert TransportRequest.objects.get().decision == "awaiting"


def test_an_exception_authorised_by_faet_and_transport_can_be_approved(requested, cast):
    beyond_policy(cast, requested)
    for user in (cast.fair_access, cast.transport):
        services.transport_exception_authorise(
            case_id=requested.pk,
            user=user,
            risks=["risk_exploitation", "risk_absconding"],
            evidence="Police intelligence of contact with a county lines group",
        )

    request = transport_decide(cast, requested, ON)

    assert request.is_approved
    assert request.exception_faet_by == cast.fair_access
    assert request.exception_transport_by == cast.transport
    assert request.risks == [
        "High risk of criminal or sexual exploitation",
        "Risk of absconding",
    ]


def test_changing_the_evidence_withdraws_the_other_authorisation(requested, cast):
    beyond_policy(cast, requested)
    services.transport_exception_authorise(
        case_id=requested.pk,
        user=cast.fair_access,
        risks=["risk_safeguarding"],
        evidence="Child protection plan",
    )

    request = services.transport_exception_authorise(
        case_id=requested.pk,
        user=cast.transport,
        risks=["risk_safeguarding"],
        evidence="Something else",
    )

    assert request.exception_faet_by is None
    assert request.exception_transport_by == cast.transport


def test_bespoke_where_a_bus_pass_would_do_is_an_exception(requested, cast):
    transport_quote(
        cast,
        requested,
        ON,
        arrangement=Arrangement.BESPOKE,
        boarding_point="Home",
        walk_to_stop_miles=Decimal("0.40"),
    )

    with pytest.raises(CaseRuleError, match="goes beyond policy"):
        transport_decide(cast, requested, ON)


# The Pupil's Individual Travel Plan


def test_a_travel_plan_review_with_goals_met_prompts_a_transport_review(
    requested, cast
):
    transport_approve(cast, requested, ON)
    services.travel_plan_record(
        case_id=requested.pk,
        user=cast.home_staff,
        goals="Walk to the stop with a friend, then alone",
        support="Travel training from the receiving school",
        review_dates="",
        next_review_on=datetime.date(2026, 12, 17),
    )
    assert not requested.transport_request.travel_plan.goals_met

    review = services.travel_plan_review_add(
        case_id=requested.pk,
        user=cast.receiving_staff,
        reviewed_on=ON,
        review_meeting=None,
        progress="Travels alone every day",
        goals_met=True,
        next_review_on=None,
    )

    assert review.plan.goals_met
    assert requested.history.first().history_change_reason == (
        "Travel plan reviewed: goals met, so review the transport"
    )


def test_a_travel_plan_review_cannot_link_another_cases_meeting(requested, cast):
    from meetings.models import ReviewMeeting

    other = cast.open_case(serial=2)
    meeting = ReviewMeeting.objects.create(
        case=other, scheduled_for=datetime.date(2026, 12, 17)
    )
    transport_approve(cast, requested, ON)
    services.travel_plan_record(
        case_id=requested.pk,
        user=cast.home_staff,
        goals="Goals",
        support="Support",
        review_dates="",
        next_review_on=None,
    )

    with pytest.raises(CaseRuleError, match="Choose a review meeting of this case"):
        services.travel_plan_review_add(
            case_id=requested.pk,
            user=cast.home_staff,
            reviewed_on=ON,
            review_meeting=meeting,
            progress="",
            goals_met=False,
            next_review_on=None,
        )
