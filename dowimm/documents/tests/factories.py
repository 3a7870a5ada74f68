"""Cases with a DOWIMM Agreement ready to sign, and ways to sign it."""

import datetime

from cases import services as case_services
from cases.models import AgreementSignature, Consent
from cases.tests.factories import set_transport_need

PLANNED_ON = datetime.date(2026, 12, 3)
TODAY = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)
START = datetime.date(2026, 12, 7)
REVIEWS = (datetime.date(2026, 12, 18), datetime.date(2027, 1, 15))


def plan_agreement(cast, case, *, reviews=REVIEWS, carer_email="carer@example.invalid"):
    """Everything the agreement shows, recorded; nobody has signed."""
    carer = case.pupil.carers.first()
    carer.email = carer_email
    carer.save()
    for given_by in (None, *case.pupil.carers.all()):
        case_services.consent_record(
            case_id=case.pk,
            user=cast.home_staff,
            carer=given_by,
            given_on=PLANNED_ON,
            method=Consent.Method.IN_PERSON,
        )
    case_services.planning_meeting_record(
        case_id=case.pk,
        user=cast.home_staff,
        details={
            "held_on": PLANNED_ON,
            "attendees": "Both schools, the pupil and family",
            "family_understand_process": True,
            "support_agreed": "Breakfast club every morning",
            "engagement_level": "Goes to every lesson and hands in homework",
            "attendance_threshold_percent": 90,
            "proposed_start_on": START,
        },
        review_dates=list(reviews),
    )
    set_transport_need(case, cast.home_staff, False)
    case_services.safeguarding_share_record(
        case_id=case.pk,
        user=cast.home_dsl,
        details={
            "multi_agency_plans": "Child in need plan held by children's services",
            "allocated_workers": "Duty social worker",
            "recording_and_sharing_plan": "Weekly call between DSLs",
            "shared_on": PLANNED_ON,
        },
    )
    case_services.safer_recruitment_record(
        case_id=case.pk,
        user=cast.receiving_staff,
        assured_by="Head teacher",
        assured_on=PLANNED_ON,
    )
    for side, person, name, email in (
        ("home", cast.home_staff, "Priya Marsh, head of year", "p.marsh@home.invalid"),
        (
            "receiving",
            cast.receiving_staff,
            "Grace Adebayo, deputy head",
            "g.adebayo@receiving.invalid",
        ),
    ):
        case_services.named_contact_record(
            case_id=case.pk, user=person, side=side, name=name, email=email
        )
    case_services.tour_record(
        case_id=case.pk, user=cast.receiving_staff, tour_on=PLANNED_ON
    )
    case.refresh_from_db()
    return case


def sign_on_paper(cast, case, party, carer=None, name="A Signer"):
    receiving = party == AgreementSignature.Party.RECEIVING_SCHOOL
    return case_services.signature_record(
        case_id=case.pk,
        user=cast.receiving_staff if receiving else cast.home_staff,
        party=party,
        carer=carer,
        signed_by_name=name,
        signed_on=PLANNED_ON,
        method=AgreementSignature.Method.IN_APP,
        scan=None,
    )


def sign_everyone_on_paper(cast, case):
    Party = AgreementSignature.Party
    sign_on_paper(cast, case, Party.HOME_SCHOOL)
    sign_on_paper(cast, case, Party.RECEIVING_SCHOOL)
    sign_on_paper(cast, case, Party.PARENT_CARER, case.pupil.carers.get())
    sign_on_paper(cast, case, Party.PUPIL)


def sent_emails(settings):
    """Every email the file backend wrote, parsed, oldest first."""
    import email
    from email import policy
    from pathlib import Path

    folder = Path(settings.EMAIL_FILE_PATH)
    messages = []
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=policy.default))
    return messages


def pdf_text(data):
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    # Compare across line breaks: where a line wraps depends on the fonts.
    return reader, " ".join(text.split())
