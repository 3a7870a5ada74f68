import functools

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import OuterRef, Q
from django.http import Http404

from cases.json_rows import attach, instances_from_json, related_json, rows_as_json
from cases.models import Case, ReceivingSchoolApproach
from cases.rules import can
from dowimm.documents.models import DocumentVersion
from dowimm.prepared_statements import prepared


def case_queryset():
    """Cases with the pupil and schools every list and page shows."""
    return Case.objects.select_related(
        "pupil", "home_school", "receiving_school", "home_school__inclusion_adviser"
    )


def cases_visible_to(user):
    """
    Every case the user may open, as the full case or as a referral summary.
    This mirrors the predicates in cases.rules as one query.
    """
    cases = case_queryset()
    if not user.is_authenticated:
        return cases.none()
    if user.is_fair_access:
        return cases
    if user.is_inclusion_adviser:
        return cases.filter(home_school__inclusion_adviser=user)
    if user.is_school_staff:
        awaiting = ReceivingSchoolApproach.objects.filter(
            school_id=user.school_id, answer=ReceivingSchoolApproach.Answer.AWAITING
        ).values("case_id")
        return cases.filter(
            Q(home_school_id=user.school_id)
            | Q(receiving_school_id=user.school_id)
            | Q(pk__in=awaiting)
        )
    return cases.none()


# simple_history builds a new manager class on each `Case.history`.
HistoricalCase = Case.history.model
USER_NAME = ("id", "username", "first_name", "last_name")

# Everything the case page shows beside the case's own columns, by relation,
# each with the relations of its records that the page reads in turn.
CASE_PAGE = {
    "pupil": {"carers": {}},
    "home_school": {"inclusion_adviser": USER_NAME},
    "receiving_school": {},
    "consulted_adviser": USER_NAME,
    "pathway_decided_by": USER_NAME,
    "preliminary_meeting": {},
    "planning_meeting": {},
    "outcome": {},
    "reintegration_plan": {},
    "managed_move": {"offered_by": USER_NAME},
    "cp_file_transfer": {"sent_by": USER_NAME, "received_by": USER_NAME},
    "safeguarding": {"shared_by": USER_NAME},
    "transport_request": {"travel_plan": {"reviews": {}}},
    "travel_answer": {"answered_by": USER_NAME},
    "interventions": {},
    "approaches": {"school": ("id", "name")},
    "reviews": {},
    "absences": {},
    "contacts": {},
    "disputes": {},
    "extensions": {"answers": {}},
    "consents": {},
    "signatures": {},
}

# What the page reads of a current document: never its text or its files.
DOCUMENT_FIELDS = (
    "id",
    "case_id",
    "kind",
    "number",
    "title",
    "parties",
    "created_at",
    "superseded_at",
    "signed_at",
    "sent_at",
)
HISTORY_FIELDS = ("history_id", "id", "history_date", "history_change_reason")

# Stands for the case's id while the query is compiled; no case has it.
ANY_CASE = -1
CASE_FIELDS = Case._meta.concrete_fields


@functools.cache
def _case_page_query(vendor):
    """
    The case page's query, compiled once per process (Django takes longer
    to compile its many JSON columns than the database takes to run it):
    its SQL and parameters, the names of its JSON columns, and the
    converters for the case's own columns, which come first.
    """
    case = OuterRef("pk")
    columns = {
        f"page_{name}": related_json(Case, name, spec)
        for name, spec in CASE_PAGE.items()
    }
    columns["page_history"] = rows_as_json(
        HistoricalCase.objects.filter(id=case).order_by("-history_date"),
        fields=HISTORY_FIELDS,
        history_user=related_json(HistoricalCase, "history_user", USER_NAME),
    )
    columns["page_documents"] = rows_as_json(
        DocumentVersion.objects.filter(case=case, superseded_at__isnull=True),
        fields=DOCUMENT_FIELDS,
        signatures=related_json(DocumentVersion, "signatures", {}),
    )
    query = Case.objects.filter(pk=ANY_CASE).annotate(**columns).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    own = [col for col, _, _ in compiler.select[: len(CASE_FIELDS)]]
    assert [col.target for col in own] == list(CASE_FIELDS), "case's columns first"
    return sql, params, list(columns), compiler.get_converters(own)


def _case_page_row(pk):
    sql, params, _, _ = _case_page_query(connection.vendor)
    sql, params = prepared("case_page", sql, params, argument=ANY_CASE, value=pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def case_for_page(pk):
    """
    The case with everything its page shows, from one query whatever has
    been recorded; None if there is no such case. Current documents are
    in `current_documents` and the case's history, newest first, in
    `history_entries`.
    """
    row = _case_page_row(pk)
    if row is None:
        return None

    _, _, names, converters = _case_page_query(connection.vendor)
    values = list(row[: len(CASE_FIELDS)])
    for position, (functions, expression) in converters.items():
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    case = Case.from_db(connection.alias, [f.attname for f in CASE_FIELDS], values)

    columns = dict(zip(names, row[len(CASE_FIELDS) :], strict=True))
    for name in CASE_PAGE:
        attach(case, name, columns.pop(f"page_{name}"))
    # Consents and signatures name one of the pupil's carers.
    carers = {carer.pk: carer for carer in case.pupil.carers.all()}
    for record in [*case.consents.all(), *case.signatures.all()]:
        if record.carer_id in carers:
            record.carer = carers[record.carer_id]
    history = columns.pop("page_history")
    case.history_entries = instances_from_json(HistoricalCase, history)
    documents = columns.pop("page_documents")
    case.current_documents = instances_from_json(DocumentVersion, documents)
    return case


def get_case_page_or_404(user, pk, perm):
    """The case with everything its page shows, if the user holds `perm` on it."""
    case = case_for_page(pk)
    if case is None or not can(user, perm, case):
        raise Http404("No such case")
    return case


def get_case_or_404(user, pk, perm="cases.view_case", queryset=None):
    """
    The case, if the user holds `perm` on it. Someone who may read the case
    is told the page is not theirs (403); to anyone else it is as if there
    were no such case (404).
    """
    if queryset is None:
        # The approaches decide whether an approached school may look.
        queryset = case_queryset().prefetch_related("approaches")
    try:
        case = queryset.get(pk=pk)
    except (Case.DoesNotExist, ValueError):
        raise Http404("No such case") from None
    if not can(user, perm, case):
        if can(user, "cases.view_case", case):
            raise PermissionDenied("This page of the case is for someone else")
        raise Http404("No such case")
    return case
