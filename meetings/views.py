from django.contrib.auth.decorators import login_required
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.selectors import get_case_or_404
from cases.views import case_form_page
from meetings.forms import PlanningMeetingForm, PreliminaryMeetingForm


def _initial(meeting, form_class):
    if meeting is None:
        return {}
    return {
        name: getattr(meeting, name)
        for name in form_class.base_fields
        if hasattr(meeting, name)
    }


@login_required
def preliminary(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    meeting = getattr(case, "preliminary_meeting", None)
    form = PreliminaryMeetingForm(
        request.POST or None, initial=_initial(meeting, PreliminaryMeetingForm)
    )
    return case_form_page(
        request,
        case,
        form,
        title="Preliminary meeting with the Inclusion Adviser",
        stages=(Case.State.PRELIMINARY,),
        done="Preliminary meeting recorded",
        save=lambda form: services.preliminary_meeting_record(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )


@login_required
def planning(request, pk):
    case = get_case_or_404(request.user, pk, "cases.act_for_home_school")
    meeting = getattr(case, "planning_meeting", None)
    if meeting is None:
        initial = PlanningMeetingForm.proposed_initial(
            case.receiving_school, timezone.localdate()
        )
    else:
        # Reopened to change it: as saved, reviews included, so that saving
        # again without a change leaves the agreement as it is.
        booked = case.reviews.filter(held_on=None).order_by("scheduled_for")
        initial = _initial(meeting, PlanningMeetingForm) | dict(
            zip(
                PlanningMeetingForm.REVIEW_FIELDS,
                booked.values_list("scheduled_for", flat=True),
                strict=False,
            )
        )
    form = PlanningMeetingForm(request.POST or None, initial=initial)
    return case_form_page(
        request,
        case,
        form,
        title="Planning meeting",
        stages=(Case.State.PLANNING,),
        done="Planning meeting recorded",
        save=lambda form: services.planning_meeting_record(
            case_id=case.pk,
            user=request.user,
            details=form.details(),
            review_dates=form.review_dates(),
        ),
    )
