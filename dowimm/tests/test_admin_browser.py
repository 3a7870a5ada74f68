"""
The Django administration site under the site's Content Security Policy:
the `browser_page` fixture fails the test on any violation. Only the sign-in
pages, which are the site's own, get an axe scan; the admin keeps Django's
own look (see the README's security section for what axe finds there).
"""

import pytest
from playwright.sync_api import expect

from cases.tests.factories import SchoolFactory, UserFactory
from conftest import sign_in
from dowimm.accounts.models import User

PASSWORD = "a long passphrase for the administrator"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_index_list_and_form_work_under_the_policy(browser_page, live_server):
    page = browser_page
    administrator = UserFactory(
        username="site-admin",
        role=User.Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )
    administrator.set_password(PASSWORD)
    administrator.save()
    school = SchoolFactory(name="Admin Test Academy")
    teacher = UserFactory(
        username="a-teacher", role=User.Role.SCHOOL_STAFF, school=school
    )

    sign_in(page, live_server.url, "site-admin", PASSWORD)

    page.goto(f"{live_server.url}/django-admin/")
    expect(page.locator("#schools-school")).to_be_visible()

    page.goto(f"{live_server.url}/django-admin/accounts/user/")
    expect(page.get_by_role("link", name="site-admin")).to_be_visible()
    # The change list's own script: select every row.
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("2 of 2 selected")

    page.goto(f"{live_server.url}/django-admin/schools/school/{school.pk}/change/")
    expect(page.get_by_role("heading", name="Admin Test Academy")).to_be_visible()

    page.goto(f"{live_server.url}/django-admin/accounts/user/{teacher.pk}/change/")
    expect(page.locator("input[name=username]")).to_have_value("a-teacher")
    # The date shortcuts and the school search (select2) are scripts too.
    page.locator("#id_date_joined_0").locator("xpath=..").get_by_role(
        "link", name="Today"
    ).click()
    page.locator("#select2-id_school-container").click()
    page.locator(".select2-search__field").fill("Admin Test")
    expect(page.locator(".select2-results")).to_contain_text("Admin Test Academy")
