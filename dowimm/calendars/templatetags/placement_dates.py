from django import template
from django.utils import timezone

from dowimm.calendars.deadlines import notice_deadline
from dowimm.calendars.school_days import NoTermDates, school_days_for

register = template.Library()


@register.inclusion_tag("calendars/includes/notice.html")
def placement_notice(case):
    """
    The last day to give the family written notice of the direction off-site,
    counted on the home school's calendar, while the start is being planned.
    """
    meeting = getattr(case, "planning_meeting", None)
    if case.state != case.State.PLANNING or meeting is None:
        return {"shown": False}

    first_day = meeting.proposed_start_on
    try:
        deadline = notice_deadline(school_days_for(case.home_school), first_day)
    except NoTermDates as missing:
        return {"shown": True, "missing": missing}
    return {
        "shown": True,
        "deadline": deadline,
        "passed": deadline.due < timezone.localdate(),
        "school": case.home_school,
    }


@register.inclusion_tag("calendars/includes/closed_bookings.html")
def closed_bookings(case, reviews, monitoring=None):
    """
    Booked days on which the receiving school turns out to be closed: a
    first day or review planned before the terms were entered, or a
    training day added since. Only dates still to come are checked, on the
    calendar the placement's monitoring loaded when there is one.
    """
    if not case.is_open or case.receiving_school_id is None:
        return {"closed": []}
    today = timezone.localdate()
    booked = [
        ("review", review.scheduled_for)
        for review in reviews
        if not review.is_held and review.scheduled_for >= today
    ]
    meeting = getattr(case, "planning_meeting", None)
    if case.state == case.State.PLANNING and meeting is not None:
        booked.insert(0, ("first day", meeting.proposed_start_on))
    school = case.receiving_school
    school_days = getattr(monitoring, "school_days", None) or school_days_for(school)
    closed = []
    for what, day in booked:
        try:
            reason = school_days.closed_because(day)
        except NoTermDates:
            continue
        if reason:
            closed.append({"what": what, "day": day, "reason": reason})
    return {
        "closed": closed,
        "school": school,
        "planning": meeting is not None and case.state == case.State.PLANNING,
    }
