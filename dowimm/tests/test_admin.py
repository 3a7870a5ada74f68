import pytest
from django.urls import reverse

from cases.tests.factories import SchoolFactory, UserFactory
from dowimm.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(role=User.Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def test_administrators_manage_schools_and_keep_local_fields(client, administrator):
    school = SchoolFactory(name="St Mary's Academy")
    client.force_login(administrator)

    listing = client.get(reverse("admin:schools_school_changelist"))
    page = client.get(reverse("admin:schools_school_change", args=[school.pk]))

    assert "St Mary&#x27;s Academy" in listing.content.decode()
    html = page.content.decode()
    assert 'name="headteacher"' in html
    assert 'name="name"' not in html  # the GIAS name comes from the import


def test_administrators_give_staff_a_role_and_school(client, administrator):
    client.force_login(administrator)

    page = client.get(reverse("admin:accounts_user_change", args=[administrator.pk]))

    html = page.content.decode()
    assert 'name="role"' in html
    assert 'name="is_dsl"' in html
