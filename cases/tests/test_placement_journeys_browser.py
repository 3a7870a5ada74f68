"""
The end of a placement in a real browser, on the 2025-26 county calendar:
a placement that becomes a managed move, one that ends early and
reintegrates, and one that is extended. The cases are built through the
services up to an active placement; from there each party signs in and
does their part through the pages, with axe run on every page.

The county calendar: autumn term 3 Sep to 19 Dec 2025 with half term 27 to
31 Oct, Christmas holiday 22 Dec to 5 Jan, spring term from Tue 6 Jan 2026.
"""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from cases.tests.factories import PDF_BYTES, Cast
from cases.tests.test_journey_browser import (
    choose,
    expect_error,
    expect_success,
    expect_task_status,
    fill_date,
    load,
    open_task,
    submit,
)
from conftest import sign_in
from dowimm.calendars.services import calendar_import_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long test passphrase"  # every Cast user's
PUPIL = "Rowan Testpupil"
CARER = "Morgan Testcarer"
PLANNED = datetime.date(2025, 10, 2)  # Thu: the planning meeting
START = datetime.date(2025, 10, 13)  # Mon: the first day
# 40 school days from Mon 13 Oct, half term skipped: Fri 12 Dec 2025.
EXPECTED_END = datetime.date(2025, 12, 12)

# The managed move, all on Wed 22 Oct 2025.
OFFERED = datetime.date(2025, 10, 22)
CONTACTED = datetime.date(2025, 10, 17)  # Fri of the first week
ABSENT = datetime.date(2025, 10, 14)  # Tue, a whole day, authorised
# One authorised day moves day 40 one school day on: Mon 15 Dec 2025.
EXPECTED_END_AFTER_ABSENCE = "Monday 15 December 2025"
# 5 home-school days after Wed 22 Oct: Thu 23 and Fri 24 Oct, half term,
# then Mon 3, Tue 4 and Wed 5 Nov 2025.
CP_FILE_DUE = "Wednesday 5 November 2025"

# Ending early.
FIRST_REVIEW = datetime.date(2025, 10, 24)  # Fri
ENDING_REVIEW = datetime.date(2025, 11, 14)  # Fri, the last day
RETURN = datetime.date(2025, 11, 17)  # Mon
PLAN_REVIEW = datetime.date(2025, 12, 1)
REDUCED_UNTIL = datetime.date(2025, 11, 28)

# The extension, all on Fri 5 Dec 2025.
EXTENSION_REVIEW = datetime.date(2025, 12, 5)
NEXT_REVIEW = datetime.date(2025, 12, 12)
# 10 more school days after Fri 12 Dec: 15-19 Dec make 5, the Christmas
# holiday to Mon 5 Jan, Tue 6 to Fri 9 Jan make 9, Mon 12 Jan is the 10th.
EXTENDED_END = "Monday 12 January 2026"


