"""
Every write to a case's transport: the travel question, the request, the
quote, exceptions to policy, the panel's decision and the PITP.

Each function locks the case through the case services, so transport and
the rest of the case never change under each other, and records the
case's history row with who did what.
"""

import csv
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case, ReceivingSchoolApproach
from cases.services import CaseRuleError, _lock, _move, _record, email_once_saved
from transport.models import (
    Postcode,
    TransportRequest,
    TravelAnswer,
    TravelPlan,
    TravelPlanReview,
    normalise_postcode,
)
from transport.policy import (
    grid_reference,
    needs_exception,
    policy_advice,
    straight_line_miles,
)

logger = logging.getLogger(__name__)

State = Case.State
Arrangement = TransportRequest.Arrangement
Source = TransportRequest.DistanceSource
PLACEMENT_STATES = (State.PLANNING, State.ACTIVE, State.EXTENDED)


def _not_in_future(on, field):
    if on > timezone.localdate():
        raise CaseRuleError("The date must be today or in the past", field=field)


def _not_before(on, earlier, what, field):
    if on < earlier:
        raise CaseRuleError(
            f"The date must be on or after {what}, {earlier:%-d %B %Y}", field=field
        )


def _save(row, user):
    row._history_user = user
    row.save()


def _open_request(case, user):
    """The case's request, locked, while the panel has not yet decided."""
    request = (
        TransportRequest.objects.select_for_update()
        .filter(case=case)
        .select_related("school")
        .first()
    )
    if request is None:
        raise CaseRuleError(
            "No transport has been requested for this case. Nothing was changed."
        )
    if request.decision != TransportRequest.Decision.AWAITING:
        logger.info("Refused a change to decided transport on case %s", case.pk)
        raise CaseRuleError(
            "The panel has already decided on this transport. Nothing was changed."
        )
    return request


def _tell(case, subject, body, recipients):
    """Email once the change is saved; a failed send must not undo it."""
    if not email_once_saved(case, subject, body, recipients):
        logger.warning("No one to email about transport on case %s", case.pk)


# The travel question


@transaction.atomic
def transport_need_record(*, case_id, user, answer):
    """
    Record how the pupil will get to the receiving school. Only when
    neither a parent or carer nor the pupil can manage the journey is
    transport requested, and the adviser and FAET are told.
    """
    case = _lock(case_id, State.PLANNING)
    needed = answer == TravelAnswer.Answer.NEEDS_TRANSPORT
    request = TransportRequest.objects.filter(case=case).first()
    if request and request.decision != TransportRequest.Decision.AWAITING:
        raise CaseRuleError(
            "The transport panel has already decided, so the answer cannot "
            "change now. Ask the transport officer to end the transport instead.",
            field="answer",
        )

    travel = TravelAnswer.objects.filter(case=case).first() or TravelAnswer(case=case)
    travel.answer = answer
    travel.answered_on = timezone.localdate()
    travel.answered_by = user
    _save(travel, user)

    case.transport_needed = needed
    if needed and request is None:
        request = _request_open(case, user)
    if not needed and request is not None:
        request.delete()
    _record(case, user, f"Travel: {travel.get_answer_display().lower()}")
    return travel


def _request_open(case, user):
    school = case.receiving_school
    home = grid_reference(case.pupil.home_postcode)
    miles = straight_line_miles(home, (school.easting, school.northing))
    request = TransportRequest(
        case=case,
        school=school,
        requested_on=timezone.localdate(),
        requested_by=user,
        home_to_school_miles=miles,
        home_to_school_source=Source.DIRECTORY if miles is not None else "",
    )
    _save(request, user)

    adviser = case.home_school.inclusion_adviser
    _tell(
        case,
        f"Transport requested for {case.reference}",
        f"{case.home_school.name} has asked for transport for case "
        f"{case.reference}, to the proposed receiving school {school.name}.\n\n"
        "Sign in to dowimm to see the case.\n",
        [settings.FAET_MAILBOX, adviser.email if adviser else ""],
    )
    return request


# The transport officer's work on the request


