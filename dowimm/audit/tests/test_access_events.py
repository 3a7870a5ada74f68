"""Every response that shows a child's data leaves an access event."""

import re
import uuid

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases.models import AgreementSignature
from cases.tests.test_access import PLANNING_CASE_URLS, TODAY, users_by_name
from dowimm.audit.models import AccessEvent
from dowimm.audit.views import view_label
from dowimm.documents import services as document_services
from dowimm.documents import urls as documents_urls
from dowimm.documents.models import SigningLink
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import plan_agreement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", sorted(PLANNING_CASE_URLS))
def test_each_case_page_records_who_saw_which_child(
    client, cast, planning_case, url_name
):
    username = sorted(PLANNING_CASE_URLS[url_name])[0]
    user = users_by_name(cast)[username]
    client.force_login(user)

    response = client.get(reverse(url_name, args=[planning_case.pk]))

    assert response.status_code == 200
    event = AccessEvent.objects.get(view=url_name)
    assert event.user_id == user.pk
    assert event.role == user.role
    assert event.school_id == user.school_id
    assert event.case_id == planning_case.pk
    assert event.pupil_id == planning_case.pupil_id
    assert event.request_id == uuid.UUID(response["X-Request-ID"])


def test_a_file_download_records_an_event(client, cast, planning_case):
    signature = planning_case.signatures.get()
    client.force_login(cast.receiving_dsl)

    client.get(reverse("cases:signature_scan", args=[planning_case.pk, signature.pk]))

    event = AccessEvent.objects.get()
    assert (event.view, event.case_id, event.user_id) == (
        "cases:signature_scan",
        planning_case.pk,
        cast.receiving_dsl.pk,
    )


def test_each_row_of_a_list_records_an_event(client, cast, planning_case):
    other = cast.open_case(serial=2)
    client.force_login(cast.fair_access)

    client.get(reverse("cases:list"))

    events = AccessEvent.objects.filter(view="cases:list")
    assert {event.case_id for event in events} == {planning_case.pk, other.pk}
    assert len({event.request_id for event in events}) == 1


def test_a_refused_request_records_nothing(client, cast, planning_case):
    client.force_login(cast.other_staff)

    response = client.get(reverse("cases:detail", args=[planning_case.pk]))

    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


