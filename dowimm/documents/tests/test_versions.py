import hashlib

import pytest
import time_machine

from cases import services as case_services
from cases.checklist import planning_outstanding, signatures_awaited
from cases.models import AgreementSignature
from dowimm.documents import services, tasks
from dowimm.documents.models import DocumentVersion, Signature
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import (
    TODAY,
    pdf_text,
    sent_emails,
    sign_everyone_on_paper,
    sign_on_paper,
)

pytestmark = pytest.mark.django_db

Party = AgreementSignature.Party
AGREEMENT = DocumentVersion.Kind.AGREEMENT


def test_the_agreement_pdf_shows_the_case_in_plain_words(agreement_case):
    version = current_version(agreement_case, AGREEMENT)
    reader, text = pdf_text(version.pdf.read())

    for expected in (
        "DOWIMM Agreement",
        "Rowan Testpupil will spend a trial period at Receiving Academy",
        "Monday 7 December 2026",
        "Friday 18 December 2026 Face to face",
        "Friday 15 January 2027",
        "8:45 a.m. to 3:15 p.m.",
        "report to Grace Adebayo, deputy head, at Receiving Academy",
        "Goes to every lesson and hands in homework",
        "falls below 90%",
        "Breakfast club every morning",
        "attendance code D",
        "safer-recruitment checks are complete (3",
        "will be recorded and shared (3 December 2026)",
        "Mother Morgan Testcarer",
    ):
        assert expected in text, expected
    # Parents receive this PDF: the safeguarding details stay out of it.
    assert "Child in need plan" not in text
    assert "Duty social worker" not in text
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert (
            f"Norfolk County Council · {agreement_case.reference} · OFFICIAL-SENSITIVE"
            in page_text
        )
        assert f"Page {number} of {len(reader.pages)}" in page_text


def test_the_pdf_is_tagged_titled_and_in_british_english(agreement_case):
    version = current_version(agreement_case, AGREEMENT)
    reader, _ = pdf_text(version.pdf.read())
    root = reader.trailer["/Root"]

    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean)
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert reader.metadata.title == f"DOWIMM Agreement – {agreement_case.reference}"
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)


def test_the_stored_hash_is_the_sha256_of_the_stored_pdf(agreement_case):
    version = current_version(agreement_case, AGREEMENT)

    assert version.pdf_sha256 == hashlib.sha256(version.pdf.read()).hexdigest()


def test_saving_the_case_unchanged_makes_no_new_version(agreement_case, cast):
    before = current_version(agreement_case, AGREEMENT)
    with time_machine.travel(TODAY, tick=False):
        case_services.tour_record(
            case_id=agreement_case.pk,
            user=cast.receiving_staff,
            tour_on=agreement_case.tour_on,
        )

    assert current_version(agreement_case, AGREEMENT) == before


def test_a_change_after_signing_needs_everyone_to_sign_again(
    agreement_case, cast, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_on_paper(cast, agreement_case, Party.PUPIL, name="Rowan Testpupil")
        signed = current_version(agreement_case, AGREEMENT)
        case_services.named_contact_record(
            case_id=agreement_case.pk,
            user=cast.receiving_staff,
            side="receiving",
            name="Sam Okoro, head of year",
            email="s.okoro@receiving.invalid",
        )

    signed.refresh_from_db()
    new = current_version(agreement_case, AGREEMENT)
    assert new.number == signed.number + 1
    assert signed.superseded_at is not None
    assert [s.signer_name for s in signed.signatures.all()] == ["Rowan Testpupil"]
    assert not new.signatures.exists()
    assert (Party.PUPIL, None) in signatures_awaited(agreement_case)
    _, text = pdf_text(new.pdf.read())
    assert "Sam Okoro" in text


def test_paper_signatures_complete_the_planning_task(
    agreement_case, cast, django_capture_on_commit_callbacks
):
    assert "Get the DOWIMM Agreement signed" in planning_outstanding(agreement_case)

    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_everyone_on_paper(cast, agreement_case)

    version = current_version(agreement_case, AGREEMENT)
    assert signatures_awaited(agreement_case) == []
    assert "Get the DOWIMM Agreement signed" not in planning_outstanding(agreement_case)
    assert {s.method for s in version.signatures.all()} == {Signature.Method.RECORDED}
    assert {s.pdf_sha256 for s in version.signatures.all()} == {version.pdf_sha256}


def test_when_everyone_has_signed_the_signed_pdf_is_emailed_once(
    agreement_case, cast, settings, django_capture_on_commit_callbacks
):
    settings.FAET_MAILBOX = "faet@norfolk.invalid"
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_everyone_on_paper(cast, agreement_case)

    version = current_version(agreement_case, AGREEMENT)
    assert version.sent_at is not None
    (message,) = [m for m in sent_emails(settings) if "Signed" in m["Subject"]]
    assert message["Subject"] == f"Signed DOWIMM Agreement: {agreement_case.reference}"
    assert message["To"] == (
        "faet@norfolk.invalid, p.marsh@home.invalid, g.adebayo@receiving.invalid"
    )
    (attachment,) = list(message.iter_attachments())
    assert (
        attachment.get_filename() == f"DOWIMM-agreement-{agreement_case.reference}.pdf"
    )
    data = attachment.get_content()
    assert hashlib.sha256(data).hexdigest() == version.signed_pdf_sha256
    _, text = pdf_text(data)
    assert "Signatures on version" in text
    assert version.pdf_sha256 in text.replace(" ", "")

    assert services.version_send(version_id=version.pk) is False
    assert len([m for m in sent_emails(settings) if "Signed" in m["Subject"]]) == 1


def test_a_failed_send_marks_nothing_and_the_periodic_job_sends_it_once(
    agreement_case, cast, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMessage

    original = EmailMessage.send

    def mail_server_down(message, *args, **kwargs):
        raise OSError("mail server unreachable")

    monkeypatch.setattr(EmailMessage, "send", mail_server_down)
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_everyone_on_paper(cast, agreement_case)
    version = current_version(agreement_case, AGREEMENT)
    assert version.signed_pdf_sha256
    assert version.sent_at is None

    monkeypatch.setattr(EmailMessage, "send", original)
    tasks.send_signed_documents_due()
    tasks.send_signed_documents_due()

    version.refresh_from_db()
    assert version.sent_at is not None
    assert len([m for m in sent_emails(settings) if "Signed" in m["Subject"]]) == 1
