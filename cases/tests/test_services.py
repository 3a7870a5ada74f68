import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile

from cases import services
from cases.models import (
    AgreementSignature,
    Case,
    Pupil,
    ReceivingSchoolApproach,
)
from cases.services import CaseRuleError, UpnOnOpenCase
from cases.tests.factories import (
    ELIGIBLE_ANSWERS,
    PDF_BYTES,
    Cast,
    pupil_details,
    set_transport_need,
)
from dowimm.calendars.services import calendar_import_csv
from meetings.models import PlanningMeeting, ReviewMeeting
from transport.models import TransportRequest
from transport.tests.factories import (
    transport_approve,
    transport_decide,
    transport_quote,
)

pytestmark = pytest.mark.django_db

# Thursday 3 December 2026, a school day with no bank holiday near it.
TODAY = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
PLANNED_ON = datetime.date(2026, 12, 3)
FIRST_DAY = datetime.date(2026, 12, 7)


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_opening_a_case_gives_a_reference_and_one_history_row(cast):
    case = cast.open_case()

    assert case.reference == f"DWM-2026-{case.pk:04d}"
    assert case.state == Case.State.ELIGIBILITY
    history = list(case.history.all())
    assert len(history) == 1
    assert history[0].history_change_reason == "Case opened"
    assert history[0].history_user == cast.home_staff


def test_decomposed_names_are_stored_precomposed(cast):
    case = cast.open_case(legal_first_names="Zoe\u0308", legal_surname="Sia\u0302n")

    pupil = Pupil.objects.get(pk=case.pupil_id)
    assert pupil.legal_first_names == "Zo\u00eb"
    assert pupil.legal_surname == "Si\u00e2n"


def test_upn_already_on_an_open_case_is_refused(cast):
    first = cast.open_case(serial=7)

    with pytest.raises(UpnOnOpenCase) as refused:
        cast.open_case(serial=7)

    assert refused.value.case == first
    assert Case.objects.count() == 1


def test_upn_of_a_closed_case_can_start_a_new_one(cast):
    first = cast.open_case(serial=7)
    services.case_close_not_proceeding(
        case_id=first.pk, user=cast.home_staff, reason="Family moved away"
    )

    second = cast.open_case(serial=7)

    assert second.pk != first.pk


@pytest.mark.parametrize(
    ("pupil", "low_attendance", "reason"),
    [
        (
            {"sen_status": Pupil.SenStatus.EHCP},
            False,
            "education, health and care plan",
        ),
        ({"sen_status": Pupil.SenStatus.YES_TO_PLAN}, False, "agreed to issue"),
        ({"in_care": True}, False, "in the care of the local authority"),
        ({}, True, "cannot be used to resolve low attendance"),
    ],
)
def test_hard_stops_refuse_eligibility_and_save_nothing(
    cast, pupil, low_attendance, reason
):
    case = cast.open_case(**pupil)
    answers = {**ELIGIBLE_ANSWERS, "purpose_is_low_attendance": low_attendance}

    with pytest.raises(CaseRuleError, match=reason):
        services.case_confirm_eligible(
            case_id=case.pk, user=cast.home_staff, answers=answers
        )

    case.refresh_from_db()
    assert case.state == Case.State.ELIGIBILITY
    assert not case.internal_strategies_exhausted


def test_outside_the_three_reasons_needs_an_adviser_consulted(cast):
    case = cast.open_case()
    answers = {
        **ELIGIBLE_ANSWERS,
        "internal_strategies_exhausted": False,
        "at_risk_of_exclusion": False,
        "other_reason": "Relationship breakdown with peers",
    }

    with pytest.raises(CaseRuleError, match="Inclusion Adviser you consulted"):
        services.case_confirm_eligible(
            case_id=case.pk, user=cast.home_staff, answers=answers
        )


def test_outside_the_three_reasons_goes_ahead_when_the_adviser_agreed(cast):
    case = cast.open_case()
    answers = {
        **ELIGIBLE_ANSWERS,
        "internal_strategies_exhausted": False,
        "at_risk_of_exclusion": False,
        "other_reason": "Relationship breakdown with peers",
        "consulted_adviser": cast.adviser,
        "consulted_on": datetime.date(2026, 12, 3),
        "consultation_agreed": True,
    }

    case = services.case_confirm_eligible(
        case_id=case.pk, user=cast.home_staff, answers=answers
    )

    assert case.state == Case.State.PRELIMINARY
    assert case.consulted_adviser == cast.adviser


