"""
Thin tasks: each takes ids, reloads, and is safe to run twice. Rendering
happens here, never in a web request.
"""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from dowimm.documents import services
from dowimm.documents.models import SigningLink

logger = logging.getLogger(__name__)

# A mail server that is down or refusing is worth retrying; a bug is not.
SEND_ERRORS = (smtplib.SMTPException, OSError)


@shared_task
def version_render(version_id):
    services.version_render(version_id=version_id)


@shared_task
def version_finalise(version_id):
    services.version_finalise(version_id=version_id)


@shared_task(bind=True, max_retries=10)
def version_send(self, version_id):
    try:
        services.version_send(version_id=version_id)
    except SEND_ERRORS as error:
        logger.warning(
            "Email of signed document version %s failed (attempt %s)",
            version_id,
            self.request.retries + 1,
        )
        if self.request.is_eager:
            # Inline, a retry would hold up the person who signed last; the
            # periodic job sends it instead.
            return
        backoff = min(60 * 2**self.request.retries, 3600)
        raise self.retry(exc=error, countdown=backoff) from error


@shared_task
def send_signed_documents_due():
    """Beat job: any signed copy whose email never went, for whatever reason."""
    for version_id in services.versions_due_to_send():
        version_send.delay(version_id)


def _email_family(link, template, subject, **context):
    context = {"link": link, "authority_name": settings.AUTHORITY_NAME, **context}
    EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=[link.email],
    ).send()


@shared_task(
    autoretry_for=SEND_ERRORS, retry_backoff=30, max_retries=5, retry_jitter=True
)
def signing_link_email(link_id, url):
    link = SigningLink.objects.get(pk=link_id)
    for_pupil = link.party == "pupil"
    _email_family(
        link,
        "documents/email/signing_link.txt",
        f"A document from {settings.AUTHORITY_NAME} for "
        + ("your child" if for_pupil else "you")
        + " to sign",
        url=url,
        for_pupil=link.version.case.pupil.display_name if for_pupil else "",
    )


@shared_task(
    autoretry_for=SEND_ERRORS, retry_backoff=10, max_retries=3, retry_jitter=True
)
def signing_code_email(link_id, code):
    link = SigningLink.objects.get(pk=link_id)
    _email_family(
        link,
        "documents/email/signing_code.txt",
        f"Your code to sign a document from {settings.AUTHORITY_NAME}",
        code=code,
    )
