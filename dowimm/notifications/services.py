"""
The daily reminder job: find what is due, save it as Reminder rows, and
send each person one digest of what is waiting for them.

Safe to run twice, on two machines at once, or again after a crash:
- a reminder is a row keyed (case, kind, due date, person), inserted with
  conflicts ignored, so a second finding changes nothing;
- a digest locks its person's pending rows, marks them sent and sends the
  email in one transaction, so a second run finds nothing pending, and a
  crash before the commit leaves them pending for the next run.
"Today" is always the local date in London, so a run either side of a
clock change sees the same day.
"""

import datetime
import hashlib
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Case
from dowimm.calendars.school_days import (
    NoTermDates,
    format_day,
    is_weekday,
    school_days_for,
)
from dowimm.notifications.finders import Scope, find_due
from dowimm.notifications.models import Reminder, WeeklySummary

logger = logging.getLogger(__name__)

# After each failed attempt the next waits longer; once these are used up
# the reminders are marked failed for the Fair Access team to see.
RETRY_DELAYS = (
    datetime.timedelta(minutes=10),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
DELIVERY_ERRORS = (smtplib.SMTPException, OSError, BadHeaderError)


@dataclass
class RunReport:
    school_day: bool = True
    found: int = 0
    created: int = 0
    digests_sent: int = 0
    reminders_sent: int = 0
    digests_failed: int = 0
    missing_term_dates: set = field(default_factory=set)

    def __str__(self):
        if not self.school_day:
            return "Not a school day on the county calendar: nothing sent"
        text = (
            f"{self.found} reminders due, {self.created} new; "
            f"{self.reminders_sent} sent in {self.digests_sent} emails; "
            f"{self.digests_failed} emails failed and will be retried"
        )
        for year, place in sorted(self.missing_term_dates):
            text += f"\nWaiting for term dates: no term dates for {year} at {place}"
        return text


def reminders_daily_job(*, now=None, any_day=False):
    """
    Beat's daily job: on a school day of the county calendar (or any day
    with any_day), save what is due and send the digests.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = RunReport()
    if not any_day and not county_school_day(today):
        report.school_day = False
        return report

    scope = Scope(today=today)
    report.found, report.created = reminders_save(scope=scope, now=now)
    report.missing_term_dates = scope.missing_term_dates
    reminders_send(now=now, report=report)
    return report


def county_school_day(day):
    try:
        return school_days_for(None).is_school_day(day)
    except NoTermDates:
        # Better a reminder on a holiday than none while the dates are missing.
        logger.warning("No county term dates around %s: reminding anyway", day)
        return is_weekday(day)


def reminders_save(*, scope, now):
    """Save a Reminder row for each person each Due names; (found, new)."""
    dues = find_due(scope)
    keys = {
        (due.case_id, due.kind, due.due_on, recipient_id): due
        for due in dues
        for recipient_id in due.recipient_ids
    }
    if not keys:
        return 0, 0
    due_dates = [key[2] for key in keys]
    saved = Reminder.objects.filter(
        due_on__range=(min(due_dates), max(due_dates))
    ).values_list("case_id", "kind", "due_on", "recipient_id")
    new = sorted(keys.keys() - set(saved))
    # Reminder keeps no history rows, so bulk_create loses nothing; a row a
    # concurrent run saved in the meantime is skipped by the constraint.
    Reminder.objects.bulk_create(
        [
            Reminder(
                case_id=case_id,
                kind=kind,
                due_on=due_on,
                recipient_id=recipient_id,
                message=keys[(case_id, kind, due_on, recipient_id)].message,
                created_at=now,
                next_attempt_at=now,
            )
            for case_id, kind, due_on, recipient_id in new
        ],
        ignore_conflicts=True,
    )
    return len(keys), len(new)


def reminders_send(*, now=None, report=None):
    """Send every person with pending reminders that are due to go."""
    now = now or timezone.now()
    report = report or RunReport()
    recipient_ids = (
        Reminder.objects.filter(
            status=Reminder.Status.PENDING, next_attempt_at__lte=now
        )
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for recipient_id in list(recipient_ids):
        _send_digest(recipient_id, now, report)
    return report


def _send_digest(recipient_id, now, report):
    with transaction.atomic():
        reminders = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                recipient_id=recipient_id,
                status=Reminder.Status.PENDING,
                next_attempt_at__lte=now,
            )
            .select_related("recipient", "case__pupil")
            .order_by("kind", "due_on", "pk")
        )
        if not reminders:
            return
        ids = [r.pk for r in reminders]
        # Databases without row locks (SQLite) rely on this: a concurrent
        # run that marked them first leaves fewer than expected to mark.
        marked = Reminder.objects.filter(
            pk__in=ids, status=Reminder.Status.PENDING
        ).update(status=Reminder.Status.SENT, sent_at=now)
        if marked != len(ids):
            transaction.set_rollback(True)
            return
        try:
            _digest_email(reminders[0].recipient, reminders, now).send()
        except DELIVERY_ERRORS as error:
            transaction.set_rollback(True)
            failure = error
        else:
            report.digests_sent += 1
            report.reminders_sent += len(ids)
            return

    report.digests_failed += 1
    _record_failure(ids, failure, now)


def _record_failure(ids, error, now):
    for reminder in Reminder.objects.filter(pk__in=ids):
        reminder.attempts += 1
        reminder.last_error = type(error).__name__
        if reminder.attempts > len(RETRY_DELAYS):
            reminder.status = Reminder.Status.FAILED
        else:
            reminder.next_attempt_at = now + RETRY_DELAYS[reminder.attempts - 1]
        reminder.save(
            update_fields=["attempts", "last_error", "status", "next_attempt_at"]
        )
    logger.warning(
        "Reminder email to user %s failed (%s), reminders %s",
        reminder.recipient_id,
        type(error).__name__,
        ids,
    )


def _digest_email(recipient, reminders, now):
    today = timezone.localdate(now)
    sections = {}
    for reminder in reminders:
        sections.setdefault(reminder.get_kind_display(), []).append(reminder)
    context = {
        "recipient": recipient,
        "sections": sections,
        "today": today,
        "site_url": settings.SITE_URL,
    }
    count = len(reminders)
    subject = (
        f"{count} reminder{'' if count == 1 else 's'} from dowimm for "
        f"{format_day(today)}"
    )
    email = EmailMultiAlternatives(
        subject=_one_line(subject),
        body=render_to_string("notifications/digest.txt", context),
        to=[recipient.email],
        headers={"Message-ID": _message_id("reminders", [r.pk for r in reminders])},
    )
    email.attach_alternative(
        render_to_string("notifications/digest.html", context), "text/html"
    )
    return email


def _one_line(text):
    return " ".join(text.split())


def _message_id(what, ids):
    """
    The same reminders always go out under the same Message-ID, so a mail
    server or client that sees a resend after a crash can drop it.
    """
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "dowimm"
    return f"<{what}.{digest[:32]}@{domain}>"


# The weekly summary for the Fair Access and Exclusions Team.


def weekly_summary_send(*, now=None):
    """Send the summary of the week just ended, once; True if sent now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_starting = today - datetime.timedelta(days=today.weekday())
    WeeklySummary.objects.get_or_create(week_starting=week_starting)
    with transaction.atomic():
        summary = WeeklySummary.objects.select_for_update().get(
            week_starting=week_starting
        )
        if summary.sent_at is not None:
            return False
        summary.sent_at = now
        summary.save(update_fields=["sent_at"])
        _weekly_summary_email(today, now).send()
    return True


def weekly_summary_context(today, now):
    week_ago = now - datetime.timedelta(days=7)
    sent = (
        Reminder.objects.filter(sent_at__gte=week_ago)
        .values("kind")
        .annotate(count=Count("pk"))
        .order_by("kind")
    )
    labels = dict(Reminder.Kind.choices)
    scope = Scope(today=today)
    find_due(scope)
    return {
        "today": today,
        "placements": Case.objects.filter(state__in=Case.PLACEMENT_STATES).count(),
        "planning": Case.objects.filter(state=Case.State.PLANNING).count(),
        "sent": [(labels[row["kind"]], row["count"]) for row in sent],
        "failed": Reminder.objects.filter(status=Reminder.Status.FAILED).count(),
        "missing_term_dates": sorted(scope.missing_term_dates),
        "site_url": settings.SITE_URL,
    }


def _weekly_summary_email(today, now):
    context = weekly_summary_context(today, now)
    email = EmailMultiAlternatives(
        subject=_one_line(f"dowimm weekly summary for the week of {format_day(today)}"),
        body=render_to_string("notifications/weekly_summary.txt", context),
        to=[settings.FAET_MAILBOX],
    )
    email.attach_alternative(
        render_to_string("notifications/weekly_summary.html", context), "text/html"
    )
    return email


# What a person will be reminded of, for their reminders page.


def reminders_coming_for(*, user, cases, today):
    """The Dues that name `user` and are not yet saved as their reminders."""
    scope = Scope(today=today, cases=cases)
    due = [d for d in find_due(scope) if user.pk in d.recipient_ids]
    already = set(
        Reminder.objects.filter(
            recipient=user, case_id__in={d.case_id for d in due}
        ).values_list("case_id", "kind", "due_on")
    )
    return [d for d in due if (d.case_id, d.kind, d.due_on) not in already]