@transaction.atomic
def transport_route_record(
    *,
    case_id,
    user,
    home_to_school_miles,
    boarding_point,
    boarding_point_postcode,
    home_to_boarding_point_miles,
    suitable_route,
    walk_to_stop_miles,
    arrangement,
    arrangement_details,
    ends_on,
    continues_after_managed_move,
):
    """
    The distances, the route and the arrangement the panel will be asked
    for. Distances come from the postcode directory where it knows the
    postcodes; otherwise the officer measures them by hand.
    """
    case = _lock(case_id, State.PLANNING)
    request = _open_request(case, user)

    if request.home_to_school_source != Source.DIRECTORY:
        if home_to_school_miles is None:
            raise CaseRuleError(
                f"The home postcode {case.pupil.home_postcode} is not in the "
                "postcode directory. Enter the distance from home to school by hand",
                field="home_to_school_miles",
            )
        request.home_to_school_miles = home_to_school_miles
        request.home_to_school_source = Source.HAND

    request.boarding_point = boarding_point
    request.boarding_point_postcode = ""
    request.home_to_boarding_point_miles = None
    request.home_to_boarding_point_source = ""
    if boarding_point_postcode:
        _boarding_point_from_directory(case, request, boarding_point_postcode)
    elif home_to_boarding_point_miles is not None:
        request.home_to_boarding_point_miles = home_to_boarding_point_miles
        request.home_to_boarding_point_source = Source.HAND

    if suitable_route and walk_to_stop_miles is None:
        raise CaseRuleError(
            "Enter the walking distance to the nearest stop on the route",
            field="walk_to_stop_miles",
        )
    request.suitable_route = suitable_route
    request.walk_to_stop_miles = walk_to_stop_miles if suitable_route else None
    _check_arrangement(request, arrangement, ends_on, boarding_point)
    request.arrangement = arrangement
    request.arrangement_details = arrangement_details
    request.ends_on = ends_on
    request.continues_after_managed_move = continues_after_managed_move
    _save(request, user)
    _record(case, user, f"Transport arrangement: {request.get_arrangement_display()}")
    return request


def _boarding_point_from_directory(case, request, postcode):
    postcode = normalise_postcode(postcode)
    point = grid_reference(postcode)
    if point is None:
        raise CaseRuleError(
            f"{postcode} is not in the postcode directory. Check the postcode, "
            "or leave it blank and enter the distance to the boarding point "
            "by hand",
            field="boarding_point_postcode",
        )
    home = grid_reference(case.pupil.home_postcode)
    if home is None:
        raise CaseRuleError(
            f"The home postcode {case.pupil.home_postcode} is not in the postcode "
            "directory, so leave the boarding point's postcode blank and enter "
            "the distance from home to the boarding point by hand",
            field="boarding_point_postcode",
        )
    request.boarding_point_postcode = postcode
    request.home_to_boarding_point_miles = straight_line_miles(home, point)
    request.home_to_boarding_point_source = Source.DIRECTORY


def _check_arrangement(request, arrangement, ends_on, boarding_point):
    if arrangement == Arrangement.BUS_PASS and not request.suitable_route:
        raise CaseRuleError(
            "A bus pass needs a suitable public route. Choose bespoke transport, "
            "or record the route and the walk to its stop",
            field="arrangement",
        )
    if arrangement == Arrangement.BESPOKE and not boarding_point:
        raise CaseRuleError(
            "Enter the boarding point where bespoke transport will pick the pupil up",
            field="boarding_point",
        )
    if arrangement == Arrangement.BEYOND_POLICY and ends_on is None:
        raise CaseRuleError(
            "Anything beyond policy is short term: enter the date it ends",
            field="ends_on",
        )
    if ends_on is not None and ends_on <= request.requested_on:
        raise CaseRuleError(
            "The end date must be after the transport was requested",
            field="ends_on",
        )


@transaction.atomic
def transport_quote_request(*, case_id, user, requested_on):
    case = _lock(case_id, State.PLANNING)
    request = _open_request(case, user)
    _not_before(requested_on, request.requested_on, "the request", "requested_on")
    _not_in_future(requested_on, "requested_on")
    request.quote_requested_on = requested_on
    request.quote_requested_by = user
    _save(request, user)
    _record(case, user, "Transport quote requested")
    return request


@transaction.atomic
def transport_quote_record(
    *, case_id, user, received_on, supplier, daily_cost, total_cost
):
    case = _lock(case_id, State.PLANNING)
    request = _open_request(case, user)
    if request.quote_requested_on is None:
        raise CaseRuleError(
            "Record when the quote was requested before recording the quote"
        )
    _not_before(
        received_on, request.quote_requested_on, "the quote request", "received_on"
    )
    _not_in_future(received_on, "received_on")
    for name, amount in (("daily_cost", daily_cost), ("total_cost", total_cost)):
        if amount <= 0:
            raise CaseRuleError(
                "Enter a cost of more than £0.00, in pounds and pence", field=name
            )
    if total_cost < daily_cost:
        raise CaseRuleError(
            "The total for the placement cannot be less than one day's cost",
            field="total_cost",
        )
    request.quote_received_on = received_on
    request.supplier = supplier
    request.daily_cost = daily_cost
    request.total_cost = total_cost
    _save(request, user)
    _record(case, user, f"Transport quote received from {supplier}")
    return request


