from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dowimm.calendars import services
from dowimm.calendars.forms import AcademicYearForm, CalendarEntryForm
from dowimm.calendars.models import Calendar, CalendarEntry
from dowimm.calendars.school_days import (
    NoTermDates,
    academic_year_bounds,
    academic_year_of,
    school_days_for,
)
from dowimm.calendars.services import CalendarImportError
from dowimm.schools.models import School


def _school_or_404(user, school_pk, permission):
    """The school (None for the county) if the user holds `permission` on it."""
    school = None
    if school_pk is not None:
        school = get_object_or_404(School, pk=school_pk)
    if not user.has_perm(permission, school):
        raise Http404("No such calendar")
    return school


def _calendar_url(school, academic_year=None):
    if school is None:
        url = reverse("calendars:county")
    else:
        url = reverse("calendars:school", args=[school.pk])
    return f"{url}?year={academic_year}" if academic_year else url


def _place(school):
    return school.name if school else f"{settings.AUTHORITY_NAME} (the county)"


@login_required
def calendar_list(request):
    user = request.user
    if not user.has_perm("calendars.view_calendar", None):
        raise Http404("No calendars")

    own_calendars = Calendar.objects.filter(school__isnull=False).select_related(
        "school"
    )
    context = {
        "own_school": user.school if user.is_school_staff else None,
        "can_edit_county": user.has_perm("calendars.edit_calendar", None),
        "own_calendars": own_calendars.order_by("school__name"),
        "schools": School.objects.filter(la_code=settings.AUTHORITY_LA_CODE),
    }
    return render(request, "calendars/calendar_list.html", context)


@login_required
def calendar_detail(request, school_pk=None):
    school = _school_or_404(request.user, school_pk, "calendars.view_calendar")
    if school is None and request.GET.get("school"):
        return redirect("calendars:school", request.GET["school"])

    form = AcademicYearForm(request.GET)
    today_year = academic_year_of(timezone.localdate())
    year = form.cleaned_data["year"] if form.is_valid() else ""
    year = year or today_year
    first_year = int(year[:4])

    school_days = school_days_for(school)
    try:
        summary = _year_summary(school_days, year)
        missing = None
    except NoTermDates as error:
        summary, missing = None, error

    own = _own_entries(school, year)
    context = {
        "school": school,
        "place": _place(school),
        "year": year,
        "previous_year": f"{first_year - 1}-{first_year % 100:02d}",
        "next_year": f"{first_year + 1}-{(first_year + 2) % 100:02d}",
        "summary": summary,
        "missing": missing,
        "own_entries": own,
        "uses_own_terms": any(e.kind == CalendarEntry.Kind.TERM for e in own),
        "can_edit": request.user.has_perm("calendars.edit_calendar", school),
        "add_url": reverse(
            "calendars:county_add" if school is None else "calendars:school_add",
            args=[] if school is None else [school.pk],
        ),
    }
    return render(request, "calendars/calendar_detail.html", context)


def _year_summary(school_days, year):
    academic_year = school_days.academic_year(year)
    first, last = academic_year_bounds(year)
    terms = [
        {
            "term": term,
            "school_days": school_days.count_school_days(
                term.start_date, term.end_date
            ),
        }
        for term in sorted(academic_year.terms, key=lambda t: t.start_date)
    ]
    return {
        "terms": terms,
        "closures": school_days.closures_between(first, last),
        "school_days": len(academic_year.days),
    }


def _own_entries(school, year):
    entries = CalendarEntry.objects.filter(academic_year=year)
    if school is None:
        return list(entries.filter(calendar__school__isnull=True))
    return list(entries.filter(calendar__school=school))


@login_required
def entry_add(request, school_pk=None):
    school = _school_or_404(request.user, school_pk, "calendars.edit_calendar")
    form = CalendarEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.calendar_entry_add(
                user=request.user, school=school, **form.cleaned_data
            )
        except CalendarImportError as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, f"{entry.label} added to the calendar")
            return redirect(_calendar_url(school, entry.academic_year))

    context = {
        "form": form,
        "school": school,
        "place": _place(school),
        "back_url": _calendar_url(school),
    }
    return render(request, "calendars/entry_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request, entry_pk):
    entry = get_object_or_404(
        CalendarEntry.objects.select_related("calendar__school"), pk=entry_pk
    )
    school = entry.calendar.school
    if not request.user.has_perm("calendars.edit_calendar", school):
        raise Http404("No such calendar entry")

    back_url = _calendar_url(school, entry.academic_year)
    error = None
    if request.method == "POST":
        try:
            services.calendar_entry_delete(user=request.user, entry_id=entry.pk)
        except CalendarImportError as refused:
            error = _refusal(refused, deleting=True)
        else:
            messages.success(request, f"{entry.label} deleted from the calendar")
            return redirect(back_url)

    context = {
        "entry": entry,
        "place": _place(school),
        "back_url": back_url,
        "error": error,
    }
    return render(request, "calendars/entry_delete.html", context)


def _refusal(error, deleting=False):
    if deleting:
        return (
            f"It cannot be deleted: without it, {error.reason}. Delete that day first."
        )
    reason = error.reason[0].upper() + error.reason[1:]
    return f"{reason}. Change the dates and try again; nothing was saved."
