from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cases.models import Case
from cases.selectors import cases_visible_to
from dowimm.notifications.models import Reminder
from dowimm.notifications.services import reminders_coming_for

SENT_SHOWN = 50


@login_required
def my_reminders(request):
    user = request.user
    if not user.role:
        raise Http404("No reminders")

    coming = reminders_coming_for(
        user=user, cases=cases_visible_to(user), today=timezone.localdate()
    )
    mine = Reminder.objects.filter(recipient=user).select_related("case__pupil")
    failed = Reminder.objects.none()
    if user.is_fair_access:
        failed = Reminder.objects.filter(status=Reminder.Status.FAILED)
    context = {
        "coming": _with_cases(coming),
        "waiting": mine.exclude(status=Reminder.Status.SENT),
        "sent": mine.filter(status=Reminder.Status.SENT).order_by("-sent_at", "pk")[
            :SENT_SHOWN
        ],
        "failed": failed.select_related("case", "recipient").order_by("due_on"),
        "shown": SENT_SHOWN,
    }
    return render(request, "notifications/my_reminders.html", context)


def _with_cases(dues):
    cases = Case.objects.select_related("pupil").in_bulk({d.case_id for d in dues})
    labels = dict(Reminder.Kind.choices)
    return [
        {"due": d, "case": cases[d.case_id], "kind": labels[d.kind]}
        for d in sorted(dues, key=lambda d: (d.due_on, d.case_id))
    ]
