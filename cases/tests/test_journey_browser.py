"""
One new pupil taken from eligibility to an active placement in a real
browser, each party signing in for their part, and every page checked
with axe at WCAG 2.2 AA on the way.
"""

import datetime
import io
import re

import holidays
import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from stdnum.gb import upn as upn_number

from cases.tests.factories import PDF_BYTES
from conftest import assert_accessible, second_factor_enter
from dowimm.calendars.deadlines import notice_deadline
from dowimm.calendars.school_days import (
    academic_year_bounds,
    academic_year_of,
    school_days_for,
)
from dowimm.documents.tests.factories import sent_emails

PASSWORD = "dowimm-demo"
FIRST_NAMES = "Siân"
SURNAME = "O'Connor-Nguyễn"
PUPIL = f"{FIRST_NAMES} {SURNAME}"
CARER = "Mai O'Connor-Nguyễn"
CARER_PHONE = "01632 960123"
CARER_EMAIL = "mai.oconnor@example.com"
RECEIVING_SCHOOL = "Sewell Park Academy"
# Longer than any placement of 40 school days, so the term dates entered
# cover its expected end.
LONGEST_PLACEMENT = datetime.timedelta(days=120)
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def valid_upn():
    number = "926123456789"
    return upn_number.calc_check_digit(number) + number


def with_wrong_check_letter(upn):
    wrong = next(letter for letter in UPN_CHECK_LETTERS if letter != upn[0])
    return wrong + upn[1:]


def school_day_after(day, *, days=1):
    """The first weekday on or after `day + days` that is not a bank holiday."""
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG")
    day += datetime.timedelta(days=days)
    while day.weekday() >= 5 or day in bank_holidays:
        day += datetime.timedelta(days=1)
    return day


# What a user does, with axe run on every page that loads.


def load(page, action):
    """Do `action` (a click that leaves the page) and check the new page."""
    with page.expect_navigation():
        action()
    assert_accessible(page)


def sign_in(page, base_url, username):
    if page.get_by_role("button", name="Sign out").count():
        load(page, page.get_by_role("button", name="Sign out").click)
    else:
        load(page, lambda: page.goto(f"{base_url}/sign-in/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    load(page, page.get_by_role("button", name="Sign in").click)
    second_factor_enter(page, username)
    expect(page.locator(".dowimm-account__name")).to_be_visible()


def open_case(page, reference):
    load(page, page.get_by_role("link", name=reference, exact=True).click)


def open_task(page, title):
    load(page, page.get_by_role("link", name=title, exact=True).click)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def submit(page, button):
    load(page, page.get_by_role("button", name=button, exact=True).click)


def expect_success(page, message):
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(message)


def expect_error(page, message):
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()


def expect_task_status(page, title, status):
    task = page.locator(".govuk-task-list__item", has_text=title)
    expect(task.locator(".govuk-task-list__status")).to_have_text(status)


def fill_date(page, legend, on):
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(on.day))
    group.get_by_label("Month").fill(str(on.month))
    group.get_by_label("Year").fill(str(on.year))


def choose(page, legend, option):
    group = page.get_by_role("group", name=legend)
    group.get_by_label(option, exact=True).check()


def sign_out(page):
    load(page, page.get_by_role("button", name="Sign out").click)


def sign_for_school(page):
    load(page, page.get_by_role("link", name="Sign for your school").click)
    page.get_by_label("I have read this version and sign it for my school").check()
    submit(page, "Sign the document")


def signing_links(settings, base_url):
    """The signing links emailed so far, oldest first."""
    links = []
    for message in sent_emails(settings):
        found = re.search(r"http://[^/\s]+(/sign/[^/\s]+/)", message.get_content())
        if found:
            links.append(base_url + found[1])
    return links


def sign_from_link(page, settings, link, name):
    """A parent or the pupil signs: a code by email, then their typed name."""
    load(page, lambda: page.goto(link))
    submit(page, "Email me a code")
    code = re.search(r"Your code is (\d{6})", sent_emails(settings)[-1].get_content())
    page.get_by_label("Code").fill(code[1])
    submit(page, "Continue")
    page.get_by_label("Your full name").fill(name)
    page.get_by_label("I have read the document and I agree to it").check()
    submit(page, "Sign the document")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have signed the document"
    )


