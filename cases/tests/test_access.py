"""
Every case URL, as every role: allowed (200), refused as someone else's
page to those who may read the case (403), or as if absent to anyone else
(404).

The expected sets are written from the scheme's access rules, not read
back from cases.rules, so a change to the rules that breaks them fails.
"""

import datetime
from importlib import import_module

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from cases import services
from cases.models import AgreementSignature, Case
from cases.rules import can
from cases.selectors import cases_visible_to
from cases.tests.factories import PDF_BYTES, Cast, set_transport_need
from dowimm.documents.tests.factories import (
    plan_agreement,
    sign_everyone_on_paper,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)

EVERYONE = {
    "home-staff",
    "home-dsl",
    "receiving-staff",
    "receiving-dsl",
    "other-staff",
    "adviser",
    "other-adviser",
    "fair-access",
    "transport",
    "admin",
}
HOME = {"home-staff", "home-dsl"}
RECEIVING = {"receiving-staff", "receiving-dsl"}
CASE_READERS = HOME | RECEIVING | {"adviser", "fair-access"}


def refused(username):
    """How a page that is not for `username` answers them."""
    return 403 if username in CASE_READERS else 404


# URL name -> who may open it on a case in planning, with transport asked
# for and a paper signature on file.
PLANNING_CASE_URLS = {
    "cases:detail": CASE_READERS,
    "cases:pupil_edit": HOME,
    "cases:carer_add": HOME,
    "cases:eligibility": HOME,
    "cases:intervention_add": HOME,
    "cases:provision_plan": HOME,
    "cases:provision_plan_file": CASE_READERS,
    "cases:pathway": {"adviser"},
    "cases:close": HOME,
    "cases:approach_add": HOME,
    "cases:consent_add": HOME,
    "cases:safeguarding": {"home-dsl"},
    "cases:safer_recruitment": RECEIVING,
    "cases:home_contact": HOME,
    "cases:receiving_contact": RECEIVING,
    "cases:tour": RECEIVING,
    "cases:signature_add": HOME,
    "cases:start": HOME,
    "meetings:preliminary": HOME,
    "meetings:planning": HOME,
    "transport:request": {"transport"} | CASE_READERS,
    "transport:travel": HOME,
    "transport:route": {"transport"},
    "transport:quote_request": {"transport"},
    "transport:quote": {"transport"},
    "transport:exception": {"transport", "fair-access"},
    "transport:decide": {"transport"},
    "transport:end": {"transport"},
    "transport:travel_plan": HOME | RECEIVING,
    "transport:travel_plan_review": HOME | RECEIVING,
    "audit:case_access": {"home-dsl", "adviser", "fair-access"},
    "audit:subject_access_export": {"fair-access"},
}
# Document URLs take the document's kind (and some a version number) too.
DOCUMENT_URLS = {
    "documents:detail": CASE_READERS,
    "documents:sign": HOME | RECEIVING,
    "documents:signing_link_send": HOME,
    "documents:version_pdf": CASE_READERS,
    "documents:signed_pdf": CASE_READERS,
}
EXTRA_ARGUMENT_URLS = {"cases:approach_answer", "cases:signature_scan"} | set(
    DOCUMENT_URLS
)


@pytest.fixture
def cast():
    with time_machine.travel(TODAY, tick=False):
        yield Cast()


@pytest.fixture
def planning_case(cast):
    with time_machine.travel(TODAY, tick=False):
        case = cast.planning_case()
        set_transport_need(case, cast.home_staff, True)
        cast.record_planning_meeting(
            case, datetime.date(2026, 12, 3), datetime.date(2026, 12, 7)
        )
        services.signature_record(
            case_id=case.pk,
            user=cast.home_staff,
            party=AgreementSignature.Party.PUPIL,
            carer=None,
            signed_by_name="Rowan Testpupil",
            signed_on=datetime.date(2026, 12, 3),
            method=AgreementSignature.Method.PAPER,
            scan=ContentFile(PDF_BYTES, name="signed.pdf"),
        )
    return Case.objects.get(pk=case.pk)


