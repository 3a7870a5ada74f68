import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.selectors import _case_page_row
from cases.tests.factories import Cast
from dowimm.prepared_statements import _written_in, prepared

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
)
STAND_IN = -1


def statements(action):
    with CaptureQueriesContext(connection) as queries:
        action()
    return [query["sql"].split(" AS ")[0] for query in queries.captured_queries]


def page_row(case):
    return _case_page_row(case.pk)


@pytest.mark.django_db
def test_without_prepared_statements_the_sql_runs_as_it_is(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False

    sql, params = prepared(
        "any", "SELECT %s, %s", ["a", STAND_IN], argument=STAND_IN, value=7
    )

    assert (sql, params) == ("SELECT %s, %s", ["a", 7])


@on_postgresql
@pytest.mark.django_db
def test_other_parameters_are_written_into_the_statement_and_the_argument_is_1():
    sql = "SELECT %s, '%%' || %s FROM t WHERE id = %s AND n = %s"

    text = _written_in(sql, ["it's", None, STAND_IN, 3], argument=STAND_IN)

    assert text == "SELECT 'it''s', '%' || NULL FROM t WHERE id = $1 AND n = 3"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_case_page_is_prepared_once_per_connection():
    case = Cast().planning_case()
    connection.close()

    assert statements(lambda: page_row(case)) == [
        "PREPARE case_page",
        f"EXECUTE case_page ({case.pk})",
    ]
    assert statements(lambda: page_row(case)) == [f"EXECUTE case_page ({case.pk})"]

    # A new connection has none of the old one's statements.
    connection.close()
    assert statements(lambda: page_row(case))[0] == "PREPARE case_page"


@pytest.mark.django_db
def test_the_case_page_reads_the_same_prepared_or_not(settings):
    case = Cast().planning_case()

    settings.DATABASE_PREPARED_STATEMENTS = True
    as_prepared = page_row(case)
    settings.DATABASE_PREPARED_STATEMENTS = False
    as_written = page_row(case)

    assert as_prepared == as_written
    assert as_prepared[0] == case.pk
