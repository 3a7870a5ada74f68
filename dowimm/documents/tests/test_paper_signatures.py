"""
Signatures given on paper and recorded by the home school: the date written
on the paper copy, and the name of the person who signed it.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import placement
from cases import services as case_services
from cases.models import AgreementSignature, ParentCarer
from cases.services import CaseRuleError
from cases.tests.factories import PDF_BYTES
from cases.tests.test_placement import FIRST_REVIEW, PLANNED, START, at, hold_review
from dowimm.calendars.services import calendar_import_csv
from dowimm.documents.models import DocumentVersion
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import (
    PLANNED_ON,
    TODAY,
    pdf_text,
    sign_everyone_on_paper,
)
from meetings.models import ReviewMeeting

pytestmark = pytest.mark.django_db

Party = AgreementSignature.Party
Document = AgreementSignature.Document
AGREEMENT = DocumentVersion.Kind.AGREEMENT
MANAGED_MOVE = DocumentVersion.Kind.MANAGED_MOVE

# A week after planning the receiving school changes its contact, which
# prepares a new version of the agreement on Thursday 10 December 2026.
CONTACT_CHANGED = datetime.datetime(2026, 12, 10, 9, 0, tzinfo=datetime.UTC)
# 23:30 in London's winter is the same day; in summer it is 00:30 the next
# day, and that next day is the one the version was prepared on.
SUMMER_LATE_EVENING = datetime.datetime(2027, 6, 9, 23, 30, tzinfo=datetime.UTC)
# The home school records the paper copy the following Monday afternoon.
RECORDED = datetime.datetime(2026, 12, 7, 14, 45, tzinfo=datetime.UTC)
# The review that offers the managed move, in the placement that began on
# Monday 13 October 2025.
OFFERED = datetime.date(2025, 10, 22)


def record_paper(
    cast,
    case,
    party,
    *,
    signed_on,
    carer=None,
    name="Priya Marsh",
    document=Document.DOWIMM_AGREEMENT,
):
    receiving = party == Party.RECEIVING_SCHOOL
    return case_services.signature_record(
        case_id=case.pk,
        user=cast.receiving_staff if receiving else cast.home_staff,
        party=party,
        carer=carer,
        signed_by_name=name,
        signed_on=signed_on,
        method=AgreementSignature.Method.PAPER,
        scan=ContentFile(PDF_BYTES, name="signed.pdf"),
        document=document,
    )


def contact_change(cast, case, name):
    case_services.named_contact_record(
        case_id=case.pk,
        user=cast.receiving_staff,
        side="receiving",
        name=name,
        email="new.contact@receiving.invalid",
    )


# The date signed


def test_a_paper_signature_cannot_be_dated_before_its_version_was_prepared(
    cast, agreement_case, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(CONTACT_CHANGED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        contact_change(cast, agreement_case, "Sam Okoro, head of year")
        version = current_version(agreement_case, AGREEMENT)
        assert version.created_at == CONTACT_CHANGED

        with pytest.raises(CaseRuleError) as refused:
            record_paper(
                cast, agreement_case, Party.PUPIL, signed_on=datetime.date(2026, 12, 9)
            )
        signature = record_paper(
            cast, agreement_case, Party.PUPIL, signed_on=datetime.date(2026, 12, 10)
        )

    assert refused.value.field == "signed_on"
    assert refused.value.message.startswith(
        "Enter a date on or after Thursday 10 December 2026, when this version "
        "of the DOWIMM Agreement was prepared"
    )
    assert signature.document_signature.version == version


def test_the_day_a_version_was_prepared_is_the_day_in_london(
    cast, agreement_case, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(SUMMER_LATE_EVENING, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        contact_change(cast, agreement_case, "Sam Okoro, head of year")

        with pytest.raises(CaseRuleError, match="on or after Thursday 10 June 2027"):
            record_paper(
                cast, agreement_case, Party.PUPIL, signed_on=datetime.date(2027, 6, 9)
            )
        record_paper(
            cast, agreement_case, Party.PUPIL, signed_on=datetime.date(2027, 6, 10)
        )


def test_a_paper_signature_dated_in_the_future_is_refused(cast, agreement_case):
    tomorrow = PLANNED_ON + datetime.timedelta(days=1)

    with (
        time_machine.travel(TODAY, tick=False),
        pytest.raises(CaseRuleError, match="must be today or in the past") as refused,
    ):
        record_paper(cast, agreement_case, Party.PUPIL, signed_on=tomorrow)

    assert refused.value.field == "signed_on"
    assert not agreement_case.signatures.exists()


def test_pages_show_the_date_written_on_paper_and_when_it_was_recorded(
    client, cast, agreement_case, django_capture_on_commit_callbacks
):
    carer = agreement_case.pupil.carers.get()
    with (
        time_machine.travel(RECORDED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        record_paper(
            cast, agreement_case, Party.PARENT_CARER, carer=carer, signed_on=PLANNED_ON
        )
    client.force_login(cast.home_staff)

    case_page = client.get(reverse("cases:detail", args=[agreement_case.pk]))
    document_page = client.get(
        reverse("documents:detail", args=[agreement_case.pk, "agreement"])
    )

    said = (
        "Signed on paper by Morgan Testcarer on 3 December 2026 "
        "(recorded in dowimm on 7 December 2026"
    )
    assert f"{said})" in case_page.content.decode()
    recorder = cast.home_staff.get_full_name()
    assert f"{said} by {recorder})" in document_page.content.decode()
    for page in (case_page, document_page):
        assert "7 December 2026, 14:45" not in page.content.decode()


def test_the_signature_page_of_the_pdf_shows_the_date_written_on_paper(
    client, cast, agreement_case, django_capture_on_commit_callbacks
):
    carer = agreement_case.pupil.carers.get()
    with (
        time_machine.travel(RECORDED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for party, signer in (
            (Party.HOME_SCHOOL, None),
            (Party.RECEIVING_SCHOOL, None),
            (Party.PARENT_CARER, carer),
            (Party.PUPIL, None),
        ):
            record_paper(
                cast, agreement_case, party, carer=signer, signed_on=PLANNED_ON
            )

    version = current_version(agreement_case, AGREEMENT)
    _, text = pdf_text(version.signed_pdf.read())
    recorder = cast.home_staff.get_full_name()
    assert (
        f"Morgan Testcarer Signed on paper (scan kept) 3 December 2026 "
        f"(recorded in dowimm on 7 December 2026 by {recorder})"
    ) in text
    assert "7 December 2026, 14:45" not in text


# The name of the person who signed


@pytest.fixture
def offered(cast, django_capture_on_commit_callbacks):
    """An active placement whose receiving school offers a managed move."""
    with (settings.BASE_DIR / "data" / "norfolk-term-dates.csv").open() as file:
        calendar_import_csv(file=file)
    with at(PLANNED), django_capture_on_commit_callbacks(execute=True):
        case = cast.active_case(PLANNED, START, reviews=[FIRST_REVIEW])
    hold_review(cast, case, OFFERED, ReviewMeeting.Decision.OFFER_MANAGED_MOVE)
    review = case.reviews.get(held_on=OFFERED)
    with at(OFFERED), django_capture_on_commit_callbacks(execute=True):
        placement.managed_move_offer(
            case_id=case.pk, user=cast.receiving_staff, review=review
        )
    return case


def paper_form(key, name):
    return {
        "party": key,
        "signed_by_name": name,
        "signed_on_0": str(OFFERED.day),
        "signed_on_1": str(OFFERED.month),
        "signed_on_2": str(OFFERED.year),
        "scan": SimpleUploadedFile("signed.pdf", PDF_BYTES, "application/pdf"),
    }


def test_a_carer_signs_the_managed_move_agreement_in_their_own_name(
    client, cast, offered, django_capture_on_commit_callbacks
):
    carer = offered.pupil.carers.get()
    key = f"parent_carer:{carer.pk}"
    url = reverse("cases:managed_move_signature_add", args=[offered.pk])
    client.force_login(cast.home_staff)

    with at(OFFERED), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, paper_form(key, f"Signer {key}"))
        for party in (Party.HOME_SCHOOL, Party.PUPIL):
            client.post(url, paper_form(f"{party}:", "Grace Adebayo"))
        # The receiving school's own staff record its signature.
        record_paper(
            cast,
            offered,
            Party.RECEIVING_SCHOOL,
            signed_on=OFFERED,
            document=Document.MANAGED_MOVE_AGREEMENT,
        )

    assert response.status_code == 302
    paper = offered.signatures.get(
        document=Document.MANAGED_MOVE_AGREEMENT, carer=carer
    )
    assert paper.signed_by_name == "Morgan Testcarer"
    version = current_version(offered, MANAGED_MOVE)
    assert version.signatures.get(carer=carer).signer_name == "Morgan Testcarer"
    pupil = version.signatures.get(party=Party.PUPIL)
    assert pupil.signer_name == offered.pupil.legal_name
    _, text = pdf_text(version.signed_pdf.read())
    assert "Mother: Morgan Testcarer Morgan Testcarer Signed on paper" in text
    assert "Signer" not in text
    assert "parent_carer" not in text


def test_a_paper_signature_for_a_school_needs_a_persons_name(cast, agreement_case):
    with time_machine.travel(TODAY, tick=False):
        for placeholder in ("Signer home_school:", "  ", "12345"):
            with pytest.raises(CaseRuleError) as refused:
                record_paper(
                    cast,
                    agreement_case,
                    Party.HOME_SCHOOL,
                    signed_on=PLANNED_ON,
                    name=placeholder,
                )
            assert refused.value.message == (
                "Enter the name of the person who signed for Home Academy, as "
                "written on the paper copy"
            )
            assert refused.value.field == "signed_by_name"

    assert not agreement_case.signatures.exists()


def test_a_carer_with_no_name_on_record_cannot_be_recorded_as_signing(
    cast, agreement_case
):
    carer = agreement_case.pupil.carers.get()
    # As an import from another system might have left it.
    ParentCarer.objects.filter(pk=carer.pk).update(full_name=" ")
    carer.refresh_from_db()

    with (
        time_machine.travel(TODAY, tick=False),
        pytest.raises(CaseRuleError, match="Add the full name of this parent"),
    ):
        record_paper(
            cast,
            agreement_case,
            Party.PARENT_CARER,
            carer=carer,
            signed_on=PLANNED_ON,
            name="Signer parent_carer:4",
        )

    assert not agreement_case.signatures.exists()


def test_a_pupil_signs_in_their_legal_name_even_with_a_digit_in_it(
    cast, agreement_case
):
    # A name taken from the case is the pupil's own, so it is not refused for
    # looking like an internal key as a typed school signer's name would be.
    pupil = agreement_case.pupil
    pupil.legal_surname = "Testpupil 2nd"
    pupil.save(update_fields=["legal_surname"])

    with time_machine.travel(TODAY, tick=False):
        signature = record_paper(
            cast, agreement_case, Party.PUPIL, signed_on=PLANNED_ON, name="ignored"
        )

    assert signature.signed_by_name == f"{pupil.legal_first_names} Testpupil 2nd"


def test_only_a_schools_own_staff_record_its_signature(client, cast, agreement_case):
    with (
        time_machine.travel(TODAY, tick=False),
        pytest.raises(
            CaseRuleError,
            match="Only staff of Receiving Academy can sign for it or record its",
        ),
    ):
        case_services.signature_record(
            case_id=agreement_case.pk,
            user=cast.home_staff,
            party=Party.RECEIVING_SCHOOL,
            carer=None,
            signed_by_name="Forged Person",
            signed_on=PLANNED_ON,
            method=AgreementSignature.Method.PAPER,
            scan=ContentFile(PDF_BYTES, name="signed.pdf"),
        )
    assert not agreement_case.signatures.exists()

    client.force_login(cast.home_staff)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("cases:signature_add", args=[agreement_case.pk]))
    offered = page.content.decode()
    assert "Home school: Home Academy" in offered
    assert "Receiving school:" not in offered


def test_once_everyone_has_signed_there_is_no_signature_to_add(
    client, cast, agreement_case
):
    with time_machine.travel(TODAY, tick=False):
        sign_everyone_on_paper(cast, agreement_case)
        client.force_login(cast.home_staff)
        page = client.get(reverse("cases:signature_add", args=[agreement_case.pk]))

    html = page.content.decode()
    assert "Every signature you can record on the current DOWIMM Agreement" in html
    assert "Who signed?" not in html