@transaction.atomic
def transport_exception_authorise(*, case_id, user, risks, evidence):
    """
    One of the two authorisations an exception to policy needs: a FAET
    officer's and a transport officer's, each in their own name. Changing
    the evidence withdraws the other's authorisation, which was given on
    what was there before.
    """
    case = _lock(case_id, State.PLANNING)
    request = _open_request(case, user)
    if not risks:
        raise CaseRuleError(
            "Select at least one category the evidence falls in", field="risks"
        )
    if not evidence.strip():
        raise CaseRuleError(
            "Enter the evidence for going beyond policy", field="evidence"
        )
    if user.is_fair_access:
        mine, theirs = "exception_faet", "exception_transport"
    elif user.is_transport_officer:
        mine, theirs = "exception_transport", "exception_faet"
    else:
        raise CaseRuleError(
            "Only a FAET officer and a transport officer can authorise an exception"
        )

    changed = evidence != request.exception_evidence or set(risks) != {
        name for name in TransportRequest.RISK_FIELDS if getattr(request, name)
    }
    if changed:
        setattr(request, f"{theirs}_by", None)
        setattr(request, f"{theirs}_on", None)
    for name in TransportRequest.RISK_FIELDS:
        setattr(request, name, name in risks)
    request.exception_evidence = evidence
    setattr(request, f"{mine}_by", user)
    setattr(request, f"{mine}_on", timezone.localdate())
    _save(request, user)
    _record(case, user, f"Exception to transport policy authorised by {user}")
    return request


@transaction.atomic
def transport_request_decide(
    *, case_id, user, panel_on, panel_members, approve, conditions, reasons
):
    """
    Record the transport panel's decision on the quote, and tell both
    schools. A refusal means the placement cannot go ahead at this school,
    so the home school looks for another.
    """
    case = _lock(case_id, State.PLANNING)
    request = _open_request(case, user)
    if not request.has_quote:
        raise CaseRuleError(
            "Record the quote first: the panel decides on the quote",
            field="panel_on",
        )
    _not_before(panel_on, request.quote_received_on, "the quote", "panel_on")
    _not_in_future(panel_on, "panel_on")
    if approve:
        _check_approvable(request)

    request.decision = (
        TransportRequest.Decision.APPROVED
        if approve
        else TransportRequest.Decision.REFUSED
    )
    request.decided_on = panel_on
    request.decided_by = user
    request.panel_members = panel_members
    request.conditions = conditions
    request.decision_notes = reasons
    _save(request, user)
    _tell_schools(case, request)
    if approve:
        _record(case, user, "Transport approved by the panel")
        return request

    school = case.receiving_school
    accepted = case.approaches.get(answer=ReceivingSchoolApproach.Answer.ACCEPTED)
    accepted.answer = ReceivingSchoolApproach.Answer.WITHDRAWN
    accepted.answer_notes = f"Transport refused: {reasons}"
    _save(accepted, user)
    # The history keeps the refused request; the case starts afresh.
    request.delete()
    TravelAnswer.objects.filter(case=case).delete()
    case.receiving_school = None
    case.transport_needed = None
    _move(
        case,
        "return_to_finding_school",
        user,
        f"Transport to {school.name} refused; looking for another school",
    )
    return request


def _check_approvable(request):
    if not request.arrangement:
        raise CaseRuleError(
            "Record the route and the arrangement before the panel approves it",
            field="approve",
        )
    advice = policy_advice(
        suitable_route=request.suitable_route,
        walk_to_stop_miles=request.walk_to_stop_miles,
    )
    if not needs_exception(request.arrangement, advice):
        return
    awaited = []
    if not request.exception_faet_by_id:
        awaited.append("a FAET officer")
    if not request.exception_transport_by_id:
        awaited.append("a transport officer")
    if awaited:
        raise CaseRuleError(
            f"{request.get_arrangement_display()} goes beyond policy, so it needs "
            "authorising by a FAET officer and a transport officer first. "
            f"Still awaited: {' and '.join(awaited)}",
            field="approve",
        )


def _tell_schools(case, request):
    decision = request.get_decision_display().lower()
    school = request.school
    lines = [
        f"The transport panel met on {request.decided_on:%-d %B %Y} and {decision} "
        f"transport for case {case.reference} to {school.name}.",
    ]
    if request.is_approved:
        lines.append(
            f"Arrangement: {request.get_arrangement_display()}. It runs only at "
            f"the school's standard times: arriving for {school.day_starts:%H:%M} "
            f"and leaving at {school.day_ends:%H:%M}."
        )
    if request.conditions:
        lines.append(f"Conditions: {request.conditions}")
    lines.append("Sign in to dowimm to see the case.")
    _tell(
        case,
        f"Transport {decision} for {case.reference}",
        "\n\n".join(lines) + "\n",
        [
            case.home_contact_email,
            case.home_school.named_contact_email,
            case.receiving_contact_email,
            school.named_contact_email,
        ],
    )


