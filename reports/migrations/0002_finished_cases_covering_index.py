"""
The outcomes and moves figures read every case finished in a period: with
the id and both schools in the index beside the stage and closing day, a
quarter of a million cases are counted from the index alone.
"""

from django.db import migrations

NAME = "reports_case_finished_covering"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_indexes_for_figures"),
        ("cases", "0006_fair_access_tally_triggers"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON cases_case "
            "(state, closed_on, id, home_school_id, receiving_school_id)",
            f"DROP INDEX IF EXISTS {NAME}",
        )
    ]
