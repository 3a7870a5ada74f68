"""Every response that shows a child's data leaves an access event."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases.tests.test_access import PLANNING_CASE_URLS, users_by_name
from dowimm.audit.models import AccessEvent

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
