"""Pages for the placement and its end: each fetches, authorises, saves."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases import placement, placement_forms
from cases.models import (
    AgreementSignature,
    Case,
    Dispute,
    ExtensionAnswer,
    ExtensionRequest,
)
from cases.rules import can
from cases.selectors import get_case_or_404
from cases.services import CaseRuleError
from cases.views import case_form_page, nothing_to_do_page, signature_form_page
from meetings.forms import ReviewForm
from meetings.models import ReviewMeeting


def _latest_review(case, decision):
    """The latest held review with `decision`, which a step must follow."""
    held = [r for r in case.reviews.all() if r.is_held and r.decision == decision]
    return max(held, key=lambda r: r.held_on) if held else None


def _review_or_refuse(case, decision, what):
    review = _latest_review(case, decision)
    if review is None:
        raise CaseRuleError(
            f"Record a review meeting that decided to {what} first", field="review"
        )
    return review


@login_required
def contact_add(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_either_school")
    form = placement_forms.ContactForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Record a contact",
        stages=(Case.State.PLANNING, *Case.PLACEMENT_STATES),
        done="Contact recorded",
        save=lambda form: placement.contact_record(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def absence_add(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_receiving_school")
    form = placement_forms.AbsenceForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Record an absence",
        stages=(*Case.PLACEMENT_STATES,),
        done="Absence recorded",
        save=lambda form: placement.absence_record(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def review_record(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_receiving_school")
    upcoming = next((r for r in case.reviews.all() if not r.is_held), None)
    initial = {}
    if upcoming:
        initial = {"face_to_face": upcoming.face_to_face}
        # A review booked for a later day cannot have been held yet.
        if upcoming.scheduled_for <= timezone.localdate():
            initial["held_on"] = upcoming.scheduled_for
    form = ReviewForm(request.POST or None, initial=initial)
    return case_form_page(
        request,
        case,
        form,
        title="Record a review meeting",
        stages=(*Case.PLACEMENT_STATES,),
        done="Review recorded",
        save=lambda form: placement.review_record(
            case_id=case.pk,
            user=request.user,
            review_id=upcoming.pk if upcoming else None,
            details=form.details(),
            next_review_on=form.cleaned_data["next_review_on"],
        ),
    )


@login_required
def extension_request(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_receiving_school")
    form = placement_forms.ExtensionRequestForm(request.POST or None)

    def save(form):
        review = _review_or_refuse(
            case, ReviewMeeting.Decision.REQUEST_EXTENSION, "request an extension"
        )
        placement.extension_request(
            case_id=case.pk, user=request.user, review=review, **form.cleaned_data
        )

    return case_form_page(
        request,
        case,
        form,
        title="Request an extension",
        done="Extension requested. The home school, family and Fair Access team "
        "will each answer.",
        save=save,
    )


@login_required
def extension_answer(request, pk):
    case = get_case_or_404(request.user, pk, "cases.view_case")
    Party = ExtensionAnswer.Party
    if can(request.user, "cases.act_for_home_school", case):
        parties = [Party.HOME_SCHOOL, Party.FAMILY]
    elif can(request.user, "cases.act_for_fair_access", case):
        parties = [Party.FAIR_ACCESS]
    else:
        raise PermissionDenied("Only the home school and the team answer")
    extension = get_object_or_404(
        case.extensions, status=ExtensionRequest.Status.AWAITING
    )
    form = placement_forms.ExtensionAnswerForm(request.POST or None, parties=parties)
    return case_form_page(
        request,
        case,
        form,
        title="Answer the extension request",
        done="Answer recorded",
        template="cases/extension_answer.html",
        context={"extension": extension},
        save=lambda form: placement.extension_answer(
            extension_id=extension.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def end_early(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_receiving_school")
    form = placement_forms.EndEarlyForm(request.POST or None)

    def save(form):
        review = _review_or_refuse(
            case, ReviewMeeting.Decision.END, "end the placement"
        )
        placement.placement_end_early(
            case_id=case.pk,
            user=request.user,
            review=review,
            grounds_for_suspension=form.cleaned_data["grounds_for_suspension"],
            details=form.details(),
        )

    return case_form_page(
        request,
        case,
        form,
        title="End the placement early",
        done="The placement has ended. The Outcomes Form is complete.",
        save=save,
    )


def _confirm_step(
    request, pk, *, permission, title, button, action, done, done_on=None
):
    """
    A step that is only a confirmation: a page with one button. Once
    `done_on(case)` gives the day it was done, the page says so instead.
    """
    case = get_case_or_404(request.user, pk, permission)
    when = done_on(case) if done_on else None
    if when and request.method != "POST":
        return nothing_to_do_page(request, case, title, f"{done} on {when:%-d %B %Y}.")
    form = placement_forms.ConfirmForm(request.POST or None, submit_label=button)
    return case_form_page(
        request,
        case,
        form,
        title=title,
        done=done,
        save=lambda form: action(case_id=case.pk, user=request.user),
    )


def _outcome(case, field):
    outcome = getattr(case, "outcome", None)
    return getattr(outcome, field) if outcome else None


@login_required
def outcome_sent(request, pk):
    return _confirm_step(
        request,
        pk,
        permission="cases.act_for_receiving_school",
        title="Send the Outcomes Form to the Fair Access team",
        button="Mark as sent",
        action=placement.outcome_mark_sent,
        done="Outcomes Form marked as sent to the Fair Access team",
        done_on=lambda case: _outcome(case, "sent_to_faet_on"),
    )


@login_required
def outcome_received(request, pk):
    return _confirm_step(
        request,
        pk,
        permission="cases.act_for_fair_access",
        title="Outcomes Form received",
        button="Mark as received",
        action=placement.outcome_mark_received,
        done="Outcomes Form marked as received",
        done_on=lambda case: _outcome(case, "received_by_faet_on"),
    )


@login_required
def agreement_received(request, pk):
    return _confirm_step(
        request,
        pk,
        permission="cases.act_for_fair_access",
        title="DOWIMM Agreement received",
        button="Mark as received",
        action=placement.agreement_mark_received,
        done="DOWIMM Agreement marked as received",
        done_on=lambda case: case.agreement_received_by_faet_on,
    )


@login_required
def reintegration_plan(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    plan = getattr(case, "reintegration_plan", None)
    fields = placement_forms.ReintegrationPlanForm.base_fields
    initial = {name: getattr(plan, name) for name in fields} if plan else {}
    form = placement_forms.ReintegrationPlanForm(request.POST or None, initial=initial)
    return case_form_page(
        request,
        case,
        form,
        title="Reintegration plan",
        done="Reintegration plan saved",
        save=lambda form: placement.reintegration_plan_record(
            case_id=case.pk, user=request.user, details=form.cleaned_data
        ),
    )


@login_required
def managed_move_offer(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_receiving_school")
    form = placement_forms.ConfirmForm(
        request.POST or None, submit_label="Offer a managed move"
    )

    def save(form):
        review = _review_or_refuse(
            case, ReviewMeeting.Decision.OFFER_MANAGED_MOVE, "offer a managed move"
        )
        placement.managed_move_offer(case_id=case.pk, user=request.user, review=review)

    return case_form_page(
        request,
        case,
        form,
        title="Offer a managed move",
        done="Managed move offered. The Managed Move Agreement needs signing.",
        template="cases/managed_move_offer.html",
        save=save,
    )


@login_required
def managed_move_signature_add(request, pk):
    return signature_form_page(
        request, pk, AgreementSignature.Document.MANAGED_MOVE_AGREEMENT
    )


def _date_step(request, pk, *, permission, field, label, what, title, done, action):
    case = get_case_or_404(request.user, pk, permission)
    form = placement_forms.DateForm(
        request.POST or None, name=field, label=label, what=what, submit_label="Save"
    )
    return case_form_page(
        request,
        case,
        form,
        title=title,
        done=done,
        save=lambda form: action(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def managed_move_complete(request, pk):
    return _date_step(
        request,
        pk,
        permission="cases.act_for_receiving_school",
        field="single_registration_on",
        label="Date the pupil went onto your roll alone",
        what="the date of single registration",
        title="Record the managed move",
        done="Managed move recorded",
        action=placement.managed_move_complete,
    )


def _cme(request, pk, side, permission):
    return _date_step(
        request,
        pk,
        permission=permission,
        field="informed_on",
        label="Date the Children Missing Education team was told",
        what="the date the team was told",
        title="Tell the Children Missing Education team",
        done="Recorded",
        action=lambda **kwargs: placement.cme_informed_record(side=side, **kwargs),
    )


@login_required
def cme_home(request, pk):
    return _cme(request, pk, "home", "cases.act_for_home_school")


@login_required
def cme_receiving(request, pk):
    return _cme(request, pk, "receiving", "cases.act_for_receiving_school")


@login_required
def roll_deletion(request, pk):
    return _date_step(
        request,
        pk,
        permission="cases.act_for_home_school",
        field="deleted_on",
        label="Date of deletion from the home school's roll",
        what="the date of deletion",
        title="Deletion from the roll",
        done="Deletion recorded",
        action=placement.home_roll_deletion_record,
    )


@login_required
def cp_file_sent(request, pk):
    case = get_case_or_404(request.user, pk, "cases.send_cp_file")
    form = placement_forms.CpFileSentForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Send the child-protection file",
        stages=(Case.State.MANAGED_MOVE,),
        done="Child-protection file recorded as sent",
        save=lambda form: placement.cp_file_sent_record(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def cp_file_received(request, pk):
    case = get_case_or_404(request.user, pk, "cases.receive_cp_file")
    form = placement_forms.CpFileReceivedForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Confirm receipt of the child-protection file",
        stages=(Case.State.MANAGED_MOVE,),
        done="Receipt confirmed",
        save=lambda form: placement.cp_file_receipt_record(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def dispute_raise(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_either_school")
    form = placement_forms.DisputeForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Raise a dispute",
        done="Dispute raised. The Fair Access team will mediate.",
        save=lambda form: placement.dispute_raise(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def dispute_mediation(request, pk, dispute_pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_fair_access")
    dispute = get_object_or_404(case.disputes, pk=dispute_pk)
    form = placement_forms.MediationForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Record mediation",
        done="Mediation recorded",
        context={"dispute": dispute},
        template="cases/dispute_form.html",
        save=lambda form: placement.dispute_mediation_record(
            dispute_id=dispute.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def dispute_panel(request, pk, dispute_pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_fair_access")
    dispute = get_object_or_404(
        case.disputes, pk=dispute_pk, mediation_outcome=Dispute.Mediation.NOT_RESOLVED
    )
    form = placement_forms.PanelForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Record the panel's decision",
        done="Panel decision recorded",
        context={"dispute": dispute},
        template="cases/dispute_form.html",
        save=lambda form: placement.dispute_panel_record(
            dispute_id=dispute.pk, user=request.user, **form.cleaned_data
        ),
    )
