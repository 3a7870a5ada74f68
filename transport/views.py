from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from cases import services
from cases.models import Case
from cases.selectors import get_case_or_404
from cases.views import case_form_page
from transport.forms import TransportDecisionForm
from transport.models import TransportRequest


@login_required
@never_cache
def queue(request):
    if not request.user.is_transport_officer:
        raise Http404("Only transport officers have a transport queue")

    requests = TransportRequest.objects.filter(
        case__state__in=Case.OPEN_STATES
    ).select_related("case__pupil", "case__home_school", "school")
    context = {
        "awaiting": [r for r in requests if r.decision == r.Decision.AWAITING],
        "decided": [r for r in requests if r.decision != r.Decision.AWAITING],
    }
    return render(request, "transport/queue.html", context)


@login_required
def decide(request, pk):
    case = get_case_or_404(request.user, pk, "cases.decide_transport")
    form = TransportDecisionForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form,
        title="Transport decision",
        done="Transport decision recorded",
        template="transport/decide.html",
        # Transport officers see the queue, never the case page.
        success_url=reverse("transport:queue"),
        save=lambda form: services.transport_decide(
            case_id=case.pk, user=request.user, **form.cleaned_data
        ),
    )
