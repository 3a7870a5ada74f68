from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of staff. Parents, carers and pupils never have accounts."""

    class Role(models.TextChoices):
        SCHOOL_STAFF = "school_staff", "School staff"
        INCLUSION_ADVISER = "inclusion_adviser", "Inclusion Adviser"
        FAIR_ACCESS = "fair_access", "Fair Access and Exclusions Team officer"
        TRANSPORT = "transport", "Transport officer"
        ADMINISTRATOR = "administrator", "Administrator"

    role = models.CharField(max_length=32, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="School staff only: the school the person works at.",
    )
    is_dsl = models.BooleanField(
        "designated safeguarding lead",
        default=False,
        help_text="School staff only: the school's designated safeguarding lead.",
    )
    is_demo_account = models.BooleanField(
        default=False,
        help_text="Demo accounts can only sign in while DEBUG is on.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="school_staff", school__isnull=False)
                | ~models.Q(role="school_staff"),
                name="school_staff_have_a_school",
            ),
            models.CheckConstraint(
                condition=models.Q(is_dsl=False) | models.Q(role="school_staff"),
                name="only_school_staff_are_dsls",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_school_staff(self):
        return self.role == self.Role.SCHOOL_STAFF

    @property
    def is_inclusion_adviser(self):
        return self.role == self.Role.INCLUSION_ADVISER

    @property
    def is_fair_access(self):
        return self.role == self.Role.FAIR_ACCESS

    @property
    def is_transport_officer(self):
        return self.role == self.Role.TRANSPORT