def at(day):
    """Travel to noon on `day`; time keeps moving so the browser can wait."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC),
        tick=True,
    )


@pytest.fixture
def cast():
    with (settings.BASE_DIR / "data" / "norfolk-term-dates.csv").open() as file:
        calendar_import_csv(file=file)
    with at(PLANNED):
        return Cast()


def active_case(cast, review_on):
    with at(PLANNED):
        return cast.active_case(PLANNED, START, reviews=[review_on])


# What a user does, with axe run on every page that loads.


def sign_in_as(page, base_url, username):
    sign_out = page.get_by_role("button", name="Sign out")
    if sign_out.count():
        load(page, sign_out.click)
    sign_in(page, base_url, username, PASSWORD)


def open_case(page, base_url, case):
    load(page, lambda: page.goto(f"{base_url}/cases/{case.pk}/"))


def follow(page, link):
    load(page, page.get_by_role("link", name=link, exact=True).click)


def expect_stage(page, stage):
    expect(page.locator("h1 .govuk-tag")).to_have_text(stage)


def expect_row(page, key, text):
    """The first summary-list row whose key is exactly `key` shows `text`."""
    key = page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    row = page.locator(".govuk-summary-list__row").filter(has=key)
    expect(row.first.locator("dd")).to_contain_text(text)


def record_review(page, held_on, *, engagement, decision, next_on=None):
    open_task(page, "Record the next review")
    fill_date(page, "Date held", held_on)
    choose(page, "Was it face to face?", "Yes")
    page.get_by_label("Who attended").fill(
        "Grace Adebayo, receiving school\nPriya Marsh, home school\n"
        f"{CARER}, mother\n{PUPIL}"
    )
    choose(page, "Engagement against the agreed level", engagement)
    page.get_by_label("What the pupil says").fill("I like the football club")
    page.get_by_label("What the family says").fill("Calmer at home")
    choose(page, "Decision", decision)
    if next_on:
        fill_date(page, "Next review", next_on)
    submit(page, "Save the review")
    expect_success(page, "Review recorded")


# The stories.


def test_placement_becomes_a_managed_move(live_server, browser_page, cast, tmp_path):
    case = active_case(cast, OFFERED)
    page = browser_page
    base_url = live_server.url

    with at(OFFERED):
        # The receiving school records a contact, an absence and the review
        # that offers the managed move.
        sign_in_as(page, base_url, "receiving-staff")
        open_case(page, base_url, case)
        expect_stage(page, "Active placement")
        expect_task_status(page, "Record contact every week", "1 week without contact")
        open_task(page, "Record contact every week")
        fill_date(page, "Date", CONTACTED)
        page.get_by_label("Who was in contact").fill("Heads of year at each school")
        choose(page, "How", "Phone")
        page.get_by_label("Summary").fill("Settling in; one late arrival")
        submit(page, "Record contact")
        expect_success(page, "Contact recorded")
        expect_task_status(page, "Record contact every week", "Up to date")

        open_task(page, "Record absence")
        fill_date(page, "Date", ABSENT)
        page.get_by_label("Morning").check()
        page.get_by_label("Afternoon").check()
        choose(page, "Was the absence authorised?", "Yes")
        page.get_by_label("Reason").fill("Medical appointment")
        submit(page, "Record absence")
        expect_success(page, "Absence recorded")
        expect_row(page, "Expected end", EXPECTED_END_AFTER_ABSENCE)

        record_review(
            page,
            OFFERED,
            engagement="Meeting the agreed engagement level",
            decision="Offer a managed move",
        )
        follow(page, "Offer a managed move")
        submit(page, "Offer a managed move")
        expect_success(page, "Managed move offered")
        expect_task_status(page, "Get the Managed Move Agreement signed", "4 awaited")

        # Not before everyone has signed.
        open_task(page, "Record the move onto the receiving school's roll")
        fill_date(page, "Date the pupil went onto your roll alone", OFFERED)
        submit(page, "Save")
        expect_error(page, "The Managed Move Agreement still needs 4 signatures")

        # Each school signs in dowimm; the mother and the pupil signed on
        # paper, and the home school uploads the scans.
        scan = tmp_path / "signed.pdf"
        scan.write_bytes(PDF_BYTES)
        for username in ("receiving-staff", "home-staff"):
            sign_in_as(page, base_url, username)
            open_case(page, base_url, case)
            open_task(page, "Get the Managed Move Agreement signed")
            load(page, page.get_by_role("link", name="Sign for your school").click)
            page.get_by_label(
                "I have read this version and sign it for my school"
            ).check()
            submit(page, "Sign the document")
        # The family sign in the names the case holds: no name is typed.
        for party in (f"{CARER} (Mother)", f"The pupil: {PUPIL}"):
            open_case(page, base_url, case)
            open_task(page, "Get the Managed Move Agreement signed")
            follow(page, "Record a signature given on paper")
            choose(page, "Who signed?", party)
            fill_date(page, "Date signed", OFFERED)
            page.get_by_label("Scan of the signed paper copy").set_input_files(scan)
            submit(page, "Record signature")
            expect_success(page, "Signature recorded")
        expect_task_status(page, "Get the Managed Move Agreement signed", "Completed")

        # The receiving school takes the pupil onto its roll, then tells the
        # Children Missing Education team.
        sign_in_as(page, base_url, "receiving-staff")
        open_case(page, base_url, case)
        open_task(page, "Record the move onto the receiving school's roll")
        fill_date(page, "Date the pupil went onto your roll alone", OFFERED)
        submit(page, "Save")
        expect_success(page, "Managed move recorded")
        expect_stage(page, "Managed move")
        expect_row(page, "Closed", "22 October 2025: Managed move completed")

        open_task(page, "Tell the Children Missing Education team (receiving school)")
        fill_date(page, "Date the Children Missing Education team was told", OFFERED)
        submit(page, "Save")
        expect_success(page, "Recorded")

        # The home school tells the team and deletes the pupil from its
        # roll, which is never backdated.
        sign_in_as(page, base_url, "home-staff")
        open_case(page, base_url, case)
        open_task(page, "Tell the Children Missing Education team (home school)")
        fill_date(page, "Date the Children Missing Education team was told", OFFERED)
        submit(page, "Save")
        expect_success(page, "Recorded")
        expect_row(
            page, "CME team told", "Home school: 22 Oct 2025; receiving school: 22 Oct"
        )

        open_task(page, "Record the deletion from the home school's roll")
        backdated = OFFERED - datetime.timedelta(days=1)
        fill_date(page, "Date of deletion from the home school's roll", backdated)
        submit(page, "Save")
        expect_error(
            page,
            "A deletion from the roll is never backdated: the date must be on or "
            "after the move, Wed 22 Oct 2025",
        )
        fill_date(page, "Date of deletion from the home school's roll", OFFERED)
        submit(page, "Save")
        expect_success(page, "Deletion recorded")
        expect_row(page, "Deleted from the home school's roll", "22 October 2025")

        # The home DSL sends the child-protection file within 5 school days.
        sign_in_as(page, base_url, "home-dsl")
        open_case(page, base_url, case)
        expect_task_status(page, "Send the child-protection file", "Due by 5 Nov 2025")
        open_task(page, "Send the child-protection file")
        fill_date(page, "Date sent", OFFERED)
        choose(page, "How was it sent?", "Secure safeguarding system transfer")
        page.get_by_label("What was sent").fill("The whole child-protection file")
        submit(page, "Record the file as sent")
        expect_success(page, "Child-protection file recorded as sent")

        # The receiving DSL confirms receipt, never before it was sent.
        sign_in_as(page, base_url, "receiving-dsl")
        open_case(page, base_url, case)
        open_task(page, "Confirm receipt of the child-protection file")
        fill_date(page, "Date received", OFFERED - datetime.timedelta(days=1))
        page.get_by_label("Where it is stored").fill("Safeguarding system")
        submit(page, "Confirm receipt")
        expect_error(
            page,
            "The file was sent on Wed 22 Oct 2025: it cannot have been received "
            "before that",
        )
        fill_date(page, "Date received", OFFERED)
        submit(page, "Confirm receipt")
        expect_success(page, "Receipt confirmed")

        expect_stage(page, "Managed move")
        main = page.locator("main")
        for name in ("Managed move", "Child-protection file"):
            heading = main.get_by_role("heading", name=name, exact=True)
            expect(heading).to_be_visible()
        expect_row(page, "Due by", CP_FILE_DUE)
        expect_row(
            page,
            "Sent",
            "22 October 2025, secure safeguarding system transfer",
        )
        expect_row(page, "Received", "22 October 2025")
        expect_row(page, "Received", "stored: Safeguarding system")
        for title in (
            "Tell the Children Missing Education team",
            "Record the deletion from the home school's roll",
            "Send the child-protection file",
            "Confirm receipt of the child-protection file",
        ):
            tasks = page.locator(".govuk-task-list__item", has_text=title)
            for status in tasks.locator(".govuk-task-list__status").all():
                expect(status).not_to_contain_text("To do")
                expect(status).not_to_contain_text("Waiting")

        # The Fair Access team sees the move in and out of each school.
        sign_in_as(page, base_url, "fair-access")
        load(page, lambda: page.goto(f"{base_url}/fair-access/"))
        expect(
            page.get_by_role("heading", name="Managed moves since 1 September 2025")
        ).to_be_visible()
        moves = page.get_by_role(
            "table", name="Managed moves in and out of each school this academic year"
        )
        expect(moves.get_by_role("row")).to_have_text(
            [
                "School Moved in Moved out",
                "Home Academy 0 1",
                "Receiving Academy 1 0",
            ],
            use_inner_text=True,
        )


def test_placement_ends_early_and_the_pupil_reintegrates(
    live_server, browser_page, cast
):
    case = active_case(cast, FIRST_REVIEW)
    page = browser_page
    base_url = live_server.url

    # The first review raises the engagement concern and sets the next.
    with at(FIRST_REVIEW):
        sign_in_as(page, base_url, "receiving-staff")
        open_case(page, base_url, case)
        record_review(
            page,
            FIRST_REVIEW,
            engagement="Partly meeting it",
            decision="Continue the placement",
            next_on=ENDING_REVIEW,
        )
        expect_task_status(page, "Record the next review", "Due 14 Nov 2025")

    with at(ENDING_REVIEW):
        sign_in_as(page, base_url, "receiving-staff")
        open_case(page, base_url, case)
        record_review(
            page,
            ENDING_REVIEW,
            engagement="Not meeting it",
            decision="End the placement",
        )

        # A breach that would not earn a suspension cannot end it.
        follow(page, "End the placement early")
        choose(
            page,
            "Why is the placement ending?",
            "A serious breach that would be grounds for a suspension here",
        )
        choose(page, "For a breach: would it be grounds for a suspension", "No")
        page.get_by_label("For a breach: the incident").fill("Late to two lessons")
        page.get_by_label("Evidence").fill(
            "A mentor, a part-time start and weekly calls with the family"
        )
        fill_date(page, "Last day at your school", ENDING_REVIEW)
        fill_date(page, "Return to the home school", RETURN)
        page.get_by_label("The pupil's successes").fill("Made friends at football")
        page.get_by_label("What the pupil says").fill("I want to go back")
        page.get_by_label("What the family says").fill("We agree")
        choose(page, "Does either school dispute the ending?", "No")
        submit(page, "End the placement and complete the Outcomes Form")
        expect_error(page, "A minor infraction cannot end a placement")

        # The engagement concern raised at the first review can end it.
        choose(
            page,
            "Why is the placement ending?",
            "The engagement level makes the placement's objective unreachable",
        )
        page.get_by_label("For a breach: the incident").fill("")
        submit(page, "End the placement and complete the Outcomes Form")
        expect_success(page, "The placement has ended")
        expect_stage(page, "Ended")
        expect_row(
            page,
            "Reason",
            "The engagement level makes the placement's objective unreachable",
        )
        expect_row(page, "Returns to the home school", "17 November 2025")

        open_task(page, "Send the Outcomes Form to the Fair Access team")
        submit(page, "Mark as sent")
        expect_success(page, "Outcomes Form marked as sent")
        expect_row(page, "Sent to the Fair Access team", "14 November 2025")

        # The Fair Access team finds it in its queue and marks it received.
        sign_in_as(page, base_url, "fair-access")
        load(page, lambda: page.goto(f"{base_url}/fair-access/"))
        queue = page.get_by_role("row", name="Outcomes Forms to receive")
        expect(queue).to_contain_text("1")
        follow(page, "Outcomes Forms to receive")
        follow(page, case.reference)
        open_task(page, "Mark the Outcomes Form received")
        submit(page, "Mark as received")
        expect_success(page, "Outcomes Form marked as received")
        expect_row(
            page,
            "Sent to the Fair Access team",
            "14 November 2025; received 14 November 2025",
        )

        # The home school plans the return; a reduced timetable needs the
        # parents' written agreement.
        sign_in_as(page, base_url, "home-staff")
        open_case(page, base_url, case)
        open_task(page, "Offer a reintegration meeting and record the plan")
        fill_date(page, "Meeting offered", ENDING_REVIEW)
        fill_date(page, "Meeting held", ENDING_REVIEW)
        page.get_by_label("Key adult").fill("Priya Marsh, head of year")
        page.get_by_label("Fresh-start arrangements").fill("A new tutor group")
        page.get_by_label("Timetable", exact=True).fill("Mornings for two weeks")
        choose(page, "Is it a reduced timetable?", "Yes")
        page.get_by_label("Support").fill("Mentor twice a week")
        fill_date(page, "Review date", PLAN_REVIEW)
        submit(page, "Save the reintegration plan")
        expect_error(page, "A reduced timetable needs the parents' written agreement")

        fill_date(
            page,
            "For a reduced timetable: parents' written agreement",
            ENDING_REVIEW,
        )
        fill_date(page, "For a reduced timetable: when it ends", REDUCED_UNTIL)
        submit(page, "Save the reintegration plan")
        expect_success(page, "Reintegration plan saved")

        expect_stage(page, "Ended")
        expect_task_status(
            page, "Offer a reintegration meeting and record the plan", "Completed"
        )
        expect(
            page.get_by_role("heading", name="Reintegration plan", exact=True)
        ).to_be_visible()
        expect_row(page, "Meeting", "Offered 14 November 2025, held 14 November 2025")
        expect_row(page, "Key adult", "Priya Marsh, head of year")
        expect_row(
            page,
            "Timetable",
            "Reduced until 28 November 2025, agreed in writing by the parents "
            "on 14 November 2025",
        )
        expect_row(page, "Review", "1 December 2025")


def test_placement_is_extended_when_everyone_agrees(live_server, browser_page, cast):
    case = active_case(cast, EXTENSION_REVIEW)
    page = browser_page
    base_url = live_server.url

    with at(EXTENSION_REVIEW):
        sign_in_as(page, base_url, "receiving-staff")
        open_case(page, base_url, case)
        expect_row(page, "Expected end", "Friday 12 December 2025")
        record_review(
            page,
            EXTENSION_REVIEW,
            engagement="Partly meeting it",
            decision="Request an extension",
            next_on=NEXT_REVIEW,
        )
        follow(page, "Request an extension")
        choose(page, "Why is more time needed?", "Engagement")
        page.get_by_label("The request, in writing").fill(
            "Attendance is rising; two more weeks to settle the new timetable"
        )
        page.get_by_label("How many more school days?").fill("10")
        submit(page, "Send the request")
        expect_success(page, "Extension requested")

        sign_in_as(page, base_url, "home-staff")
        open_case(page, base_url, case)
        title = "Answer the extension request for the home school and the family"
        for party in ("Home school", "Pupil and family"):
            open_task(page, title)
            choose(page, "Whose answer is this?", party)
            choose(page, "Do they agree to the extension?", "Yes, they agree")
            submit(page, "Record answer")
            expect_success(page, "Answer recorded")
        expect_task_status(page, title, "Completed")
        expect_stage(page, "Active placement")

        sign_in_as(page, base_url, "fair-access")
        open_case(page, base_url, case)
        open_task(page, "Answer the extension request for the Fair Access team")
        choose(page, "Whose answer is this?", "Fair Access and Exclusions Team")
        choose(page, "Do they agree to the extension?", "Yes, they agree")
        submit(page, "Record answer")
        expect_success(page, "Answer recorded")

        expect_stage(page, "Extended placement")
        expect_row(page, "Expected end", EXTENDED_END)
        expect_row(
            page, "Status", "Agreed by everyone: new expected end 12 January 2026"
        )
