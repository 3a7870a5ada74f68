"""
Keep each case's documents in step with the case.

Every write to a case goes through cases.services, which saves the case row
last of all; so a save of the case is the moment its documents are checked
against it, in the same transaction. Only the cheap part runs here (the
HTML and its hash); the PDF is rendered by a task once the change commits.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import AgreementSignature, Case
from dowimm.documents import services
from dowimm.documents.kinds import KINDS
from dowimm.schools.models import School


def _refresh(case):
    for kind, spec in KINDS.items():
        if case.state in spec.editable_states:
            services.document_refresh(case_id=case.pk, kind=kind)


@receiver(post_save, sender=Case, dispatch_uid="documents-case-saved")
def case_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.reference:
        _refresh(instance)


@receiver(post_save, sender=School, dispatch_uid="documents-school-saved")
def school_saved(sender, instance, raw=False, **kwargs):
    """A school's contacts, DSL and times appear in its cases' documents."""
    if raw:
        return
    editable = {state for spec in KINDS.values() for state in spec.editable_states}
    cases = Case.objects.filter(state__in=editable).filter(
        home_school=instance
    ) | Case.objects.filter(state__in=editable, receiving_school=instance)
    for case in cases.distinct():
        _refresh(case)


@receiver(
    post_save, sender=AgreementSignature, dispatch_uid="documents-paper-signature"
)
def paper_signature_recorded(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.paper_signature_attach(instance)
