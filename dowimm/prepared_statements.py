"""
Statements that hot pages run on every request, prepared once per
PostgreSQL connection. The case page's query is 21 KB of SQL: the server
spends several times longer parsing and planning it than running it, and
a prepared statement does both once for the life of the connection.

Elsewhere (SQLite, or DATABASE_PREPARED_STATEMENTS off behind a pooler
that shares connections between clients) the SQL runs as it is; SQLite's
driver keeps its own compiled statements already.
"""

import re

from django.conf import settings
from django.db import connection


def prepared(name, sql, params=(), *, argument=None, value=None):
    """
    The (sql, params) that run `sql` with `params`, in which the one
    parameter equal to `argument`, if given, takes `value` instead. On
    PostgreSQL that is an EXECUTE of statement `name`, prepared on this
    connection the first time it is asked for, with the other parameters
    written into it.
    """
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        if argument is None:
            return sql, list(params)
        return sql, [value if param == argument else param for param in params]

    connection.ensure_connection()
    # A prepared statement lasts as long as the connection it was made on.
    made = getattr(connection, "prepared_statements", None)
    if made is None or made[0] is not connection.connection:
        made = connection.prepared_statements = (connection.connection, set())
    if name not in made[1]:
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {_written_in(sql, params, argument)}")
        made[1].add(name)
    if argument is None:
        return f"EXECUTE {name}", []
    return f"EXECUTE {name} (%s)", [value]


def _written_in(sql, params, argument):
    """`sql` with `argument`'s place as $1 and every other parameter written in."""
    if argument is not None:
        assert list(params).count(argument) == 1, "the argument must be one parameter"
    places = iter(params)

    def place(match):
        if match.group() == "%%":
            return "%%"
        param = next(places)
        return "$1" if argument is not None and param == argument else "%s"

    text = re.sub("%%|%s", place, sql)
    written = [param for param in params if argument is None or param != argument]
    return connection.ops.compose_sql(text, written)
