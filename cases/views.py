from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases import forms, services
from cases.checklist import consents_awaited, signatures_awaited, stage_tasks
from cases.fair_access import dashboard_figures
from cases.models import AgreementSignature, Case, ReceivingSchoolApproach
from cases.monitoring import cp_file_due, placement_monitoring
from cases.rules import can
from cases.selectors import (
    cases_visible_to,
    get_case_or_404,
    get_case_page_or_404,
)
from cases.services import CaseRuleError, UpnOnOpenCase
from dowimm.accounts.models import User

CASES_PER_PAGE = 50


def nothing_to_do_page(request, case, title, reason=None):
    """
    In place of a form that could not be sent: `reason` says why, or by
    default that the case's stage for it is over.
    """
    context = {"case": case, "title": title, "reason": reason}
    return render(request, "cases/nothing_to_do.html", context)


def case_form_page(
    request,
    case,
    form,
    *,
    title,
    save,
    done,
    template=None,
    success_url=None,
    context=None,
    stages=None,
):
    """
    Show `form` for a case; on a valid POST call `save(form)` and go back to
    the case, or to `success_url` for someone who cannot see the case. A
    rule the service refuses shows on the form as an error.

    A form that belongs to `stages` opens, once the case has left them, as
    a page that says so rather than as a form nobody can save.
    """
    if stages and case.state not in stages and request.method != "POST":
        return nothing_to_do_page(request, case, title)
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except CaseRuleError as error:
            form.add_rule_error(error)
        else:
            messages.success(request, done)
            return redirect(success_url or reverse("cases:detail", args=[case.pk]))
    context = {"case": case, "form": form, "title": title, **(context or {})}
    return render(request, template or "cases/case_form.html", context)


@login_required
@never_cache
def case_list(request):
    if request.user.is_transport_officer:
        return redirect("transport:queue")
    if request.user.role == User.Role.ADMINISTRATOR:
        # Administrators see no cases: their home is the administration.
        return redirect("admin:index")

    cases = cases_visible_to(request.user).order_by("-opened_at")
    filters = forms.CaseFilterForm(request.GET or None)
    if filters.is_valid():
        cases = filters.apply(cases)
    elif filters.is_bound:
        # A filter that could not be read shows nothing rather than everyone.
        cases = cases.none()

    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "filter_query": query.urlencode(),
        "queue": forms.queue_label(request.GET.get("queue", "")),
        "can_open_case": request.user.is_school_staff,
    }
    return render(request, "cases/case_list.html", context)


@login_required
@never_cache
def fair_access_dashboard(request):
    if not request.user.is_fair_access:
        raise Http404("Only the Fair Access team has this dashboard")
    figures = dashboard_figures(timezone.localdate())
    return render(request, "cases/fair_access_dashboard.html", figures)


@login_required
def case_open(request):
    if not request.user.is_school_staff:
        raise Http404("Only school staff open cases")

    form = forms.PupilForm(request.POST or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                user=request.user, pupil_details=form.cleaned_data
            )
        except UpnOnOpenCase as error:
            # Another school's case is neither named nor linked: its
            # reference would tell this school more than it may know.
            if can(request.user, "cases.view_case", error.case):
                duplicate = error.case
                form.add_rule_error(error.naming_the_case())
            else:
                form.add_rule_error(error)
        except CaseRuleError as error:
            form.add_rule_error(error)
        else:
            messages.success(request, f"Case {case.reference} opened")
            return redirect("cases:detail", case.pk)
    context = {"form": form, "duplicate": duplicate, "title": "Start a case"}
    return render(request, "cases/case_open.html", context)


