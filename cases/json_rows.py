"""
Related records fetched as JSON columns of their parent's row, so that a
page needing a record, its one-to-one records and many short lists costs
one query however much has been recorded.

`related_json(model, name, spec)` is an expression for `annotate()`: the
records of one relation of `model` as a JSON array of objects, in their
model's order. `attach(instance, name, rows)` turns such an array back
into instances and puts them where `instance.<name>` finds them without a
query, as `select_related` and `prefetch_related` would.
"""

import datetime
import json

from django.conf import settings
from django.db import connection
from django.db.models import JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject


class RowsAsJSON(Subquery):
    # ARRAY() keeps the subquery's order, which an aggregate need not.
    template = "TO_JSONB(ARRAY(%(subquery)s))"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(SELECT JSON_GROUP_ARRAY(JSON(record)) FROM (%(subquery)s))",
            **extra_context,
        )


def rows_as_json(queryset, fields=None, **columns):
    """
    A correlated queryset as one JSON array: each row an object of `fields`
    (every column when None) and of the extra `columns` (expressions).
    """
    if fields is None:
        fields = [f.attname for f in queryset.model._meta.concrete_fields]
    shape = {name: name for name in fields} | columns
    return RowsAsJSON(queryset.values(record=JSONObject(**shape)))


def related_json(model, name, spec):
    """
    The records of relation `name` of `model` as a JSON array. `spec` is a
    tuple of the only fields wanted, or a dict naming the relations of those
    records to bring along in turn (each with its own spec).
    """
    relation = model._meta.get_field(name)
    target = relation.related_model
    if relation.concrete:
        rows = target._default_manager.filter(pk=OuterRef(relation.attname))
    else:
        rows = target._default_manager.filter(**{relation.field.name: OuterRef("pk")})
    if isinstance(spec, tuple):
        return rows_as_json(rows, fields=spec)
    nested = {key: related_json(target, key, value) for key, value in spec.items()}
    return rows_as_json(rows, **nested)


def instances_from_json(model, rows):
    if isinstance(rows, str):
        rows = json.loads(rows)
    return [_instance(model, row) for row in rows]


def attach(instance, name, rows):
    """Put the records of relation `name` where `instance.<name>` finds them."""
    relation = instance._meta.get_field(name)
    records = instances_from_json(relation.related_model, rows)
    if relation.one_to_many:
        _prefetched(instance, relation, records)
        return records
    record = records[0] if records else None
    relation.set_cached_value(instance, record)
    if record is not None and not relation.concrete:
        relation.field.set_cached_value(record, instance)
    return record


def _prefetched(instance, relation, records):
    queryset = getattr(instance, relation.get_accessor_name()).all()
    queryset._result_cache = records
    queryset._prefetch_done = True
    for record in records:
        relation.field.set_cached_value(record, instance)
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation.cache_name] = queryset


def _instance(model, row):
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in row:
            names.append(field.attname)
            values.append(_to_python(field, row[field.attname]))
    instance = model.from_db(connection.alias, names, values)
    for name, value in row.items():
        if name not in names:
            attach(instance, name, value)
    return instance


def _to_python(field, value):
    if value is None:
        return None
    if isinstance(field, JSONField):
        # SQLite nests a JSON column as a string of JSON.
        return json.loads(value) if connection.vendor == "sqlite" else value
    value = field.to_python(value)
    # SQLite keeps datetimes in UTC without an offset.
    if isinstance(value, datetime.datetime) and settings.USE_TZ and not value.tzinfo:
        value = value.replace(tzinfo=datetime.UTC)
    return value
