"""Reads the transport pages share: the queue's rows and their figures."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from cases.models import Case
from dowimm.calendars.school_days import NoTermDates, school_days_for
from transport.models import TransportRequest
from transport.policy import needs_exception, request_advice

Status = TransportRequest.Status
QUEUE_ORDER = (
    Status.AWAITING_QUOTE,
    Status.AWAITING_PANEL,
    Status.RUNNING,
    Status.ENDING,
)


def request_queryset():
    """Requests with everything a queue row or panel pack entry shows."""
    return (
        TransportRequest.objects.select_related(
            "case__pupil",
            "case__home_school",
            "case__planning_meeting",
            "school",
            "travel_plan",
        )
        .prefetch_related("case__reviews")
        .order_by("requested_on", "pk")
    )


def live_requests():
    """Requests on open cases, and those carrying on after a managed move."""
    return request_queryset().filter(
        Q(case__state__in=Case.OPEN_STATES)
        | Q(case__state=Case.State.MANAGED_MOVE, continues_after_managed_move=True)
    )


def cost_to_date(request, school_days, today):
    """
    The daily cost times the school days transport has run so far, or None
    when the school's calendar has no term dates to count them from.
    """
    start = request.case.started_on
    if not request.is_approved or start is None or start > today:
        return Decimal("0.00")
    last = min(today, request.ends_on) if request.ends_on else today
    try:
        days = school_days.count_school_days(start, last)
    except NoTermDates:
        return None
    return request.daily_cost * days


def next_review_on(request, today):
    """The earliest coming review of the travel plan or of the placement."""
    plan = getattr(request, "travel_plan", None)
    dates = [
        review.scheduled_for
        for review in request.case.reviews.all()
        if review.held_on is None and review.scheduled_for >= today
    ]
    if plan is not None and plan.next_review_on:
        dates.append(plan.next_review_on)
    return min(dates, default=None)


@dataclass
class QueueRow:
    request: TransportRequest
    status: str
    cost_to_date: Decimal | None
    next_review_on: datetime.date | None
    needs_exception: bool

    @property
    def case(self):
        return self.request.case


def queue_rows(requests, today=None):
    """Each request with its status and figures, one calendar per school."""
    today = today or timezone.localdate()
    calendars = {}
    rows = []
    for request in requests:
        if request.school_id not in calendars:
            calendars[request.school_id] = school_days_for(request.school)
        rows.append(
            QueueRow(
                request=request,
                status=request.status(today),
                cost_to_date=cost_to_date(request, calendars[request.school_id], today),
                next_review_on=next_review_on(request, today),
                needs_exception=needs_exception(
                    request.arrangement, request_advice(request)
                ),
            )
        )
    return rows


def queue_by_status(today=None):
    rows = queue_rows(live_requests(), today)
    return [
        (Status(status), [row for row in rows if row.status == status])
        for status in QUEUE_ORDER
    ]


def panel_pack_rows(panel_on):
    """The requests a panel on `panel_on` considers or considered."""
    requests = live_requests().filter(
        Q(decision=TransportRequest.Decision.AWAITING, quote_received_on__isnull=False)
        | Q(decided_on=panel_on)
    )
    return queue_rows(requests, panel_on)
