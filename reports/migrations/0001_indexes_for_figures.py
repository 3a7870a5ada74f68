"""
Partial and composite indexes that keep the Fair Access dashboard's queues
and the reports cheap with a quarter of a million cases. They sit on other
apps' tables, so they are plain SQL (the same on PostgreSQL and SQLite)
and Django's model state does not know them.
"""

from django.db import migrations

INDEXES = {
    # Cases whose agreement FAET has not received: few, whatever the total.
    # With the id, counting them never reads the table.
    "reports_case_agreement_waiting": (
        "cases_case (state, id) WHERE agreement_received_by_faet_on IS NULL"
    ),
    # Moves in and out per school, and the reports, count cases by the day
    # they finished, from the index alone.
    "reports_case_finished_from": "cases_case (state, closed_on, home_school_id)",
    "reports_case_finished_at": (
        "cases_case (state, closed_on, receiving_school_id)"
    ),
    "reports_review_unheld": (
        "meetings_reviewmeeting (case_id, scheduled_for) WHERE held_on IS NULL"
    ),
    "reports_outcome_to_receive": (
        "cases_outcome (case_id) "
        "WHERE received_by_faet_on IS NULL AND sent_to_faet_on IS NOT NULL"
    ),
    "reports_managedmove_cp_due": "cases_managedmove (cp_file_due_on)",
    "reports_managedmove_registered": "cases_managedmove (single_registration_on)",
    # Time in each stage reads each case's history in order.
    "reports_case_history_in_order": (
        "cases_historicalcase (id, history_date, history_id)"
    ),
}

operations = [
    migrations.RunSQL(
        f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
        f"DROP INDEX IF EXISTS {name}",
    )
    for name, definition in INDEXES.items()
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_historicalmanagedmove_cp_file_due_on_and_more"),
        ("meetings", "0002_historicalreviewmeeting_attendees_and_more"),
    ]

    operations = operations
