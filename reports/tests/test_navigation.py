import pytest
from django.urls import reverse

from cases.tests.factories import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("fair_access", True),
        ("adviser", True),
        ("home_staff", True),
        ("transport", False),
    ],
)
def test_the_menu_offers_reports_to_those_who_have_figures(client, who, shown):
    cast = Cast()
    client.force_login(getattr(cast, who))

    page = client.get(reverse("cases:list")).content.decode()

    link = f'href="{reverse("reports:report")}"'
    assert (link in page) is shown