def users_by_name(cast):
    return {
        user.username: user for user in vars(cast).values() if hasattr(user, "username")
    }


def case_url_names():
    """Every named URL, in the case apps, that takes a case's pk."""
    names = set()
    for module in (
        "cases.urls",
        "meetings.urls",
        "transport.urls",
        "dowimm.documents.urls",
        "dowimm.audit.urls",
    ):
        urlconf = import_module(module)
        for pattern in urlconf.urlpatterns:
            if "pk" in pattern.pattern.converters:
                names.add(f"{urlconf.app_name}:{pattern.name}")
    return names


def test_the_matrix_covers_every_case_url():
    assert case_url_names() == (
        set(PLANNING_CASE_URLS)
        | EXTRA_ARGUMENT_URLS
        | set(PLACEMENT_URLS)
        | set(DISPUTE_URLS)
    )


@pytest.mark.parametrize("url_name", sorted(PLANNING_CASE_URLS))
def test_each_case_url_as_each_role(client, cast, planning_case, url_name):
    url = reverse(url_name, args=[planning_case.pk])
    allowed = PLANNING_CASE_URLS[url_name]

    for username, user in users_by_name(cast).items():
        client.force_login(user)
        response = client.get(url)
        expected = 200 if username in allowed else refused(username)
        assert response.status_code == expected, f"{username} GET {url}"


@pytest.mark.parametrize("url_name", sorted(PLANNING_CASE_URLS))
def test_denied_posts_change_nothing(client, cast, planning_case, url_name):
    url = reverse(url_name, args=[planning_case.pk])
    before = planning_case.history.count()

    for username in sorted(EVERYONE - PLANNING_CASE_URLS[url_name]):
        client.force_login(users_by_name(cast)[username])
        response = client.post(url, {"reason": "crafted", "needed": "False"})
        assert response.status_code == refused(username), f"{username} POST {url}"

    assert planning_case.history.count() == before


def test_signature_scan_is_for_case_readers_only(client, cast, planning_case):
    signature = planning_case.signatures.get()
    url = reverse("cases:signature_scan", args=[planning_case.pk, signature.pk])

    for username, user in users_by_name(cast).items():
        client.force_login(user)
        response = client.get(url)
        expected = 200 if username in CASE_READERS else 404
        assert response.status_code == expected, username
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Cache-Control"] == "no-store"
            assert response["Content-Disposition"].startswith("attachment")


