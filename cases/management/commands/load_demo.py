"""
Load the demo: the real Norfolk schools, a cast of demo staff and a few
invented pupils at different stages. Safe to run again: nothing is
duplicated and nothing a person changed is overwritten.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from stdnum.gb import upn

from cases import services
from cases.demo_past import load_past_year
from cases.models import Case, Pupil
from dowimm.accounts.models import User
from dowimm.accounts.services import demo_totp_device_set
from dowimm.calendars.services import calendar_import_csv
from dowimm.schools.models import School
from dowimm.schools.services import school_import_gias
from transport.models import TransportRequest, TravelAnswer
from transport.services import (
    transport_need_record,
    transport_quote_record,
    transport_quote_request,
    transport_route_record,
)

DEMO_PASSWORD = "dowimm-demo"
SCHOOLS_FILE = Path(settings.BASE_DIR) / "data" / "gias-norfolk-secondary.csv"
TERM_DATES_FILE = Path(settings.BASE_DIR) / "data" / "norfolk-term-dates.csv"
HOME_URN = 142059  # Hewett Academy, Norwich
RECEIVING_URN = 142058  # Sewell Park Academy, Norwich
OTHER_URN = 135650  # The Open Academy, Norwich

Role = User.Role

STAFF = [
    ("home-staff", "Priya", "Marsh", Role.SCHOOL_STAFF, HOME_URN, False),
    ("home-dsl", "Tom", "Ellery", Role.SCHOOL_STAFF, HOME_URN, True),
    ("receiving-staff", "Grace", "Adebayo", Role.SCHOOL_STAFF, RECEIVING_URN, False),
    ("receiving-dsl", "Owen", "Hartley", Role.SCHOOL_STAFF, RECEIVING_URN, True),
    ("adviser", "Nadia", "Kowalski", Role.INCLUSION_ADVISER, None, False),
    ("fair-access", "Sam", "Okonjo", Role.FAIR_ACCESS, None, False),
    ("transport", "Lee", "Barnard", Role.TRANSPORT, None, False),
    ("admin", "Alex", "Fenwick", Role.ADMINISTRATOR, None, False),
]


def demo_upn(serial):
    """A valid, invented UPN in Norfolk's LA range."""
    number = f"926{HOME_URN % 10000:04d}24{serial:03d}"
    return upn.calc_check_digit(number) + number


