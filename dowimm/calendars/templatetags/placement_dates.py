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
