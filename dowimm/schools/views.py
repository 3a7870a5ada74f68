from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from dowimm.schools.forms import SchoolDetailsForm
from dowimm.schools.services import DETAILS_KEPT_BY_THE_SCHOOL, school_details_update


@login_required
def details(request):
    """A school's own staff keep its contacts and school day up to date."""
    if not request.user.is_school_staff:
        raise Http404
    school = request.user.school
    saved = {name: getattr(school, name) for name in DETAILS_KEPT_BY_THE_SCHOOL}
    form = SchoolDetailsForm(request.POST or None, initial=saved)
    if request.method == "POST" and form.is_valid():
        school_details_update(
            user=request.user, school_id=school.pk, details=form.cleaned_data
        )
        messages.success(request, f"{school.name}'s details saved")
        return redirect("accounts:account")
    return render(request, "schools/details.html", {"school": school, "form": form})
