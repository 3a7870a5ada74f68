"""Every name renders, in the fonts the set-up installs, embedded in the PDF."""

import datetime
import io
import unicodedata

import pytest
import time_machine
from pypdf import PdfReader

from cases import services as case_services
from dowimm.documents.models import DocumentVersion
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import START, TODAY, pdf_text, plan_agreement

pytestmark = pytest.mark.django_db

DECOMPOSED_ZOE = "Zoe\u0308"
NAMES = [
    "O'Connor-Smith",
    "Zoë",
    "Siân",
    "Nguyễn",
    "Łukasz",
    "Ștefan",
    "Мария",
    "محمد",
    "陈美玲",
]
LONG_EMAIL = (
    "a.very.long.unbroken.address.for.the.named.contact@"
    "receiving-school-with-a-very-long-domain-name.invalid"
)
# Twice a week, so that 40 reviews fit in the 26 weeks a plan may reach.
MANY_REVIEWS = [
    day
    for day in (START + datetime.timedelta(days=n) for n in range(1, 141))
    if day.weekday() in (1, 3)
]


@pytest.fixture
def named_case(cast, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = cast.planning_case()
        case_services.pupil_update(
            case_id=case.pk,
            user=cast.home_staff,
            pupil_details={
                "legal_first_names": f"{DECOMPOSED_ZOE} Siân",
                "legal_surname": "Nguyễn O'Connor-Smith",
                "preferred_name": "",
                "date_of_birth": case.pupil.date_of_birth,
                "upn": case.pupil.upn,
                "home_address": case.pupil.home_address,
                "home_postcode": case.pupil.home_postcode,
                "sen_status": case.pupil.sen_status,
                "in_care": False,
            },
        )
        for name in (
            "Łukasz Nowak",
            "Ștefan Popescu",
            "Мария Иванова",
            "محمد علي",
            "陈美玲",
        ):
            case_services.carer_add(
                case_id=case.pk,
                user=cast.home_staff,
                details={
                    "full_name": name,
                    "relationship": "Carer",
                    "has_parental_responsibility": True,
                    "phone": "",
                    "email": "",
                },
            )
        plan_agreement(cast, case, reviews=MANY_REVIEWS)
        case_services.named_contact_record(
            case_id=case.pk,
            user=cast.receiving_staff,
            side="receiving",
            name="Bartholomew-Maximilian-Featherstonehaugh-Cholmondeley",
            email=LONG_EMAIL,
        )
    return case


def test_every_name_is_in_the_pdf_text(named_case):
    version = current_version(named_case, DocumentVersion.Kind.AGREEMENT)
    _, text = pdf_text(version.pdf.read())
    text = unicodedata.normalize("NFC", text)

    for name in NAMES:
        # Right-to-left text may be extracted in visual order.
        assert name in text or name[::-1] in text, name
    assert LONG_EMAIL in text.replace(" ", "")


def test_every_font_used_is_embedded(named_case):
    version = current_version(named_case, DocumentVersion.Kind.AGREEMENT)
    reader = PdfReader(io.BytesIO(version.pdf.read()))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            if descendant:
                font = descendant[0].get_object()
            fonts[font["/BaseFont"]] = font["/FontDescriptor"].get_object()

    assert fonts
    for name, descriptor in fonts.items():
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name
    families = " ".join(fonts)
    assert "Arabic" in families
    assert "CJK" in families
    assert "Liberation" in families


def test_a_long_review_table_breaks_between_rows(named_case):
    version = current_version(named_case, DocumentVersion.Kind.AGREEMENT)
    reader = PdfReader(io.BytesIO(version.pdf.read()))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]

    for number, review_on in enumerate(MANY_REVIEWS, start=1):
        row = f"Review {number} {review_on:%A} {review_on.day} {review_on:%B %Y}"
        assert any(row in page for page in pages), row
