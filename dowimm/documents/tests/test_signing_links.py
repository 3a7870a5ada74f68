import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from cases import services as case_services
from cases.models import AgreementSignature
from dowimm.documents import services
from dowimm.documents.models import DocumentVersion, Signature
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import TODAY, sent_emails

pytestmark = pytest.mark.django_db

Party = AgreementSignature.Party
AGREEMENT = DocumentVersion.Kind.AGREEMENT
EIGHT_DAYS_LATER = TODAY + datetime.timedelta(days=8)
CASE_DETAILS = ("Rowan", "Testpupil", "Academy", "DWM-2026", "Morgan")


def email_link(cast, case, django_capture_on_commit_callbacks, settings):
    carer = case.pupil.carers.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.signing_link_send(
            version_id=current_version(case, AGREEMENT).pk,
            user=cast.home_staff,
            party=Party.PARENT_CARER,
            carer_id=carer.pk,
            email=carer.email,
            site_url="http://testserver/",
        )
    message = sent_emails(settings)[-1]
    return re.search(r"http://testserver(/sign/[^/]+/)", message.get_content())[1]


def latest_code(settings):
    message = sent_emails(settings)[-1]
    return re.search(r"Your code is (\d{6})", message.get_content())[1]


def ask_for_code(client, link, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link)
    return latest_code(settings)


@pytest.fixture
def link(cast, agreement_case, django_capture_on_commit_callbacks, settings):
    with time_machine.travel(TODAY, tick=False):
        return email_link(
            cast, agreement_case, django_capture_on_commit_callbacks, settings
        )


