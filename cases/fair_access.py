"""
What the Fair Access and Exclusions Team needs to see across the authority:
each queue is the rows that make a case wait, counted on the dashboard and
turned into a filter on cases for its list, so the two can never disagree.
Every figure is one query that reads the few cases waiting or a tally the
database keeps (cases.tallies), whatever the number of cases.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from cases.models import (
    Case,
    CaseReviewDue,
    ContactLogEntry,
    ContactWeekTally,
    Dispute,
    ExtensionAnswer,
    ExtensionRequest,
    ManagedMove,
    Outcome,
    SchoolMoveTally,
    StageTally,
)
from dowimm.calendars.school_days import NoTermDates, school_days_for
from dowimm.documents.models import DocumentVersion
from dowimm.notifications.models import Reminder
from meetings.models import ReviewMeeting
from transport.models import TransportRequest
from transport.policy import MAX_WALK_TO_STOP_MILES

State = Case.State
AFTER_START = (State.ACTIVE, State.EXTENDED, State.ENDED, State.MANAGED_MOVE)


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    # function(today) -> the rows that put a case in the queue, read from
    # the narrowest table that knows; `case_field` names their case.
    waiting: object
    # An expression for the day each case began waiting (a date or a
    # datetime), read on the queue's own list page.
    since: object = None
    case_field: str = "case_id"
    # Whether a case can have more than one waiting row, so that counting
    # the cases needs DISTINCT (and a sort) rather than a plain count.
    many_per_case: bool = False
    # function(today) -> (rows, an expression over them for how many cases
    # wait), where tallies answer without counting the waiting rows.
    tallied: object = None

    def filter(self, cases, today):
        return cases.filter(pk__in=self.waiting(today).values(self.case_field))

    def count(self, today):
        """A query for how many cases wait, without reading the cases."""
        if self.tallied is not None:
            rows, waiting = self.tallied(today)
            return rows.order_by().values(queue=Value(self.slug)).annotate(n=waiting)
        return (
            self.waiting(today)
            .order_by()
            .values(queue=Value(self.slug))
            .annotate(n=Count(self.case_field, distinct=self.many_per_case))
        )


def _agreements_to_receive(today):
    # Due once a signed copy has been sent, or on the first day at the latest.
    return Case.objects.filter(
        Q(started_on__lte=today) | Exists(_agreements_sent()),
        state__in=AFTER_START,
        agreement_received_by_faet_on=None,
    )


def _agreements_sent():
    return DocumentVersion.objects.filter(
        case=OuterRef("pk"),
        kind=DocumentVersion.Kind.AGREEMENT,
        sent_at__isnull=False,
    )


def _agreement_sent_or_start():
    first_sent = _agreements_sent().order_by("sent_at").values(on=TruncDate("sent_at"))
    return Coalesce(Subquery(first_sent[:1]), F("started_on"))


def _outcomes_to_receive(today):
    return Outcome.objects.filter(
        sent_to_faet_on__isnull=False, received_by_faet_on=None
    )


def _extensions_to_agree(today):
    answered = ExtensionAnswer.objects.filter(
        extension=OuterRef("pk"), party=ExtensionAnswer.Party.FAIR_ACCESS
    )
    return ExtensionRequest.objects.filter(
        status=ExtensionRequest.Status.AWAITING
    ).exclude(Exists(answered))


def _disputes_to_settle(today):
    return Dispute.objects.filter(closed_on=None)


def _reviews_overdue(today):
    # CaseReviewDue is kept by triggers (cases.tallies) for the cases in
    # placement alone, so this reads the late ones and nothing else.
    return CaseReviewDue.objects.filter(first_unheld_on__lt=today)


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


def _contact_gaps(today):
    week = last_school_week(today)
    if week is None:
        return Case.objects.none()
    monday, sunday = week
    # NOT IN the week's contacts, which PostgreSQL hashes once: one pass
    # over a week of contacts rather than a look-up for each placement.
    contacted = ContactLogEntry.objects.filter(
        contact_on__range=(monday, sunday)
    ).values("case_id")
    return Case.objects.filter(
        state__in=Case.PLACEMENT_STATES, started_on__lt=monday
    ).exclude(pk__in=contacted)


def _contact_gaps_tallied(today):
    """
    The placements less those started since the week began and those with
    a contact in it (ContactWeekTally): the count of _contact_gaps, read
    from two tallies and the few newest placements.
    """
    week = last_school_week(today)
    if week is None:
        return StageTally.objects.none(), Value(0)
    monday, _ = week
    placements = Case.objects.filter(state__in=Case.PLACEMENT_STATES)
    contacted = ContactWeekTally.objects.filter(week_on=monday).values("cases")
    return (
        StageTally.objects.filter(state__in=Case.PLACEMENT_STATES),
        Coalesce(Sum("cases"), 0)
        # Two look-ups in the placements' index, rather than one that reads
        # all of it to find either.
        - _how_many(placements.filter(started_on__gte=monday))
        - _how_many(placements.filter(started_on=None))
        - Coalesce(Subquery(contacted), 0),
    )


def _how_many(rows):
    """A subquery counting `rows`."""
    counted = rows.order_by().values(all=Value(1)).annotate(n=Count("pk"))
    return Subquery(counted.values("n"))


def _cp_files_overdue(today):
    # cp_file_sent is kept by a trigger on the transfers; its partial index
    # holds only the moves still waiting for a file.
    return ManagedMove.objects.filter(cp_file_sent=False, cp_file_due_on__lt=today)


def _transport_exceptions_to_authorise(today):
    Arrangement = TransportRequest.Arrangement
    beyond_policy = Q(arrangement=Arrangement.BEYOND_POLICY) | Q(
        # Bespoke where a bus stop is close enough is beyond policy too
        # (transport.policy.needs_exception, written as a filter).
        arrangement=Arrangement.BESPOKE,
        suitable_route=True,
        walk_to_stop_miles__lte=MAX_WALK_TO_STOP_MILES,
    )
    return TransportRequest.objects.filter(
        beyond_policy, exception_faet_by=None, case__state__in=Case.OPEN_STATES
    ).exclude(decision=TransportRequest.Decision.REFUSED)


def _reminders_not_sent(today):
    return Reminder.objects.filter(status=Reminder.Status.FAILED)


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
        since=_agreement_sent_or_start(),
        case_field="pk",
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
        many_per_case=True,
    ),
    Queue(
        "disputes",
        "Disputes to mediate or take to a panel",
        _disputes_to_settle,
        since=_first(Dispute.objects.filter(closed_on=None), "raised_on"),
        many_per_case=True,
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
        case_field="pk",
        tallied=_contact_gaps_tallied,
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
        many_per_case=True,
    ),
]
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}


def academic_year_start(today):
    return datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


MOVES_SHOWN = 10


def queue_counts(today):
    """How many cases wait in each queue, in one query however many queues."""
    counts = [queue.count(today) for queue in QUEUES]
    found = dict(counts[0].union(*counts[1:], all=True).values_list("queue", "n"))
    return [(queue, found.get(queue.slug, 0)) for queue in QUEUES]


def _most_moves(year, direction):
    """The schools with the most moves `direction` in `year`, by name."""
    return (
        SchoolMoveTally.objects.filter(academic_year=year, **{f"{direction}__gt": 0})
        .order_by(f"-{direction}", "school_id")
        .values_list("school__name", direction)[:MOVES_SHOWN]
    )


def dashboard_figures(today):
    """
    The dashboard's figures from the tallies the database keeps (see
    cases.tallies) and the queues' partial indexes, so that they cost the
    same whether the authority has a hundred cases or a quarter of a million.
    """
    by_state = dict(StageTally.objects.values_list("state", "cases"))
    # A managed move's case closes on the day of single registration, and
    # the tallies count it in that day's academic year. The schools taking
    # and sending the most: the reports page has them all.
    year = academic_year_start(today).year
    per_school = {}
    for name, n in _most_moves(year, "moved_out"):
        per_school.setdefault(name, [0, 0])[1] = n
    for name, n in _most_moves(year, "moved_in"):
        per_school.setdefault(name, [0, 0])[0] = n
    return {
        "stages": [(state, by_state.get(state.value, 0)) for state in State],
        "queues": queue_counts(today),
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
