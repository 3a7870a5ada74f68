"""
What the Fair Access and Exclusions Team needs to see across the authority:
each queue is a filter on cases, so a number on the dashboard and the list
it links to can never disagree. Every figure is one query, whatever the
number of cases.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from cases.models import (
    Case,
    ChildProtectionFileTransfer,
    ContactLogEntry,
    Dispute,
    ExtensionAnswer,
    ExtensionRequest,
    ManagedMove,
    Outcome,
)
from dowimm.calendars.school_days import NoTermDates, school_days_for
from dowimm.notifications.models import Reminder
from dowimm.schools.models import School
from meetings.models import ReviewMeeting
from transport.models import TransportRequest
from transport.policy import MAX_WALK_TO_STOP_MILES

State = Case.State
AFTER_START = (State.ACTIVE, State.EXTENDED, State.ENDED, State.MANAGED_MOVE)


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    filter: object  # function(cases, today) -> cases
    # An expression for the day each case began waiting (a date or a
    # datetime), read on the queue's own list page.
    since: object = None


def _agreements_to_receive(cases, today):
    return cases.filter(state__in=AFTER_START, agreement_received_by_faet_on=None)


def _outcomes_to_receive(cases, today):
    sent = Outcome.objects.filter(
        sent_to_faet_on__isnull=False, received_by_faet_on=None
    )
    return cases.filter(pk__in=sent.values("case_id"))


def _extensions_to_agree(cases, today):
    answered = ExtensionAnswer.objects.filter(
        extension=OuterRef("pk"), party=ExtensionAnswer.Party.FAIR_ACCESS
    )
    waiting = ExtensionRequest.objects.filter(
        status=ExtensionRequest.Status.AWAITING
    ).exclude(Exists(answered))
    return cases.filter(pk__in=waiting.values("case_id"))


def _disputes_to_settle(cases, today):
    return cases.filter(pk__in=Dispute.objects.filter(closed_on=None).values("case_id"))


def _reviews_overdue(cases, today):
    overdue = ReviewMeeting.objects.filter(held_on=None, scheduled_for__lt=today)
    return cases.filter(
        state__in=Case.PLACEMENT_STATES, pk__in=overdue.values("case_id")
    )


def last_school_week(today):
    """Monday and Sunday of the last complete week with a county school day."""
    try:
        school_days = school_days_for(None)
        this_monday = today - datetime.timedelta(days=today.weekday())
        last_day = school_days.previous_school_day(this_monday - datetime.timedelta(1))
    except NoTermDates:
        return None
    monday = last_day - datetime.timedelta(days=last_day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def _contact_gaps(cases, today):
    week = last_school_week(today)
    if week is None:
        return cases.none()
    monday, sunday = week
    contacted = ContactLogEntry.objects.filter(
        case=OuterRef("pk"), contact_on__range=(monday, sunday)
    )
    return cases.filter(state__in=Case.PLACEMENT_STATES, started_on__lt=monday).exclude(
        Exists(contacted)
    )


def _cp_files_overdue(cases, today):
    # NOT EXISTS rather than a join through the case: an anti-join on the
    # transfer's unique case_id stays cheap with many completed moves.
    sent = ChildProtectionFileTransfer.objects.filter(case_id=OuterRef("case_id"))
    overdue = ManagedMove.objects.filter(cp_file_due_on__lt=today).exclude(Exists(sent))
    return cases.filter(pk__in=overdue.values("case_id"))


def _transport_exceptions_to_authorise(cases, today):
    Arrangement = TransportRequest.Arrangement
    beyond_policy = Q(arrangement=Arrangement.BEYOND_POLICY) | Q(
        # Bespoke where a bus stop is close enough is beyond policy too
        # (transport.policy.needs_exception, written as a filter).
        arrangement=Arrangement.BESPOKE,
        suitable_route=True,
        walk_to_stop_miles__lte=MAX_WALK_TO_STOP_MILES,
    )
    waiting = TransportRequest.objects.filter(
        beyond_policy, exception_faet_by=None
    ).exclude(decision=TransportRequest.Decision.REFUSED)
    return cases.filter(state__in=Case.OPEN_STATES, pk__in=waiting.values("case_id"))


def _reminders_not_sent(cases, today):
    failed = Reminder.objects.filter(status=Reminder.Status.FAILED)
    return cases.filter(pk__in=failed.values("case_id"))


def _first(queryset, field):
    """The earliest `field` of the rows of `queryset` for each case."""
    rows = queryset.filter(case=OuterRef("pk")).order_by(field)
    return Subquery(rows.values(field)[:1])


def _last_contact_or_start():
    return Coalesce(
        Subquery(
            ContactLogEntry.objects.filter(case=OuterRef("pk"))
            .order_by("-contact_on")
            .values("contact_on")[:1]
        ),
        F("started_on"),
    )


QUEUES = [
    Queue(
        "agreements",
        "DOWIMM Agreements to receive",
        _agreements_to_receive,
        since=F("started_on"),
    ),
    Queue(
        "outcomes",
        "Outcomes Forms to receive",
        _outcomes_to_receive,
        since=_first(Outcome.objects.all(), "sent_to_faet_on"),
    ),
    Queue(
        "extensions",
        "Extensions waiting for your answer",
        _extensions_to_agree,
        since=_first(
            ExtensionRequest.objects.filter(status=ExtensionRequest.Status.AWAITING),
            "requested_on",
        ),
    ),
    Queue(
        "transport-exceptions",
        "Transport exceptions to authorise",
        _transport_exceptions_to_authorise,
        since=_first(TransportRequest.objects.all(), "requested_on"),
    ),
    Queue(
        "disputes",
        "Disputes to mediate or take to a panel",
        _disputes_to_settle,
        since=_first(Dispute.objects.filter(closed_on=None), "raised_on"),
    ),
    Queue(
        "reviews-overdue",
        "Reviews overdue",
        _reviews_overdue,
        since=_first(ReviewMeeting.objects.filter(held_on=None), "scheduled_for"),
    ),
    Queue(
        "contact-gaps",
        "No contact recorded last school week",
        _contact_gaps,
        since=_last_contact_or_start(),
    ),
    Queue(
        "cp-files-overdue",
        "Child-protection files overdue",
        _cp_files_overdue,
        since=_first(ManagedMove.objects.all(), "cp_file_due_on"),
    ),
    Queue(
        "reminders-failed",
        "Reminders that could not be sent",
        _reminders_not_sent,
        since=_first(
            Reminder.objects.filter(status=Reminder.Status.FAILED), "created_at"
        ),
    ),
]
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}


def academic_year_start(today):
    return datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


MOVES_SHOWN = 10


def queue_counts(cases, today):
    """How many cases wait in each queue, in one query however many queues."""
    counts = [
        queue.filter(cases, today)
        .order_by()
        .annotate(queue=Value(queue.slug))
        .values("queue")
        .annotate(n=Count("pk"))
        for queue in QUEUES
    ]
    found = dict(counts[0].union(*counts[1:], all=True).values_list("queue", "n"))
    return [(queue, found.get(queue.slug, 0)) for queue in QUEUES]


def _most_moves(moves, school):
    """The schools with the most moves by `school`, with their names."""
    name = School.objects.filter(pk=OuterRef(f"{school}_id")).values("name")
    return (
        moves.values(f"{school}_id")
        .annotate(n=Count("pk"))
        .order_by("-n", f"{school}_id")
        .annotate(name=Subquery(name))
        .values_list("name", "n")[:MOVES_SHOWN]
    )


def dashboard_figures(today):
    cases = Case.objects.all()
    by_state = dict(cases.order_by().values_list("state").annotate(n=Count("pk")))
    # A managed move's case closes on the day of single registration.
    moves = cases.filter(
        state=State.MANAGED_MOVE, closed_on__gte=academic_year_start(today)
    ).order_by()
    # The schools taking and sending the most: the reports page has them all.
    per_school = {}
    for name, n in _most_moves(moves, "home_school"):
        per_school.setdefault(name, [0, 0])[1] = n
    for name, n in _most_moves(moves, "receiving_school"):
        per_school.setdefault(name, [0, 0])[0] = n
    return {
        "stages": [(state, by_state.get(state.value, 0)) for state in State],
        "queues": queue_counts(cases, today),
        "moves": sorted(
            (name, moved_in, moved_out)
            for name, (moved_in, moved_out) in per_school.items()
        ),
        "moves_shown": MOVES_SHOWN,
        "year_from": academic_year_start(today),
    }


def cases_in_queue(cases, slug, today):
    queue = QUEUES_BY_SLUG.get(slug)
    return queue.filter(cases, today) if queue else cases


def cases_waiting(cases, queue, today):
    """The cases in `queue`, longest waiting first, each with `waiting_since`."""
    return (
        queue.filter(cases, today)
        .annotate(waiting_since=queue.since)
        .order_by(F("waiting_since").asc(nulls_last=True), "pk")
    )