@pytest.mark.parametrize(
    ("consulted_on", "refusal"),
    [
        # Opened on Thu 3 Dec 2026: asking the adviser the week before is
        # normal, and 26 weeks before is the earliest taken as this case's.
        (datetime.date(2026, 11, 26), None),
        (datetime.date(2026, 6, 4), None),
        (datetime.date(2026, 6, 3), "in the 26 weeks before the case was opened"),
    ],
)
def test_an_adviser_may_be_consulted_before_the_case_is_opened(
    cast, consulted_on, refusal
):
    case = cast.open_case()
    answers = {
        **ELIGIBLE_ANSWERS,
        "internal_strategies_exhausted": False,
        "at_risk_of_exclusion": False,
        "other_reason": "Relationship breakdown with peers",
        "consulted_adviser": cast.adviser,
        "consulted_on": consulted_on,
        "consultation_agreed": True,
    }

    def confirm():
        return services.case_confirm_eligible(
            case_id=case.pk, user=cast.home_staff, answers=answers
        )

    if refusal:
        with pytest.raises(CaseRuleError, match=refusal):
            confirm()
    else:
        assert confirm().consulted_on == consulted_on


def test_other_reason_answers_beside_a_scheme_reason_are_not_kept(cast):
    case = cast.open_case()
    answers = {
        **ELIGIBLE_ANSWERS,
        "other_reason": "Relationship breakdown with peers",
        "consulted_adviser": cast.adviser,
        "consulted_on": datetime.date(2026, 12, 1),
    }

    case = services.case_confirm_eligible(
        case_id=case.pk, user=cast.home_staff, answers=answers
    )

    assert case.meets_a_scheme_reason
    assert (case.other_reason, case.consulted_adviser, case.consulted_on) == (
        "",
        None,
        None,
    )


def test_outside_the_three_reasons_stops_when_the_adviser_disagreed(cast):
    case = cast.open_case()
    answers = {
        **ELIGIBLE_ANSWERS,
        "internal_strategies_exhausted": False,
        "at_risk_of_exclusion": False,
        "other_reason": "Relationship breakdown with peers",
        "consulted_adviser": cast.adviser,
        "consulted_on": datetime.date(2026, 12, 3),
        "consultation_agreed": False,
    }

    with pytest.raises(CaseRuleError, match="did not agree"):
        services.case_confirm_eligible(
            case_id=case.pk, user=cast.home_staff, answers=answers
        )


def test_confirming_eligibility_twice_is_refused_with_a_clear_message(cast):
    case = cast.preliminary_case()

    with pytest.raises(CaseRuleError, match="“Preliminary” stage"):
        services.case_confirm_eligible(
            case_id=case.pk, user=cast.home_staff, answers=ELIGIBLE_ANSWERS
        )


def test_meeting_dated_before_the_case_was_opened_is_refused(cast):
    case = cast.preliminary_case()

    with pytest.raises(CaseRuleError, match="on or after the day the case was opened"):
        services.preliminary_meeting_record(
            case_id=case.pk,
            user=cast.home_staff,
            held_on=datetime.date(2026, 12, 2),
            attendees="Head of year",
            notes="",
        )


def test_pathway_cannot_be_agreed_before_the_preliminary_tasks(cast):
    case = cast.preliminary_case()

    with pytest.raises(CaseRuleError) as refused:
        services.pathway_agree(
            case_id=case.pk,
            user=cast.adviser,
            decided_on=datetime.date(2026, 12, 3),
            best_interests_statement="Fresh start",
        )

    message = refused.value.message
    assert "record interventions already tried" in message
    assert "record the preliminary meeting" in message
    assert "upload the provision plan" in message


def test_an_intervention_cannot_predate_reception(cast):
    # Born 14 May 2012: Reception from 1 Sep 2016.
    case = cast.preliminary_case()

    def add(started_on):
        return services.intervention_add(
            case_id=case.pk,
            user=cast.home_staff,
            description="Mentoring",
            started_on=started_on,
            outcome="Helped",
        )

    with pytest.raises(CaseRuleError, match="began Reception, in September 2016"):
        add(datetime.date(2016, 8, 31))
    assert add(datetime.date(2016, 9, 1)).started_on == datetime.date(2016, 9, 1)


