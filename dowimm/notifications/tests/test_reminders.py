"""
The daily reminder job, with dates worked out by hand on the 2025-26 county
calendar in data/ and the invented 2026-27 test terms in conftest.py.
"""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services as case_services
from dowimm.notifications.finders import Scope, find_due
from dowimm.notifications.models import Reminder, WeeklySummary
from dowimm.notifications.services import (
    reminders_daily_job,
    reminders_send,
    weekly_summary_send,
)

from .conftest import active_placement, london, planning_details

pytestmark = pytest.mark.django_db

Kind = Reminder.Kind

# A placement from Mon 13 Oct 2025: 40 school days end Fri 12 Dec 2025.
# Its first review, 10 school days on, is Mon 3 Nov 2025, after half term.
MON_13_OCT_2025 = datetime.date(2025, 10, 13)
FRI_12_DEC_2025 = datetime.date(2025, 12, 12)
MON_3_NOV_2025 = datetime.date(2025, 11, 3)
MON_17_NOV_2025 = datetime.date(2025, 11, 17)


@pytest.fixture
def placement(cast):
    return active_placement(
        cast,
        start=MON_13_OCT_2025,
        end=FRI_12_DEC_2025,
        reviews=[MON_3_NOV_2025, MON_17_NOV_2025],
    )


def run_at(moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return reminders_daily_job(**kwargs)


def sent_to(cast_user):
    return [m for m in mail.outbox if m.to == [cast_user.email]]


# Reviews, across half term.


def test_a_review_is_first_due_three_school_days_ahead_across_half_term(
    cast, placement
):
    # From Wed 22 Oct the next 3 school days are Thu 23, Fri 24 Oct and,
    # after half term, Mon 3 Nov. From Tue 21 Oct they end on Fri 24.
    run_at(london(2025, 10, 21))
    assert mail.outbox == []

    report = run_at(london(2025, 10, 22))

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        f"{u.username}@example.invalid"
        for u in (
            cast.home_staff,
            cast.home_dsl,
            cast.receiving_staff,
            cast.receiving_dsl,
        )
    )
    assert report.reminders_sent == 4
    reminder = Reminder.objects.filter(recipient=cast.home_staff).get()
    assert (reminder.kind, reminder.due_on) == (Kind.REVIEW_DUE, MON_3_NOV_2025)
    assert reminder.message == "Review on Mon 3 Nov 2025 (face to face)"
    assert reminder.status == Reminder.Status.SENT


def test_nothing_is_sent_in_half_term_and_nothing_is_skipped_after_it(cast, placement):
    # Half term, Mon 27 Oct 2025: the job does nothing, even though the
    # review on Mon 3 Nov is due; on Mon 3 Nov it is sent.
    report = run_at(london(2025, 10, 27))
    assert not report.school_day
    assert mail.outbox == []

    run_at(london(2025, 11, 3))

    assert len(sent_to(cast.home_staff)) == 1
    assert "Review on Mon 3 Nov 2025" in sent_to(cast.home_staff)[0].body


def test_an_unheld_review_is_reminded_again_once_overdue(cast, placement):
    run_at(london(2025, 10, 22))
    run_at(london(2025, 11, 3))
    assert len(sent_to(cast.home_staff)) == 1

    run_at(london(2025, 11, 4))

    overdue = sent_to(cast.home_staff)[1]
    assert "The review due on Mon 3 Nov 2025 has not been recorded" in overdue.body
    # The linked adviser hears of an overdue review, not of one coming up.
    assert len(sent_to(cast.adviser)) == 1


# The expected end.


def test_the_expected_end_is_reminded_five_school_days_ahead(cast, placement):
    # From Fri 5 Dec 2025, 5 school days ahead is Fri 12 Dec; from Thu 4 Dec
    # it is Thu 11 Dec. The review of 17 Nov is overdue from 18 Nov: hold it.
    case_services_hold_reviews(placement)

    run_at(london(2025, 12, 4))
    assert mail.outbox == []

    run_at(london(2025, 12, 5))

    reminder = Reminder.objects.get(recipient=cast.receiving_staff)
    assert (reminder.kind, reminder.due_on) == (Kind.PLACEMENT_ENDING, FRI_12_DEC_2025)
    assert Reminder.objects.filter(recipient=cast.adviser).count() == 1


