"""
The service's own "Page not found" page while DEBUG is on.

With DEBUG on, Django answers a missing page with its technical page: a
list of every URL pattern, in nothing like the service's design. The demo
runs with DEBUG on and is where people first try the service, so it shows
the page production shows. Server errors keep Django's traceback there,
which is what the person reporting the fault needs. With DEBUG off Django
renders 404.html itself and this middleware does nothing.
"""

from django.conf import settings
from django.http import Http404
from django.views.defaults import page_not_found


class NotFoundPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No view matched the address: Django made the page before any
        # view, or process_exception below, could run.
        if (
            settings.DEBUG
            and response.status_code == 404
            and request.resolver_match is None
        ):
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
