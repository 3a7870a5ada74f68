"""
A synthetic authority for the benchmark, written with PostgreSQL COPY:
schools, advisers and staff, pupils, cases with a history row for every
change of stage, review meetings, outcomes, managed moves, extensions,
disputes, contacts and reminders. A fixed seed makes every run the same.
Names are invented ("Sample", "Bench Academy 12"); nothing is real.

Cases open from September 2024 up to BENCH_NOW and walk through the stages
with gaps of a few days to a few weeks, stopping where BENCH_NOW finds
them, so the stages, queues and reports all have something to count.
"""

import datetime
import io
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")
FIRST_OPENED = datetime.date(2024, 9, 2)
DISTRICTS_PER_SCHOOLS = 60
SCHOOLS_PER_ADVISER = 20
CHUNK = 25_000

SIZES = {
    "county": {"schools": 430, "cases": 5_000},
    "england": {"schools": 24_500, "cases": 250_000},
}


def _text(value):
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class Copier:
    """Rows for one model, as dicts of field attnames, copied on flush()."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.generated]
        self.defaults = {}
        for f in self.fields:
            if f.has_default():
                default = f.get_default()
                if isinstance(f, DateTimeField) and callable(f.default):
                    default = timezone.now()
                self.defaults[f.attname] = default
            elif f.null:
                self.defaults[f.attname] = None
            else:
                self.defaults[f.attname] = (
                    ""
                    if f.get_internal_type()
                    in ("CharField", "TextField", "EmailField", "FileField")
                    else None
                )
        self.buffer = []
        self.count = 0

    def add(self, **values):
        row = self.defaults | values
        self.buffer.append("\t".join(_text(row[f.attname]) for f in self.fields))

    def flush(self):
        if not self.buffer:
            return
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        data = io.StringIO("\n".join(self.buffer) + "\n")
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {self.model._meta.db_table} ({columns}) FROM STDIN", data
            )
        self.count += len(self.buffer)
        self.buffer = []


def _moment(day, rng):
    return datetime.datetime.combine(
        day, datetime.time(9 + rng.randrange(7), rng.randrange(60)), tzinfo=LONDON
    )


def seed(size, now):
    """Load the dataset of `size` ("county" or "england"); returns its people."""
    from cases.models import (
        Case,
        ChildProtectionFileTransfer,
        ContactLogEntry,
        Dispute,
        ExtensionRequest,
        ManagedMove,
        Outcome,
        Pupil,
    )
    from dowimm.accounts.models import User
    from dowimm.calendars.services import calendar_import_csv
    from dowimm.notifications.models import Reminder
    from dowimm.schools.models import School
    from meetings.models import ReviewMeeting

    rng = random.Random(8)
    n_schools, n_cases = SIZES[size]["schools"], SIZES[size]["cases"]
    today = now.astimezone(LONDON).date()

    with open(settings.BASE_DIR / "data" / "norfolk-term-dates.csv") as file:
        calendar_import_csv(file=file)

    users = Copier(User)
    next_user = iter(range(1, 10**9))
    faet = next(next_user)
    users.add(
        id=faet,
        username="bench-faet",
        role=User.Role.FAIR_ACCESS,
        first_name="Bench",
        last_name="Officer",
        email="faet@bench.invalid",
    )
    advisers = []
    for n in range(max(n_schools // SCHOOLS_PER_ADVISER, 1)):
        advisers.append(next(next_user))
        users.add(
            id=advisers[-1],
            username=f"bench-adviser-{n}",
            role=User.Role.INCLUSION_ADVISER,
            first_name="Bench",
            last_name=f"Adviser {n}",
            email=f"adviser-{n}@bench.invalid",
        )

    users.flush()
    schools = Copier(School)
    staff = {}
    n_districts = max(n_schools // DISTRICTS_PER_SCHOOLS, 1)
    for n in range(1, n_schools + 1):
        schools.add(
            id=n,
            urn=100000 + n,
            name=f"Bench Academy {n}",
            la_code=settings.AUTHORITY_LA_CODE,
            phase="Secondary",
            status="Open",
            district=f"District {n % n_districts + 1}",
            inclusion_adviser_id=advisers[n % len(advisers)],
            easting=600000 + n % 500 * 100,
            northing=300000 + n // 500 * 100,
        )
    schools.flush()
    for n in range(1, n_schools + 1):
        staff[n] = next(next_user)
        users.add(
            id=staff[n],
            username=f"bench-staff-{n}",
            role=User.Role.SCHOOL_STAFF,
            school_id=n,
            is_dsl=True,
            first_name="Bench",
            last_name=f"Staff {n}",
            email=f"staff-{n}@bench.invalid",
        )
    users.flush()

    copiers = {
        model: Copier(model)
        for model in (
            Pupil,
            Case,
            Case.history.model,
            ReviewMeeting,
            Outcome,
            ManagedMove,
            ChildProtectionFileTransfer,
            ExtensionRequest,
            Dispute,
            ContactLogEntry,
            Reminder,
        )
    }
    ids = {model: iter(range(1, 10**9)) for model in copiers}
    history = Case.history.model
    case_fields = [f.attname for f in Case._meta.concrete_fields]
    span = (today - FIRST_OPENED).days
    State = Case.State
    path = [
        State.ELIGIBILITY,
        State.PRELIMINARY,
        State.FINDING_SCHOOL,
        State.PLANNING,
        State.ACTIVE,
    ]
    sen = list(Pupil.SenStatus.values)[:3]

    for n in range(1, n_cases + 1):
        opened = FIRST_OPENED + datetime.timedelta(days=rng.randrange(span))
        home = rng.randrange(1, n_schools + 1)
        receiving = rng.randrange(1, n_schools + 1)
        if receiving == home:
            receiving = home % n_schools + 1
        copiers[Pupil].add(
            id=n,
            legal_first_names="Sample",
            legal_surname=f"Pupil {n}",
            date_of_birth=datetime.date(
                2010 + rng.randrange(5), 1 + rng.randrange(12), 1 + rng.randrange(28)
            ),
            upn=f"B{n:012d}",
            home_address=f"{n} Bench Road",
            home_postcode="NR1 1AA",
            sen_status=rng.choices(sen, weights=[70, 25, 5])[0],
            in_care=rng.random() < 0.01,
        )
        finish = rng.choices(
            [State.MANAGED_MOVE, State.ENDED, State.NOT_PROCEEDING],
            weights=[45, 30, 25],
        )[0]
        stop_at = rng.randrange(4) if finish == State.NOT_PROCEEDING else None
        changes = []  # (state, day)
        day = opened
        for i, state in enumerate(path):
            if day > today:
                break
            changes.append((state, day))
            if stop_at == i:
                day += datetime.timedelta(days=rng.randrange(2, 15))
                if day <= today:
                    changes.append((State.NOT_PROCEEDING, day))
                break
            day += datetime.timedelta(days=rng.randrange(3, 22) if i < 4 else 0)
        started = None
        if changes[-1][0] == State.ACTIVE:
            started = changes[-1][1]
            day = started + datetime.timedelta(days=56)
            if rng.random() < 0.15 and day <= today:
                changes.append((State.EXTENDED, day))
                day += datetime.timedelta(days=21)
            if day <= today:
                changes.append((finish, day))
        state, last = changes[-1]
        closed = (
            last
            if state in (State.MANAGED_MOVE, State.ENDED, State.NOT_PROCEEDING)
            else None
        )
        row = {
            "id": n,
            "reference": f"B{n:07d}",
            "pupil_id": n,
            "home_school_id": home,
            "receiving_school_id": receiving if len(changes) > 3 else None,
            "state": state,
            "opened_by_id": staff[home],
            "opened_at": _moment(opened, rng),
            "updated_at": _moment(last, rng),
            "at_risk_of_exclusion": True,
            "purpose_is_low_attendance": False,
            "started_on": started,
            "expected_end_on": started + datetime.timedelta(days=56)
            if started
            else None,
            "agreement_received_by_faet_on": (
                started + datetime.timedelta(days=3)
                if started
                and rng.random() < 0.97
                and started + datetime.timedelta(days=3) <= today
                else None
            ),
            "closed_on": closed,
            "closed_reason": "Bench" if closed else "",
        }
        copiers[Case].add(**row)
        for i, (state_then, on) in enumerate(changes):
            copiers[history].add(
                **(
                    {name: row[name] for name in case_fields if name in row}
                    | {"state": state_then}
                ),
                history_id=next(ids[history]),
                history_date=_moment(on, rng),
                history_type="+" if i == 0 else "~",
                history_change_reason="Bench",
                history_user_id=staff[home],
            )
        if started:
            _placement(
                copiers,
                ids,
                rng,
                row,
                state,
                started,
                closed,
                today,
                staff,
                home,
                receiving,
            )
        if n % CHUNK == 0:
            # In order, so every foreign key finds its row already there.
            for copier in copiers.values():
                copier.flush()

    for copier in copiers.values():
        copier.flush()
    with connection.cursor() as cursor:
        for model in (User, School, *copiers):
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "
                f"COALESCE(MAX({pk}), 1)) FROM {table}"
            )
        # As autovacuum leaves a table in use: statistics and visibility
        # maps current, so index-only scans read no table pages.
        cursor.execute("VACUUM ANALYZE")
    return {
        "faet": faet,
        "rows": {m._meta.label: c.count for m, c in copiers.items()},
    }


def _placement(
    copiers, ids, rng, case, state, started, closed, today, staff, home, receiving
):
    from cases.models import (
        Case,
        ChildProtectionFileTransfer,
        ContactLogEntry,
        Dispute,
        ExtensionRequest,
        ManagedMove,
        Outcome,
    )
    from dowimm.notifications.models import Reminder
    from meetings.models import ReviewMeeting

    State = Case.State
    n = case["id"]
    last_day = closed or today
    review = None
    on = started + datetime.timedelta(days=14)
    while on <= min(
        last_day + datetime.timedelta(days=14), started + datetime.timedelta(days=84)
    ):
        held = on if on <= last_day and rng.random() < 0.93 else None
        review = next(ids[ReviewMeeting])
        copiers[ReviewMeeting].add(
            id=review,
            case_id=n,
            scheduled_for=on,
            held_on=held,
            face_to_face=on == started + datetime.timedelta(days=14),
            decision="continue" if held else "",
            recorded_by_id=staff[receiving] if held else None,
        )
        on += datetime.timedelta(days=14)
    if review is None:
        return
    contact = max(started, last_day - datetime.timedelta(days=28))
    while contact <= last_day:
        if rng.random() < 0.9:
            copiers[ContactLogEntry].add(
                id=next(ids[ContactLogEntry]),
                case_id=n,
                contact_on=contact,
                between="Both schools and the family",
                method="phone",
                summary="Weekly call",
                recorded_by_id=staff[home],
            )
        contact += datetime.timedelta(days=7)
    if state == State.ENDED:
        copiers[Outcome].add(
            id=next(ids[Outcome]),
            case_id=n,
            review_id=review,
            reason=rng.choice(["serious_breach", "engagement", "family_choice"]),
            evidence="Bench",
            last_day_on=closed,
            return_on=closed + datetime.timedelta(days=3),
            successes="Bench",
            pupil_voice="Bench",
            family_voice="Bench",
            completed_by_id=staff[receiving],
            sent_to_faet_on=closed,
            received_by_faet_on=closed + datetime.timedelta(days=2)
            if rng.random() < 0.95
            else None,
        )
    if state == State.MANAGED_MOVE:
        copiers[ManagedMove].add(
            id=next(ids[ManagedMove]),
            case_id=n,
            review_id=review,
            offered_on=closed - datetime.timedelta(days=7),
            offered_by_id=staff[receiving],
            single_registration_on=closed,
            cp_file_due_on=closed + datetime.timedelta(days=7),
            home_cme_informed_on=closed,
            receiving_cme_informed_on=closed,
            home_deleted_from_roll_on=closed,
        )
        if rng.random() < 0.97:
            copiers[ChildProtectionFileTransfer].add(
                id=next(ids[ChildProtectionFileTransfer]),
                case_id=n,
                sent_on=closed + datetime.timedelta(days=2),
                method="secure_system",
                contents="Bench",
                sent_by_id=staff[home],
                received_on=closed + datetime.timedelta(days=3),
                received_by_id=staff[receiving],
            )
    if state == State.EXTENDED or rng.random() < 0.05:
        awaiting = state in (State.ACTIVE, State.EXTENDED) and rng.random() < 0.3
        copiers[ExtensionRequest].add(
            id=next(ids[ExtensionRequest]),
            case_id=n,
            review_id=review,
            reason=rng.choice(["behaviour", "engagement"]),
            request="Bench",
            extra_school_days=15,
            requested_on=started + datetime.timedelta(days=50),
            requested_by_id=staff[receiving],
            status="awaiting" if awaiting else rng.choice(["agreed", "refused"]),
        )
    if rng.random() < 0.02:
        copiers[Dispute].add(
            id=next(ids[Dispute]),
            case_id=n,
            raised_by_school="home_school",
            about="Bench",
            raised_on=started + datetime.timedelta(days=20),
            raised_by_id=staff[home],
            closed_on=None
            if rng.random() < 0.3
            else started + datetime.timedelta(days=40),
        )
    if state in (State.ACTIVE, State.EXTENDED):
        for kind, due in (("review_due", on), ("contact_gap", today)):
            copiers[Reminder].add(
                id=next(ids[Reminder]),
                case_id=n,
                kind=kind,
                due_on=due,
                recipient_id=staff[home],
                message="Bench reminder",
                status="failed" if rng.random() < 0.01 else "sent",
                attempts=1,
            )
