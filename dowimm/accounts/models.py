import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin


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
    def role_label(self):
        """The role as the service shows it wherever it says who someone is."""
        if self.is_dsl:
            return "School staff (designated safeguarding lead)"
        return self.get_role_display()

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


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """
    A user's single-use recovery codes, for when their authenticator app
    is lost. Only a hash of each code is kept.
    """

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(
            code_hash=recovery_code_hash(token), used_at__isnull=True
        ).update(used_at=timezone.now())
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self):
        return 1

    @property
    def codes_left(self):
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(
        RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)


def recovery_code_hash(code):
    """
    Codes carry 80 random bits, so a plain SHA-256 cannot be reversed by
    guessing; a slow hash would make checking one code against ten slow.
    """
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


class SignedInSession(models.Model):
    """A session someone signed in to, so signing out can end all of them."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(default=timezone.now)
