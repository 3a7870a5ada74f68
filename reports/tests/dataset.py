"""
A small authority built straight into the tables, with history rows dated
by hand, so every figure in the reports can be worked out on paper. Also a
quick way to make a thousand cases for the query-count tests.
"""

import datetime
from zoneinfo import ZoneInfo

from cases.models import Case, ExtensionRequest, Outcome, Pupil
from cases.tests.factories import valid_upn
from meetings.models import ReviewMeeting

State = Case.State
LONDON = ZoneInfo("Europe/London")
YEAR_8 = datetime.date(2013, 1, 10)  # Year 8 in 2025-26
YEAR_9 = datetime.date(2012, 1, 10)  # Year 9 in 2025-26


def on(day):
    """Mid-morning on a day, when people record things."""
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=LONDON)


def d(text):
    return datetime.date.fromisoformat(text)


def pupils(n, first_serial=1, **fields):
    defaults = {
        "legal_first_names": "Sample",
        "legal_surname": "Pupil",
        "date_of_birth": YEAR_8,
        "home_address": "1 Example Street",
        "home_postcode": "NR1 1AA",
        "sen_status": Pupil.SenStatus.NONE,
    }
    return Pupil.objects.bulk_create(
        Pupil(upn=valid_upn(first_serial + i), **{**defaults, **fields})
        for i in range(n)
    )


def case(
    cast, *, serial, state, opened, closed=None, home=None, receiving=None, **pupil
):
    """One case with no history of its own yet."""
    (child,) = pupils(1, serial, **pupil)
    return Case.objects.bulk_create(
        [
            Case(
                reference=f"TEST-{serial:04d}",
                pupil=child,
                home_school=home or cast.home_school,
                receiving_school=receiving,
                state=state,
                opened_by=cast.home_staff,
                opened_at=on(d(opened)),
                closed_on=d(closed) if closed else None,
            )
        ]
    )[0]


def history(case, *changes):
    """History rows: each (state, date) is the day the case reached it."""
    model = Case.history.model
    fields = [f.attname for f in Case._meta.concrete_fields]
    rows = []
    for i, (state, day) in enumerate(changes):
        values = {name: getattr(case, name) for name in fields}
        values["state"] = state
        row = model(**values, history_date=on(d(day)))
        row.history_type = "+" if i == 0 else "~"
        rows.append(row)
    model.objects.bulk_create(rows)
    # The services stamp updated_at with every change.
    Case.objects.filter(pk=case.pk).update(updated_at=rows[-1].history_date)


def authority(cast):
    """
    Six cases open in 2025-26 and one from the year before, at three
    schools: Home and Receiving Academy in Norwich, Other Academy in
    Breckland. The adviser is linked to Home Academy only.
    """
    cast.home_school.district = cast.receiving_school.district = "Norwich"
    cast.other_school.district = "Breckland"
    for school in (cast.home_school, cast.receiving_school, cast.other_school):
        school.save()
    r = cast.receiving_school

    a = case(
        cast,
        serial=1,
        state=State.MANAGED_MOVE,
        opened="2025-09-08",
        closed="2025-11-20",
        receiving=r,
        date_of_birth=YEAR_9,
        sen_status=Pupil.SenStatus.SEN_SUPPORT,
    )
    history(
        a,
        ("eligibility", "2025-09-08"),
        ("preliminary", "2025-09-15"),
        ("finding_school", "2025-09-22"),
        ("planning", "2025-09-29"),
        ("active", "2025-10-13"),
        ("active", "2025-10-20"),
        ("managed_move", "2025-11-20"),
    )
    b = case(
        cast,
        serial=2,
        state=State.ENDED,
        opened="2025-09-10",
        closed="2025-12-05",
        receiving=r,
    )
    c = case(
        cast,
        serial=3,
        state=State.ENDED,
        opened="2025-09-10",
        closed="2026-01-16",
        receiving=r,
    )
    case(
        cast,
        serial=4,
        state=State.NOT_PROCEEDING,
        opened="2025-09-15",
        closed="2025-10-01",
    )
    e = case(
        cast,
        serial=5,
        state=State.MANAGED_MOVE,
        opened="2025-12-01",
        closed="2026-02-10",
        home=cast.other_school,
        receiving=r,
    )
    history(
        e,
        ("eligibility", "2025-12-01"),
        ("preliminary", "2025-12-08"),
        ("finding_school", "2025-12-17"),
        ("planning", "2026-01-07"),
        ("active", "2026-01-12"),
        ("managed_move", "2026-02-10"),
    )
    f = case(cast, serial=6, state=State.ACTIVE, opened="2026-01-05", receiving=r)
    g = case(
        cast,
        serial=7,
        state=State.MANAGED_MOVE,
        opened="2024-10-01",
        closed="2025-06-30",
        receiving=r,
    )
    history(
        g,
        ("eligibility", "2024-10-01"),
        ("preliminary", "2024-10-08"),
        ("managed_move", "2025-06-30"),
    )

    for ended, reason in ((b, "engagement"), (c, "family_choice")):
        ended_early(cast, ended, reason)
    for asked, reason, status, day in (
        (b, "engagement", "refused", "2025-11-14"),
        (f, "behaviour", "awaiting", "2026-02-27"),
    ):
        extension_asked(cast, asked, reason, status, day)
    return {"a": a, "b": b, "c": c, "e": e, "f": f, "g": g}


