"""
Every write to documents: new versions, signatures, signing links and codes,
the final signed copy and its delivery.

Writes lock the case row first, as cases.services does, so a signature and
a change that supersedes the version it signs can never interleave.
"""

import datetime
import hashlib
import logging
import secrets
import unicodedata

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from cases.models import AgreementSignature, Case
from dowimm.documents import pdf, tasks
from dowimm.documents.kinds import KINDS
from dowimm.documents.models import (
    DocumentVersion,
    FamilyCopy,
    Signature,
    SigningLink,
)
from dowimm.documents.selectors import (
    KIND_FOR_DOCUMENT,
    awaited_parties,
    current_version,
    party_key,
    party_label,
    signed_keys,
)

logger = logging.getLogger(__name__)

Party = AgreementSignature.Party
DOCUMENT_FOR_KIND = {kind: document for document, kind in KIND_FOR_DOCUMENT.items()}
SIGNING_CODE_LIFETIME = datetime.timedelta(minutes=30)
SIGNING_CODE_ATTEMPTS = 5
SIGNING_CODES_PER_LINK = 5


class DocumentError(Exception):
    """A signing rule refused. `field` names the form input, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def _lock_case(case_id):
    return Case.objects.select_for_update().get(pk=case_id)


def _note_on_case(case, user, reason):
    """A history row on the case, as every change to a case has."""
    case.updated_at = timezone.now()
    case._history_user = user
    case._change_reason = reason
    case.save()


# Versions


@transaction.atomic
def document_refresh(*, case_id, kind):
    """
    Make a new version when anything the document shows has changed since
    the current one, superseding it. Returns the new version, or None when
    nothing changed or the document is not ready for this case.
    """
    case = _lock_case(case_id)
    spec = KINDS[kind]
    if case.state not in spec.editable_states or not spec.ready(case):
        return None
    html = pdf.body_html(spec, case)
    parties = spec.parties(case)
    digest = pdf.content_sha256(html, parties)
    current = current_version(case, kind)
    if current and current.content_sha256 == digest:
        return None

    now = timezone.now()
    if current:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
        current.signing_links.filter(
            used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
    last = case.document_versions.filter(kind=kind).aggregate(n=Max("number"))["n"]
    version = DocumentVersion.objects.create(
        case=case,
        kind=kind,
        number=(last or 0) + 1,
        title=spec.title,
        html=html,
        parties=parties,
        content_sha256=digest,
        created_at=now,
    )
    if last is None:
        # Signed on paper before dowimm prepared any version.
        earlier = case.signatures.filter(
            document=DOCUMENT_FOR_KIND.get(kind), document_signature__isnull=True
        )
        for paper in earlier:
            _paper_signature_attach(version, paper)
    transaction.on_commit(lambda: tasks.version_render.delay(version.pk))
    return version


@transaction.atomic
def version_render(*, version_id):
    """Render and store the version's PDF, once. Safe to run twice."""
    version = DocumentVersion.objects.select_for_update().get(pk=version_id)
    if version.pdf_sha256:
        return version
    data = pdf.pdf_from_html(pdf.page_html(version))
    spec = KINDS[version.kind]
    version.pdf.save(
        spec.file_name(version.case, version.number), ContentFile(data), save=False
    )
    version.pdf_sha256 = pdf.sha256_of(data)
    version.rendered_at = timezone.now()
    version.save()
    # Paper signatures can be recorded before the worker has rendered.
    version.signatures.filter(pdf_sha256="").update(pdf_sha256=version.pdf_sha256)
    _complete_if_signed(version)
    return version


# Signatures


def _signature_add(version, *, party, carer_id, signer_name, method, **details):
    key = party_key(party, carer_id)
    if key not in {party_key(p["party"], p["carer_id"]) for p in version.parties}:
        raise DocumentError("This person is not asked to sign this document")
    if key in signed_keys(version):
        raise DocumentError("This signature is already recorded")
    signer_name = unicodedata.normalize("NFC", " ".join(signer_name.split()))
    if not signer_name:
        raise DocumentError("A signature needs the name of the person who signed")
    signature = Signature.objects.create(
        version=version,
        party=party,
        carer_id=carer_id,
        signer_name=signer_name,
        method=method,
        pdf_sha256=version.pdf_sha256,
        **details,
    )
    _complete_if_signed(version)
    return signature


