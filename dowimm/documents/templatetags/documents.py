from django import template

from dowimm.documents.kinds import KINDS
from dowimm.documents.models import DocumentVersion
from dowimm.documents.selectors import awaited_parties, party_label

register = template.Library()


@register.simple_tag
def case_documents(case):
    """Each current document of the case with who has signed and who is awaited."""
    # The case page brings the current versions with the case.
    versions = getattr(case, "current_documents", None)
    if versions is None:
        versions = DocumentVersion.objects.filter(
            case=case, superseded_at__isnull=True
        ).prefetch_related("signatures")
    documents = []
    for version in sorted(versions, key=lambda v: list(KINDS).index(v.kind)):
        signed = list(version.signatures.all())
        for signature in signed:
            signature.party_label = party_label(
                version, signature.party, signature.carer_id
            )
        documents.append(
            {
                "spec": KINDS[version.kind],
                "version": version,
                "signed": signed,
                "awaited": awaited_parties(version),
            }
        )
    return documents