@pytest.fixture
def signed_agreement_case(cast, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = plan_agreement(cast, cast.planning_case())
        sign_everyone_on_paper(cast, case)
    return case


@pytest.mark.parametrize("url_name", sorted(DOCUMENT_URLS))
def test_each_document_url_as_each_role(client, cast, signed_agreement_case, url_name):
    args = [signed_agreement_case.pk, "agreement"]
    if "pdf" in url_name:
        args.append(signed_agreement_case.document_versions.first().number)
    url = reverse(url_name, args=args)

    for username, user in users_by_name(cast).items():
        client.force_login(user)
        response = client.get(url)
        expected = 200 if username in DOCUMENT_URLS[url_name] else refused(username)
        assert response.status_code == expected, f"{username} GET {url}"
        if expected == 200 and "pdf" in url_name:
            assert response["Cache-Control"] == "no-store"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Disposition"].startswith("attachment")


def test_approached_school_sees_a_referral_summary_and_may_answer(client, cast):
    with time_machine.travel(TODAY, tick=False):
        case, approach = cast.approached_case()
    answer_url = reverse("cases:approach_answer", args=[case.pk, approach.pk])

    for username, user in users_by_name(cast).items():
        client.force_login(user)
        detail = client.get(reverse("cases:detail", args=[case.pk]))
        answer = client.get(answer_url)
        assert detail.status_code == (200 if username in CASE_READERS else 404)
        assert answer.status_code == (200 if username in RECEIVING else 404)

    client.force_login(cast.receiving_staff)
    summary = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Referral" in summary
    assert "carer@example.invalid" not in summary
    assert "01632 960001" not in summary
    assert "1 Example Street" not in summary


def test_a_school_that_declined_no_longer_sees_the_case(client, cast):
    with time_machine.travel(TODAY, tick=False):
        case, approach = cast.approached_case()
        services.approach_answer(
            approach_id=approach.pk,
            user=cast.receiving_staff,
            accept=False,
            notes="No place in Year 8",
        )

    client.force_login(cast.receiving_staff)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


@pytest.mark.parametrize("accept", [True, False])
def test_going_back_to_an_answered_approach_says_it_was_answered(client, cast, accept):
    with time_machine.travel(TODAY, tick=False):
        case, approach = cast.approached_case()
        services.approach_answer(
            approach_id=approach.pk,
            user=cast.receiving_staff,
            accept=accept,
            notes="Full in Year 8",
        )
    answer_url = reverse("cases:approach_answer", args=[case.pk, approach.pk])

    client.force_login(cast.receiving_staff)
    response = client.get(answer_url, follow=True)
    client.force_login(cast.other_staff)
    elsewhere = client.get(answer_url)

    case_url = reverse("cases:detail", args=[case.pk])
    expected = case_url if accept else reverse("cases:list")
    assert response.redirect_chain == [(expected, 302)]
    assert "Your school has already answered this approach" in (
        response.content.decode()
    )
    assert elsewhere.status_code == 404


def test_safeguarding_details_show_only_to_dsls_the_adviser_and_fair_access(
    client, cast, planning_case
):
    services.safeguarding_share_record(
        case_id=planning_case.pk,
        user=cast.home_dsl,
        details={
            "multi_agency_plans": "Child in need plan held by children's services",
            "allocated_workers": "Social worker on the duty team",
            "recording_and_sharing_plan": "Weekly call between DSLs",
            "shared_on": datetime.date(2026, 12, 3),
        },
    )
    may_see = {"home-dsl", "receiving-dsl", "adviser", "fair-access"}

    for username in CASE_READERS:
        client.force_login(users_by_name(cast)[username])
        page = client.get(reverse("cases:detail", args=[planning_case.pk]))
        shown = "Child in need plan held by children" in page.content.decode()
        assert shown == (username in may_see), username


def test_a_closed_case_can_be_read_but_not_changed(client, cast, planning_case):
    services.case_close_not_proceeding(
        case_id=planning_case.pk, user=cast.home_staff, reason="Family moved away"
    )
    client.force_login(cast.home_staff)

    assert (
        client.get(reverse("cases:detail", args=[planning_case.pk])).status_code == 200
    )
    assert (
        client.get(reverse("cases:carer_add", args=[planning_case.pk])).status_code
        == 403
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, planning_case):
    for url_name in PLANNING_CASE_URLS:
        response = client.get(reverse(url_name, args=[planning_case.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_case_list_matches_the_case_permissions(cast, planning_case):
    with time_machine.travel(TODAY, tick=False):
        approached, _ = cast.approached_case(serial=2)
        other_home = cast.open_case(serial=3)
    cases = [planning_case, approached, other_home]

    for username, user in users_by_name(cast).items():
        listed = set(cases_visible_to(user))
        permitted = {case for case in cases if can(user, "cases.view_referral", case)}
        assert listed == permitted, username


# URL name -> who may open it on an active placement with an extension
# waiting for answers and a dispute that mediation did not resolve.
PLACEMENT_URLS = {
    "cases:contact_add": HOME | RECEIVING,
    "cases:absence_add": RECEIVING,
    "cases:review_record": RECEIVING,
    "cases:extension_request": RECEIVING,
    "cases:extension_answer": HOME | {"fair-access"},
    "cases:end_early": RECEIVING,
    "cases:outcome_sent": RECEIVING,
    "cases:outcome_received": {"fair-access"},
    "cases:agreement_received": {"fair-access"},
    "cases:reintegration_plan": HOME,
    "cases:managed_move_offer": RECEIVING,
    "cases:managed_move_signature_add": HOME,
    "cases:managed_move_complete": RECEIVING,
    "cases:cme_home": HOME,
    "cases:cme_receiving": RECEIVING,
    "cases:roll_deletion": HOME,
    "cases:cp_file_sent": {"home-dsl"},
    "cases:cp_file_received": {"receiving-dsl"},
    "cases:dispute_raise": HOME | RECEIVING,
}
DISPUTE_URLS = {
    "cases:dispute_mediation": {"fair-access"},
    "cases:dispute_panel": {"fair-access"},
}
PLANNED_ON = datetime.date(2025, 10, 2)
STARTED_ON = datetime.date(2025, 10, 13)


@pytest.fixture
def active_case(cast, settings):
    from cases import placement
    from dowimm.calendars.services import calendar_import_csv

    with (settings.BASE_DIR / "data" / "norfolk-term-dates.csv").open() as file:
        calendar_import_csv(file=file)
    day = datetime.datetime(2025, 10, 2, 12, tzinfo=datetime.UTC)
    with time_machine.travel(day, tick=False):
        case = cast.active_case(PLANNED_ON, STARTED_ON)
    day = datetime.datetime(2025, 10, 24, 12, tzinfo=datetime.UTC)
    with time_machine.travel(day, tick=False):
        review = placement.review_record(
            case_id=case.pk,
            user=cast.receiving_staff,
            review_id=None,
            details={
                "held_on": datetime.date(2025, 10, 24),
                "face_to_face": True,
                "attendees": "Both schools",
                "engagement": "partly",
                "pupil_voice": "Fine",
                "family_voice": "Fine",
                "decision": "request_extension",
            },
            next_review_on=datetime.date(2025, 11, 7),
        )
        placement.extension_request(
            case_id=case.pk,
            user=cast.receiving_staff,
            review=review,
            reason="engagement",
            request="Two more weeks",
            extra_school_days=10,
        )
        dispute = placement.dispute_raise(
            case_id=case.pk, user=cast.home_staff, about="Attendance coding"
        )
        placement.dispute_mediation_record(
            dispute_id=dispute.pk,
            user=cast.fair_access,
            dates="24 Oct 2025",
            notes="No agreement",
            outcome="not_resolved",
        )
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("url_name", sorted(PLACEMENT_URLS))
def test_each_placement_url_as_each_role(client, cast, active_case, url_name):
    url = reverse(url_name, args=[active_case.pk])
    allowed = PLACEMENT_URLS[url_name]

    for username, user in users_by_name(cast).items():
        client.force_login(user)
        response = client.get(url)
        expected = 200 if username in allowed else refused(username)
        assert response.status_code == expected, f"{username} GET {url}"


@pytest.mark.parametrize("url_name", sorted(DISPUTE_URLS))
def test_dispute_urls_are_for_fair_access_only(client, cast, active_case, url_name):
    dispute = active_case.disputes.get()
    url = reverse(url_name, args=[active_case.pk, dispute.pk])

    for username, user in users_by_name(cast).items():
        client.force_login(user)
        response = client.get(url)
        expected = 200 if username in DISPUTE_URLS[url_name] else refused(username)
        assert response.status_code == expected, f"{username} GET {url}"


@pytest.mark.parametrize("url_name", sorted(PLACEMENT_URLS))
def test_denied_placement_posts_change_nothing(client, cast, active_case, url_name):
    url = reverse(url_name, args=[active_case.pk])
    before = active_case.history.count()

    for username in sorted(EVERYONE - PLACEMENT_URLS[url_name]):
        client.force_login(users_by_name(cast)[username])
        response = client.post(url, {"about": "crafted", "summary": "crafted"})
        assert response.status_code == refused(username), f"{username} POST {url}"

    assert active_case.history.count() == before


def test_the_fair_access_dashboard_is_for_fair_access_only(client, cast):
    for username, user in users_by_name(cast).items():
        client.force_login(user)
        response = client.get(reverse("cases:fair_access_dashboard"))
        expected = 200 if username == "fair-access" else 404
        assert response.status_code == expected, username