def _complete_if_signed(version):
    if version.signed_at or not version.pdf_sha256 or awaited_parties(version):
        return
    version.signed_at = timezone.now()
    version.save(update_fields=["signed_at"])
    transaction.on_commit(lambda: tasks.version_finalise.delay(version.pk))


def _signable_version(case, version_id):
    version = DocumentVersion.objects.select_for_update().get(pk=version_id, case=case)
    if not version.is_current:
        raise DocumentError(
            "This version has been replaced because the case changed. "
            "Sign the new version instead."
        )
    if not version.pdf_sha256:
        raise DocumentError(
            "The PDF of this version is still being prepared. Try again in a minute."
        )
    return version


def staff_party(user, case):
    """The school party a member of staff signs for on this case, or None."""
    if not user.is_school_staff:
        return None
    if user.school_id == case.home_school_id:
        return Party.HOME_SCHOOL
    if user.school_id == case.receiving_school_id:
        return Party.RECEIVING_SCHOOL
    return None


@transaction.atomic
def signature_sign_in_app(*, version_id, user, ip_address, user_agent):
    """A member of staff signs for their school."""
    version = DocumentVersion.objects.get(pk=version_id)
    case = _lock_case(version.case_id)
    version = _signable_version(case, version_id)
    party = staff_party(user, case)
    if party is None:
        raise DocumentError("Only staff of the two schools sign for them")
    # A username is an account's key, not a name to put on a signed copy.
    if not user.get_full_name():
        raise DocumentError(
            "Your account has no name on it. Ask an administrator to add your "
            "name, then sign."
        )
    signature = _signature_add(
        version,
        party=party,
        carer_id=None,
        signer_name=user.get_full_name(),
        method=Signature.Method.IN_APP,
        signer_user=user,
        ip_address=ip_address,
        user_agent=user_agent[:500],
    )
    _note_on_case(
        case,
        user,
        f"{version.title} version {version.number} signed for the "
        f"{signature.get_party_display().lower()}",
    )
    return signature


def paper_signature_attach(agreement_signature):
    """
    Count a signature recorded by staff (on paper, with a scan) for the
    current version of its document.
    """
    kind = KIND_FOR_DOCUMENT[agreement_signature.document]
    version = current_version(agreement_signature.case, kind)
    if version is not None:
        _paper_signature_attach(version, agreement_signature)


def _paper_signature_attach(version, paper):
    key = party_key(paper.party, paper.carer_id)
    if key in signed_keys(version):
        return
    _signature_add(
        version,
        party=paper.party,
        carer_id=paper.carer_id,
        signer_name=paper.signed_by_name,
        method=Signature.Method.PAPER if paper.scan else Signature.Method.RECORDED,
        signed_on=paper.signed_on,
        signer_user=paper.recorded_by,
        paper_signature=paper,
    )


# Signing links for parents, carers and the pupil