def case_services_hold_reviews(case):
    case.reviews.update(held_on=datetime.date(2025, 11, 3))


# Approaches and planning tasks.


def test_an_approach_unanswered_after_three_school_days_is_chased(cast):
    # Approached Thu 2 Oct 2025: 3 school days on is Tue 7 Oct, so the
    # reminder goes on Wed 8 Oct to both the approached and the home school.
    with time_machine.travel(london(2025, 10, 2)):
        case, _ = cast.approached_case()

    run_at(london(2025, 10, 7))
    assert mail.outbox == []

    run_at(london(2025, 10, 8))

    receiving = Reminder.objects.get(recipient=cast.receiving_staff)
    assert receiving.due_on == datetime.date(2025, 10, 7)
    assert receiving.message == (
        "Your school was asked on Thu 2 Oct 2025 to host a placement and has "
        "not answered"
    )
    home = Reminder.objects.get(recipient=cast.home_staff)
    assert (
        home.message
        == "No answer yet from Receiving Academy, approached Thu 2 Oct 2025"
    )
    assert not Reminder.objects.filter(recipient=cast.other_staff).exists()


def test_planning_tasks_are_reminded_to_whoever_owns_them(cast):
    # Proposed start Mon 13 Oct 2025: within 5 school days from Mon 6 Oct.
    with time_machine.travel(london(2025, 10, 1)):
        case = cast.planning_case()
        case_services.planning_meeting_record(
            case_id=case.pk,
            user=cast.home_staff,
            details=planning_details(datetime.date(2025, 10, 1), MON_13_OCT_2025),
            review_dates=[MON_3_NOV_2025],
        )

    run_at(london(2025, 10, 3))
    assert mail.outbox == []
    run_at(london(2025, 10, 6))

    receiving = Reminder.objects.get(recipient=cast.receiving_staff)
    assert receiving.kind == Kind.PLANNING_TASKS
    assert receiving.due_on == MON_13_OCT_2025
    assert receiving.message.startswith(
        "Before the placement starts on Mon 13 Oct 2025: "
    )
    assert "give safer-recruitment assurance" in receiving.message
    assert "record consent" not in receiving.message
    home = Reminder.objects.get(recipient=cast.home_staff)
    assert "record consent from the pupil and each parent or carer" in home.message
    assert "give safer-recruitment assurance" not in home.message


# Idempotency, the clock changes and failures.


def test_running_the_job_twice_sends_nothing_twice(cast, placement):
    run_at(london(2025, 10, 22))
    first = len(mail.outbox)

    report = run_at(london(2025, 10, 22, 8, 5))

    assert len(mail.outbox) == first == 4
    assert (report.found, report.created, report.reminders_sent) == (4, 0, 0)


@pytest.fixture
def placement_across_autumn_2026(cast):
    # 2026-27 test terms. Review Mon 2 Nov 2026; half term 26-30 Oct, so
    # from Fri 23 Oct the next 3 school days are Mon 2, Tue 3, Wed 4 Nov.
    return active_placement(
        cast,
        start=datetime.date(2026, 10, 5),
        end=datetime.date(2026, 12, 7),
        reviews=[datetime.date(2026, 11, 2)],
    )


def test_autumn_clock_change_neither_repeats_nor_skips(
    cast, placement_across_autumn_2026
):
    # 08:00 on Fri 23 Oct 2026 is 07:00 UTC (summer time); 08:00 on Mon
    # 2 Nov 2026 is 08:00 UTC. Clocks go back on Sun 25 Oct 2026.
    run_at(london(2026, 10, 23))
    assert london(2026, 10, 23).utcoffset() == datetime.timedelta(hours=1)
    assert len(sent_to(cast.home_staff)) == 1

    run_at(london(2026, 11, 2))
    run_at(london(2026, 11, 2, 9))

    assert len(sent_to(cast.home_staff)) == 1
    run_at(london(2026, 11, 3))
    assert len(sent_to(cast.home_staff)) == 2
    assert "has not been recorded" in sent_to(cast.home_staff)[1].body


