from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import AgreementSignature
from dowimm.files import private_storage

Party = AgreementSignature.Party


class DocumentVersion(models.Model):
    """
    One frozen rendering of a document for a case. A change to anything the
    document shows makes a new version; the old one stays, superseded, with
    whatever signatures it collected.
    """

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "DOWIMM Agreement"
        OUTCOMES = "outcomes", "DOWIMM Outcomes Form"
        MANAGED_MOVE = "managed-move", "Managed Move Agreement"
        REINTEGRATION = "reintegration-plan", "Reintegration plan"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="document_versions"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    number = models.PositiveIntegerField()
    title = models.TextField()
    # The document's body exactly as it is signed, and who must sign it.
    html = models.TextField()
    parties = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    pdf = models.FileField(storage=private_storage, upload_to="documents/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    signed_at = models.DateTimeField(null=True, blank=True)
    signed_pdf = models.FileField(
        storage=private_storage, upload_to="documents/", blank=True
    )
    signed_pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "number"], name="one_number_per_version"
            ),
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_version_per_document",
            ),
        ]

    def __str__(self):
        return f"{self.title} version {self.number} ({self.case_id})"

    @property
    def is_current(self):
        return self.superseded_at is None

    @property
    def is_ready_to_sign(self):
        return self.is_current and bool(self.pdf_sha256)


class SigningLink(models.Model):
    """
    A single-use link emailed to a parent or carer (or, for the pupil, to a
    parent's address). Only hashes of the token and code are kept, so the
    database alone cannot be used to sign.
    """

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="signing_links"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    carer = models.ForeignKey(
        "cases.ParentCarer", null=True, blank=True, on_delete=models.CASCADE
    )
    email = models.EmailField()
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code_hmac = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    codes_sent = models.PositiveSmallIntegerField(default=0)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Signature(models.Model):
    class Method(models.TextChoices):
        IN_APP = "in_app", "Signed in dowimm by school staff"
        EMAILED_LINK = "emailed_link", "Signed online from an emailed link"
        PAPER = "paper", "Signed on paper (scan kept)"
        RECORDED = "recorded", "Recorded by school staff"

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    carer = models.ForeignKey(
        "cases.ParentCarer", null=True, blank=True, on_delete=models.CASCADE
    )
    signer_name = models.TextField()
    signer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    signed_at = models.DateTimeField(default=timezone.now)
    # The date written on a signature given on paper. For those, signed_at
    # is only when staff recorded it.
    signed_on = models.DateField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    # The PDF this person signed: the version's, frozen before any signature.
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    signing_link = models.OneToOneField(
        SigningLink, null=True, blank=True, on_delete=models.PROTECT
    )
    paper_signature = models.OneToOneField(
        "cases.AgreementSignature",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="document_signature",
    )

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "party"],
                condition=~models.Q(party="parent_carer"),
                name="one_document_signature_per_party",
            ),
            models.UniqueConstraint(
                fields=["version", "carer"],
                condition=models.Q(party="parent_carer"),
                name="one_document_signature_per_carer",
            ),
        ]

    def __str__(self):
        return f"{self.get_party_display()} on {self.version}"


class FamilyCopy(models.Model):
    """
    The signed PDF emailed to one parent or carer, in a message of its own
    so that nobody sees another person's address. Made when the version is
    signed by everyone; `sent_at` is set in the transaction that sends it.
    """

    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="family_copies"
    )
    carer = models.ForeignKey(
        "cases.ParentCarer", on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version", "pk"]
        constraints = [
            # Two carers sharing an address get one copy between them.
            models.UniqueConstraint(
                fields=["version", "email"], name="one_family_copy_per_address"
            ),
        ]

    def __str__(self):
        return f"Signed copy of {self.version} for carer {self.carer_id}"
