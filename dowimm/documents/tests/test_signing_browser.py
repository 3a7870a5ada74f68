"""
A parent and the pupil sign the DOWIMM Agreement on a phone-sized screen,
from the emailed links, with axe run on every page; the signed PDF then
arrives in the mail folder.
"""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from cases.models import AgreementSignature
from conftest import assert_accessible
from dowimm.documents import services
from dowimm.documents.models import DocumentVersion
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import TODAY, plan_agreement, sent_emails

Party = AgreementSignature.Party
PHONE = {"width": 375, "height": 740}


def load(page, action):
    with page.expect_navigation():
        action()
    assert_accessible(page)


def link_in_latest_email(settings, base_url):
    text = sent_emails(settings)[-1].get_content()
    return base_url + re.search(r"http://[^/]+(/sign/[^/\s]+/)", text)[1]


def sign_from_link(page, settings, url, name):
    page.goto(url)
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign a document")
    load(page, page.get_by_role("button", name="Email me a code").click)

    code = re.search(r"Your code is (\d{6})", sent_emails(settings)[-1].get_content())
    page.get_by_label("Code").fill(code[1])
    load(page, page.get_by_role("button", name="Continue").click)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Read and sign the DOWIMM Agreement"
    )
    expect(page.locator(".dowimm-document-frame")).to_contain_text(
        "Goes to every lesson and hands in homework"
    )
    # Nothing on the page is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Your full name").fill(name)
    page.get_by_label("I have read the document and I agree to it").check()
    load(page, page.get_by_role("button", name="Sign the document").click)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have signed the document"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_parent_and_the_pupil_sign_on_a_phone(
    live_server, browser_page, settings, cast
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    with time_machine.travel(TODAY, tick=False):
        case = plan_agreement(cast, cast.planning_case())
    carer = case.pupil.carers.get()
    version = current_version(case, DocumentVersion.Kind.AGREEMENT)
    for user in (cast.home_staff, cast.receiving_staff):
        services.signature_sign_in_app(
            version_id=version.pk, user=user, ip_address=None, user_agent=""
        )
    page = browser_page
    page.set_viewport_size(PHONE)

    # An error first: the name is missing.
    services.signing_link_send(
        version_id=version.pk,
        user=cast.home_staff,
        party=Party.PARENT_CARER,
        carer_id=carer.pk,
        email=carer.email,
        site_url=live_server.url,
    )
    parent_link = link_in_latest_email(settings, live_server.url)
    page.goto(parent_link)
    load(page, page.get_by_role("button", name="Email me a code").click)
    page.get_by_label("Code").fill("12")
    load(page, page.get_by_role("button", name="Continue").click)
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the code as 6 numbers"
    )

    sign_from_link(page, settings, parent_link, "Morgan Testcarer")

    services.signing_link_send(
        version_id=version.pk,
        user=cast.home_staff,
        party=Party.PUPIL,
        carer_id=None,
        email=carer.email,
        site_url=live_server.url,
    )
    sign_from_link(
        page,
        settings,
        link_in_latest_email(settings, live_server.url),
        "Rowan Testpupil",
    )

    # The used link says so.
    page.goto(parent_link)
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link has already been used"
    )

    version.refresh_from_db()
    assert version.sent_at is not None
    signed = [m for m in sent_emails(settings) if m["Subject"].startswith("Signed")]
    (attachment,) = list(signed[0].iter_attachments())
    assert attachment.get_filename() == f"DOWIMM-agreement-{case.reference}.pdf"

    page.goto(f"{live_server.url}/verify/")
    assert_accessible(page)
    page.get_by_label("Upload the PDF").set_input_files(
        files=[
            {
                "name": "signed.pdf",
                "mimeType": "application/pdf",
                "buffer": attachment.get_content(),
            }
        ]
    )
    load(page, page.get_by_role("button", name="Check the document").click)
    expect(page.locator(".govuk-panel")).to_contain_text(f"{case.reference}")
