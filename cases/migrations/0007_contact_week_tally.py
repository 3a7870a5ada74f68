from django.db import migrations, models

from cases.tallies import CONTACT_WEEK_STATEMENTS, contact_week_recount_statements


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    create, _ = CONTACT_WEEK_STATEMENTS[vendor]
    for statement in create + contact_week_recount_statements(vendor):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    _, drop = CONTACT_WEEK_STATEMENTS[schema_editor.connection.vendor]
    for statement in drop:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """Each week's contacts counted for the dashboard's contact gaps."""

    dependencies = [("cases", "0006_fair_access_tally_triggers")]

    operations = [
        migrations.CreateModel(
            name="ContactWeekTally",
            fields=[
                ("week_on", models.DateField(primary_key=True, serialize=False)),
                ("cases", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
