"""
Access events: every case or pupil loaded while answering a signed-in
person's request is noted in the request, then written in one insert when
the response shows it (a status below 400).
"""

import contextvars
import uuid

from django.utils import timezone

from dowimm.audit.models import AccessEvent

_seen = contextvars.ContextVar("dowimm_audit_seen", default=None)


def case_loaded(sender, instance, **kwargs):
    seen = _seen.get()
    if seen is not None and instance.pk is not None:
        # Read from __dict__: a deferred field would cost a query here.
        seen.cases[instance.pk] = instance.__dict__.get("pupil_id")


def pupil_loaded(sender, instance, **kwargs):
    seen = _seen.get()
    if seen is not None and instance.pk is not None:
        seen.pupils.add(instance.pk)


class Seen:
    def __init__(self):
        self.cases = {}
        self.pupils = set()

    def events(self, request):
        user = request.user
        common = {
            "at": timezone.now(),
            "user_id": user.pk,
            "role": user.role,
            "school_id": user.school_id,
            "view": request.resolver_match.view_name,
            "request_id": request.request_id,
        }
        events = [
            AccessEvent(case_id=case_id, pupil_id=pupil_id, **common)
            for case_id, pupil_id in self.cases.items()
        ]
        shown_with_a_case = set(self.cases.values())
        events += [
            AccessEvent(case_id=None, pupil_id=pupil_id, **common)
            for pupil_id in self.pupils - shown_with_a_case
        ]
        return events


class AccessEventMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4()
        seen = Seen()
        token = _seen.set(seen)
        try:
            response = self.get_response(request)
        finally:
            _seen.reset(token)
        if (
            (seen.cases or seen.pupils)
            and response.status_code < 400
            and request.user.is_authenticated
            and request.resolver_match is not None
        ):
            AccessEvent.objects.bulk_create(seen.events(request))
        response["X-Request-ID"] = str(request.request_id)
        return response