def test_spring_clock_change_uses_the_london_date_after_midnight(cast):
    # 00:30 on Thu 25 Mar 2027 is 00:30 UTC; 00:30 on Mon 12 Apr 2027 is
    # 23:30 UTC on Sun 11 Apr (clocks went forward on Sun 28 Mar). The job
    # must see Monday, a school day, and the review on Thu 15 Apr 3 school
    # days ahead: Tue 13, Wed 14, Thu 15.
    active_placement(
        cast,
        start=datetime.date(2027, 3, 1),
        end=datetime.date(2027, 5, 4),
        reviews=[datetime.date(2027, 4, 15)],
    )

    report = run_at(london(2027, 4, 12, 0, 30))

    assert report.school_day
    reminder = Reminder.objects.get(recipient=cast.home_staff)
    assert (reminder.kind, reminder.due_on) == (
        Kind.REVIEW_DUE,
        datetime.date(2027, 4, 15),
    )
    run_at(london(2027, 4, 12, 8))
    assert len(sent_to(cast.home_staff)) == 1


def test_the_beat_schedule_stays_at_eight_in_london_across_both_changes():
    # Beat asks is_due at least every 5 minutes; its first estimate of the
    # wait is an hour out across a change, but is_due is not.
    from dowimm.celery import app

    schedule = app.conf.beat_schedule["send-due-reminders"]["schedule"]
    for last_run, next_run in [
        (london(2026, 10, 23), london(2026, 10, 26)),
        (london(2027, 3, 26), london(2027, 3, 29)),
    ]:
        assert last_run.utcoffset() != next_run.utcoffset()
        for moment, due in [
            (next_run - datetime.timedelta(minutes=1), False),
            (next_run, True),
            (next_run + datetime.timedelta(minutes=4), True),
        ]:
            with time_machine.travel(moment, tick=False):
                assert schedule.is_due(last_run).is_due is due, moment


class FailFor:
    """An email backend that refuses mail to one address, and keeps the rest."""

    refused = set()

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no")})
            mail.outbox.append(message)
        return len(messages)


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailFor"
    yield FailFor.refused
    FailFor.refused.clear()


def test_a_failed_email_is_retried_with_back_off_then_flagged(
    cast, placement, failing_mail
):
    failing_mail.add(cast.receiving_staff.email)
    start = london(2025, 10, 22)

    report = run_at(start)

    assert report.digests_sent == 3
    assert report.digests_failed == 1
    failed = Reminder.objects.get(recipient=cast.receiving_staff)
    assert (failed.status, failed.attempts, failed.last_error) == (
        Reminder.Status.PENDING,
        1,
        "SMTPRecipientsRefused",
    )
    assert failed.next_attempt_at == start + datetime.timedelta(minutes=10)

    for minutes in (5, 10, 40, 160):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            reminders_send()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Reminder.Status.FAILED, 4)
    assert sent_to(cast.receiving_staff) == []
    assert len(mail.outbox) == 3


def test_a_retry_that_works_sends_the_reminder_once(cast, placement, failing_mail):
    failing_mail.add(cast.receiving_staff.email)
    run_at(london(2025, 10, 22))
    failing_mail.clear()

    with time_machine.travel(london(2025, 10, 22, 8, 10)):
        reminders_send()
        reminders_send()

    assert len(sent_to(cast.receiving_staff)) == 1
    assert Reminder.objects.get(recipient=cast.receiving_staff).status == (
        Reminder.Status.SENT
    )


class WorkerKilled(BaseException):
    """Stands for the worker process dying: nothing catches it."""


class DieOnSecond:
    sent = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if DieOnSecond.sent == 1:
            DieOnSecond.sent += 1
            raise WorkerKilled
        DieOnSecond.sent += 1
        mail.outbox.extend(messages)
        return len(messages)


