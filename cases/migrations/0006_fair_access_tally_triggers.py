from django.db import migrations

from cases.tallies import STATEMENTS, recount_statements


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    create, _ = STATEMENTS[vendor]
    for statement in create + recount_statements(vendor):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    _, drop = STATEMENTS[schema_editor.connection.vendor]
    for statement in drop:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """The Fair Access tallies follow every change to a case, counted from now."""

    dependencies = [("cases", "0005_fair_access_indexes_and_tallies")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
