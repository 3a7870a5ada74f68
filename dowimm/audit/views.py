from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import FileResponse
from django.shortcuts import render

from cases.models import AgreementSignature
from cases.selectors import get_case_or_404
from dowimm.accounts.models import User
from dowimm.audit import services
from dowimm.audit.models import AccessEvent
from dowimm.documents.models import SigningLink

EVENTS_PER_PAGE = 50

# What each page is called in the record of access; new pages show their
# URL name until they are given one here.
VIEW_NAMES = {
    "cases:list": "List of cases",
    "cases:detail": "Case page",
    "cases:provision_plan_file": "Provision Plan document",
    "cases:signature_scan": "Scan of a signed agreement",
    "transport:queue": "Transport queue",
    "transport:decide": "Transport decision",
    "audit:case_access": "Who has seen this child",
    "audit:subject_access_export": "Subject access export",
    "documents:signing_start": "Signing link opened (nothing about the child shown)",
    "documents:signing_code": "Code page (nothing about the child shown)",
    "documents:signing_document": "Document to sign",
    "documents:signing_renew": "Asked for a new signing link (nothing shown)",
}


def view_label(view):
    """
    A page's name as people read it: from the list above, or made from the
    URL name ("cases:agreement_received" reads "Agreement received").
    """
    if view in VIEW_NAMES:
        return VIEW_NAMES[view]
    words = view.rpartition(":")[2].replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else view


@login_required
def case_access(request, pk):
    case = get_case_or_404(request.user, pk, "audit.view_case_access")
    events = AccessEvent.objects.filter(case=case)
    people = list(
        events.order_by()
        .values("user", "signing_link")
        .annotate(last_seen=Max("at"), last_pk=Max("pk"), times=Count("pk"))
        .order_by("-last_seen", "-last_pk")
    )
    users = User.objects.select_related("school").in_bulk(
        [person["user"] for person in people if person["user"]]
    )
    links = SigningLink.objects.in_bulk(
        [person["signing_link"] for person in people if person["signing_link"]]
    )
    for person in people:
        user, link = users.get(person["user"]), links.get(person["signing_link"])
        person["who"], person["role"] = _who(user, link), _role(user, link)

    page = Paginator(
        events.select_related("user", "signing_link"), EVENTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    for event in page:
        event.view_name = view_label(event.view)
        event.who = _who(event.user, event.signing_link)
    context = {"case": case, "people": people, "page": page}
    return render(request, "audit/case_access.html", context)


def _who(user, link):
    """
    Who a row of the record of access was. A signing link is named by the
    address it went to, which everyone who may read this page can already
    see on the case.
    """
    if link is not None:
        party = AgreementSignature.Party(link.party).label
        return f"{party}, by signing link sent to {link.email}"
    return str(user) if user else "A removed account"


def _role(user, link):
    if link is not None:
        return AgreementSignature.Party(link.party).label
    if user is None:
        return ""
    role = user.role_label
    return f"{role}, {user.school.name}" if user.school else role


@login_required
def subject_access_export(request, pk):
    case = get_case_or_404(request.user, pk, "audit.export_subject_access")
    archive = services.subject_access_archive(pupil=case.pupil)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"subject-access-{case.reference or case.pk}.zip",
        content_type="application/zip",
    )