def test_a_worker_killed_mid_send_leaves_the_rest_for_the_next_run(
    cast, placement, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.DieOnSecond"
    DieOnSecond.sent = 0
    with pytest.raises(WorkerKilled):
        run_at(london(2025, 10, 22))
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 1

    run_at(london(2025, 10, 22, 8, 10))

    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 4
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()


# The email itself.


def test_the_digest_reads_correctly_in_both_parts(cast, placement):
    run_at(london(2025, 10, 22))

    email = sent_to(cast.receiving_staff)[0]
    assert email.subject == "1 reminder from dowimm for Wed 22 Oct 2025"
    assert "\n" not in email.subject
    assert email.body.startswith("Dear Siân O'Connor-Nguyễn,")
    assert "&#x27;" not in email.body
    assert f"{placement.reference}, Rowan Testpupil: Review on Mon 3 Nov 2025" in (
        email.body
    )
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Dear Siân O&#x27;Connor-Nguyễn," in html
    assert "&amp;#x27;" not in html
    raw = email.message().as_bytes()
    assert b"\nSubject: 1 reminder from dowimm for Wed 22 Oct 2025\n" in raw
    assert email.extra_headers["Message-ID"].startswith("<reminders.")


def test_names_with_apostrophes_and_diacritics_in_the_pupil_survive(cast, placement):
    pupil = placement.pupil
    pupil.legal_first_names = "Zoë"
    pupil.legal_surname = "Ní Bhriain-O'Neill"
    pupil.save()

    run_at(london(2025, 10, 22))

    email = sent_to(cast.home_staff)[0]
    assert "Zoë Ní Bhriain-O'Neill: Review" in email.body
    assert "Zoë Ní Bhriain-O&#x27;Neill</a>" in email.alternatives[0][0]


# The weekly summary, and the cost of a run.


def test_the_weekly_summary_goes_to_the_faet_mailbox_once(cast, placement, settings):
    settings.FAET_MAILBOX = "faet@example.invalid"
    run_at(london(2025, 10, 22))
    mail.outbox.clear()

    with time_machine.travel(london(2025, 10, 27), tick=False):
        assert weekly_summary_send() is True
        assert weekly_summary_send() is False

    assert [m.to for m in mail.outbox] == [["faet@example.invalid"]]
    summary = mail.outbox[0]
    assert "Placements under way: 1" in summary.body
    assert "- Reviews coming up: 4" in summary.body
    assert WeeklySummary.objects.get().week_starting == datetime.date(2025, 10, 27)


def test_finding_reminders_costs_the_same_queries_for_one_case_or_many(cast):
    reviews = [MON_3_NOV_2025, MON_17_NOV_2025]
    active_placement(
        cast, serial=1, start=MON_13_OCT_2025, end=FRI_12_DEC_2025, reviews=reviews
    )
    with (
        time_machine.travel(london(2025, 10, 22), tick=False),
        CaptureQueriesContext(connection) as one,
    ):
        assert len(find_due(Scope(today=datetime.date(2025, 10, 22)))) == 1

    for serial in range(2, 7):
        active_placement(
            cast,
            serial=serial,
            start=MON_13_OCT_2025,
            end=FRI_12_DEC_2025,
            reviews=reviews,
        )
    with (
        time_machine.travel(london(2025, 10, 22), tick=False),
        CaptureQueriesContext(connection) as six,
    ):
        assert len(find_due(Scope(today=datetime.date(2025, 10, 22)))) == 6

    assert len(six.captured_queries) == len(one.captured_queries)


def test_missing_term_dates_hold_a_reminder_back_and_are_reported(cast):
    # Summer 2027: the test terms stop at 2026-27, so 3 school days after
    # Tue 20 Jul 2027 fall in 2027-28, which nobody has entered.
    active_placement(
        cast,
        start=datetime.date(2027, 5, 10),
        end=datetime.date(2027, 7, 20),
        reviews=[datetime.date(2027, 9, 8)],
    )

    report = run_at(london(2027, 7, 20))

    assert ("2027-28", "Receiving Academy") in report.missing_term_dates
    assert "no term dates for 2027-28 at Receiving Academy" in str(report)
