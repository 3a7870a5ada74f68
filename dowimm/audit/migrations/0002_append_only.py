from django.db import migrations

from dowimm.audit.triggers import STATEMENTS


def create_triggers(apps, schema_editor):
    create, _ = STATEMENTS[schema_editor.connection.vendor]
    for statement in create:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    _, drop = STATEMENTS[schema_editor.connection.vendor]
    for statement in drop:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """The database itself refuses to change or remove an access event."""

    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
