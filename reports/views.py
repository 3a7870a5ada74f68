import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases.fair_access import QUEUES_BY_SLUG, cases_waiting
from cases.selectors import case_queryset
from reports.exports import csv_response
from reports.figures import REPORTS, REPORTS_BY_SLUG
from reports.forms import ReportFilterForm
from reports.selectors import report_scope
from reports.services import report_export_record

CASES_PER_PAGE = 50


def _report_or_404(slug):
    report = REPORTS_BY_SLUG.get(slug)
    if report is None:
        raise Http404("No such report")
    return report


def _figures(request, report):
    """The filter form and the report's tables (none while the form has errors)."""
    scope = report_scope(request.user)
    form = ReportFilterForm(
        request.GET or None, scope=scope, today=timezone.localdate()
    )
    if form.is_bound and not form.is_valid():
        return scope, form, []
    return scope, form, report.build(form.apply(scope.cases()), form.period, scope)


@login_required
@never_cache
def report(request, slug="outcomes"):
    report = _report_or_404(slug)
    scope, form, tables = _figures(request, report)
    context = {
        "report": report,
        "reports": REPORTS,
        "scope": scope,
        "form": form,
        "period": form.period,
        "tables": tables,
        "query": form.query_string(),
    }
    return render(request, "reports/report.html", context)


@login_required
@never_cache
def report_csv(request, slug, table):
    report = _report_or_404(slug)
    _, form, tables = _figures(request, report)
    found = next((t for t in tables if t.slug == table), None)
    if found is None:
        raise Http404("No such figure, or the filters have a problem")
    start, end = form.period
    report_export_record(request=request, what=f"{report.slug}/{found.slug}")
    return csv_response(
        f"{found.slug}-{start:%Y%m%d}-{end:%Y%m%d}.csv", found.header, found.rows
    )


def _queue_or_404(request, slug):
    """
    The Fair Access team's work queues are lists of named cases, not
    statistics: each row is a case the officer is entitled to open and must
    act on, so nothing in them is withheld (reports.suppression is for
    figures about groups). Only the team may see them.
    """
    if not request.user.is_fair_access:
        raise Http404("Only the Fair Access team has these queues")
    queue = QUEUES_BY_SLUG.get(slug)
    if queue is None:
        raise Http404("No such queue")
    return queue


def _waited(case, today):
    since = case.waiting_since
    if isinstance(since, datetime.datetime):
        since = timezone.localdate(since)
    days = None if since is None else max((today - since).days, 0)
    return since, days


@login_required
@never_cache
def queue(request, slug):
    queue = _queue_or_404(request, slug)
    today = timezone.localdate()
    cases = cases_waiting(case_queryset(), queue, today)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(case, *_waited(case, today)) for case in page]
    context = {"queue": queue, "page": page, "rows": rows, "today": today}
    return render(request, "reports/queue.html", context)


@login_required
@never_cache
def queue_csv(request, slug):
    queue = _queue_or_404(request, slug)
    today = timezone.localdate()
    cases = cases_waiting(case_queryset(), queue, today)
    report_export_record(request=request, what=f"queue/{queue.slug}")
    header = [
        "Case",
        "Pupil",
        "Home school",
        "Receiving school",
        "Stage",
        "Waiting since",
        "Calendar days waiting",
    ]
    rows = []
    for case in cases:
        since, days = _waited(case, today)
        rows.append(
            [
                case.reference,
                case.pupil.display_name,
                case.home_school.name,
                case.receiving_school.name if case.receiving_school else "",
                case.get_state_display(),
                since.isoformat() if since else "",
                days,
            ]
        )
    return csv_response(f"{queue.slug}-{today:%Y%m%d}.csv", header, rows)
