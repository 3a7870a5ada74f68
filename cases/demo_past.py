"""
The demo's last full school year, 2025-26: invented pupils at the imported
schools whose cases opened and finished in that year, so that the Fair
Access reports have figures to show (with only a handful of open cases they
would withhold every count as too small). A few schools take far more
managed moves than they send, so the question of who takes more than their
share has an answer.

Rows go in as an import from an earlier system would put them: each case's
history rows dated on the school days its stages changed, by the home
school's office. The tallies' triggers count them like any other change. A
fixed seed makes every load the same.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from stdnum.gb import upn

from cases.models import (
    Case,
    ChildProtectionFileTransfer,
    ExtensionRequest,
    ManagedMove,
    Outcome,
    Pupil,
)
from dowimm.accounts.models import User
from dowimm.calendars.school_days import school_days_for
from meetings.models import ReviewMeeting

State = Case.State
LONDON = ZoneInfo("Europe/London")
CASES = 90
# Opened within the first 90 school days, so that the longest path (an
# extended placement) still ends before the summer holiday.
OPENING_DAYS = 90
PLACEMENT_DAYS = 40
EXTENSION_DAYS = 15
# Stage before, and the school days it lasts (fewest, most).
STAGE_DAYS = [
    (State.ELIGIBILITY, 2, 8),
    (State.PRELIMINARY, 3, 10),
    (State.FINDING_SCHOOL, 2, 8),
    (State.PLANNING, 3, 8),
]
REASONS = {
    State.ELIGIBILITY: "Case opened",
    State.PRELIMINARY: "Eligibility confirmed",
    State.FINDING_SCHOOL: "Pathway agreed at the preliminary meeting",
    State.PLANNING: "Receiving school agreed",
    State.ACTIVE: "Placement started",
    State.EXTENDED: "Placement extended",
    State.MANAGED_MOVE: "Managed move agreed",
    State.ENDED: "Placement ended early",
    State.NOT_PROCEEDING: "Not proceeding",
}
FIRST_NAMES = [
    "Alfie", "Bea", "Callum", "Darcy", "Elliot", "Freya", "Gethin", "Hana",
    "Isaac", "Jodie", "Kian", "Lena", "Milo", "Nadia", "Ollie", "Poppy",
    "Reuben", "Sofia", "Tyler", "Una", "Vinnie", "Willow", "Yusuf", "Zara",
]  # fmt: skip
SURNAMES = [
    "Ashdown", "Brackley", "Corrigan", "Delamere", "Everett", "Fairbrook",
    "Gorringe", "Halloway", "Inglefield", "Jessop", "Kettering", "Lowther",
    "Marchbank", "Netherby", "Oakridge", "Pennock", "Quarrie", "Rushmere",
    "Stannard", "Thackray", "Upwood", "Varley", "Wenlock", "Yelland",
]  # fmt: skip


def load_past_year(schools):
    """The 2025-26 cases, between `schools` (a list, at least four)."""
    rng = random.Random(2526)
    days = school_days_for(None)
    first_day = days.next_school_day(datetime.date(2025, 9, 1))
    offices = {school.pk: _office(school) for school in schools}
    # A few schools take most of the moves: the reports should show it.
    favoured = rng.sample(schools, 3)
    weights = [12 if school in favoured else 1 for school in schools]

    for serial in range(1, CASES + 1):
        home = rng.choice(schools)
        receiving = home
        while receiving == home:
            [receiving] = rng.choices(schools, weights)
        opened = days.add_school_days(first_day, rng.randrange(OPENING_DAYS))
        finish = rng.choices(
            [State.MANAGED_MOVE, State.ENDED, State.NOT_PROCEEDING], [45, 30, 25]
        )[0]
        changes = _changes(rng, days, opened, finish)
        _case(rng, serial, home, receiving, offices, changes)


def _office(school):
    office, _ = User.objects.get_or_create(
        username=f"office-{school.urn}",
        defaults={
            "first_name": "School",
            "last_name": "office",
            "role": User.Role.SCHOOL_STAFF,
            "school": school,
            "email": f"office-{school.urn}@demo.invalid",
        },
    )
    return office


def _changes(rng, days, opened, finish):
    """The (stage, day) a case entered each stage it reached."""
    stop_after = (
        rng.randrange(len(STAGE_DAYS)) if finish == State.NOT_PROCEEDING else None
    )
    changes, day = [], opened
    for n, (state, fewest, most) in enumerate(STAGE_DAYS):
        changes.append((state, day))
        day = days.add_school_days(day, rng.randint(fewest, most))
        if n == stop_after:
            return [*changes, (State.NOT_PROCEEDING, day)]
    changes.append((State.ACTIVE, day))
    day = days.add_school_days(day, PLACEMENT_DAYS)
    if rng.random() < 0.2:
        changes.append((State.EXTENDED, day))
        day = days.add_school_days(day, EXTENSION_DAYS)
    return [*changes, (finish, day)]


def _moment(day, rng):
    return datetime.datetime.combine(
        day, datetime.time(9 + rng.randrange(7), rng.randrange(60)), tzinfo=LONDON
    )


def _case(rng, serial, home, receiving, offices, changes):
    number = f"926{home.urn % 10000:04d}25{serial:03d}"
    pupil = Pupil.objects.create(
        legal_first_names=rng.choice(FIRST_NAMES),
        legal_surname=rng.choice(SURNAMES),
        date_of_birth=datetime.date(2010, 9, 1)
        + datetime.timedelta(days=rng.randrange(4 * 365)),
        upn=upn.calc_check_digit(number) + number,
        home_address=f"{rng.randrange(1, 120)} Sample Road",
        home_postcode="NR1 1AA",
        sen_status=rng.choices(
            [Pupil.SenStatus.NONE, Pupil.SenStatus.SEN_SUPPORT], [72, 28]
        )[0],
        in_care=rng.random() < 0.05,
    )
    opened, closed = changes[0][1], changes[-1][1]
    state = changes[-1][0]
    started = next((day for stage, day in changes if stage == State.ACTIVE), None)
    staff = offices[home.pk]
    case = Case(
        pupil=pupil,
        home_school=home,
        receiving_school=receiving if len(changes) > 3 else None,
        state=state,
        opened_by=staff,
        opened_at=_moment(opened, rng),
        updated_at=_moment(closed, rng),
        at_risk_of_exclusion=True,
        started_on=started,
        # Every finished case's paperwork reached FAET long ago, so the
        # demo's work queues hold only this year's cases.
        agreement_received_by_faet_on=started + datetime.timedelta(days=2)
        if started
        else None,
        closed_on=closed,
        closed_reason=REASONS[state],
    )
    # Written as imported: its history rows below carry the real dates.
    case.skip_history_when_saving = True
    case.save()
    case.reference = f"DWM-2025-{case.pk:04d}"
    Case.objects.filter(pk=case.pk).update(reference=case.reference)
    columns = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}
    case.history.model.objects.bulk_create(
        case.history.model(
            **columns
            | {
                "state": stage,
                "history_date": _moment(day, rng),
                "history_type": "+" if n == 0 else "~",
                "history_change_reason": REASONS[stage],
                "history_user": staff,
            }
        )
        for n, (stage, day) in enumerate(changes)
    )
    if started:
        _placement(rng, case, changes, staff, offices[receiving.pk])


def _placement(rng, case, changes, home_staff, receiving_staff):
    closed = case.closed_on
    decision = {
        State.ENDED: ReviewMeeting.Decision.END,
        State.MANAGED_MOVE: ReviewMeeting.Decision.OFFER_MANAGED_MOVE,
    }[case.state]
    review = ReviewMeeting.objects.create(
        case=case,
        scheduled_for=closed,
        held_on=closed,
        decision=decision,
        recorded_by=receiving_staff,
    )
    if any(stage == State.EXTENDED for stage, _ in changes):
        ExtensionRequest.objects.create(
            case=case,
            review=review,
            reason=rng.choice(ExtensionRequest.Reason.values),
            request="More time to settle before deciding.",
            extra_school_days=EXTENSION_DAYS,
            requested_on=closed - datetime.timedelta(days=28),
            requested_by=receiving_staff,
            status=ExtensionRequest.Status.AGREED,
        )
    if case.state == State.ENDED:
        Outcome.objects.create(
            case=case,
            review=review,
            reason=rng.choice(Outcome.Reason.values),
            evidence="Recorded at the final review.",
            last_day_on=closed,
            return_on=closed + datetime.timedelta(days=3),
            successes="Settled in some lessons.",
            pupil_voice="Wanted to go back.",
            family_voice="Agreed with the decision.",
            completed_by=receiving_staff,
            sent_to_faet_on=closed,
            received_by_faet_on=closed + datetime.timedelta(days=2),
        )
    if case.state == State.MANAGED_MOVE:
        ManagedMove.objects.create(
            case=case,
            review=review,
            offered_on=closed,  # at the review that decided it
            offered_by=receiving_staff,
            single_registration_on=closed,
            home_deleted_from_roll_on=closed,
            home_cme_informed_on=closed,
            receiving_cme_informed_on=closed,
            cp_file_due_on=closed + datetime.timedelta(days=7),
        )
        ChildProtectionFileTransfer.objects.create(
            case=case,
            sent_on=_weekdays_after(closed, 2),
            method=ChildProtectionFileTransfer.Method.SECURE_SYSTEM,
            contents="The whole file.",
            sent_by=home_staff,
            received_on=_weekdays_after(closed, 3),
            received_by=receiving_staff,
            stored_where="Safeguarding system",
        )


def _weekdays_after(day, n):
    """The nth weekday after `day`: the file moves on working days."""
    while n:
        day += datetime.timedelta(days=1)
        n -= day.weekday() < 5
    return day