@login_required
@never_cache
def case_detail(request, pk):
    case = get_case_page_or_404(request.user, pk, "cases.view_referral")
    user = request.user
    if not can(user, "cases.view_case", case):
        return _referral_summary(request, case)

    started = case.started_on is not None
    monitoring = placement_monitoring(case) if started else None
    cp_deadline = cp_file_due(case)
    tasks = [
        {
            "task": task,
            "url": task.url(case),
            "can_act": not task.blocked and can(user, task.permission, case),
        }
        for task in stage_tasks(case, monitoring, cp_deadline)
    ]
    in_placement = case.state in Case.PLACEMENT_STATES
    for_receiving = can(user, "cases.act_for_receiving_school", case)
    reviews = list(case.reviews.all())
    context = {
        "case": case,
        "pupil": case.pupil,
        "tasks": tasks,
        "history": case.history_entries,
        "monitoring": monitoring,
        "cp_deadline": cp_deadline,
        "today": timezone.localdate(),
        "in_placement": in_placement,
        "interventions": case.interventions.all(),
        "approaches": case.approaches.all(),
        "carers": case.pupil.carers.all(),
        "consents": case.consents.all(),
        "signatures": case.signatures.all(),
        "reviews": reviews,
        # Each decision follows a review that made it (cases.placement).
        "decided": {review.decision for review in reviews if review.is_held},
        "contacts": list(case.contacts.all())[:20],
        "absences": case.absences.all(),
        "extensions": case.extensions.all(),
        "disputes": case.disputes.all(),
        "outcome": getattr(case, "outcome", None),
        "reintegration_plan": getattr(case, "reintegration_plan", None),
        "managed_move": getattr(case, "managed_move", None),
        "eligibility_lost": case.state != Case.State.ELIGIBILITY
        and services.eligibility_lost(case),
        "cp_file_transfer": getattr(case, "cp_file_transfer", None),
        "preliminary_meeting": getattr(case, "preliminary_meeting", None),
        "planning_meeting": getattr(case, "planning_meeting", None),
        "transport_request": getattr(case, "transport_request", None),
        "safeguarding": getattr(case, "safeguarding", None),
        "is_home_staff": user.is_school_staff and user.school_id == case.home_school_id,
        "is_receiving_staff": user.is_school_staff
        and user.school_id == case.receiving_school_id,
        "can_see_safeguarding": can(user, "cases.view_safeguarding", case),
        "can_act_for_home": can(user, "cases.act_for_home_school", case),
        "can_decide_placement": for_receiving and in_placement,
        "can_raise_dispute": can(user, "cases.act_for_either_school", case) and started,
        "can_mediate": can(user, "cases.act_for_fair_access", case),
        "can_close": can(user, "cases.act_for_home_school", case)
        and case.state in (*Case.BEFORE_START_STATES, Case.State.ACTIVE)
        and not case.has_begun,
    }
    return render(request, "cases/case_detail.html", context)


def _referral_summary(request, case):
    approach = next(
        a
        for a in case.approaches.all()
        if a.school_id == request.user.school_id
        and a.answer == ReceivingSchoolApproach.Answer.AWAITING
    )
    context = {
        "case": case,
        "pupil": case.pupil,
        "approach": approach,
        "interventions": case.interventions.all(),
    }
    return render(request, "cases/referral_summary.html", context)