class Command(BaseCommand):
    help = "Load the Norfolk schools, demo staff and demo cases."

    def handle(self, *args, **options):
        with SCHOOLS_FILE.open("rb") as file:
            report = school_import_gias(file=file)
        self.stdout.write(
            f"Schools: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged"
        )
        # The county's published term dates only: a year not in the file is
        # left for FAET to enter under Calendars, never guessed.
        with TERM_DATES_FILE.open(encoding="utf-8", newline="") as file:
            self.stdout.write(f"County term dates: {calendar_import_csv(file=file)}")
        with transaction.atomic():
            users = self.load_staff()
            self.link_schools(users)
            if not Case.objects.filter(opened_by__is_demo_account=True).exists():
                self.load_cases(users)
                load_past_year(list(School.objects.order_by("urn")))
                self.stdout.write("Demo cases loaded, with a past year of them")
        self.stdout.write(
            f"Sign in as any of {', '.join(u for u, *_ in STAFF)} "
            f"with the password {DEMO_PASSWORD}"
        )

    def load_staff(self):
        users = {}
        for username, first, last, role, urn, is_dsl in STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "role": role,
                    "school": School.objects.get(urn=urn) if urn else None,
                    "is_dsl": is_dsl,
                    "is_demo_account": True,
                    "email": f"{username}@demo.invalid",
                    "is_staff": role == Role.ADMINISTRATOR,
                    "is_superuser": role == Role.ADMINISTRATOR,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            # The README's demo authenticator key; `demo_totp` shows codes.
            demo_totp_device_set(user=user)
            users[username] = user
        return users

    def link_schools(self, users):
        norwich = School.objects.filter(district="Norwich", inclusion_adviser=None)
        for school in norwich:
            school.inclusion_adviser = users["adviser"]
            school.save(update_fields=["inclusion_adviser"])
        # The demo schools' offices, so that the emails to a school's named
        # contact (an approach, a signed agreement) show in the mail folder,
        # and invented heads and DSLs (the demo DSL users where there is one).
        heads_and_dsls = {
            HOME_URN: ("Ms Clare Ashdown", "Tom Ellery"),
            RECEIVING_URN: ("Mr Daniel Fenwick", "Owen Hartley"),
            OTHER_URN: ("Mrs Ruth Kettering", "Leah Brightwell"),
        }
        for urn, (head, dsl) in heads_and_dsls.items():
            School.objects.filter(urn=urn, named_contact_email="").update(
                named_contact="School office",
                named_contact_email=f"office-{urn}@demo.invalid",
                headteacher=head,
                dsl_name=dsl,
                dsl_email=f"dsl-{urn}@demo.invalid",
            )

    def load_cases(self, users):
        home = users["home-staff"]
        self.open_case(home, "Jayden", "Whitmore", datetime.date(2012, 5, 14), 1)

        case = self.open_case(
            home, "Amara", "Okafor-Reid", datetime.date(2011, 11, 2), 2
        )
        self.add_carer(case, home, "Chiamaka Okafor-Reid", "Mother")
        self.through_preliminary(case, home, users["adviser"])

        case = self.open_case(home, "Zoë", "Ní Bhriain", datetime.date(2012, 2, 29), 3)
        self.add_carer(case, home, "Siân Ní Bhriain", "Mother")
        self.through_preliminary(case, home, users["adviser"])
        approach = services.approach_record(
            case_id=case.pk,
            user=home,
            school=School.objects.get(urn=RECEIVING_URN),
            approached_on=timezone.localdate(),
            notes="A fresh start near home; good bus links.",
        )
        services.approach_answer(
            approach_id=approach.pk,
            user=users["receiving-staff"],
            accept=True,
            notes=f"We can offer a place in Year {case.pupil.year_group()}.",
        )
        self.load_transport_case(users)

    def load_transport_case(self, users):
        """A pupil who needs transport, quoted and waiting for the panel."""
        home = users["home-staff"]
        case = self.open_case(
            home, "Kacper", "Lindqvist-Ward", datetime.date(2011, 7, 19), 4
        )
        self.add_carer(case, home, "Ingrid Lindqvist-Ward", "Mother")
        self.through_preliminary(case, home, users["adviser"])
        approach = services.approach_record(
            case_id=case.pk,
            user=home,
            school=School.objects.get(urn=RECEIVING_URN),
            approached_on=timezone.localdate(),
            notes="The family live on the edge of the city; no car.",
        )
        services.approach_answer(
            approach_id=approach.pk,
            user=users["receiving-staff"],
            accept=True,
            notes="A place in Year 10.",
        )
        demo_transport_quote(case, home, users["transport"])

    def open_case(self, user, first, last, born, serial):
        details = {
            "legal_first_names": first,
            "legal_surname": last,
            "preferred_name": "",
            "date_of_birth": born,
            "upn": demo_upn(serial),
            "home_address": f"{serial} Demo Road\nNorwich",
            "home_postcode": f"NR1 {serial}AA",
            "sen_status": Pupil.SenStatus.SEN_SUPPORT,
            "in_care": False,
        }
        return services.case_open(user=user, pupil_details=details)

    def add_carer(self, case, user, name, relationship):
        services.carer_add(
            case_id=case.pk,
            user=user,
            details={
                "full_name": name,
                "relationship": relationship,
                "has_parental_responsibility": True,
                "phone": "01632 960000",
                "email": "family@demo.invalid",
            },
        )

    def through_preliminary(self, case, home, adviser):
        today = timezone.localdate()
        services.case_confirm_eligible(
            case_id=case.pk,
            user=home,
            answers={
                "internal_strategies_exhausted": True,
                "at_risk_of_exclusion": True,
                "exclusion_issued": False,
                "purpose_is_low_attendance": False,
                "other_reason": "",
                "consulted_adviser": None,
                "consulted_on": None,
                "consultation_agreed": None,
                "consultation_notes": "",
            },
        )
        services.intervention_add(
            case_id=case.pk,
            user=home,
            description="Mentoring with a key adult, twice a week",
            started_on=today - datetime.timedelta(days=60),
            outcome="Fewer removals from lessons at first, then back to before",
        )
        services.preliminary_meeting_record(
            case_id=case.pk,
            user=home,
            held_on=today,
            attendees="Head of year, home school\nInclusion Adviser",
            notes="",
        )
        services.provision_plan_upload(
            case_id=case.pk, user=home, upload=demo_provision_plan()
        )
        services.pathway_agree(
            case_id=case.pk,
            user=adviser,
            decided_on=today,
            best_interests_statement="A fresh start, with the support in the "
            "Provision Plan, gives the best chance of staying in mainstream.",
        )


def demo_transport_quote(case, home, officer):
    today = timezone.localdate()
    transport_need_record(
        case_id=case.pk, user=home, answer=TravelAnswer.Answer.NEEDS_TRANSPORT
    )
    # The demo postcodes are invented, so the officer measures by hand.
    transport_route_record(
        case_id=case.pk,
        user=officer,
        home_to_school_miles=Decimal("4.10"),
        boarding_point="Bus shelter outside the village hall",
        boarding_point_postcode="",
        home_to_boarding_point_miles=Decimal("0.30"),
        suitable_route=False,
        walk_to_stop_miles=None,
        arrangement=TransportRequest.Arrangement.BESPOKE,
        arrangement_details="Shared minibus with two other pupils",
        ends_on=None,
        continues_after_managed_move=True,
    )
    transport_quote_request(case_id=case.pk, user=officer, requested_on=today)
    transport_quote_record(
        case_id=case.pk,
        user=officer,
        received_on=today,
        supplier="Broadland Community Minibus",
        daily_cost=Decimal("38.50"),
        total_cost=Decimal("1540.00"),
    )


def demo_provision_plan():
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return ContentFile(content, name="provision-plan.pdf")