@transaction.atomic
def transport_end_record(*, case_id, user, ends_on):
    """The last day approved transport runs, for the queue's "ending" list."""
    case = _lock(case_id, *PLACEMENT_STATES, State.MANAGED_MOVE)
    request = TransportRequest.objects.select_for_update().get(case=case)
    if not request.is_approved:
        raise CaseRuleError("Only approved transport can be given an end date")
    _not_before(ends_on, request.decided_on, "the panel's decision", "ends_on")
    request.ends_on = ends_on
    _save(request, user)
    _record(case, user, f"Transport ends on {ends_on:%-d %B %Y}")
    return request


# The Pupil's Individual Travel Plan


@transaction.atomic
def travel_plan_record(*, case_id, user, goals, support, review_dates, next_review_on):
    case = _lock(case_id, *PLACEMENT_STATES)
    request = TransportRequest.objects.get(case=case)
    plan = TravelPlan.objects.filter(request=request).first() or TravelPlan(
        request=request
    )
    plan.goals = goals
    plan.support = support
    plan.review_dates = review_dates
    plan.next_review_on = next_review_on
    plan.recorded_by = user
    _save(plan, user)
    _record(case, user, "Pupil's Individual Travel Plan saved")
    return plan


@transaction.atomic
def travel_plan_review_add(
    *, case_id, user, reviewed_on, review_meeting, progress, goals_met, next_review_on
):
    case = _lock(case_id, *PLACEMENT_STATES)
    plan = TravelPlan.objects.filter(request__case=case).first()
    if plan is None:
        raise CaseRuleError("Write the travel plan before reviewing it")
    if review_meeting is not None and review_meeting.case_id != case.pk:
        raise CaseRuleError(
            "Choose a review meeting of this case", field="review_meeting"
        )
    _not_in_future(reviewed_on, "reviewed_on")
    if next_review_on is not None and next_review_on <= reviewed_on:
        raise CaseRuleError(
            "The next review must be after this one", field="next_review_on"
        )
    review = TravelPlanReview(
        plan=plan,
        reviewed_on=reviewed_on,
        review_meeting=review_meeting,
        progress=progress,
        goals_met=goals_met,
        recorded_by=user,
    )
    _save(review, user)
    plan.next_review_on = next_review_on
    _save(plan, user)
    reason = "Travel plan reviewed"
    if goals_met:
        reason += ": goals met, so review the transport"
    _record(case, user, reason)
    return review


# The postcode directory

POSTCODE_COLUMNS = ("pcds", "pcd", "postcode")
EASTING_COLUMNS = ("oseast1m", "easting")
NORTHING_COLUMNS = ("osnrth1m", "northing")
IMPORT_BATCH = 5000


class PostcodeImportError(Exception):
    pass


@dataclass
class PostcodeImportReport:
    loaded: int = 0
    skipped: list = field(default_factory=list)


def _column(header, names):
    for name in names:
        if name in header:
            return name
    raise PostcodeImportError(
        f"The file has no {names[0]} column (looked for {', '.join(names)})."
    )


def postcode_directory_import(*, lines, prefixes=()):
    """
    Load postcodes and their grid references from an ONS Postcode Directory
    CSV (or any CSV with postcode, easting and northing columns), adding
    new ones and updating those already known. `prefixes` keeps only
    postcodes starting with one of them, to load one county.
    """
    reader = csv.DictReader(lines)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = header
    columns = (
        _column(header, POSTCODE_COLUMNS),
        _column(header, EASTING_COLUMNS),
        _column(header, NORTHING_COLUMNS),
    )
    prefixes = tuple(prefix.strip().upper() for prefix in prefixes)
    report = PostcodeImportReport()
    batch = {}
    with transaction.atomic():
        for line, row in enumerate(reader, start=2):
            postcode, easting, northing = (
                (row.get(name) or "").strip() for name in columns
            )
            postcode = normalise_postcode(postcode)
            if prefixes and not postcode.startswith(prefixes):
                continue
            if not (easting.isdigit() and northing.isdigit()) or len(postcode) < 5:
                # Terminated and offshore postcodes carry no grid reference.
                report.skipped.append(line)
                continue
            batch[postcode] = Postcode(
                postcode=postcode, easting=int(easting), northing=int(northing)
            )
            if len(batch) >= IMPORT_BATCH:
                report.loaded += _save_postcodes(batch)
        report.loaded += _save_postcodes(batch)
    return report


def _save_postcodes(batch):
    # Postcode rows keep no history, so a bulk upsert loses nothing.
    Postcode.objects.bulk_create(
        batch.values(),
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["easting", "northing"],
    )
    saved = len(batch)
    batch.clear()
    return saved
