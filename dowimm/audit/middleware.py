"""
Access events: every case or pupil loaded while answering a signed-in
person's request is noted in the request, then written in one insert when
the response shows it (a status below 400). Pages opened from an emailed
signing link name the link instead of a user (`signing_link_used`).
"""

import contextvars
import uuid

from django.db import connection
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


def signing_link_used(link, *, case_id, pupil_id):
    """
    Note that this request was answered for whoever holds `link`, showing
    the child on `case_id`: the event names the link and the party it was
    sent to, as there is no user.
    """
    seen = _seen.get()
    if seen is not None:
        seen.signing_link = link
        seen.cases[case_id] = pupil_id


class Seen:
    def __init__(self):
        self.cases = {}
        self.pupils = set()
        self.signing_link = None

    def events(self, request):
        common = {
            "at": timezone.now(),
            "view": request.resolver_match.view_name,
            "request_id": request.request_id,
            **self._who(request),
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

    def _who(self, request):
        if self.signing_link is not None:
            return {
                "user_id": None,
                "role": self.signing_link.party,
                "school_id": None,
                "signing_link_id": self.signing_link.pk,
            }
        user = request.user
        return {"user_id": user.pk, "role": user.role, "school_id": user.school_id}

    def is_recorded(self, request, response):
        who_is_known = self.signing_link is not None or request.user.is_authenticated
        return (
            bool(self.cases or self.pupils)
            and response.status_code < 400
            and who_is_known
            and request.resolver_match is not None
        )


def events_write(events):
    """
    Insert one request's events, all or none.

    On PostgreSQL they go in as one statement that unnests a list per
    column, which costs the same few tenths of a millisecond for 1 event
    as for a list page's 25 (a bulk_create spends more than that in
    Django building its statement). An ordinary commit would then wait a
    few more milliseconds for the write-ahead log to reach the disk; these
    rows commit with synchronous_commit off instead: the commit returns
    once they are in the log's buffers, which the server writes out within
    three wal_writer_delay (0.6 s by default), and any later ordinary
    commit flushes them sooner. Only a crash of the database server in
    that window can lose them, a whole request's at a time and without
    corrupting anything; the triggers keep them append-only as before.
    The setting and the insert go to the server as one message, which it
    runs as one transaction: SET LOCAL lasts until that ends, and the
    request waits for one round trip instead of four.
    Inside a transaction that someone else opened the setting would weaken
    their commit too, so there the insert is left to commit with theirs.
    """
    if connection.vendor != "postgresql":
        AccessEvent.objects.bulk_create(events)
    elif connection.in_atomic_block:
        _unnest_insert(events)
    else:
        _unnest_insert(events, first="SET LOCAL synchronous_commit TO OFF; ")


def _unnest_insert(events, first=""):
    """
    One INSERT ... SELECT for all of `events`, after the statement
    `first` in the same message. A column holding the same value in every
    event (who, when, which page: all but the case and pupil, on a list
    page) is sent once; the others as a list unnested into rows, so that
    the database, not Python, repeats what is common.
    """
    quote = connection.ops.quote_name
    columns, selected, lists, params = [], [], [], []
    for field in AccessEvent._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        cast = field.db_type(connection)
        values = [getattr(event, field.attname) for event in events]
        if all(value == values[0] for value in values):
            selected.append(f"%s::{cast}")
            params.append(field.get_db_prep_save(values[0], connection))
        else:
            selected.append(f"listed.{quote(field.column)}")
            lists.append((field, cast, values))
    if lists:
        arrays = ", ".join(f"%s::{cast}[]" for _, cast, _ in lists)
        names = ", ".join(quote(field.column) for field, _, _ in lists)
        source = f" FROM unnest({arrays}) AS listed ({names})"
        params += [
            [field.get_db_prep_save(value, connection) for value in values]
            for field, _, values in lists
        ]
    else:
        # Identical events: still one row each.
        source = " FROM generate_series(1, %s)"
        params.append(len(events))
    table = quote(AccessEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{first}INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(selected)}{source}",
            params,
        )


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
        if seen.is_recorded(request, response):
            events_write(seen.events(request))
        response["X-Request-ID"] = str(request.request_id)
        return response
