from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases.models import Case
from cases.rules import can
from cases.selectors import get_case_or_404
from cases.views import case_form_page
from dowimm.calendars.school_days import school_days_for
from transport import forms, services
from transport.policy import needs_exception, request_advice
from transport.selectors import (
    cost_to_date,
    next_review_on,
    panel_pack_rows,
    queue_by_status,
)


def _transport_form_page(request, case, form, **kwargs):
    """A transport form that goes back to the case's transport page."""
    return case_form_page(
        request,
        case,
        form,
        template="transport/form.html",
        success_url=reverse("transport:request", args=[case.pk]),
        **kwargs,
    )


@login_required
@never_cache
def queue(request):
    if not can(request.user, "transport.view_queue", None):
        raise Http404("Only transport officers have a transport queue")

    context = {"groups": queue_by_status()}
    return render(request, "transport/queue.html", context)


@login_required
@never_cache
def panel_pack(request):
    if not can(request.user, "transport.view_panel_pack", None):
        raise Http404("Only transport officers and FAET see panel packs")

    form = forms.PanelDateForm(request.GET or None)
    panel_on = form.cleaned_data["panel_on"] if form.is_valid() else None
    context = {
        "form": form,
        "panel_on": panel_on,
        "rows": panel_pack_rows(panel_on) if panel_on else [],
    }
    return render(request, "transport/panel_pack.html", context)


@login_required
@never_cache
def request_detail(request, pk):
    case = get_case_or_404(request.user, pk, "transport.view_request")
    transport = case.transport_request
    advice = request_advice(transport)
    today = timezone.localdate()
    plan = getattr(transport, "travel_plan", None)
    user = request.user
    context = {
        "case": case,
        "transport": transport,
        "advice": advice,
        "needs_exception": needs_exception(transport.arrangement, advice),
        "status": transport.get_status_display(),
        "cost_to_date": cost_to_date(
            transport, school_days_for(transport.school), today
        ),
        "next_review_on": next_review_on(transport, today),
        "plan": plan,
        "plan_reviews": plan.reviews.select_related("review_meeting") if plan else [],
        "can_view_case": can(user, "cases.view_case", case),
        "can_work": can(user, "transport.work_request", case),
        "can_authorise": can(user, "transport.authorise_exception", case),
        "can_plan": can(user, "transport.write_travel_plan", case),
    }
    return render(request, "transport/request.html", context)


@login_required
def travel(request, pk):
    case = get_case_or_404(request.user, pk, "transport.answer_travel")
    answered = getattr(case, "travel_answer", None)
    initial = {"answer": answered.answer} if answered else {}
    form = forms.TravelAnswerForm(request.POST or None, initial=initial)
    return case_form_page(
        request,
        case,
        form,
        title="How the pupil will get to school",
        done="Travel to school recorded",
        stages=(Case.State.PLANNING,),
        save=lambda form: services.transport_need_record(
            case_id=case.pk, user=request.user, answer=form.cleaned_data["answer"]
        ),
    )


@login_required
def route(request, pk):
    case = get_case_or_404(request.user, pk, "transport.work_request")
    transport = case.transport_request
    form = forms.RouteForm(
        request.POST or None,
        initial=_route_initial(transport),
        home_distance_known=transport.home_to_school_source == "directory",
    )
    return _transport_form_page(
        request,
        case,
        form,
        title="Route and arrangement",
        done="Route and arrangement saved",
        save=lambda form: services.transport_route_record(
            case_id=case.pk,
            user=request.user,
            **{"home_to_school_miles": None, **form.cleaned_data},
        ),
    )


def _route_initial(transport):
    names = forms.RouteForm.base_fields
    initial = {name: getattr(transport, name) for name in names}
    return {name: value for name, value in initial.items() if value not in ("", None)}


@login_required
def quote_request(request, pk):
    case = get_case_or_404(request.user, pk, "transport.work_request")
    form = forms.QuoteRequestForm(request.POST or None)
    return _transport_form_page(
        request,
        case,
        form,
        title="Quote requested",
        done="Quote request recorded",
        save=lambda form: services.transport_quote_request(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def quote(request, pk):
    case = get_case_or_404(request.user, pk, "transport.work_request")
    form = forms.QuoteForm(request.POST or None)
    return _transport_form_page(
        request,
        case,
        form,
        title="Quote received",
        done="Quote recorded",
        save=lambda form: services.transport_quote_record(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def exception(request, pk):
    case = get_case_or_404(request.user, pk, "transport.authorise_exception")
    transport = case.transport_request
    initial = {
        "risks": [name for name in transport.RISK_FIELDS if getattr(transport, name)],
        "evidence": transport.exception_evidence,
    }
    form = forms.ExceptionForm(request.POST or None, initial=initial)
    return _transport_form_page(
        request,
        case,
        form,
        title="Authorise an exception to policy",
        done="Your authorisation is recorded",
        save=lambda form: services.transport_exception_authorise(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def decide(request, pk):
    case = get_case_or_404(request.user, pk, "transport.work_request")
    form = forms.DecisionForm(request.POST or None)
    return _transport_form_page(
        request,
        case,
        form,
        title="The panel's decision",
        done="Panel decision recorded and the schools told",
        save=lambda form: services.transport_request_decide(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def end(request, pk):
    case = get_case_or_404(request.user, pk, "transport.work_request")
    form = forms.EndForm(request.POST or None)
    return _transport_form_page(
        request,
        case,
        form,
        title="End the transport",
        done="End date saved",
        save=lambda form: services.transport_end_record(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def travel_plan(request, pk):
    case = get_case_or_404(request.user, pk, "transport.write_travel_plan")
    plan = getattr(case.transport_request, "travel_plan", None)
    names = forms.TravelPlanForm.base_fields
    initial = {name: getattr(plan, name) for name in names} if plan else {}
    form = forms.TravelPlanForm(request.POST or None, initial=initial)
    return _transport_form_page(
        request,
        case,
        form,
        title="Pupil's Individual Travel Plan",
        done="Travel plan saved",
        save=lambda form: services.travel_plan_record(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def travel_plan_review(request, pk):
    case = get_case_or_404(request.user, pk, "transport.write_travel_plan")
    form = forms.TravelPlanReviewForm(
        request.POST or None, review_meetings=case.reviews.all()
    )
    return _transport_form_page(
        request,
        case,
        form,
        title="Review the travel plan",
        done="Travel plan review recorded",
        save=lambda form: services.travel_plan_review_add(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )
