"""
A designated safeguarding lead is named as one wherever the service says
who someone is: the header, who has seen a case, and the admin's list.
"""

import pytest
from django.urls import reverse

from cases.tests.factories import Cast

pytestmark = pytest.mark.django_db

DSL_LABEL = "School staff (designated safeguarding lead)"


@pytest.fixture
def cast():
    return Cast()


def test_each_role_is_labelled_and_a_dsl_as_a_dsl(cast):
    assert cast.home_dsl.role_label == DSL_LABEL
    assert cast.home_staff.role_label == "School staff"
    assert cast.adviser.role_label == "Inclusion Adviser"
    assert cast.fair_access.role_label == "Fair Access and Exclusions Team officer"


def test_a_dsl_sees_their_role_in_the_header(client, cast):
    client.force_login(cast.home_dsl)

    html = client.get(reverse("cases:list")).content.decode()

    assert f'<span class="dowimm-account__role">{DSL_LABEL}</span>' in html


def test_who_has_seen_a_case_names_the_dsl_as_one(client, cast):
    case = cast.open_case()
    client.force_login(cast.home_dsl)
    client.get(reverse("cases:detail", args=[case.pk]))

    html = client.get(reverse("audit:case_access", args=[case.pk])).content.decode()

    assert f"{DSL_LABEL}, Home Academy" in html


def test_the_admin_list_of_users_names_the_dsl_as_one(client, cast):
    client.force_login(cast.admin)

    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert DSL_LABEL in html
    assert html.count(DSL_LABEL) == 2  # home-dsl and receiving-dsl
