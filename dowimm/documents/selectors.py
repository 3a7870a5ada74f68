from cases.models import AgreementSignature
from dowimm.documents.models import DocumentVersion

Document = AgreementSignature.Document
Kind = DocumentVersion.Kind

# The staff form records signatures against these; the documents app keeps
# them per version.
KIND_FOR_DOCUMENT = {
    Document.DOWIMM_AGREEMENT: Kind.AGREEMENT,
    Document.MANAGED_MOVE_AGREEMENT: Kind.MANAGED_MOVE,
}


def current_version(case, kind):
    return DocumentVersion.objects.filter(
        case=case, kind=kind, superseded_at__isnull=True
    ).first()


def party_key(party, carer_id):
    return (str(party), carer_id)


def signed_keys(version):
    return {party_key(s.party, s.carer_id) for s in version.signatures.all()}


def awaited_parties(version):
    """The parties of a version still to sign it, in the document's order."""
    signed = signed_keys(version)
    return [
        party
        for party in version.parties
        if party_key(party["party"], party["carer_id"]) not in signed
    ]


def party_label(version, party, carer_id):
    for entry in version.parties:
        if party_key(entry["party"], entry["carer_id"]) == party_key(party, carer_id):
            return f"{entry['label']}: {entry['name']}"
    return str(party)


def version_matching(sha256):
    """
    The version whose PDF, signed or as sent for signing, has this SHA-256,
    with whether it was the signed copy; (None, False) when none does.
    """
    sha256 = sha256.lower()
    signed = DocumentVersion.objects.filter(signed_pdf_sha256=sha256).first()
    if signed:
        return signed, True
    return DocumentVersion.objects.filter(pdf_sha256=sha256).first(), False
