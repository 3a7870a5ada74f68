"""
A small cast for tests: two Norwich schools, their staff and DSLs, the
linked Inclusion Adviser, a Fair Access officer and a transport officer,
and cases built through the services so every guard is exercised.
"""

import datetime

import factory
from django.core.files.base import ContentFile
from stdnum.gb import upn

from cases import services
from cases.models import AgreementSignature, Consent, Pupil
from dowimm.accounts.models import User
from dowimm.schools.models import School
from transport.models import TravelAnswer
from transport.services import transport_need_record

# The smallest real PDF: one blank page. Uploads are parsed, not sniffed.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Root 1 0 R/Size 4>>\nstartxref\n164\n%%EOF\n"
)


def valid_upn(serial):
    number = f"92620012{serial:04d}"
    return upn.calc_check_digit(number) + number


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 900000 + n)
    name = factory.Sequence(lambda n: f"Test Academy {n}")
    la_code = "926"
    la_name = "Norfolk"
    phase = "Secondary"
    easting = 620000
    northing = 308000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    role = User.Role.SCHOOL_STAFF
    password = factory.django.Password("a long test passphrase")


def pupil_details(serial=1, **overrides):
    details = {
        "legal_first_names": "Rowan",
        "legal_surname": "Testpupil",
        "preferred_name": "",
        "date_of_birth": datetime.date(2012, 5, 14),
        "upn": valid_upn(serial),
        "home_address": "1 Example Street\nNorwich",
        "home_postcode": "NR1 1AA",
        "sen_status": Pupil.SenStatus.SEN_SUPPORT,
        "in_care": False,
    }
    details.update(overrides)
    return details


ELIGIBLE_ANSWERS = {
    "internal_strategies_exhausted": True,
    "at_risk_of_exclusion": True,
    "exclusion_issued": False,
    "purpose_is_low_attendance": False,
    "other_reason": "",
    "consulted_adviser": None,
    "consulted_on": None,
    "consultation_agreed": None,
    "consultation_notes": "",
}


def provision_plan():
    return ContentFile(PDF_BYTES, name="plan.pdf")


