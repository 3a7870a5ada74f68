from cases.tests.factories import SchoolFactory, UserFactory

PASSPHRASE = "a long test passphrase"


def staff_member(**overrides):
    """A member of home-school staff, password PASSPHRASE, no second factor."""
    overrides.setdefault("school", SchoolFactory())
    return UserFactory(**overrides)
