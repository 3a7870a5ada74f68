"""
Who is emailed the signed copy: the Fair Access team and both schools in one
message, and each parent or carer with parental responsibility who has an
email address in a message of their own.
"""

import hashlib

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.urls import reverse

from cases import services as case_services
from cases.models import AgreementSignature
from dowimm.documents import services, tasks
from dowimm.documents.models import DocumentVersion, FamilyCopy
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import TODAY, sent_emails, sign_on_paper

pytestmark = pytest.mark.django_db

Party = AgreementSignature.Party
AGREEMENT = DocumentVersion.Kind.AGREEMENT
STAFF = "faet@norfolk.invalid, p.marsh@home.invalid, g.adebayo@receiving.invalid"
FAMILY_SUBJECT = "Your signed copy of a document from Norfolk County Council"


def carer_add(cast, case, name, *, email, responsibility=True):
    case_services.carer_add(
        case_id=case.pk,
        user=cast.home_staff,
        details={
            "full_name": name,
            "relationship": "Parent",
            "has_parental_responsibility": responsibility,
            "phone": "",
            "email": email,
        },
    )


def sign_everyone(cast, case):
    sign_on_paper(cast, case, Party.HOME_SCHOOL)
    sign_on_paper(cast, case, Party.RECEIVING_SCHOOL)
    for carer in case.pupil.carers.filter(has_parental_responsibility=True):
        sign_on_paper(cast, case, Party.PARENT_CARER, carer)
    sign_on_paper(cast, case, Party.PUPIL)


def signed_copies(settings):
    """(To, Subject) of each email with the signed PDF attached."""
    return sorted(
        (message["To"], message["Subject"])
        for message in sent_emails(settings)
        if any(True for _ in message.iter_attachments())
    )


@pytest.fixture
def family(cast, agreement_case, settings, django_capture_on_commit_callbacks):
    """
    Morgan (from planning) and Alex have parental responsibility and an
    address; Sam has an address but no parental responsibility; Jo has
    parental responsibility but no address.
    """
    settings.FAET_MAILBOX = "faet@norfolk.invalid"
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        carer_add(cast, agreement_case, "Alex Testcarer", email="alex@example.invalid")
        carer_add(
            cast,
            agreement_case,
            "Sam Testgrandparent",
            email="sam@example.invalid",
            responsibility=False,
        )
        carer_add(cast, agreement_case, "Jo Testcarer", email="")
    return agreement_case


def test_the_signed_copy_goes_to_each_carer_with_responsibility_and_an_address(
    cast, family, settings, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_everyone(cast, family)

    assert signed_copies(settings) == [
        ("alex@example.invalid", FAMILY_SUBJECT),
        ("carer@example.invalid", FAMILY_SUBJECT),
        (STAFF, f"Signed DOWIMM Agreement: {family.reference}"),
    ]
    version = current_version(family, AGREEMENT)
    for message in sent_emails(settings):
        for attachment in message.iter_attachments():
            data = attachment.get_content()
            assert hashlib.sha256(data).hexdigest() == version.signed_pdf_sha256
        for detail in ("Rowan", "Testpupil", "Testcarer"):
            assert detail not in message["Subject"]
    assert version.family_copies.filter(sent_at=TODAY).count() == 2

    assert services.version_send(version_id=version.pk) is False
    assert len(signed_copies(settings)) == 3


def test_carers_who_share_an_address_get_one_copy(
    cast, agreement_case, settings, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        carer_add(cast, agreement_case, "Alex Testcarer", email="Carer@Example.invalid")
        sign_everyone(cast, agreement_case)

    family_copies = [to for to, subject in signed_copies(settings) if "Your" in subject]
    assert family_copies == ["carer@example.invalid"]


def test_a_failed_send_to_one_carer_is_retried_without_repeating_the_others(
    cast, family, settings, monkeypatch, django_capture_on_commit_callbacks
):
    send = EmailMessage.send

    def alex_unreachable(message, *args, **kwargs):
        if message.to == ["alex@example.invalid"]:
            raise OSError("mail server refused the address")
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", alex_unreachable)
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_everyone(cast, family)
    version = current_version(family, AGREEMENT)

    assert [to for to, _ in signed_copies(settings)] == [
        "carer@example.invalid",
        STAFF,
    ]
    assert list(services.versions_due_to_send()) == [version.pk]

    monkeypatch.setattr(EmailMessage, "send", send)
    tasks.send_signed_documents_due()
    tasks.send_signed_documents_due()

    assert [to for to, _ in signed_copies(settings)] == [
        "alex@example.invalid",
        "carer@example.invalid",
        STAFF,
    ]
    assert not FamilyCopy.objects.filter(sent_at__isnull=True).exists()
    assert list(services.versions_due_to_send()) == []


def test_the_document_page_says_who_was_emailed_the_signed_copy(
    client, cast, family, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_everyone(cast, family)
    client.force_login(cast.home_staff)

    url = reverse("documents:detail", args=[family.pk, "agreement"])
    page = client.get(url).content.decode()

    assert f"Emailed to {STAFF} on 3 December 2026, 10:00" in page
    for name, email in (
        ("Morgan Testcarer", "carer@example.invalid"),
        ("Alex Testcarer", "alex@example.invalid"),
    ):
        assert f"Emailed to {name} ({email}) on 3 December 2026, 10:00" in page
    assert "sam@example.invalid" not in page
