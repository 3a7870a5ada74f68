import pytest
import time_machine

from cases.tests.factories import Cast
from dowimm.documents.tests.factories import TODAY, plan_agreement


@pytest.fixture(autouse=True)
def _mail_to_files(settings):
    """Mail as the demo writes it: files in EMAIL_FILE_PATH (a tmp_path)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


@pytest.fixture
def cast():
    with time_machine.travel(TODAY, tick=False):
        yield Cast()


@pytest.fixture
def agreement_case(cast, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = cast.planning_case()
        return plan_agreement(cast, case)
