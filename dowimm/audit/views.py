from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import FileResponse
from django.shortcuts import render

from cases.selectors import get_case_or_404
from dowimm.accounts.models import User
from dowimm.audit import services
from dowimm.audit.models import AccessEvent

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
}


@login_required
def case_access(request, pk):
    case = get_case_or_404(request.user, pk, "audit.view_case_access")
    events = AccessEvent.objects.filter(case=case)
    people = (
        events.order_by()
        .values("user")
        .annotate(last_seen=Max("at"), last_pk=Max("pk"), times=Count("pk"))
        .order_by("-last_seen", "-last_pk")
    )
    users = User.objects.select_related("school").in_bulk(
        [person["user"] for person in people]
    )
    page = Paginator(events.select_related("user", "school"), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for event in page:
        event.view_name = VIEW_NAMES.get(event.view, event.view)
    context = {
        "case": case,
        "people": [
            {**person, "person": users.get(person["user"])} for person in people
        ],
        "page": page,
    }
    return render(request, "audit/case_access.html", context)


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