def test_an_intervention_sent_twice_is_recorded_once(cast):
    case = cast.preliminary_case()

    def add(description, started_on=datetime.date(2026, 9, 7)):
        return services.intervention_add(
            case_id=case.pk,
            user=cast.home_staff,
            description=description,
            started_on=started_on,
            outcome="Helped for a while",
        )

    add("Mentoring with the head of year")
    with pytest.raises(CaseRuleError, match="already recorded on the case"):
        add("mentoring with the  head of year ")
    # The same strategy tried again later is another intervention.
    add("Mentoring with the head of year", datetime.date(2026, 11, 2))

    assert case.interventions.count() == 2


@pytest.mark.parametrize(
    ("born", "reception"),
    [
        (datetime.date(2012, 8, 31), datetime.date(2016, 9, 1)),
        (datetime.date(2012, 9, 1), datetime.date(2017, 9, 1)),
    ],
)
def test_reception_begins_in_the_september_after_the_fourth_birthday(born, reception):
    assert Pupil(date_of_birth=born).reception_started_on == reception


def test_agreeing_the_pathway_moves_the_case_to_finding_a_school(cast):
    case = cast.finding_school_case()

    assert case.state == Case.State.FINDING_SCHOOL
    assert case.pathway_decided_by == cast.adviser
    reasons = [row.history_change_reason for row in case.history.all()]
    assert "Pathway agreed by the Inclusion Adviser" in reasons


def test_approaching_the_home_school_itself_is_refused(cast):
    case = cast.finding_school_case()

    with pytest.raises(CaseRuleError, match="other than the pupil's home school") as e:
        services.approach_record(
            case_id=case.pk,
            user=cast.home_staff,
            school=cast.home_school,
            approached_on=datetime.date(2026, 12, 3),
            notes="",
        )
    assert e.value.field == "school"


def test_approaching_a_school_still_to_answer_is_refused(cast):
    case, _ = cast.approached_case()

    with pytest.raises(CaseRuleError, match="already been approached"):
        services.approach_record(
            case_id=case.pk,
            user=cast.home_staff,
            school=cast.receiving_school,
            approached_on=datetime.date(2026, 12, 3),
            notes="",
        )


def test_schools_are_ranked_by_distance_from_the_home_school(cast):
    case = cast.finding_school_case()

    ranked = services.schools_by_distance(case)

    # Home (620000, 308000) to Receiving (623000, 310000): sqrt(3000² + 2000²)
    # = 3605.6 m; to Other (630000, 300000): sqrt(10000² + 8000²) = 12806.2 m.
    assert [school.name for _, school in ranked] == [
        "Receiving Academy",
        "Other Academy",
    ]
    assert ranked[0][0] == pytest.approx(3.6056, abs=1e-4)
    assert ranked[1][0] == pytest.approx(12.8062, abs=1e-4)


def test_accepting_makes_the_receiving_school_and_withdraws_other_approaches(cast):
    case, approach = cast.approached_case()
    other = services.approach_record(
        case_id=case.pk,
        user=cast.home_staff,
        school=cast.other_school,
        approached_on=datetime.date(2026, 12, 3),
        notes="",
    )

    services.approach_answer(
        approach_id=approach.pk, user=cast.receiving_staff, accept=True, notes=""
    )

    case.refresh_from_db()
    other.refresh_from_db()
    assert case.state == Case.State.PLANNING
    assert case.receiving_school == cast.receiving_school
    assert other.answer == ReceivingSchoolApproach.Answer.WITHDRAWN
    assert case.history.first().history_change_reason == (
        "Receiving Academy accepted; approaches withdrawn: Other Academy"
    )


def test_a_decline_needs_its_reason(cast):
    case, approach = cast.approached_case()

    with pytest.raises(CaseRuleError, match="Say why your school declines") as e:
        services.approach_answer(
            approach_id=approach.pk, user=cast.receiving_staff, accept=False, notes=" "
        )

    assert e.value.field == "notes"
    approach.refresh_from_db()
    assert approach.answer == ReceivingSchoolApproach.Answer.AWAITING