class Cast:
    """The people around one pair of schools."""

    def __init__(self):
        self.adviser = UserFactory(username="adviser", role=User.Role.INCLUSION_ADVISER)
        self.home_school = SchoolFactory(
            name="Home Academy", inclusion_adviser=self.adviser
        )
        self.receiving_school = SchoolFactory(
            name="Receiving Academy", easting=623000, northing=310000
        )
        self.other_school = SchoolFactory(
            name="Other Academy", easting=630000, northing=300000
        )
        self.home_staff = UserFactory(username="home-staff", school=self.home_school)
        self.home_dsl = UserFactory(
            username="home-dsl", school=self.home_school, is_dsl=True
        )
        self.receiving_staff = UserFactory(
            username="receiving-staff", school=self.receiving_school
        )
        self.receiving_dsl = UserFactory(
            username="receiving-dsl", school=self.receiving_school, is_dsl=True
        )
        self.other_staff = UserFactory(username="other-staff", school=self.other_school)
        self.other_adviser = UserFactory(
            username="other-adviser", role=User.Role.INCLUSION_ADVISER
        )
        self.fair_access = UserFactory(
            username="fair-access", role=User.Role.FAIR_ACCESS
        )
        self.transport = UserFactory(username="transport", role=User.Role.TRANSPORT)
        self.admin = UserFactory(
            username="admin",
            role=User.Role.ADMINISTRATOR,
            is_staff=True,
            is_superuser=True,
        )

    def open_case(self, serial=1, **pupil):
        return services.case_open(
            user=self.home_staff, pupil_details=pupil_details(serial, **pupil)
        )

    def preliminary_case(self, serial=1):
        case = self.open_case(serial)
        services.carer_add(
            case_id=case.pk,
            user=self.home_staff,
            details={
                "full_name": "Morgan Testcarer",
                "relationship": "Mother",
                "has_parental_responsibility": True,
                "phone": "01632 960001",
                "email": "carer@example.invalid",
            },
        )
        return services.case_confirm_eligible(
            case_id=case.pk, user=self.home_staff, answers=ELIGIBLE_ANSWERS
        )

    def finding_school_case(self, serial=1, on=None):
        case = self.preliminary_case(serial)
        on = on or case.opened_at.date()
        services.intervention_add(
            case_id=case.pk,
            user=self.home_staff,
            description="Mentoring",
            started_on=on,
            outcome="Helped for a while",
        )
        services.preliminary_meeting_record(
            case_id=case.pk,
            user=self.home_staff,
            held_on=on,
            attendees="Head of year\nInclusion Adviser",
            notes="",
        )
        services.provision_plan_upload(
            case_id=case.pk, user=self.home_staff, upload=provision_plan()
        )
        return services.pathway_agree(
            case_id=case.pk,
            user=self.adviser,
            decided_on=on,
            best_interests_statement="A fresh start is in the pupil's interests.",
        )

    def approached_case(self, serial=1, on=None):
        case = self.finding_school_case(serial, on)
        approach = services.approach_record(
            case_id=case.pk,
            user=self.home_staff,
            school=self.receiving_school,
            approached_on=on or case.opened_at.date(),
            notes="",
        )
        return case, approach

    def planning_case(self, serial=1, on=None):
        case, approach = self.approached_case(serial, on)
        services.approach_answer(
            approach_id=approach.pk, user=self.receiving_staff, accept=True, notes=""
        )
        case.refresh_from_db()
        return case

    def record_planning_meeting(self, case, on, start, reviews=()):
        """The meeting that settles the agreement, so it can be signed."""
        services.planning_meeting_record(
            case_id=case.pk,
            user=self.home_staff,
            details={
                "held_on": on,
                "attendees": "Both schools, the pupil and family",
                "family_understand_process": True,
                "support_agreed": "Breakfast club",
                "engagement_level": "Attends every lesson",
                "attendance_threshold_percent": 90,
                "proposed_start_on": start,
            },
            review_dates=list(reviews),
        )

    def complete_planning(self, case, on, start, *, reviews=(), transport=False):
        """Every planning task done on `on`, for a placement from `start`."""
        carer = case.pupil.carers.get()
        for given_by in (None, carer):
            services.consent_record(
                case_id=case.pk,
                user=self.home_staff,
                carer=given_by,
                given_on=on,
                method=Consent.Method.IN_PERSON,
            )
        self.record_planning_meeting(case, on, start, reviews)
        set_transport_need(case, self.home_staff, transport)
        services.safeguarding_share_record(
            case_id=case.pk,
            user=self.home_dsl,
            details={
                "multi_agency_plans": "None",
                "allocated_workers": "None",
                "recording_and_sharing_plan": "Weekly call between DSLs",
                "shared_on": on,
            },
        )
        services.safer_recruitment_record(
            case_id=case.pk,
            user=self.receiving_staff,
            assured_by="Head teacher",
            assured_on=on,
        )
        for side, person in (
            ("home", self.home_staff),
            ("receiving", self.receiving_staff),
        ):
            services.named_contact_record(
                case_id=case.pk,
                user=person,
                side=side,
                name="Named contact",
                email="contact@example.invalid",
            )
        services.tour_record(case_id=case.pk, user=self.receiving_staff, tour_on=on)
        Party = AgreementSignature.Party
        for party, signer in (
            (Party.HOME_SCHOOL, None),
            (Party.RECEIVING_SCHOOL, None),
            (Party.PARENT_CARER, carer),
            (Party.PUPIL, None),
        ):
            services.signature_record(
                case_id=case.pk,
                user=self.receiving_staff
                if party == Party.RECEIVING_SCHOOL
                else self.home_staff,
                party=party,
                carer=signer,
                signed_by_name="A Signer",
                signed_on=on,
                method=AgreementSignature.Method.IN_APP,
                scan=None,
            )

    def active_case(self, on, start, serial=1, reviews=()):
        """A placement started on `start`, planned on `on` (travel to `on`)."""
        case = self.planning_case(serial, on)
        self.complete_planning(case, on, start, reviews=reviews)
        return services.placement_start(
            case_id=case.pk, user=self.home_staff, started_on=start
        )


def set_transport_need(case, user, needed):
    answer = (
        TravelAnswer.Answer.NEEDS_TRANSPORT if needed else TravelAnswer.Answer.ALONE
    )
    transport_need_record(case_id=case.pk, user=user, answer=answer)
