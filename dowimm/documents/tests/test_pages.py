import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services as case_services
from cases.models import AgreementSignature
from dowimm.documents.models import DocumentVersion
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import (
    TODAY,
    sign_everyone_on_paper,
    sign_on_paper,
)

pytestmark = pytest.mark.django_db

Party = AgreementSignature.Party
AGREEMENT = DocumentVersion.Kind.AGREEMENT


def upload(data):
    return {"file": SimpleUploadedFile("agreement.pdf", data, "application/pdf")}


def test_verify_finds_the_signed_copy_and_names_only_reference_and_document(
    client, cast, agreement_case, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_everyone_on_paper(cast, agreement_case)
    version = current_version(agreement_case, AGREEMENT)

    page = client.post(
        reverse("documents:verify"), upload(version.signed_pdf.read())
    ).content.decode()

    assert "This document is on record" in page
    assert f"DOWIMM Agreement, case {agreement_case.reference}" in page
    assert f"signed copy of version {version.number}" in page
    assert "It is the current version." in page
    assert "replaced" not in page
    assert "Rowan" not in page
    assert "Academy" not in page


def contact_change(cast, case, django_capture_on_commit_callbacks):
    """A change the agreement shows, so a new version replaces the current."""
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case_services.named_contact_record(
            case_id=case.pk,
            user=cast.receiving_staff,
            side="receiving",
            name="Sam Okoro, head of year",
            email="s.okoro@receiving.invalid",
        )


def verified(client, data):
    page = client.post(reverse("documents:verify"), upload(data)).content.decode()
    assert "This document is on record" in page
    for detail in ("Rowan", "Testpupil", "Morgan", "Academy", "Okoro"):
        assert detail not in page
    return " ".join(page.split())


def test_verify_says_the_current_version_is_not_yet_signed_by_everyone(
    client, cast, agreement_case, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_on_paper(cast, agreement_case, Party.HOME_SCHOOL)
    version = current_version(agreement_case, AGREEMENT)

    page = verified(client, version.pdf.read())

    assert f"It is version {version.number} as prepared for signing" in page
    assert "It is the current version, but not everyone has signed it yet" in page


def test_verify_says_a_replaced_version_was_never_signed_by_everyone(
    client, cast, agreement_case, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_on_paper(cast, agreement_case, Party.HOME_SCHOOL)
    replaced = current_version(agreement_case, AGREEMENT)
    contact_change(cast, agreement_case, django_capture_on_commit_callbacks)

    page = verified(client, replaced.pdf.read())

    assert (
        f"A later version has replaced version {replaced.number}, so this is not "
        "the version that applies. It was never signed by everyone."
    ) in page
    assert "Ask the school or the Fair Access team for the current version" in page
    assert "It is the current version" not in page


def test_verify_says_a_signed_copy_was_later_replaced(
    client, cast, agreement_case, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_everyone_on_paper(cast, agreement_case)
    signed = current_version(agreement_case, AGREEMENT)
    contact_change(cast, agreement_case, django_capture_on_commit_callbacks)

    page = verified(client, signed.signed_pdf.read())

    assert f"It is the signed copy of version {signed.number}" in page
    assert (
        f"A later version has replaced version {signed.number}, so this is not "
        "the version that applies. Everyone signed it before it was replaced."
    ) in page


def test_verify_says_when_a_pdf_matches_nothing(client, agreement_case):
    version = current_version(agreement_case, AGREEMENT)
    altered = version.pdf.read() + b"\n% changed"

    page = client.post(reverse("documents:verify"), upload(altered)).content.decode()

    assert "does not match any on record" in page


def test_verify_says_when_the_file_is_not_a_pdf(client, db):
    response = client.post(reverse("documents:verify"), upload(b"Dear parent,\n"))

    assert response.context["form"].errors["file"] == [
        "The selected file is not a PDF. Upload the PDF of the document as it "
        "was emailed or downloaded"
    ]


def test_the_case_page_shows_who_has_signed_and_who_is_awaited(
    client, cast, agreement_case
):
    client.force_login(cast.home_staff)

    page = client.get(reverse("cases:detail", args=[agreement_case.pk])).content
    page = page.decode()

    assert "Documents" in page
    assert reverse("documents:detail", args=[agreement_case.pk, "agreement"]) in page
    assert page.count("Awaited") == 4


def test_the_document_page_offers_signing_only_to_the_schools(
    client, cast, agreement_case
):
    url = reverse("documents:detail", args=[agreement_case.pk, "agreement"])
    sign_url = reverse("documents:sign", args=[agreement_case.pk, "agreement"])

    for user, offered in (
        (cast.home_staff, True),
        (cast.receiving_dsl, True),
        (cast.adviser, False),
        (cast.fair_access, False),
    ):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert (sign_url in page) == offered, user
        assert "Goes to every lesson and hands in homework" in page


def test_earlier_versions_are_folded_away_under_the_current_one(
    client, cast, agreement_case, django_capture_on_commit_callbacks
):
    first = current_version(agreement_case, AGREEMENT)
    contact_change(cast, agreement_case, django_capture_on_commit_callbacks)
    client.force_login(cast.home_staff)

    with time_machine.travel(TODAY, tick=False):
        page = client.get(
            reverse("documents:detail", args=[agreement_case.pk, AGREEMENT])
        ).content.decode()

    replaced = DocumentVersion.objects.filter(
        case=agreement_case, kind=AGREEMENT, superseded_at__isnull=False
    )
    folded = page.split('<details class="govuk-details">')[1].split("</details>")[0]
    assert f"Earlier versions ({replaced.count()})" in folded
    assert f"Version {first.number}, replaced" in folded