# The story of the case.


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_pupil_goes_from_eligibility_to_active_placement(
    live_server, browser_page, settings, tmp_path
):
    # Demo accounts sign in only while DEBUG is on; the live server runs
    # in this process, so it reads the same overridden settings.
    settings.DEBUG = True
    # Mail as the demo writes it, so the signing links can be read back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    call_command("load_demo", stdout=io.StringIO())
    page = browser_page
    base_url = live_server.url
    today = timezone.localdate()
    start_on = school_day_after(today, days=7)
    upn = valid_upn()

    # 1. The home school opens the case, adds a carer, checks eligibility.
    sign_in(page, base_url, "home-staff")
    load(page, page.get_by_role("button", name="Start a case").click)
    page.get_by_label("Legal first names").fill(FIRST_NAMES)
    page.get_by_label("Legal surname").fill(SURNAME)
    fill_date(page, "Date of birth", datetime.date(today.year - 13, 3, 27))
    page.get_by_label("Unique pupil number (UPN)").fill(with_wrong_check_letter(upn))
    page.get_by_label("Home address").fill("12 St Clement's Hill\nNorwich")
    page.get_by_label("Home postcode").fill("nr3 4bh")
    choose(page, "Special educational needs", "SEN support")
    choose(page, "Is the pupil in the care of the local authority?", "No")
    submit(page, "Save and continue")
    expect_error(page, "Check the UPN: its first letter does not match")

    page.get_by_label("Unique pupil number (UPN)").fill(upn)
    submit(page, "Save and continue")
    expect_success(page, "opened")
    expect(page.get_by_role("heading", level=1)).to_contain_text(PUPIL)
    reference = page.locator(".govuk-caption-l").inner_text().strip()
    assert reference.startswith("DWM-")
    expect_task_status(page, "Check eligibility", "To do")

    load(page, page.get_by_role("link", name="Add a parent or carer").click)
    page.get_by_label("Full name").fill(CARER)
    page.get_by_label("Relationship to the pupil").fill("Mother")
    choose(page, "Do they have parental responsibility?", "Yes")
    page.get_by_label("Phone number").fill(CARER_PHONE)
    page.get_by_label("Email address").fill(CARER_EMAIL)
    submit(page, "Add parent or carer")
    expect_success(page, "Parent or carer added")

    open_task(page, "Check eligibility")
    reasons = page.get_by_role("group", name="Why is a DOWIMM appropriate?")
    reasons.get_by_label("The pupil is at risk of permanent exclusion").check()
    reasons.get_by_label("The school's own strategies are exhausted").check()
    choose(page, "Is the main purpose to resolve low attendance?", "No")
    submit(page, "Confirm eligibility")
    expect_success(page, "The case is now at the preliminary stage")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preliminary")

    # 2. The home school gets the preliminary stage ready for the adviser.
    open_task(page, "Record interventions already tried")
    page.get_by_label("What was tried").fill("Daily check-in with a key adult")
    fill_date(page, "When it started", today - datetime.timedelta(days=45))
    page.get_by_label("How it went").fill("Helped for a fortnight, then faded")
    submit(page, "Save intervention")
    expect_success(page, "Intervention recorded")
    expect_task_status(page, "Record interventions already tried", "1 recorded")

    open_task(page, "Record the preliminary meeting")
    fill_date(page, "Date held", today)
    page.get_by_label("Who attended").fill(
        "Priya Marsh, head of year\nNadia Kowalski, Inclusion Adviser"
    )
    submit(page, "Save preliminary meeting")
    expect_success(page, "Preliminary meeting recorded")

    open_task(page, "Upload the Provision Plan")
    plan = tmp_path / "provision-plan.pdf"
    plan.write_bytes(PDF_BYTES)
    page.get_by_label("Provision Plan").set_input_files(plan)
    submit(page, "Upload")
    expect_success(page, "Provision Plan uploaded")
    expect(page.get_by_role("link", name="Download provision-plan.pdf")).to_be_visible()
    expect_task_status(page, "Agree the pathway", "Waiting")

    # 3. The Inclusion Adviser agrees the pathway.
    sign_in(page, base_url, "adviser")
    open_case(page, reference)
    open_task(page, "Agree the pathway")
    choose(page, "Is a DOWIMM the right pathway", "Yes, agree the pathway")
    fill_date(page, "Date of decision", today)
    page.get_by_label("Why is this in the pupil's best interests").fill(
        "A fresh start close to home, with the Provision Plan's support."
    )
    submit(page, "Save decision")
    expect_success(page, "Pathway decision saved")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Finding a receiving school"
    )

    # 4. The home school approaches Sewell Park Academy; a blank school is
    # refused first.
    sign_in(page, base_url, "home-staff")
    open_case(page, reference)
    open_task(page, "Approach receiving schools")
    fill_date(page, "Date approached", today)
    submit(page, "Record approach")
    expect_error(page, "Select the school you approached")

    school = page.get_by_label("School approached")
    option = school.locator("option", has_text=RECEIVING_SCHOOL)
    school.select_option(option.get_attribute("value"))
    page.get_by_label("Notes").fill("Near home, on the number 12 bus route.")
    submit(page, "Record approach")
    expect_success(page, "Approach recorded")
    expect(page.get_by_role("table")).to_contain_text(RECEIVING_SCHOOL)
    # The demo school's office hears of it at once.
    asked = sent_emails(settings)[-1]
    assert asked["To"] == "office-142058@demo.invalid"
    assert reference in asked["Subject"]

    # 5. The receiving school sees a referral summary without the family's
    # contact details, and accepts.
    sign_in(page, base_url, "receiving-staff")
    open_case(page, reference)
    main = page.locator("main")
    expect(main).to_contain_text(f"Referral {reference}")
    expect(main).to_contain_text("Daily check-in with a key adult")
    expect(main).not_to_contain_text(CARER_PHONE)
    expect(main).not_to_contain_text(CARER_EMAIL)
    expect(main).not_to_contain_text(CARER)
    load(page, page.get_by_role("button", name="Answer the approach").click)
    choose(page, "Will your school take this pupil", "Yes, we accept")
    page.get_by_label("Notes for the home school").fill("A place in Year 8.")
    submit(page, "Send answer")
    expect_success(page, "You accepted the placement")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning")

    # 6. Planning: consents, the meeting and transport, from the home school.
    sign_in(page, base_url, "home-staff")
    open_case(page, reference)
    for given_by in ("The pupil", f"{CARER} (Mother)"):
        open_task(page, "Record consent from the pupil and each parent or carer")
        choose(page, "Who gave consent?", given_by)
        fill_date(page, "Date given", today)
        choose(page, "How was consent given?", "In person at a meeting")
        submit(page, "Record consent")
        expect_success(page, "Consent recorded")
    expect_task_status(
        page, "Record consent from the pupil and each parent or carer", "Completed"
    )

    open_task(page, "Record the planning meeting")
    fill_date(page, "Date held", today)
    page.get_by_label("Who attended").fill(
        f"Priya Marsh, Hewett Academy\nGrace Adebayo, {RECEIVING_SCHOOL}\n"
        f"{CARER}, mother\n{PUPIL}"
    )
    choose(page, "Do the pupil and family understand the process?", "Yes")
    page.get_by_label("Support agreed").fill("Breakfast club; a mentor")
    page.get_by_label("Engagement level agreed").fill("Attends every lesson")
    page.get_by_label("Attendance below which a review is held (%)").fill("90")
    fill_date(page, "Proposed start date", start_on)
    first_review_on = school_day_after(start_on, days=14)
    fill_date(page, "First review (face to face)", first_review_on)
    fill_date(page, "Second review", school_day_after(first_review_on, days=14))
    submit(page, "Save planning meeting")
    expect_success(page, "Planning meeting recorded")

    open_task(page, "Record whether transport is needed")
    choose(
        page,
        "How will the pupil get to the receiving school?",
        "Neither: they need transport",
    )
    submit(page, "Save and continue")
    expect_success(page, "Travel to school recorded")
    expect_task_status(page, "Transport decision", "Awaiting a quote")

    # The transport officer prices it and records the panel's approval.
    sign_in(page, base_url, "transport")
    awaiting = page.get_by_role("table", name="Awaiting a quote")
    load(page, awaiting.get_by_role("link", name=reference).click)
    open_task(page, "Record the route and arrangement")
    # The demo's postcodes are in no directory, so distances go in by hand.
    page.get_by_label("Straight-line distance from home to school (miles)").fill("2.3")
    choose(page, "Is there a suitable public route to the school?", "Yes")
    page.locator("#id_walk_to_stop_miles").fill("0.4")
    choose(page, "Which arrangement will the panel be asked for?", "Bus pass")
    choose(
        page, "Will transport continue if the placement becomes a managed move?", "Yes"
    )
    submit(page, "Save the route and arrangement")
    expect_success(page, "Route and arrangement saved")
    open_task(page, "Record that a quote was requested")
    fill_date(page, "Date requested", today)
    submit(page, "Record the quote request")
    open_task(page, "Record the quote received")
    fill_date(page, "Date received", today)
    page.get_by_label("Supplier").fill("Konectbus")
    page.get_by_label("Daily cost (£)").fill("4.20")
    page.get_by_label("Total cost for the placement (£)").fill("168.00")
    submit(page, "Record the quote")
    expect_success(page, "Quote recorded")
    open_task(page, "Record the panel's decision")
    fill_date(page, "Panel date", today)
    page.get_by_label("Panel members").fill("Transport manager\nFAET officer")
    choose(page, "Did the panel approve transport for this placement?", "Yes, approved")
    page.get_by_label("Reasons").fill("A bus pass is the cheapest suitable option")
    submit(page, "Record the panel's decision")
    expect_success(page, "Panel decision recorded and the schools told")

    # The home school's DSL shares safeguarding information.
    sign_in(page, base_url, "home-dsl")
    open_case(page, reference)
    open_task(page, "Share safeguarding information")
    page.get_by_label("Multi-agency plans shared").fill("None")
    page.get_by_label("Allocated workers and their contact details").fill("None")
    page.get_by_label("How the receiving school will record concerns").fill(
        "On the receiving school's system; concerns phoned to Tom Ellery at once"
    )
    fill_date(page, "Date shared", today)
    submit(page, "Record safeguarding information shared")
    expect_success(page, "Safeguarding information recorded")

    # The receiving school gives its assurance, its contact and the tour.
    sign_in(page, base_url, "receiving-staff")
    open_case(page, reference)
    open_task(page, "Give safer-recruitment assurance")
    page.get_by_label("Name and role of the person giving the assurance").fill(
        "Grace Adebayo, deputy head"
    )
    fill_date(page, "Date", today)
    page.get_by_label("I confirm in writing").check()
    submit(page, "Give assurance")
    expect_success(page, "Safer-recruitment assurance recorded")

    open_task(page, "Name the receiving school's contact")
    page.get_by_label("Name and role").fill("Grace Adebayo, deputy head")
    page.get_by_label("Email address").fill("g.adebayo@example.com")
    submit(page, "Save contact")
    expect_success(page, "Named contact saved")

    open_task(page, "Record the tour of the receiving school")
    fill_date(page, "Date of the tour", today)
    submit(page, "Save tour date")
    expect_success(page, "Tour date saved")

    # The home school names its contact and records every signature.
    sign_in(page, base_url, "home-staff")
    open_case(page, reference)
    open_task(page, "Name the home school's contact")
    page.get_by_label("Name and role").fill("Priya Marsh, head of year")
    page.get_by_label("Email address").fill("p.marsh@example.com")
    submit(page, "Save contact")
    expect_success(page, "Named contact saved")

    # Both schools sign the agreement in dowimm; the family and the pupil
    # sign from links emailed to the mother's address.
    open_task(page, "Get the DOWIMM Agreement signed")
    sign_for_school(page)
    for signer in (
        f"{CARER}, to {CARER_EMAIL}",
        f"{PUPIL} (the pupil), to {CARER}'s address {CARER_EMAIL}",
    ):
        load(page, page.get_by_role("link", name="Email a signing link").click)
        choose(page, "Who should get a link?", signer)
        submit(page, "Email the signing link")
        expect_success(page, "Signing link emailed")
    links = signing_links(settings, base_url)
    assert len(links) == 2

    sign_in(page, base_url, "receiving-staff")
    open_case(page, reference)
    open_task(page, "Get the DOWIMM Agreement signed")
    sign_for_school(page)

    sign_out(page)
    for link, name in zip(links, (CARER, PUPIL), strict=True):
        sign_from_link(page, settings, link, name)

    sign_in(page, base_url, "home-staff")
    open_case(page, reference)
    expect_task_status(page, "Get the DOWIMM Agreement signed", "Completed")

    # 7. Nobody has entered term dates for the year of the start, so the
    # placement cannot start; the Fair Access team enters them (invented
    # here: a test's fixtures, never the demo's data).
    years = sorted(
        {academic_year_of(start_on), academic_year_of(start_on + LONGEST_PLACEMENT)}
    )
    open_task(page, "Start the placement")
    notice = page.locator(".govuk-inset-text")
    expect(notice).to_contain_text(f"no term dates for {years[0]} at Hewett Academy")
    submit(page, "Start the placement")
    expect_error(page, f"no term dates for {years[0]} at {RECEIVING_SCHOOL}")

    sign_in(page, base_url, "fair-access")
    load(page, page.get_by_role("link", name="Calendars", exact=True).click)
    load(page, page.get_by_role("link", name="The county calendar").click)
    for year in years:
        load(
            page,
            lambda year=year: page.goto(f"{base_url}/calendars/county/?year={year}"),
        )
        expect(page.locator(".govuk-inset-text")).to_contain_text(
            f"No term dates for {year} at {settings.AUTHORITY_NAME}"
        )
        load(page, page.get_by_role("button", name="Add dates").click)
        first_day, last_day = academic_year_bounds(year)
        choose(page, "What is it?", "Term")
        fill_date(page, "First day", last_day)
        fill_date(page, "Last day", first_day)
        submit(page, "Add to the calendar")
        expect_error(page, "The last day must be the same as or after the first day")
        fill_date(page, "First day", first_day)
        fill_date(page, "Last day", last_day)
        page.get_by_label("Name", exact=True).fill(f"Test year {year}")
        submit(page, "Add to the calendar")
        expect_success(page, f"Test year {year} added to the calendar")
        expect(page.get_by_role("table", name="Terms")).to_contain_text(
            f"Test year {year}"
        )

    sign_in(page, base_url, "home-staff")
    open_case(page, reference)

    # 8. The placement starts on the proposed day, with the notice shown.
    open_task(page, "Start the placement")
    notice_by = notice_deadline(school_days_for(None), start_on).due
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        f"Give the family written notice of the direction off-site by "
        f"{notice_by:%A} {notice_by.day} {notice_by:%B %Y}"
    )
    first_day = page.get_by_role("group", name="First day", exact=True)
    expect(first_day.get_by_label("Day")).to_have_value(str(start_on.day))
    submit(page, "Start the placement")
    expect_success(page, "Placement start recorded")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active placement")
    # The first day is still ahead, so the page says when it starts.
    started = page.locator(".govuk-summary-list__row", has_text="Placement starts")
    expect(started).to_contain_text(f"{start_on:%A} {start_on.day} {start_on:%B %Y}")
    expected_end = page.locator(".govuk-summary-list__row", has_text="Expected end")
    end_text = expected_end.locator("dd").inner_text().splitlines()[0]
    ends_on = datetime.datetime.strptime(end_text, "%A %d %B %Y").date()
    # 40 school days: at least 7 weeks and 4 days after the first.
    assert ends_on >= start_on + datetime.timedelta(days=53)
