"""
No email subject names a child: subjects show in lock screens, inbox
previews and mail server logs, beyond the reach of who may read the body.
"""

import datetime
import re

import pytest
import time_machine
from django.conf import settings

from cases import services as case_services
from cases.models import AgreementSignature, Pupil
from cases.tests.factories import set_transport_need
from cases.tests.test_access import TODAY
from dowimm.documents import services as document_services
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import plan_agreement, sign_everyone_on_paper
from dowimm.notifications.models import Reminder
from dowimm.notifications.services import reminders_send, weekly_summary_send
from dowimm.schools.models import School
from transport.tests.factories import transport_approve

pytestmark = pytest.mark.django_db

Party = AgreementSignature.Party
# Invented, and unlike any word a subject would otherwise hold.
PUPILS = [
    {
        "legal_first_names": "Xanthippe Marigold",
        "legal_surname": "Quillfeather",
        "preferred_name": "Xanny",
        "date_of_birth": datetime.date(2012, 7, 19),
    },
    {
        "legal_first_names": "Barnaby",
        "legal_surname": "Oakenshaw-Velasquez",
        "preferred_name": "",
        "date_of_birth": datetime.date(2011, 11, 2),
    },
]
# Every place in the code that builds an email, by file: a new one must be
# added to the test below before this passes.
SENDING = {
    "cases/services.py": 1,
    "dowimm/documents/services.py": 1,
    "dowimm/documents/tasks.py": 1,
    "dowimm/notifications/services.py": 2,
}
SENDS = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage"
    r"|EmailMultiAlternatives)\("
)


def personal_data(pupil):
    born = pupil.date_of_birth
    names = pupil.legal_first_names.split() + pupil.legal_surname.split("-")
    if pupil.preferred_name:
        names.append(pupil.preferred_name)
    return names + [
        pupil.upn,
        born.isoformat(),
        f"{born:%d/%m/%Y}",
        f"{born.day} {born:%B %Y}",
        f"{born.day} {born:%b %Y}",
    ]


def distinctive(case, details):
    pupil = Pupil.objects.get(pk=case.pupil_id)
    for field, value in details.items():
        setattr(pupil, field, value)
    pupil.save()
    case.refresh_from_db()
    return pupil


def test_every_place_that_sends_email_is_covered_below():
    found = {}
    for path in settings.BASE_DIR.rglob("*.py"):
        relative = path.relative_to(settings.BASE_DIR).as_posix()
        if relative.startswith((".venv/", "node_modules/")) or "/tests/" in relative:
            continue
        count = len(SENDS.findall(path.read_text()))
        if count:
            found[relative] = count

    assert found == SENDING


def test_no_email_subject_names_the_pupil(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        signing = cast.planning_case()
        signing_pupil = distinctive(signing, PUPILS[0])
        plan_agreement(cast, signing)
    # Signing links wait for the PDF, rendered once the plan is committed.
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        version = current_version(signing, "agreement")
        carer = signing.pupil.carers.get()
        for party, carer_id in ((Party.PARENT_CARER, carer.pk), (Party.PUPIL, None)):
            document_services.signing_link_send(
                version_id=version.pk,
                user=cast.home_staff,
                party=party,
                carer_id=carer_id,
                email=carer.email,
                site_url="http://testserver/",
            )
    token = re.search(r"/sign/([^/]+)/", mailoutbox[-1].body)[1]
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        document_services.signing_code_send(token=token)
        sign_everyone_on_paper(cast, signing)

        # Approaching a school tells its named contact.
        cast.receiving_school.named_contact_email = "office@receiving.invalid"
        cast.receiving_school.save(update_fields=["named_contact_email"])
        travelling = cast.planning_case(serial=2)
        travelling_pupil = distinctive(travelling, PUPILS[1])
        # The panel's decision goes to the schools' named contacts.
        School.objects.filter(pk=travelling.home_school_id).update(
            named_contact_email="office@home.invalid"
        )
        set_transport_need(travelling, cast.home_staff, True)
        transport_approve(cast, travelling, TODAY.date())
        cast.adviser.email = "adviser@example.invalid"
        cast.adviser.save(update_fields=["email"])
        case_services.pupil_update(
            case_id=travelling.pk,
            user=cast.home_staff,
            pupil_details={"upn": travelling_pupil.upn, "in_care": True},
        )

        cast.home_staff.email = "home.staff@example.invalid"
        cast.home_staff.save(update_fields=["email"])
        Reminder.objects.create(
            case=signing,
            kind=Reminder.Kind.REVIEW_DUE,
            due_on=TODAY.date(),
            recipient=cast.home_staff,
            message=f"{signing_pupil.legal_first_names}: review due",
        )
        reminders_send(now=TODAY)
        weekly_summary_send(now=TODAY)

    subjects = [message.subject for message in mailoutbox]
    kinds = {
        "A document from": "signing link",
        "Your code to sign": "signing code",
        "Signed DOWIMM Agreement": "signed document",
        "Transport requested": "transport requested",
        "Transport approved": "transport decided",
        "DOWIMM criteria no longer met": "eligibility lost",
        "Will you take a DOWIMM placement?": "school approached",
        "1 reminder from dowimm": "reminders",
        "dowimm weekly summary": "weekly summary",
    }
    sent = {
        kind for start, kind in kinds.items() for s in subjects if s.startswith(start)
    }
    assert sent == set(kinds.values()), "\n".join(subjects)
    assert sum("to sign" in s and "for your child" in s for s in subjects) == 1
    for pupil in (signing_pupil, travelling_pupil):
        for detail in personal_data(pupil):
            for subject in subjects:
                assert detail.lower() not in subject.lower(), (detail, subject)
    # The bodies, which only the recipient reads, do name the child.
    assert any("Quillfeather" in message.body for message in mailoutbox)