def token_sha256(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _code_hmac(link, code):
    return salted_hmac("dowimm.documents.signing-code", f"{link.pk}:{code}").hexdigest()


def _link_create(version, *, party, carer_id, email, user, site_url):
    now = timezone.now()
    SigningLink.objects.filter(
        version__case=version.case,
        version__kind=version.kind,
        party=party,
        carer_id=carer_id,
        used_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    link = SigningLink.objects.create(
        version=version,
        party=party,
        carer_id=carer_id,
        email=email,
        token_sha256=token_sha256(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.DOWIMM_SIGNING_LINK_DAYS),
        sent_by=user,
    )
    url = f"{site_url.rstrip('/')}/sign/{token}/"
    transaction.on_commit(lambda: tasks.signing_link_email.delay(link.pk, url))
    return link


def signing_recipients(case, version):
    """
    Who can be sent a link, as {form key: (label, party, carer_id, email)}:
    each awaited parent or carer with an email address, and the pupil, whose
    link goes to a parent's address because pupils have none on the case.
    """
    carers = {c.pk: c for c in case.pupil.carers.all()}
    family_emails = [
        (c.full_name, c.email)
        for c in carers.values()
        if c.has_parental_responsibility and c.email
    ]
    choices = {}
    for party in awaited_parties(version):
        if party["party"] == Party.PARENT_CARER:
            carer = carers.get(party["carer_id"])
            if carer and carer.email:
                choices[f"carer-{carer.pk}"] = (
                    f"{carer.full_name}, to {carer.email}",
                    Party.PARENT_CARER,
                    carer.pk,
                    carer.email,
                )
        elif party["party"] == Party.PUPIL:
            for number, (name, email) in enumerate(family_emails):
                choices[f"pupil-{number}"] = (
                    f"{party['name']} (the pupil), to {name}'s address {email}",
                    Party.PUPIL,
                    None,
                    email,
                )
    return choices


@transaction.atomic
def signing_link_send(*, version_id, user, party, carer_id, email, site_url):
    version = DocumentVersion.objects.get(pk=version_id)
    case = _lock_case(version.case_id)
    version = _signable_version(case, version_id)
    if party_key(party, carer_id) in signed_keys(version):
        raise DocumentError("This person has already signed", field="recipient")
    link = _link_create(
        version,
        party=party,
        carer_id=carer_id,
        email=email,
        user=user,
        site_url=site_url,
    )
    _note_on_case(
        case,
        user,
        f"Signing link for the {version.title} emailed "
        f"({party_label(version, party, carer_id).split(':')[0].lower()})",
    )
    return link


def link_for_token(token, *, lock=False):
    links = SigningLink.objects.select_related("version")
    if lock:
        links = links.select_for_update()
    return links.filter(token_sha256=token_sha256(token)).first()


def link_problem(link):
    """
    Why a link cannot be used now, as one word, or None when it can:
    "used", "expired", "replaced" (the document changed or a newer link was
    sent), "locked" (too many wrong codes) or "signed" (already signed).
    """
    if link.used_at:
        return "used"
    if link.revoked_at or not link.version.is_current:
        return "replaced"
    if link.expires_at <= timezone.now():
        return "expired"
    if link.failed_attempts >= SIGNING_CODE_ATTEMPTS:
        return "locked"
    if party_key(link.party, link.carer_id) in signed_keys(link.version):
        return "signed"
    return None


def _usable_link(token):
    link = link_for_token(token, lock=True)
    if link is None:
        raise DocumentError("This link is not recognised")
    if link_problem(link):
        raise DocumentError("This link can no longer be used")
    return link


@transaction.atomic
def signing_code_send(*, token):
    """Email a new 6-digit code to the address the link was sent to."""
    link = _usable_link(token)
    if link.codes_sent >= SIGNING_CODES_PER_LINK:
        raise DocumentError(
            "Too many codes have been sent for this link. Ask for a new link."
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    link.code_hmac = _code_hmac(link, code)
    link.code_sent_at = timezone.now()
    link.codes_sent += 1
    link.save()
    transaction.on_commit(lambda: tasks.signing_code_email.delay(link.pk, code))
    return link


def signing_code_check(*, token, code):
    """
    Check a code; True when it matches. A wrong code counts against the link
    (committed even though the check fails) so codes cannot be guessed.
    """
    with transaction.atomic():
        link = _usable_link(token)
        if not link.code_hmac:
            raise DocumentError("Ask for a code first", field="code")
        if link.code_sent_at + SIGNING_CODE_LIFETIME <= timezone.now():
            raise DocumentError(
                "This code has expired. Send yourself a new code.", field="code"
            )
        if constant_time_compare(link.code_hmac, _code_hmac(link, code)):
            link.verified_at = timezone.now()
            link.save(update_fields=["verified_at"])
            return True
        link.failed_attempts += 1
        link.save(update_fields=["failed_attempts"])
        logger.info("Wrong signing code for link %s", link.pk)
        return False


def _name_key(name):
    """Names compared as people type them: any case, spacing or accents."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if c.isalnum() or c.isspace())
    return " ".join(letters.split())


def _party_names(case, version, link):
    """The names the signer may type: as on the document, and the legal name."""
    names = [
        entry["name"]
        for entry in version.parties
        if party_key(entry["party"], entry["carer_id"])
        == party_key(link.party, link.carer_id)
    ]
    if link.party == Party.PUPIL:
        names.append(case.pupil.legal_name)
    return names


@transaction.atomic
def signature_sign_from_link(*, token, signer_name, ip_address, user_agent):
    link = link_for_token(token)
    if link is None:
        raise DocumentError("This link is not recognised")
    case = _lock_case(link.version.case_id)
    link = _usable_link(token)
    if not link.verified_at:
        raise DocumentError("Enter the code we sent you first")
    version = _signable_version(case, link.version_id)
    expected = _party_names(case, version, link)
    if _name_key(signer_name) not in {_name_key(name) for name in expected}:
        raise DocumentError(
            f"Type the full name of {expected[0]}: this link is for them to "
            "sign in their own name"
        )
    signature = _signature_add(
        version,
        party=link.party,
        carer_id=link.carer_id,
        signer_name=signer_name,
        method=Signature.Method.EMAILED_LINK,
        ip_address=ip_address,
        user_agent=user_agent[:500],
        signing_link=link,
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    _note_on_case(
        case,
        None,
        f"{version.title} version {version.number} signed online "
        f"({signature.get_party_display().lower()})",
    )
    return signature


@transaction.atomic
def signing_link_renew(*, token, site_url):
    """
    A new link, to the same address, for the current version of the same
    document. Only the newest link for a person can be renewed, so one old
    link cannot be used to flood an inbox.
    """
    old = link_for_token(token)
    if old is None:
        raise DocumentError("This link is not recognised")
    case = _lock_case(old.version.case_id)
    newer = SigningLink.objects.filter(
        version__case=case,
        version__kind=old.version.kind,
        party=old.party,
        carer_id=old.carer_id,
        created_at__gt=old.created_at,
    )
    if newer.exists():
        raise DocumentError(
            "A newer link has already been sent. Check your email, including "
            "any junk or spam folder."
        )
    version = current_version(case, old.version.kind)
    if version is None or not version.pdf_sha256:
        raise DocumentError(
            "The document is being updated. Ask the school to send you a link "
            "when it is ready."
        )
    if party_key(old.party, old.carer_id) in signed_keys(version):
        raise DocumentError("You have already signed this document. Thank you.")
    return _link_create(
        version,
        party=old.party,
        carer_id=old.carer_id,
        email=old.email,
        user=None,
        site_url=site_url,
    )


# The signed copy and its delivery


@transaction.atomic
def version_finalise(*, version_id):
    """
    The signed PDF: the version with its signature page, and a copy due to
    each parent or carer. Runs once.
    """
    version = DocumentVersion.objects.select_for_update().get(pk=version_id)
    if version.signed_pdf_sha256 or not version.signed_at:
        return version
    signatures = list(version.signatures.select_related("signer_user"))
    for signature in signatures:
        signature.party_label = party_label(
            version, signature.party, signature.carer_id
        )
    data = pdf.pdf_from_html(pdf.page_html(version, signatures=signatures))
    spec = KINDS[version.kind]
    version.signed_pdf.save(
        spec.file_name(version.case, signed=True), ContentFile(data), save=False
    )
    version.signed_pdf_sha256 = pdf.sha256_of(data)
    version.save()
    FamilyCopy.objects.bulk_create(
        FamilyCopy(version=version, carer=carer, email=email)
        for carer, email in family_recipients(version)
    )
    transaction.on_commit(lambda: tasks.version_send.delay(version.pk))
    return version


def family_recipients(version):
    """
    (carer, email) for each parent or carer with parental responsibility
    who is a party to the version and has an email address; an address two
    carers share, once.
    """
    signing = {p["carer_id"] for p in version.parties if p["carer_id"] is not None}
    carers = version.case.pupil.carers.filter(
        pk__in=signing, has_parental_responsibility=True
    ).exclude(email="")
    recipients = {}
    for carer in carers:
        recipients.setdefault(carer.email.casefold(), (carer, carer.email))
    return list(recipients.values())


def delivery_recipients(case):
    """FAET's mailbox and both schools' named contacts for the case."""
    recipients = [settings.FAET_MAILBOX]
    for email in (
        case.home_contact_email or case.home_school.named_contact_email,
        case.receiving_contact_email
        or getattr(case.receiving_school, "named_contact_email", ""),
    ):
        if email and email not in recipients:
            recipients.append(email)
    return recipients


def version_send(*, version_id):
    """
    Email the signed PDF: one message to the Fair Access team and the
    schools, and one to each parent or carer. Each is marked sent in the
    transaction that sends it, so a failed send leaves it unmarked for a
    retry, and a send that succeeded is never repeated. True when anything
    was sent.
    """
    sent = _staff_copy_send(version_id)
    copies = FamilyCopy.objects.filter(version_id=version_id, sent_at__isnull=True)
    for copy_id in copies.values_list("pk", flat=True):
        sent = _family_copy_send(copy_id) or sent
    return sent


def _signed_copy_message(version, *, subject, template, to):
    context = {
        "version": version,
        "case": version.case,
        "authority_name": settings.AUTHORITY_NAME,
    }
    message = EmailMessage(
        subject=subject, body=render_to_string(template, context), to=to
    )
    name = KINDS[version.kind].file_name(version.case, signed=True)
    with version.signed_pdf.open("rb") as signed:
        message.attach(name, signed.read(), "application/pdf")
    return message


@transaction.atomic
def _staff_copy_send(version_id):
    version = (
        DocumentVersion.objects.select_for_update()
        .select_related("case")
        .get(pk=version_id)
    )
    if version.sent_at or not version.signed_pdf_sha256:
        return False
    case = version.case
    recipients = delivery_recipients(case)
    _signed_copy_message(
        version,
        subject=f"Signed {version.title}: {case.reference}",
        template="documents/email/signed_document.txt",
        to=recipients,
    ).send()
    version.sent_at = timezone.now()
    version.sent_to = ", ".join(recipients)
    version.save(update_fields=["sent_at", "sent_to"])
    _note_on_case(
        case,
        None,
        f"Signed {version.title} emailed to the Fair Access team and both schools",
    )
    return True


@transaction.atomic
def _family_copy_send(copy_id):
    family_copy = (
        FamilyCopy.objects.select_for_update(of=("self",))
        .select_related("version__case", "carer")
        .get(pk=copy_id)
    )
    if family_copy.sent_at:
        return False
    version = family_copy.version
    # The subject names neither the document nor the child: others may see
    # a family's inbox.
    _signed_copy_message(
        version,
        subject=f"Your signed copy of a document from {settings.AUTHORITY_NAME}",
        template="documents/email/signed_document_family.txt",
        to=[family_copy.email],
    ).send()
    family_copy.sent_at = timezone.now()
    family_copy.save(update_fields=["sent_at"])
    _note_on_case(
        version.case,
        None,
        f"Signed {version.title} emailed to {family_copy.carer.full_name}",
    )
    return True


def versions_due_to_send():
    """Signed versions with a copy, for staff or for family, still to send."""
    unsent_copies = FamilyCopy.objects.filter(
        version=OuterRef("pk"), sent_at__isnull=True
    )
    return (
        DocumentVersion.objects.filter(signed_pdf_sha256__gt="")
        .filter(Q(sent_at__isnull=True) | Exists(unsent_copies))
        .values_list("pk", flat=True)
    )