def test_the_link_and_code_pages_reveal_nothing_about_the_case(
    client, link, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        start = client.get(link).content.decode()
        ask_for_code(client, link, settings, django_capture_on_commit_callbacks)
        code_page = client.get(f"{link}code/").content.decode()
        code_email = sent_emails(settings)[-1].get_content()

    for page in (start, code_page, code_email):
        for detail in CASE_DETAILS:
            assert detail not in page


def test_a_parent_signs_with_the_emailed_code(
    client, link, agreement_case, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        code = ask_for_code(client, link, settings, django_capture_on_commit_callbacks)
        response = client.post(f"{link}code/", {"code": code})
        assert response["Location"] == f"{link}document/"
        page = client.get(f"{link}document/").content.decode()
        assert "Goes to every lesson and hands in homework" in page
        response = client.post(
            f"{link}document/",
            {"full_name": "Morgan Testcarer", "declaration": "on"},
            HTTP_USER_AGENT="Phone browser 1.0",
            REMOTE_ADDR="203.0.113.9",
        )

    assert response["Location"] == reverse("documents:signing_done")
    version = current_version(agreement_case, AGREEMENT)
    signature = version.signatures.get()
    assert signature.party == Party.PARENT_CARER
    assert signature.signer_name == "Morgan Testcarer"
    assert signature.method == Signature.Method.EMAILED_LINK
    assert signature.ip_address == "203.0.113.9"
    assert signature.user_agent == "Phone browser 1.0"
    assert signature.pdf_sha256 == version.pdf_sha256
    assert signature.signed_at == TODAY


def test_the_signer_types_their_own_name(
    client, link, agreement_case, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        code = ask_for_code(client, link, settings, django_capture_on_commit_callbacks)
        client.post(f"{link}code/", {"code": code})
        refused = client.post(
            f"{link}document/", {"full_name": "Rowan Testpupil", "declaration": "on"}
        )
        # Case and spacing do not matter; the name does.
        signed = client.post(
            f"{link}document/",
            {"full_name": "  morgan  TESTCARER", "declaration": "on"},
        )

    assert "Type the full name of Morgan Testcarer" in refused.content.decode()
    assert signed["Location"] == reverse("documents:signing_done")


def test_the_document_is_not_shown_without_the_code(client, link):
    response = client.get(f"{link}document/")

    assert response["Location"] == link


def test_a_used_link_says_so(
    client, link, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        code = ask_for_code(client, link, settings, django_capture_on_commit_callbacks)
        client.post(f"{link}code/", {"code": code})
        client.post(
            f"{link}document/", {"full_name": "Morgan Testcarer", "declaration": "on"}
        )
        page = client.get(link).content.decode()

    assert "This link has already been used" in page


def test_an_expired_link_offers_a_new_one_to_the_same_address(
    client, link, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(EIGHT_DAYS_LATER, tick=False):
        page = client.get(link).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            renewed = client.post(f"{link}new-link/").content.decode()
        again = client.post(f"{link}new-link/").content.decode()

    assert "This link has expired" in page
    assert "Email me a new link" in page
    assert "We have emailed you a new link" in renewed
    message = sent_emails(settings)[-1]
    assert message["To"] == "carer@example.invalid"
    assert re.search(r"/sign/[^/]+/", message.get_content())[0] != link
    assert "A newer link has already been sent" in again


def test_wrong_codes_count_against_the_link_and_lock_it(
    client, link, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        code = ask_for_code(client, link, settings, django_capture_on_commit_callbacks)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        first = client.post(f"{link}code/", {"code": wrong}).content.decode()
        for _ in range(3):
            client.post(f"{link}code/", {"code": wrong})
        last = client.post(f"{link}code/", {"code": wrong}).content.decode()
        after = client.post(f"{link}code/", {"code": code}).content.decode()

    assert "The code is not right" in first
    assert "4 tries left" in first
    assert "Too many wrong codes" in last
    assert "Too many wrong codes" in after


def test_a_code_expires_after_30_minutes(
    client, link, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        code = ask_for_code(client, link, settings, django_capture_on_commit_callbacks)
    with time_machine.travel(TODAY + datetime.timedelta(minutes=31), tick=False):
        page = client.post(f"{link}code/", {"code": code}).content.decode()

    assert "This code has expired" in page


def test_a_link_to_a_replaced_version_offers_the_new_one(
    client, cast, link, agreement_case, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case_services.tour_record(
            case_id=agreement_case.pk,
            user=cast.receiving_staff,
            tour_on=datetime.date(2026, 12, 2),
        )
        case_services.named_contact_record(
            case_id=agreement_case.pk,
            user=cast.home_staff,
            side="home",
            name="Jo Ellis, head of year",
            email="j.ellis@home.invalid",
        )
        page = client.get(link).content.decode()

    assert "This link has been replaced" in page


def test_an_unknown_token_is_not_found(client):
    response = client.get("/sign/not-a-real-token/")

    assert response.status_code == 404
    assert "This link is not recognised" in response.content.decode()


def read_version(case):
    return current_version(case, AGREEMENT).number


def test_staff_sign_for_their_own_school(client, cast, agreement_case):
    url = reverse("documents:sign", args=[agreement_case.pk, "agreement"])
    client.force_login(cast.receiving_staff)
    with time_machine.travel(TODAY, tick=False):
        response = client.post(
            url,
            {"confirm": "on", "version": read_version(agreement_case)},
            HTTP_USER_AGENT="Desk browser",
            REMOTE_ADDR="10.0.0.7",
        )

    assert response["Location"] == reverse(
        "documents:detail", args=[agreement_case.pk, "agreement"]
    )
    signature = current_version(agreement_case, AGREEMENT).signatures.get()
    assert signature.party == Party.RECEIVING_SCHOOL
    assert signature.signer_user == cast.receiving_staff
    assert signature.method == Signature.Method.IN_APP
    assert signature.ip_address == "10.0.0.7"
    assert signature.user_agent == "Desk browser"


def test_the_signing_pages_say_who_is_emailed_the_signed_copy(
    client, link, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        code = ask_for_code(client, link, settings, django_capture_on_commit_callbacks)
        client.post(f"{link}code/", {"code": code})
        document = client.get(f"{link}document/").content.decode()
        done = client.get(reverse("documents:signing_done")).content.decode()

    assert (
        "When everyone has signed, we email the signed copy to each parent or "
        "carer with parental responsibility who has an email address on the "
        "school's records, to both schools and to the Fair Access and Exclusions "
        "Team at Norfolk County Council."
    ) in " ".join(document.split())
    assert "send everyone a copy" not in document
    assert (
        "we will email the signed copy to each parent or carer with parental "
        "responsibility who has an email address"
    ) in done


def test_staff_sign_in_their_own_name_never_their_username(
    client, cast, agreement_case
):
    url = reverse("documents:sign", args=[agreement_case.pk, "agreement"])
    cast.receiving_staff.first_name = cast.receiving_staff.last_name = ""
    cast.receiving_staff.save()
    client.force_login(cast.receiving_staff)
    with time_machine.travel(TODAY, tick=False):
        page = client.post(
            url, {"confirm": "on", "version": read_version(agreement_case)}
        ).content.decode()

    assert "Your account has no name on it" in page
    assert not current_version(agreement_case, AGREEMENT).signatures.exists()


def test_a_version_replaced_while_open_is_not_signed(
    client, cast, agreement_case, django_capture_on_commit_callbacks
):
    url = reverse("documents:sign", args=[agreement_case.pk, "agreement"])
    client.force_login(cast.receiving_staff)
    read = read_version(agreement_case)
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        # Meanwhile the home school changes what the agreement shows.
        case_services.named_contact_record(
            case_id=agreement_case.pk,
            user=cast.home_staff,
            side="home",
            name="Jo Ellis, head of year",
            email="j.ellis@home.invalid",
        )
        response = client.post(url, {"confirm": "on", "version": read}, follow=True)

    assert read_version(agreement_case) == read + 1
    assert (
        f"Version {read} was replaced by version {read + 1} while you had it "
        f"open, so nothing was signed. Read version {read + 1}, then sign it."
    ) in response.content.decode()
    assert not Signature.objects.exists()