def test_the_database_refuses_to_change_or_remove_an_event(client, cast, planning_case):
    client.force_login(cast.home_staff)
    client.get(reverse("cases:detail", args=[planning_case.pk]))
    event = AccessEvent.objects.get()

    attempts = [
        lambda: AccessEvent.objects.filter(pk=event.pk).update(user=cast.admin),
        lambda: AccessEvent.objects.filter(pk=event.pk).delete(),
        lambda: event.delete(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_accessevent")

    assert AccessEvent.objects.get().user_id == cast.home_staff.pk


def test_who_has_seen_this_child(client, cast, planning_case):
    detail = reverse("cases:detail", args=[planning_case.pk])
    client.force_login(cast.home_staff)
    client.get(detail)
    client.get(detail)
    client.force_login(cast.receiving_staff)
    client.get(detail)

    client.force_login(cast.home_dsl)
    page = client.get(reverse("audit:case_access", args=[planning_case.pk]))

    html = page.content.decode()
    assert html.index(str(cast.receiving_staff)) < html.index(str(cast.home_staff))
    rows = html.split('<td class="govuk-table__cell govuk-table__cell--numeric">')
    assert [row.split("<")[0] for row in rows[1:]] == ["1", "2"]
    assert html.count("Case page") == 3


@pytest.mark.parametrize("events", [1, 120])
def test_who_has_seen_this_child_costs_the_same_queries_however_many(
    client, cast, planning_case, django_assert_num_queries, events
):
    AccessEvent.objects.bulk_create(
        AccessEvent(
            user=cast.home_staff,
            role=cast.home_staff.role,
            case_id=planning_case.pk,
            pupil_id=planning_case.pupil_id,
            view="cases:detail",
        )
        for _ in range(events)
    )
    client.force_login(cast.fair_access)

    # Session, user, device, case, approaches, people, their users, count,
    # the page of events, and the insert of this visit's own event.
    with django_assert_num_queries(10):
        client.get(reverse("audit:case_access", args=[planning_case.pk]))


# Pages a parent, carer or pupil opens from an emailed signing link, and
# how to reach each: they have no account, so the event names the link.
SIGNING_LINK_PAGES = {
    "documents:signing_start": ("get", "start"),
    "documents:signing_code": ("get", "code"),
    "documents:signing_document": ("get", "document"),
    "documents:signing_renew": ("post", "renew"),
}


def signing_link_url_names():
    return {
        f"{documents_urls.app_name}:{pattern.name}"
        for pattern in documents_urls.urlpatterns
        if "token" in pattern.pattern.converters
    }


@pytest.fixture
def agreement_case(cast, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return plan_agreement(cast, cast.planning_case())


@pytest.fixture
def signing_token(cast, agreement_case, mailoutbox, django_capture_on_commit_callbacks):
    carer = agreement_case.pupil.carers.get()
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        document_services.signing_link_send(
            version_id=current_version(agreement_case, "agreement").pk,
            user=cast.home_staff,
            party=AgreementSignature.Party.PARENT_CARER,
            carer_id=carer.pk,
            email=carer.email,
            site_url="http://testserver/",
        )
    return re.search(r"/sign/([^/]+)/", mailoutbox[-1].body)[1]


def open_signing_page(client, token, step, mailoutbox, on_commit):
    """Go through the link's steps as the parent would, up to `step`."""
    start = reverse("documents:signing_start", args=[token])
    if step == "start":
        return client.get(start)
    if step == "renew":
        return client.post(reverse("documents:signing_renew", args=[token]))
    with on_commit(execute=True):
        client.post(start)
    code_page = reverse("documents:signing_code", args=[token])
    if step == "code":
        return client.get(code_page)
    code = re.search(r"Your code is (\d{6})", mailoutbox[-1].body)[1]
    client.post(code_page, {"code": code})
    return client.get(reverse("documents:signing_document", args=[token]))


def test_every_signing_link_page_is_audited():
    assert signing_link_url_names() == set(SIGNING_LINK_PAGES)


@pytest.mark.parametrize("url_name", sorted(SIGNING_LINK_PAGES))
def test_each_signing_link_page_records_the_link_and_the_child(
    client,
    agreement_case,
    signing_token,
    mailoutbox,
    django_capture_on_commit_callbacks,
    url_name,
):
    method, step = SIGNING_LINK_PAGES[url_name]
    link = SigningLink.objects.get()

    with time_machine.travel(TODAY, tick=False):
        response = open_signing_page(
            client, signing_token, step, mailoutbox, django_capture_on_commit_callbacks
        )

    assert response.status_code == 200
    event = AccessEvent.objects.filter(view=url_name).get()
    assert event.user_id is None
    assert event.role == "parent_carer"
    assert event.school_id is None
    assert event.signing_link_id == link.pk
    assert event.case_id == agreement_case.pk
    assert event.pupil_id == agreement_case.pupil_id
    assert event.request_id == uuid.UUID(response["X-Request-ID"])


def test_the_document_page_before_the_code_records_nothing(client, signing_token):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(
            reverse("documents:signing_document", args=[signing_token])
        )

    assert response.status_code == 302
    assert not AccessEvent.objects.exists()


def test_an_unknown_link_records_nothing(client, agreement_case):
    client.get(reverse("documents:signing_start", args=["not-a-real-token"]))

    assert not AccessEvent.objects.exists()


def test_who_has_seen_this_child_names_the_signing_link(
    client, cast, agreement_case, signing_token, mailoutbox
):
    with time_machine.travel(TODAY, tick=False):
        client.get(reverse("documents:signing_start", args=[signing_token]))
    client.force_login(cast.home_dsl)

    page = client.get(reverse("audit:case_access", args=[agreement_case.pk]))

    html = page.content.decode()
    who = "Parent or carer, by signing link sent to carer@example.invalid"
    # Once among the people, once in the list of every access.
    assert html.count(who) == 2
    assert "Signing link opened (nothing about the child shown)" in html
    assert "A removed account" not in html


@pytest.mark.parametrize(
    ("view", "label"),
    [
        ("cases:detail", "Case page"),
        ("cases:agreement_received", "Agreement received"),
        ("transport:travel_plan_review", "Travel plan review"),
    ],
)
def test_pages_are_named_as_people_read_them(view, label):
    assert view_label(view) == label