def test_the_home_school_hears_the_answer(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    cast.home_school.named_contact_email = "office@home.invalid"
    cast.home_school.save(update_fields=["named_contact_email"])
    case, approach = cast.approached_case()

    with django_capture_on_commit_callbacks(execute=True):
        services.approach_answer(
            approach_id=approach.pk,
            user=cast.receiving_staff,
            accept=False,
            notes="No place in Year 8",
        )

    [email] = mailoutbox
    assert email.to == ["office@home.invalid"]
    assert email.subject == (
        f"Receiving Academy declined the DOWIMM placement: case {case.reference}"
    )


def test_answering_an_approach_twice_is_refused(cast):
    case, approach = cast.approached_case()
    services.approach_answer(
        approach_id=approach.pk,
        user=cast.receiving_staff,
        accept=False,
        notes="No place in Year 8",
    )

    with pytest.raises(CaseRuleError, match="already been answered: declined"):
        services.approach_answer(
            approach_id=approach.pk, user=cast.receiving_staff, accept=True, notes=""
        )

    case.refresh_from_db()
    assert case.state == Case.State.FINDING_SCHOOL
    assert case.receiving_school is None


def test_refused_transport_sends_the_home_school_back_to_finding_a_school(cast):
    case = cast.planning_case()
    set_transport_need(case, cast.home_staff, True)
    transport_quote(cast, case, TODAY.date())

    transport_decide(cast, case, TODAY.date(), approve=False, reasons="Too dear")

    case.refresh_from_db()
    assert case.state == Case.State.FINDING_SCHOOL
    assert case.receiving_school is None
    assert not TransportRequest.objects.filter(case=case).exists()
    approach = case.approaches.get()
    assert approach.answer == ReceivingSchoolApproach.Answer.WITHDRAWN


def complete_planning(
    cast,
    case,
    *,
    transport=False,
    on=datetime.date(2026, 12, 3),
    start=datetime.date(2026, 12, 7),
    reviews=(datetime.date(2026, 12, 18), datetime.date(2027, 1, 15)),
):
    """Every planning task, done on `on`, for a placement proposed from `start`."""
    cast.complete_planning(case, on, start, reviews=reviews, transport=transport)


def test_planning_meeting_proposes_the_review_dates(cast):
    case = cast.planning_case()
    complete_planning(cast, case)

    reviews = list(ReviewMeeting.objects.filter(case=case))
    assert [r.scheduled_for for r in reviews] == [
        datetime.date(2026, 12, 18),
        datetime.date(2027, 1, 15),
    ]
    assert [r.face_to_face for r in reviews] == [True, False]


def test_placement_cannot_start_while_planning_is_incomplete(cast):
    case = cast.planning_case()

    with pytest.raises(CaseRuleError, match="Still to do: ") as refused:
        services.placement_start(
            case_id=case.pk, user=cast.home_staff, started_on=datetime.date(2026, 12, 7)
        )

    assert "record the planning meeting" in refused.value.message
    assert "get the DOWIMM Agreement signed" in refused.value.message
    case.refresh_from_db()
    assert case.state == Case.State.PLANNING


# The placement on the real 2025-26 Norfolk calendar, from data/. Planning
# is done on Thu 2 Oct 2025 for a start on Mon 13 Oct 2025; reviews every
# 10 school days: 14-17 Oct (4), 20-24 (9), half term, Mon 3 Nov (10); then
# 4-7 Nov (14), 10-14 (19), Mon 17 Nov (20).
THU_2_OCT_2025 = datetime.datetime(2025, 10, 2, 10, 0, tzinfo=datetime.UTC)
MON_13_OCT_2025 = datetime.date(2025, 10, 13)
REVIEWS_2025 = (datetime.date(2025, 11, 3), datetime.date(2025, 11, 17))
TERM_DATES_CSV = settings.BASE_DIR / "data" / "norfolk-term-dates.csv"


@pytest.fixture
def october_2025():
    """The county's term dates loaded, and today Thu 2 Oct 2025."""
    with TERM_DATES_CSV.open(encoding="utf-8", newline="") as f:
        calendar_import_csv(file=f)
    with time_machine.travel(THU_2_OCT_2025, tick=False):
        yield


def planned_in_october_2025(cast, **kwargs):
    case = cast.planning_case()
    complete_planning(
        cast,
        case,
        on=THU_2_OCT_2025.date(),
        start=MON_13_OCT_2025,
        reviews=REVIEWS_2025,
        **kwargs,
    )
    return case


def test_placement_needing_transport_waits_for_the_decision(cast, october_2025):
    case = planned_in_october_2025(cast, transport=True)

    with pytest.raises(CaseRuleError, match="transport decision"):
        services.placement_start(
            case_id=case.pk, user=cast.home_staff, started_on=MON_13_OCT_2025
        )

    transport_approve(cast, case, THU_2_OCT_2025.date())
    case = services.placement_start(
        case_id=case.pk, user=cast.home_staff, started_on=MON_13_OCT_2025
    )
    assert case.state == Case.State.ACTIVE


@pytest.mark.parametrize(
    ("started_on", "message"),
    [
        (
            datetime.date(2025, 10, 11),
            "Receiving Academy is closed on Saturday 11 October 2025 (weekend). "
            "Choose a school day, such as Monday 13 October 2025",
        ),
        (
            datetime.date(2025, 10, 27),
            "Receiving Academy is closed on Monday 27 October 2025 (Autumn half "
            "term). Choose a school day, such as Monday 3 November 2025",
        ),
    ],
)
def test_placement_cannot_start_on_a_day_the_receiving_school_is_closed(
    cast, october_2025, started_on, message
):
    case = planned_in_october_2025(cast)

    with pytest.raises(CaseRuleError) as refused:
        services.placement_start(
            case_id=case.pk, user=cast.home_staff, started_on=started_on
        )

    assert refused.value.message == message
    assert refused.value.field == "started_on"
    case.refresh_from_db()
    assert case.state == Case.State.PLANNING


def test_placement_start_counts_40_school_days_past_half_term(cast, october_2025):
    case = planned_in_october_2025(cast)

    case = services.placement_start(
        case_id=case.pk, user=cast.home_staff, started_on=MON_13_OCT_2025
    )

    # 13-17 Oct (5), 20-24 (10), half term, then five full weeks to 5 Dec
    # (35) and 8-12 Dec (40).
    assert case.expected_end_on == datetime.date(2025, 12, 12)
    assert case.expected_end_explanation == (
        "40 school days from Mon 13 Oct 2025 to Fri 12 Dec 2025; "
        "not counted: Autumn half term 27–31 Oct 2025"
    )
    assert case.state == Case.State.ACTIVE


def test_placement_start_uses_the_receiving_school_training_days(cast, october_2025):
    # The data file's school rows give the receiving school its own training
    # day on Mon 3 Nov 2025, so the 40th school day moves to Mon 15 Dec.
    with TERM_DATES_CSV.open(encoding="utf-8", newline="") as f:
        calendar_import_csv(file=f, school=cast.receiving_school)
    case = cast.planning_case()
    # The first review moves off the training day to Tue 4 Nov.
    reviews = (datetime.date(2025, 11, 4), datetime.date(2025, 11, 17))
    complete_planning(
        cast, case, on=THU_2_OCT_2025.date(), start=MON_13_OCT_2025, reviews=reviews
    )

    case = services.placement_start(
        case_id=case.pk, user=cast.home_staff, started_on=MON_13_OCT_2025
    )

    assert case.expected_end_on == datetime.date(2025, 12, 15)
    assert case.expected_end_explanation.endswith(
        "Autumn half term 27–31 Oct 2025, Staff training day Mon 3 Nov 2025"
    )


def test_placement_start_without_term_dates_names_the_year_and_school(cast):
    # Today is Thu 3 Dec 2026 and nobody has entered the 2026-27 terms.
    case = cast.planning_case()
    complete_planning(cast, case)

    with pytest.raises(CaseRuleError) as refused:
        services.placement_start(
            case_id=case.pk, user=cast.home_staff, started_on=datetime.date(2026, 12, 7)
        )

    assert refused.value.message.startswith(
        "There are no term dates for 2026-27 at Receiving Academy yet"
    )
    assert "Fair Access and Exclusions Team" in refused.value.message
    assert refused.value.field == "started_on"
    case.refresh_from_db()
    assert case.state == Case.State.PLANNING
    assert case.expected_end_on is None


def test_paper_signature_needs_a_scan(cast):
    case = cast.planning_case()
    cast.record_planning_meeting(case, PLANNED_ON, FIRST_DAY)

    with pytest.raises(CaseRuleError, match="Upload a scan"):
        services.signature_record(
            case_id=case.pk,
            user=cast.home_staff,
            party=AgreementSignature.Party.PUPIL,
            carer=None,
            signed_by_name="Rowan Testpupil",
            signed_on=datetime.date(2026, 12, 3),
            method=AgreementSignature.Method.PAPER,
            scan=None,
        )


def test_paper_signature_with_a_scan_is_stored_privately(cast, settings):
    case = cast.planning_case()
    cast.record_planning_meeting(case, PLANNED_ON, FIRST_DAY)

    signature = services.signature_record(
        case_id=case.pk,
        user=cast.home_staff,
        party=AgreementSignature.Party.PUPIL,
        carer=None,
        signed_by_name="Rowan Testpupil",
        signed_on=datetime.date(2026, 12, 3),
        method=AgreementSignature.Method.PAPER,
        scan=ContentFile(PDF_BYTES, name="signed.pdf"),
    )

    path = settings.PRIVATE_MEDIA_ROOT / signature.scan.name
    assert path.read_bytes() == PDF_BYTES


def test_the_same_party_cannot_sign_twice(cast):
    case = cast.planning_case()
    cast.record_planning_meeting(case, PLANNED_ON, FIRST_DAY)
    kwargs = {
        "case_id": case.pk,
        "user": cast.home_staff,
        "party": AgreementSignature.Party.HOME_SCHOOL,
        "carer": None,
        "signed_by_name": "Head teacher",
        "signed_on": datetime.date(2026, 12, 3),
        "method": AgreementSignature.Method.IN_APP,
        "scan": None,
    }
    services.signature_record(**kwargs)

    with pytest.raises(CaseRuleError, match="already signed the current version"):
        services.signature_record(**kwargs)


def test_nothing_can_be_signed_before_the_agreement_is_prepared(cast):
    case = cast.planning_case()

    with pytest.raises(CaseRuleError, match="has not been prepared yet"):
        services.signature_record(
            case_id=case.pk,
            user=cast.home_staff,
            party=AgreementSignature.Party.PUPIL,
            carer=None,
            signed_by_name="Rowan Testpupil",
            signed_on=datetime.date(2026, 12, 3),
            method=AgreementSignature.Method.PAPER,
            scan=ContentFile(PDF_BYTES, name="signed.pdf"),
        )


def test_closing_withdraws_approaches_still_waiting(cast):
    case, approach = cast.approached_case()

    services.case_close_not_proceeding(
        case_id=case.pk, user=cast.home_staff, reason="Family moved away"
    )

    approach.refresh_from_db()
    case.refresh_from_db()
    assert case.state == Case.State.NOT_PROCEEDING
    assert approach.answer == ReceivingSchoolApproach.Answer.WITHDRAWN


@pytest.mark.parametrize(
    ("born", "on", "year"),
    [
        # Born 1 Sep 2013: 11 on 31 Aug 2025, so Year 7 in 2025-26.
        (datetime.date(2013, 9, 1), datetime.date(2025, 9, 3), 7),
        # Born 31 Aug 2013: already 12 on 31 Aug 2025, so Year 8.
        (datetime.date(2013, 8, 31), datetime.date(2025, 9, 3), 8),
        # The same pupil in July 2026 is still in Year 8 until September.
        (datetime.date(2013, 8, 31), datetime.date(2026, 7, 17), 8),
    ],
)
def test_year_group_follows_the_1_september_cut_off(born, on, year):
    pupil = Pupil(**pupil_details(date_of_birth=born))

    assert pupil.year_group(on) == year


def test_schools_over_the_boundary_are_listed_and_marked(cast):
    from cases.forms import ApproachForm
    from cases.tests.factories import SchoolFactory

    suffolk = SchoolFactory(
        name="Border High School", la_code="935", la_name="Suffolk", easting=640000
    )
    case = cast.finding_school_case()

    ranked = services.schools_by_distance(case)
    labels = dict(ApproachForm(ranked_schools=ranked).fields["school"].choices)

    # (620000, 308000) to (640000, 308000) is exactly 20 km.
    assert labels[str(suffolk.pk)] == (
        "Border High School (20.0 km), outside the authority (Suffolk)"
    )


def test_a_tour_is_recorded_once_it_has_happened(cast):
    case = cast.planning_case()
    tomorrow = TODAY.date() + datetime.timedelta(days=1)

    with pytest.raises(CaseRuleError, match="today or in the past"):
        services.tour_record(
            case_id=case.pk, user=cast.receiving_staff, tour_on=tomorrow
        )

    case.refresh_from_db()
    assert case.tour_on is None


def test_planned_dates_on_a_weekend_are_refused_without_term_dates(cast):
    case = cast.planning_case()
    saturday = datetime.date(2026, 12, 12)

    with pytest.raises(
        CaseRuleError,
        match=r"The review cannot be on a Saturday \(Sat 12 Dec 2026\)",
    ):
        cast.record_planning_meeting(case, PLANNED_ON, FIRST_DAY, reviews=[saturday])

    assert not PlanningMeeting.objects.filter(case=case).exists()


def test_planned_dates_on_a_bank_holiday_are_refused_without_term_dates(cast):
    # Boxing Day 2026 is a Saturday, so its bank holiday is Mon 28 Dec.
    case = cast.planning_case()

    with pytest.raises(
        CaseRuleError,
        match=r"closed on Mon 28 Dec 2026 \(Boxing Day",
    ):
        cast.record_planning_meeting(
            case, PLANNED_ON, FIRST_DAY, reviews=[datetime.date(2026, 12, 28)]
        )


def test_a_refused_review_date_is_reported_against_its_own_field(cast):
    case = cast.planning_case()
    reviews = [datetime.date(2026, 12, 21), datetime.date(2026, 12, 28)]

    with pytest.raises(CaseRuleError, match="Mon 28 Dec 2026") as refused:
        cast.record_planning_meeting(case, PLANNED_ON, FIRST_DAY, reviews=reviews)

    assert refused.value.field == "second_review_on"


@pytest.mark.parametrize(
    ("first_day", "reviews", "message"),
    [
        # 26 weeks after Thu 3 Dec 2026 is Thu 3 Jun 2027.
        (datetime.date(2027, 6, 4), [], "start, Fri 4 Jun 2027, is more than 26"),
        (FIRST_DAY, [datetime.date(2030, 1, 14)], "Mon 14 Jan 2030 is more than 26"),
    ],
)
def test_planned_dates_past_26_weeks_are_refused_as_a_slip_of_the_year(
    cast, first_day, reviews, message
):
    case = cast.planning_case()

    with pytest.raises(CaseRuleError, match=message):
        cast.record_planning_meeting(case, PLANNED_ON, first_day, reviews=reviews)


@pytest.mark.parametrize(
    "reviews",
    [
        [datetime.date(2027, 1, 15), datetime.date(2026, 12, 18)],
        [datetime.date(2026, 12, 18), datetime.date(2026, 12, 18)],
    ],
)
def test_review_dates_must_be_in_order_on_different_days(cast, reviews):
    case = cast.planning_case()

    with pytest.raises(CaseRuleError, match="in order, each on a different day"):
        cast.record_planning_meeting(case, PLANNED_ON, FIRST_DAY, reviews=reviews)


def test_a_first_day_in_half_term_is_refused_at_planning(cast, october_2025):
    case = cast.planning_case()

    with pytest.raises(
        CaseRuleError, match="Receiving Academy is closed on Mon 27 Oct 2025"
    ):
        cast.record_planning_meeting(
            case, THU_2_OCT_2025.date(), datetime.date(2025, 10, 27)
        )


def test_a_first_day_without_two_school_days_notice_is_refused_at_planning(
    cast, october_2025
):
    # Notice for Fri 3 Oct must reach the family by Wed 1 Oct, two school
    # days before; the meeting is on Thu 2 Oct.
    case = cast.planning_case()

    with pytest.raises(
        CaseRuleError, match="Written notice must reach the family by Wednesday 1"
    ):
        cast.record_planning_meeting(
            case, THU_2_OCT_2025.date(), datetime.date(2025, 10, 3)
        )


def test_an_approached_school_hears_at_once(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    cast.receiving_school.named_contact_email = "office@receiving.invalid"
    cast.receiving_school.save()

    with django_capture_on_commit_callbacks(execute=True):
        case, _ = cast.approached_case()

    [email] = mailoutbox
    assert email.to == ["office@receiving.invalid"]
    assert email.subject == f"Will you take a DOWIMM placement? Case {case.reference}"
    assert "Home Academy has asked Receiving Academy" in email.body
    assert "Testpupil" not in email.subject + email.body
