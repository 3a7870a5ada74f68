"""
The case page costs the same few queries however much is recorded: one for
the case and everything on it, two for the calendar (from the process's
cache outside a transaction), and the request's own (session, user, OTP
device, access record).
"""

import datetime
import hashlib

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from cases.models import (
    Absence,
    ChildProtectionFileTransfer,
    ContactLogEntry,
    Dispute,
    ExtensionAnswer,
    ExtensionRequest,
    Intervention,
    ManagedMove,
    ParentCarer,
    ReceivingSchoolApproach,
)
from cases.tests.factories import Cast, SchoolFactory
from dowimm.calendars.services import calendar_import_csv
from dowimm.documents.models import DocumentVersion, Signature
from meetings.models import ReviewMeeting
from transport.models import TransportRequest, TravelPlan

pytestmark = pytest.mark.django_db

PLANNED = datetime.date(2025, 10, 2)
START = datetime.date(2025, 10, 13)
FIRST_REVIEW = datetime.date(2025, 10, 24)
VIEWED = datetime.datetime(2025, 11, 12, 12, 0, tzinfo=datetime.UTC)
MANY = 4

# Session, user, OTP device, the case with everything on it, the calendar
# and its entries, and the access record.
CASE_PAGE_QUERIES = 7


@pytest.fixture
def active():
    with (settings.BASE_DIR / "data" / "norfolk-term-dates.csv").open() as file:
        calendar_import_csv(file=file)
    with time_machine.travel(PLANNED, tick=False):
        cast = Cast()
        return cast, cast.active_case(PLANNED, START, reviews=[FIRST_REVIEW])


def record_many_of_everything(cast, case):
    """MANY rows of every list the page shows, and each one-to-one record."""
    staff, day = cast.home_staff, START
    other_schools = SchoolFactory.create_batch(MANY)
    for n in range(MANY):
        ParentCarer.objects.create(
            pupil=case.pupil, full_name=f"Carer {n}", relationship="Aunt"
        )
        Intervention.objects.create(
            case=case,
            description=f"Intervention number {n}",
            started_on=day,
            outcome="Helped a little",
            recorded_by=staff,
        )
        ReceivingSchoolApproach.objects.create(
            case=case, school=other_schools[n], approached_on=PLANNED
        )
        review = ReviewMeeting.objects.create(
            case=case, scheduled_for=day + datetime.timedelta(days=7 * n)
        )
        Absence.objects.create(
            case=case,
            absent_on=day + datetime.timedelta(days=n),
            session="am",
            authorised=True,
            reason="Unwell",
            recorded_by=staff,
        )
        ContactLogEntry.objects.create(
            case=case,
            contact_on=day + datetime.timedelta(days=7 * n),
            between="Heads of year",
            method="phone",
            summary="Weekly call",
            recorded_by=staff,
        )
        Dispute.objects.create(
            case=case,
            raised_by_school="home",
            about="Travel",
            raised_on=day,
            raised_by=staff,
        )
    # A case has at most one extension: it is answered by every party.
    extension = ExtensionRequest.objects.create(
        case=case,
        review=review,
        reason="absence",
        request="More time",
        extra_school_days=5,
        requested_on=day,
        requested_by=staff,
    )
    for party in ExtensionAnswer.Party.values:
        ExtensionAnswer.objects.create(
            extension=extension,
            party=party,
            agreed=True,
            notes=f"Answer from {party}",
            answered_on=day,
            answered_by=staff,
        )
    signing = ["home_school", "receiving_school", "pupil"]
    version = DocumentVersion.objects.create(
        case=case,
        kind=DocumentVersion.Kind.MANAGED_MOVE,
        number=1,
        title="Managed Move Agreement",
        html="<p>Terms</p>",
        parties=[
            {"party": party, "carer_id": None, "label": party, "name": "Named"}
            for party in [*signing, "parent_carer"]
        ],
        content_sha256=hashlib.sha256(b"Terms").hexdigest(),
    )
    for party in signing:
        Signature.objects.create(
            version=version,
            party=party,
            signer_name=f"Signer for {party}",
            method=Signature.Method.RECORDED,
        )
    ManagedMove.objects.create(
        case=case, review=review, offered_on=day, offered_by=staff
    )
    ChildProtectionFileTransfer.objects.create(
        case=case,
        sent_on=day,
        method="secure_email",
        contents="The file",
        sent_by=cast.home_dsl,
        received_on=day,
        received_by=cast.receiving_dsl,
    )
    request = TransportRequest.objects.create(
        case=case, school=case.receiving_school, requested_on=day, requested_by=staff
    )
    TravelPlan.objects.create(
        request=request,
        goals="Travel alone",
        support="Buddy",
        review_dates="Each review",
        recorded_by=staff,
    )


def page(client, case):
    with time_machine.travel(VIEWED, tick=False):
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_costs_the_same_queries_with_one_or_many_records(
    client, django_assert_num_queries, active
):
    cast, case = active
    client.force_login(cast.home_dsl)
    page(client, case)

    with django_assert_num_queries(CASE_PAGE_QUERIES):
        page(client, case)

    record_many_of_everything(cast, case)
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        html = page(client, case)

    assert html.count("Answer from") == len(ExtensionAnswer.Party.values)
    assert html.count("Dispute raised") == MANY
    assert html.count("Signed by Signer for") == 3
    assert "parent_carer: Named" in html
    assert html.count("Intervention number") == MANY
    assert "The file" in html