def ended_early(cast, case, reason):
    """The review that ended `case` on its closing day, and the Outcomes Form."""
    review = ReviewMeeting.objects.create(
        case=case, scheduled_for=case.closed_on, held_on=case.closed_on
    )
    Outcome.objects.create(
        case=case,
        review=review,
        reason=reason,
        evidence="Evidence",
        last_day_on=case.closed_on,
        return_on=case.closed_on,
        successes="Successes",
        pupil_voice="Voice",
        family_voice="Voice",
        completed_by=cast.receiving_staff,
    )


def extension_asked(cast, case, reason, status, day):
    """A review on `day` that asked for 10 more school days, and its answer."""
    review = ReviewMeeting.objects.create(
        case=case, scheduled_for=d(day), held_on=d(day)
    )
    ExtensionRequest.objects.create(
        case=case,
        review=review,
        reason=reason,
        status=status,
        request="More time",
        extra_school_days=10,
        requested_on=d(day),
        requested_by=cast.receiving_staff,
    )


def many_cases(cast, n, first_serial=1000):
    """
    n cases across every stage, each with two history rows; the first is an
    active placement, so that a single case already sits in the queues.
    """
    states = list(State)[4:] + list(State)[:4]
    children = pupils(n, first_serial)
    cases = Case.objects.bulk_create(
        Case(
            reference=f"MANY-{first_serial + i:05d}",
            pupil=child,
            home_school=cast.home_school,
            receiving_school=cast.receiving_school,
            state=states[i % len(states)],
            opened_by=cast.home_staff,
            opened_at=on(d("2025-09-08")),
            started_on=d("2025-10-13"),
            closed_on=d("2025-11-20")
            if states[i % len(states)] not in Case.OPEN_STATES
            else None,
        )
        for i, child in enumerate(children)
    )
    model = Case.history.model
    fields = [f.attname for f in Case._meta.concrete_fields]
    rows = []
    for one in cases:
        for state, day in (("eligibility", "2025-09-08"), (one.state, "2025-09-22")):
            values = {name: getattr(one, name) for name in fields}
            values["state"] = state
            rows.append(model(**values, history_date=on(d(day)), history_type="~"))
    model.objects.bulk_create(rows)
    return cases


def county(cast):
    """
    Twenty-two cases open in 2025-26, enough for some figures to be
    published and some not, all opened on 8 September 2025:

        stage now       cases  no SEN / SEN support / EHC assessment  in care
        managed move      7        5  /     2      /     0               1
        ended early       5        2  /     2      /     1               0
        not proceeding    1        1  /     0      /     0               0
        active            6        2  /     2      /     2               2
        planning          3        2  /     0      /     1               0

    The managed moves all went to Receiving Academy: five from Home Academy
    closed on 20 November, two from Other Academy on 10 February. The five
    placements ended early on 5 December, three for engagement and two by
    family choice; the case not proceeding closed on 1 October. On the
    active placements, eight extension requests: for behaviour five agreed
    and two refused, for engagement one awaiting answers.
    """
    h, r, o = cast.home_school, cast.receiving_school, cast.other_school
    none = Pupil.SenStatus.NONE
    support = Pupil.SenStatus.SEN_SUPPORT
    assessment = Pupil.SenStatus.EHC_ASSESSMENT
    groups = [
        # (how many, state, closed on, home, receiving, SEN status, in care)
        (1, State.MANAGED_MOVE, "2025-11-20", h, r, none, True),
        (2, State.MANAGED_MOVE, "2025-11-20", h, r, none, False),
        (2, State.MANAGED_MOVE, "2025-11-20", h, r, support, False),
        (2, State.MANAGED_MOVE, "2026-02-10", o, r, none, False),
        (2, State.ENDED, "2025-12-05", h, r, none, False),
        (2, State.ENDED, "2025-12-05", h, r, support, False),
        (1, State.ENDED, "2025-12-05", h, r, assessment, False),
        (1, State.NOT_PROCEEDING, "2025-10-01", h, None, none, False),
        (2, State.ACTIVE, None, h, o, none, False),
        (1, State.ACTIVE, None, h, o, support, False),
        (1, State.ACTIVE, None, h, o, support, True),
        (1, State.ACTIVE, None, h, o, assessment, False),
        (1, State.ACTIVE, None, h, o, assessment, True),
        (2, State.PLANNING, None, o, None, none, False),
        (1, State.PLANNING, None, o, None, assessment, False),
    ]
    made = []
    for how_many, state, closed, home, receiving, sen_status, in_care in groups:
        for _ in range(how_many):
            made.append(
                case(
                    cast,
                    serial=100 + len(made),
                    state=state,
                    opened="2025-09-08",
                    closed=closed,
                    home=home,
                    receiving=receiving,
                    sen_status=sen_status,
                    in_care=in_care,
                )
            )

    ended = [one for one in made if one.state == State.ENDED]
    reasons = ["engagement"] * 3 + ["family_choice"] * 2
    for one, reason in zip(ended, reasons, strict=True):
        ended_early(cast, one, reason)

    active = [one for one in made if one.state == State.ACTIVE]
    requests = [
        *[(one, "behaviour", "agreed", "2026-01-14") for one in active[:5]],
        *[(one, "behaviour", "refused", "2026-02-04") for one in active[:2]],
        (active[5], "engagement", "awaiting", "2026-02-25"),
    ]
    for one, reason, status, day in requests:
        extension_asked(cast, one, reason, status, day)
    return made