@login_required
def pupil_edit(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    pupil = case.pupil
    initial = {name: getattr(pupil, name) for name in forms.PupilForm.base_fields}
    form = forms.PupilForm(request.POST or None, initial=initial)
    return case_form_page(
        request,
        case,
        form,
        title="Change the pupil's details",
        done="Pupil's details saved",
        save=lambda form: services.pupil_update(
            case_id=case.pk, user=request.user, pupil_details=form.cleaned_data
        ),
    )


@login_required
def carer_add(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    form = forms.CarerForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Add a parent or carer",
        done="Parent or carer added",
        save=lambda form: services.carer_add(
            case_id=case.pk, user=request.user, details=form.cleaned_data
        ),
    )


@login_required
def eligibility(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    advisers = User.objects.filter(role=User.Role.INCLUSION_ADVISER, is_active=True)
    form = forms.EligibilityForm(request.POST or None, advisers=advisers)
    return case_form_page(
        request,
        case,
        form,
        title="Check eligibility for a DOWIMM",
        stages=(Case.State.ELIGIBILITY,),
        done="Eligibility confirmed. The case is now at the preliminary stage.",
        template="cases/eligibility.html",
        save=lambda form: services.case_confirm_eligible(
            case_id=case.pk, user=request.user, answers=form.answers()
        ),
    )


@login_required
def intervention_add(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    form = forms.InterventionForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Record an intervention already tried",
        stages=(Case.State.PRELIMINARY,),
        done="Intervention recorded",
        save=lambda form: services.intervention_add(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def provision_plan(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    form = forms.ProvisionPlanForm(request.POST or None, request.FILES or None)
    return case_form_page(
        request,
        case,
        form,
        title="Upload the Provision Plan",
        stages=(Case.State.PRELIMINARY,),
        done="Provision Plan uploaded",
        save=lambda form: services.provision_plan_upload(
            case_id=case.pk, user=request.user, upload=form.cleaned_data["file"]
        ),
    )


@login_required
def provision_plan_file(request, pk):
    case = get_case_or_404(request.user, pk, "cases.view_case")
    if not case.provision_plan:
        raise Http404("No Provision Plan uploaded")
    return _private_file(case.provision_plan, case.provision_plan_name)


@login_required
def signature_scan(request, pk, signature_pk):
    case = get_case_or_404(request.user, pk, "cases.view_case")
    signature = get_object_or_404(case.signatures, pk=signature_pk)
    if not signature.scan:
        raise Http404("No scan for this signature")
    return _private_file(signature.scan, f"{case.reference}-signature-{signature.pk}")


def _private_file(field_file, download_name):
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=download_name
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def pathway(request, pk):
    case = get_case_or_404(request.user, pk, "cases.decide_pathway")
    form = forms.PathwayForm(request.POST or None)

    def save(form):
        data = form.cleaned_data
        if data["agree"]:
            services.pathway_agree(
                case_id=case.pk,
                user=request.user,
                decided_on=data["decided_on"],
                best_interests_statement=data["statement"],
            )
        else:
            services.pathway_decline(
                case_id=case.pk,
                user=request.user,
                decided_on=data["decided_on"],
                reason=data["statement"],
            )

    return case_form_page(
        request,
        case,
        form,
        title="Agree the pathway",
        stages=(Case.State.PRELIMINARY,),
        done="Pathway decision saved",
        save=save,
    )


@login_required
def close(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    if case.has_begun and request.method != "POST":
        reason = (
            f"The placement began on {case.started_on:%-d %B %Y}, so the case "
            "cannot be closed as not proceeding: a review decides to end it."
        )
        title = "Close the case as not proceeding"
        return nothing_to_do_page(request, case, title, reason)
    form = forms.CloseForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Close the case as not proceeding",
        stages=(*Case.BEFORE_START_STATES, Case.State.ACTIVE),
        done="Case closed as not proceeding",
        save=lambda form: services.case_close_not_proceeding(
            case_id=case.pk, user=request.user, reason=form.cleaned_data["reason"]
        ),
    )


@login_required
def approach_add(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    ranked = services.schools_by_distance(case)
    form = forms.ApproachForm(request.POST or None, ranked_schools=ranked)

    def record(form):
        approach = services.approach_record(
            case_id=case.pk, user=request.user, **form.cleaned_data
        )
        if not approach.school.named_contact_email:
            messages.warning(
                request,
                f"{approach.school.name} has no named contact's email address "
                "in dowimm, so nobody there was emailed. Tell the school "
                "yourself; its staff can answer once they sign in.",
            )
        return approach

    return case_form_page(
        request,
        case,
        form,
        title="Record an approach to a school",
        stages=(Case.State.FINDING_SCHOOL,),
        done="Approach recorded. The school can now answer in dowimm.",
        save=record,
    )


@login_required
def approach_answer(request, pk, approach_pk):
    try:
        case = get_case_or_404(request.user, pk, "cases.answer_approach")
    except (Http404, PermissionDenied):
        return _approach_answered(request, pk, approach_pk)
    approach = get_object_or_404(
        case.approaches, pk=approach_pk, school_id=request.user.school_id
    )
    form = forms.ApproachAnswerForm(request.POST or None)

    if request.method == "POST" and form.is_valid():
        try:
            services.approach_answer(
                approach_id=approach.pk, user=request.user, **form.cleaned_data
            )
        except CaseRuleError as error:
            form.add_rule_error(error)
        else:
            if form.cleaned_data["accept"]:
                messages.success(request, "You accepted the placement")
                return redirect("cases:detail", case.pk)
            messages.success(request, "You declined the approach")
            return redirect("cases:list")
    context = {"case": case, "form": form, "title": "Answer the approach"}
    return render(request, "cases/case_form.html", context)


def _approach_answered(request, pk, approach_pk):
    """
    Back to the form of an approach this school has answered already: say
    so, rather than that the page does not exist.
    """
    answer = (
        ReceivingSchoolApproach.objects.filter(
            pk=approach_pk, case_id=pk, school_id=request.user.school_id
        )
        .exclude(answer=ReceivingSchoolApproach.Answer.AWAITING)
        .values_list("answer", flat=True)
        .first()
    )
    if answer is None:
        raise Http404("No approach waiting for this school's answer")
    messages.info(request, "Your school has already answered this approach")
    if answer == ReceivingSchoolApproach.Answer.ACCEPTED:
        return redirect("cases:detail", pk)
    return redirect("cases:list")


@login_required
def consent_add(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    awaited = consents_awaited(case)
    carers = [carer for carer in case.pupil.carers.all() if carer.pk in awaited]
    if not awaited and request.method != "POST":
        reason = (
            "Consent from the pupil and from every parent or carer with parental "
            "responsibility is recorded."
        )
        return nothing_to_do_page(request, case, "Record consent", reason)
    form = forms.ConsentForm(
        request.POST or None, carers=carers, pupil_awaited=None in awaited
    )
    return case_form_page(
        request,
        case,
        form,
        title="Record consent",
        stages=(Case.State.PLANNING,),
        done="Consent recorded",
        save=lambda form: services.consent_record(
            case_id=case.pk,
            user=request.user,
            carer=form.cleaned_data["given_by"],
            given_on=form.cleaned_data["given_on"],
            method=form.cleaned_data["method"],
        ),
    )


@login_required
def safeguarding(request, pk):
    case = get_case_or_404(request.user, pk, "cases.share_safeguarding")
    form = forms.SafeguardingForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Share safeguarding information",
        stages=(Case.State.PLANNING,),
        done="Safeguarding information recorded",
        save=lambda form: services.safeguarding_share_record(
            case_id=case.pk, user=request.user, details=form.cleaned_data
        ),
    )


@login_required
def safer_recruitment(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_receiving_school")
    form = forms.SaferRecruitmentForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Safer-recruitment assurance",
        stages=(Case.State.PLANNING,),
        done="Safer-recruitment assurance recorded",
        save=lambda form: services.safer_recruitment_record(
            case_id=case.pk,
            user=request.user,
            assured_by=form.cleaned_data["assured_by"],
            assured_on=form.cleaned_data["assured_on"],
        ),
    )


def _named_contact(request, pk, *, side, permission):
    case = get_case_or_404(request.user, pk, permission)
    saved = {
        "name": getattr(case, f"{side}_contact_name"),
        "email": getattr(case, f"{side}_contact_email"),
    }
    form = forms.NamedContactForm(request.POST or None, initial=saved)
    school = case.home_school if side == "home" else case.receiving_school
    return case_form_page(
        request,
        case,
        form,
        title=f"Named contact at {school.name}",
        stages=(Case.State.PLANNING,),
        done="Named contact saved",
        save=lambda form: services.named_contact_record(
            case_id=case.pk, user=request.user, side=side, **form.cleaned_data
        ),
    )


@login_required
def home_contact(request, pk):
    return _named_contact(
        request, pk, side="home", permission="cases.act_for_home_school"
    )


@login_required
def receiving_contact(request, pk):
    return _named_contact(
        request, pk, side="receiving", permission="cases.act_for_receiving_school"
    )


@login_required
def tour(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_receiving_school")
    form = forms.TourForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Tour of the receiving school",
        stages=(Case.State.PLANNING,),
        done="Tour date saved",
        save=lambda form: services.tour_record(
            case_id=case.pk, user=request.user, tour_on=form.cleaned_data["tour_on"]
        ),
    )


@login_required
def signature_add(request, pk):
    return signature_form_page(
        request, pk, AgreementSignature.Document.DOWIMM_AGREEMENT
    )


def signature_form_page(request, pk, document):
    """Record a signature, given in the app or on paper, on `document`."""
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    parties = forms.signature_choices(
        case, signatures_awaited(case, document), request.user
    )
    if not parties and request.method != "POST":
        reason = (
            f"Every signature you can record on the current {document.label} "
            "is recorded, so there is none to add."
        )
        return nothing_to_do_page(request, case, "Record a paper signature", reason)
    form = forms.SignatureForm(
        request.POST or None, request.FILES or None, parties=parties
    )

    def save(form):
        party, carer = form.signer()
        data = form.cleaned_data
        services.signature_record(
            case_id=case.pk,
            user=request.user,
            party=party,
            carer=carer,
            signed_by_name=data["signed_by_name"],
            signed_on=data["signed_on"],
            method=AgreementSignature.Method.PAPER,
            scan=data["scan"],
            document=document,
        )

    return case_form_page(
        request,
        case,
        form,
        title=f"Record a paper signature on the {document.label}",
        done="Signature recorded",
        save=save,
    )


@login_required
def start(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    meeting = getattr(case, "planning_meeting", None)
    initial = {"started_on": meeting.proposed_start_on} if meeting else {}
    form = forms.StartForm(request.POST or None, initial=initial)
    return case_form_page(
        request,
        case,
        form,
        title="Start the placement",
        stages=(Case.State.PLANNING,),
        done="Placement start recorded",
        template="calendars/start_placement.html",
        save=lambda form: services.placement_start(
            case_id=case.pk,
            user=request.user,
            started_on=form.cleaned_data["started_on"],
        ),
    )
