"""
The database triggers that keep the Fair Access figures over every case
(StageTally, SchoolMoveTally, CaseReviewDue, StageStay,
ManagedMove.cp_file_sent and ContactWeekTally) true in the same
transaction as each change, for each database dowimm runs on. Triggers
rather than the services: a tally must follow every write, the bulk loads
and an administrator's edits included. Created by migrations 0006 and
0007, which also count what was there before.

A row's share is taken away with a plain UPDATE and added with an upsert:
emptying the tables between tests may delete the tallies before the cases,
and taking away must not then leave a tally below nothing.
"""

STATE_TALLY = "cases_stagetally"
MOVE_TALLY = "cases_schoolmovetally"
CASE = "cases_case"
MOVE = "cases_managedmove"
TRANSFER = "cases_childprotectionfiletransfer"
REVIEW_DUE = "cases_casereviewdue"
REVIEW = "meetings_reviewmeeting"


def _academic_year(vendor, day):
    if vendor == "postgresql":
        return (
            f"(EXTRACT(YEAR FROM {day})::integer"
            f" - CASE WHEN EXTRACT(MONTH FROM {day}) < 9 THEN 1 ELSE 0 END)"
        )
    # SQLite keeps a date as YYYY-MM-DD text.
    return (
        f"(CAST(substr({day}, 1, 4) AS INTEGER)"
        f" - (CAST(substr({day}, 6, 2) AS INTEGER) < 9))"
    )


def _is_move(row):
    return f"{row}.state = 'managed_move' AND {row}.closed_on IS NOT NULL"


def _add(vendor, row):
    """Statements that count the case `row` (NEW) in the tallies."""
    year = _academic_year(vendor, f"{row}.closed_on")
    statements = [
        f"""INSERT INTO {STATE_TALLY} (state, cases) VALUES ({row}.state, 1)
        ON CONFLICT (state) DO UPDATE SET cases = {STATE_TALLY}.cases + 1"""
    ]
    for school, moved_in, moved_out in (
        ("receiving_school_id", 1, 0),
        ("home_school_id", 0, 1),
    ):
        statements.append(
            f"""INSERT INTO {MOVE_TALLY}
                (school_id, academic_year, moved_in, moved_out)
            SELECT {row}.{school}, {year}, {moved_in}, {moved_out}
            WHERE {_is_move(row)} AND {row}.{school} IS NOT NULL
            ON CONFLICT (school_id, academic_year) DO UPDATE SET
                moved_in = {MOVE_TALLY}.moved_in + {moved_in},
                moved_out = {MOVE_TALLY}.moved_out + {moved_out}"""
        )
    statements.append(
        f"""INSERT INTO {REVIEW_DUE} (case_id, first_unheld_on)
        SELECT {row}.id, {_first_unheld(row)}
        WHERE {row}.state IN ('active', 'extended')
        ON CONFLICT (case_id) DO NOTHING"""
    )
    return statements


def _first_unheld(row, case="id"):
    return f"""(SELECT MIN(scheduled_for) FROM {REVIEW}
        WHERE {REVIEW}.case_id = {row}.{case} AND {REVIEW}.held_on IS NULL)"""


def _take_away(vendor, row):
    """Statements that stop counting the case `row` (OLD) in the tallies."""
    year = _academic_year(vendor, f"{row}.closed_on")
    statements = [
        f"UPDATE {STATE_TALLY} SET cases = cases - 1 WHERE state = {row}.state"
    ]
    for school, column in (
        ("receiving_school_id", "moved_in"),
        ("home_school_id", "moved_out"),
    ):
        statements.append(
            f"""UPDATE {MOVE_TALLY} SET {column} = {column} - 1
            WHERE {_is_move(row)} AND school_id = {row}.{school}
                AND academic_year = {year}"""
        )
    statements.append(f"DELETE FROM {REVIEW_DUE} WHERE case_id = {row}.id")
    return statements


# An update changes the tallies only when one of these changes.
COUNTED = ("state", "closed_on", "home_school_id", "receiving_school_id")
CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COUNTED)
SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COUNTED)
CP_FILE_SENT = f"EXISTS (SELECT 1 FROM {TRANSFER} WHERE {TRANSFER}.case_id = {{}})"


def _sqlite_body(statements):
    return "BEGIN " + "; ".join(statements) + "; END"


SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS {CASE}_tally_insert AFTER INSERT ON {CASE}
    {_sqlite_body(_add("sqlite", "NEW"))}""",
    f"""CREATE TRIGGER IF NOT EXISTS {CASE}_tally_delete AFTER DELETE ON {CASE}
    {_sqlite_body(_take_away("sqlite", "OLD"))}""",
    f"""CREATE TRIGGER IF NOT EXISTS {CASE}_tally_update AFTER UPDATE ON {CASE}
    WHEN {SQLITE_CHANGED}
    {_sqlite_body(_take_away("sqlite", "OLD") + _add("sqlite", "NEW"))}""",
    # SQLite's triggers cannot change NEW, so they correct the row after.
    f"""CREATE TRIGGER IF NOT EXISTS {MOVE}_cp_file_insert AFTER INSERT ON {MOVE}
    BEGIN UPDATE {MOVE} SET cp_file_sent = {CP_FILE_SENT.format("NEW.case_id")}
    WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {MOVE}_cp_file_update AFTER UPDATE ON {MOVE}
    WHEN NEW.cp_file_sent IS NOT {CP_FILE_SENT.format("NEW.case_id")}
    BEGIN UPDATE {MOVE} SET cp_file_sent = {CP_FILE_SENT.format("NEW.case_id")}
    WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TRANSFER}_sent AFTER INSERT ON {TRANSFER}
    BEGIN UPDATE {MOVE} SET cp_file_sent = 1 WHERE case_id = NEW.case_id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TRANSFER}_unsent AFTER DELETE ON {TRANSFER}
    BEGIN UPDATE {MOVE} SET cp_file_sent = 0 WHERE case_id = OLD.case_id; END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        f"{CASE}_tally_insert",
        f"{CASE}_tally_delete",
        f"{CASE}_tally_update",
        f"{MOVE}_cp_file_insert",
        f"{MOVE}_cp_file_update",
        f"{TRANSFER}_sent",
        f"{TRANSFER}_unsent",
    )
]


def _plpgsql(statements):
    return "; ".join(statements) + ";"


POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {CASE}_tally() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {_plpgsql(_take_away("postgresql", "OLD"))}
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            {_plpgsql(_add("postgresql", "NEW"))}
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER {CASE}_tally AFTER INSERT OR DELETE ON {CASE}
    FOR EACH ROW EXECUTE FUNCTION {CASE}_tally()""",
    f"""CREATE OR REPLACE TRIGGER {CASE}_tally_update AFTER UPDATE ON {CASE}
    FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION {CASE}_tally()""",
    f"""CREATE OR REPLACE FUNCTION {MOVE}_cp_file() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.cp_file_sent := {CP_FILE_SENT.format("NEW.case_id")};
        RETURN NEW;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER {MOVE}_cp_file BEFORE INSERT OR UPDATE ON {MOVE}
    FOR EACH ROW EXECUTE FUNCTION {MOVE}_cp_file()""",
    f"""CREATE OR REPLACE FUNCTION {TRANSFER}_sent() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- The managed move's own trigger looks the transfer up again.
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE {MOVE} SET cp_file_sent = false WHERE case_id = OLD.case_id;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            UPDATE {MOVE} SET cp_file_sent = true WHERE case_id = NEW.case_id;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER {TRANSFER}_sent
    AFTER INSERT OR DELETE OR UPDATE OF case_id ON {TRANSFER}
    FOR EACH ROW EXECUTE FUNCTION {TRANSFER}_sent()""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {CASE}_tally ON {CASE}",
    f"DROP TRIGGER IF EXISTS {CASE}_tally_update ON {CASE}",
    f"DROP TRIGGER IF EXISTS {MOVE}_cp_file ON {MOVE}",
    f"DROP TRIGGER IF EXISTS {TRANSFER}_sent ON {TRANSFER}",
    f"DROP FUNCTION IF EXISTS {CASE}_tally()",
    f"DROP FUNCTION IF EXISTS {MOVE}_cp_file()",
    f"DROP FUNCTION IF EXISTS {TRANSFER}_sent()",
]


def _review_due(row):
    return f"""UPDATE {REVIEW_DUE}
    SET first_unheld_on = {_first_unheld(row, "case_id")}
    WHERE case_id = {row}.case_id"""


SQLITE_CREATE += [
    f"""CREATE TRIGGER IF NOT EXISTS {REVIEW}_due_insert AFTER INSERT ON {REVIEW}
    BEGIN {_review_due("NEW")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {REVIEW}_due_update AFTER UPDATE ON {REVIEW}
    BEGIN {_review_due("OLD")}; {_review_due("NEW")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {REVIEW}_due_delete AFTER DELETE ON {REVIEW}
    BEGIN {_review_due("OLD")}; END""",
]
SQLITE_DROP += [
    f"DROP TRIGGER IF EXISTS {REVIEW}_due_{change}"
    for change in ("insert", "update", "delete")
]
POSTGRESQL_CREATE += [
    f"""CREATE OR REPLACE FUNCTION {REVIEW}_due() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {_review_due("OLD")};
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            {_review_due("NEW")};
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER {REVIEW}_due
    AFTER INSERT OR DELETE OR UPDATE OF case_id, scheduled_for, held_on ON {REVIEW}
    FOR EACH ROW EXECUTE FUNCTION {REVIEW}_due()""",
]
POSTGRESQL_DROP += [
    f"DROP TRIGGER IF EXISTS {REVIEW}_due ON {REVIEW}",
    f"DROP FUNCTION IF EXISTS {REVIEW}_due()",
]

# A history row whose state differs from the case's current stay ends that
# stay and starts the next; a deleted case's stays go with it. History rows
# arrive in the order of their dates, as the services write them.
STAY = "cases_stagestay"
HISTORY = "cases_historicalcase"
NEW_STAGE = f"""NOT EXISTS (SELECT 1 FROM {STAY} WHERE {STAY}.case_id = NEW.id
    AND {STAY}.left_at IS NULL AND {STAY}.state = NEW.state)"""
STAY_CHANGES = [
    f"""UPDATE {STAY} SET left_at = NEW.history_date
    WHERE case_id = NEW.id AND left_at IS NULL""",
    f"""INSERT INTO {STAY} (case_id, state, entered_at)
    VALUES (NEW.id, NEW.state, NEW.history_date)""",
]
SQLITE_CREATE += [
    f"""CREATE TRIGGER IF NOT EXISTS {HISTORY}_stay AFTER INSERT ON {HISTORY}
    WHEN NEW.history_type <> '-' AND {NEW_STAGE}
    {_sqlite_body(STAY_CHANGES)}""",
    f"""CREATE TRIGGER IF NOT EXISTS {HISTORY}_stays_end AFTER INSERT ON {HISTORY}
    WHEN NEW.history_type = '-'
    BEGIN DELETE FROM {STAY} WHERE case_id = NEW.id; END""",
]
SQLITE_DROP += [
    f"DROP TRIGGER IF EXISTS {HISTORY}_stay",
    f"DROP TRIGGER IF EXISTS {HISTORY}_stays_end",
]
POSTGRESQL_CREATE += [
    f"""CREATE OR REPLACE FUNCTION {HISTORY}_stay() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.history_type = '-' THEN
            DELETE FROM {STAY} WHERE case_id = NEW.id;
        ELSIF {NEW_STAGE} THEN
            {_plpgsql(STAY_CHANGES)}
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER {HISTORY}_stay AFTER INSERT ON {HISTORY}
    FOR EACH ROW EXECUTE FUNCTION {HISTORY}_stay()""",
]
POSTGRESQL_DROP += [
    f"DROP TRIGGER IF EXISTS {HISTORY}_stay ON {HISTORY}",
    f"DROP FUNCTION IF EXISTS {HISTORY}_stay()",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def recount_statements(vendor):
    """Statements that set the tallies from the cases as they are."""
    year = _academic_year(vendor, "closed_on")
    moves = f"FROM {CASE} WHERE state = 'managed_move' AND closed_on IS NOT NULL"
    return [
        f"DELETE FROM {STATE_TALLY}",
        f"""INSERT INTO {STATE_TALLY} (state, cases)
        SELECT state, COUNT(*) FROM {CASE} GROUP BY state""",
        f"DELETE FROM {MOVE_TALLY}",
        f"""INSERT INTO {MOVE_TALLY} (school_id, academic_year, moved_in, moved_out)
        SELECT school_id, academic_year, SUM(moved_in), SUM(moved_out) FROM (
            SELECT receiving_school_id AS school_id, {year} AS academic_year,
                1 AS moved_in, 0 AS moved_out
            {moves} AND receiving_school_id IS NOT NULL
            UNION ALL
            SELECT home_school_id, {year}, 0, 1 {moves}
        ) AS moves GROUP BY school_id, academic_year""",
        f"UPDATE {MOVE} SET cp_file_sent = {CP_FILE_SENT.format(f'{MOVE}.case_id')}",
        f"DELETE FROM {REVIEW_DUE}",
        f"""INSERT INTO {REVIEW_DUE} (case_id, first_unheld_on)
        SELECT id, {_first_unheld(CASE)} FROM {CASE}
        WHERE state IN ('active', 'extended')""",
        f"DELETE FROM {STAY}",
        f"""INSERT INTO {STAY} (case_id, state, entered_at, left_at)
        SELECT id, state, history_date, LEAD(history_date) OVER (
            PARTITION BY id ORDER BY history_date, history_id
        ) FROM (
            SELECT id, state, history_date, history_id, LAG(state) OVER (
                PARTITION BY id ORDER BY history_date, history_id
            ) AS state_before
            FROM {HISTORY}
            WHERE history_type <> '-' AND id IN (SELECT id FROM {CASE})
        ) AS changes
        WHERE state_before IS NULL OR state_before <> state""",
    ]


# ContactWeekTally, created by migration 0007 with triggers of its own on
# the contacts and the cases. A case counts in a week's tally while it is
# in placement, started before that week, and has a contact dated in it.
CONTACT = "cases_contactlogentry"
WEEK_TALLY = "cases_contactweektally"
IN_PLACEMENT = "state IN ('active', 'extended')"


def _week(vendor, day):
    """The Monday of the week of `day`, a date."""
    if vendor == "postgresql":
        return f"({day} - (EXTRACT(ISODOW FROM {day})::integer - 1))"
    # strftime's %w counts from Sunday as 0.
    return (
        f"date({day}, '-' || ((CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7)"
        " || ' days')"
    )


def _contact_counted(vendor, row):
    """Count the contact `row`'s case in its week, if it is the first there."""
    week = _week(vendor, f"{row}.contact_on")
    return f"""INSERT INTO {WEEK_TALLY} (week_on, cases)
    SELECT {week}, 1 FROM {CASE}
    WHERE {CASE}.id = {row}.case_id AND {CASE}.{IN_PLACEMENT}
        AND {CASE}.started_on < {week}
        AND NOT EXISTS (SELECT 1 FROM {CONTACT} AS other
            WHERE other.case_id = {row}.case_id AND other.id <> {row}.id
            AND {_week(vendor, "other.contact_on")} = {week})
    ON CONFLICT (week_on) DO UPDATE SET cases = {WEEK_TALLY}.cases + 1"""


def _contact_uncounted(vendor, row):
    """Stop counting the contact `row`'s case in its week, if it was the last."""
    week = _week(vendor, f"{row}.contact_on")
    return f"""UPDATE {WEEK_TALLY} SET cases = cases - 1
    WHERE week_on = {week}
        AND EXISTS (SELECT 1 FROM {CASE} WHERE {CASE}.id = {row}.case_id
            AND {CASE}.{IN_PLACEMENT} AND {CASE}.started_on < {week})
        AND NOT EXISTS (SELECT 1 FROM {CONTACT} AS other
            WHERE other.case_id = {row}.case_id
            AND {_week(vendor, "other.contact_on")} = {week})"""


def _case_weeks_counted(vendor, row):
    """Count the case `row` in every week it has a contact in, if it counts."""
    week = _week(vendor, "contact_on")
    return f"""INSERT INTO {WEEK_TALLY} (week_on, cases)
    SELECT DISTINCT {week}, 1 FROM {CONTACT}
    WHERE case_id = {row}.id AND {row}.{IN_PLACEMENT}
        AND {week} > {row}.started_on
    ON CONFLICT (week_on) DO UPDATE SET cases = {WEEK_TALLY}.cases + 1"""


def _case_weeks_uncounted(vendor, row):
    week = _week(vendor, "contact_on")
    return f"""UPDATE {WEEK_TALLY} SET cases = cases - 1
    WHERE {row}.{IN_PLACEMENT} AND week_on > {row}.started_on
        AND week_on IN (SELECT {week} FROM {CONTACT} WHERE case_id = {row}.id)"""


# A contact moves between counts only when it changes case or week.
CONTACT_MOVED = {
    vendor: f"""OLD.case_id <> NEW.case_id
        OR {_week(vendor, "OLD.contact_on")} <> {_week(vendor, "NEW.contact_on")}"""
    for vendor in ("sqlite", "postgresql")
}
PLACEMENT_CHANGED = {
    "sqlite": "OLD.state IS NOT NEW.state OR OLD.started_on IS NOT NEW.started_on",
    "postgresql": "OLD.state IS DISTINCT FROM NEW.state"
    " OR OLD.started_on IS DISTINCT FROM NEW.started_on",
}

CONTACT_WEEK_SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS {CONTACT}_week_insert AFTER INSERT ON {CONTACT}
    BEGIN {_contact_counted("sqlite", "NEW")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {CONTACT}_week_delete AFTER DELETE ON {CONTACT}
    BEGIN {_contact_uncounted("sqlite", "OLD")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {CONTACT}_week_update AFTER UPDATE ON {CONTACT}
    WHEN {CONTACT_MOVED["sqlite"]}
    BEGIN {_contact_uncounted("sqlite", "OLD")};
        {_contact_counted("sqlite", "NEW")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {CASE}_weeks_delete AFTER DELETE ON {CASE}
    BEGIN {_case_weeks_uncounted("sqlite", "OLD")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {CASE}_weeks_update AFTER UPDATE ON {CASE}
    WHEN {PLACEMENT_CHANGED["sqlite"]}
    BEGIN {_case_weeks_uncounted("sqlite", "OLD")};
        {_case_weeks_counted("sqlite", "NEW")}; END""",
]
CONTACT_WEEK_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        f"{CONTACT}_week_insert",
        f"{CONTACT}_week_delete",
        f"{CONTACT}_week_update",
        f"{CASE}_weeks_delete",
        f"{CASE}_weeks_update",
    )
]


def _plpgsql_changes(uncounted, counted):
    return f"""LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {uncounted("postgresql", "OLD")};
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            {counted("postgresql", "NEW")};
        END IF;
        RETURN NULL;
    END $$"""


CONTACT_WEEK_POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {CONTACT}_week() RETURNS trigger
    {_plpgsql_changes(_contact_uncounted, _contact_counted)}""",
    f"""CREATE OR REPLACE TRIGGER {CONTACT}_week AFTER INSERT OR DELETE ON {CONTACT}
    FOR EACH ROW EXECUTE FUNCTION {CONTACT}_week()""",
    f"""CREATE OR REPLACE TRIGGER {CONTACT}_week_update AFTER UPDATE ON {CONTACT}
    FOR EACH ROW WHEN ({CONTACT_MOVED["postgresql"]})
    EXECUTE FUNCTION {CONTACT}_week()""",
    f"""CREATE OR REPLACE FUNCTION {CASE}_weeks() RETURNS trigger
    {_plpgsql_changes(_case_weeks_uncounted, _case_weeks_counted)}""",
    f"""CREATE OR REPLACE TRIGGER {CASE}_weeks_delete AFTER DELETE ON {CASE}
    FOR EACH ROW EXECUTE FUNCTION {CASE}_weeks()""",
    f"""CREATE OR REPLACE TRIGGER {CASE}_weeks_update AFTER UPDATE ON {CASE}
    FOR EACH ROW WHEN ({PLACEMENT_CHANGED["postgresql"]})
    EXECUTE FUNCTION {CASE}_weeks()""",
]
CONTACT_WEEK_POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {CONTACT}_week ON {CONTACT}",
    f"DROP TRIGGER IF EXISTS {CONTACT}_week_update ON {CONTACT}",
    f"DROP TRIGGER IF EXISTS {CASE}_weeks_delete ON {CASE}",
    f"DROP TRIGGER IF EXISTS {CASE}_weeks_update ON {CASE}",
    f"DROP FUNCTION IF EXISTS {CONTACT}_week()",
    f"DROP FUNCTION IF EXISTS {CASE}_weeks()",
]

CONTACT_WEEK_STATEMENTS = {
    "sqlite": (CONTACT_WEEK_SQLITE_CREATE, CONTACT_WEEK_SQLITE_DROP),
    "postgresql": (CONTACT_WEEK_POSTGRESQL_CREATE, CONTACT_WEEK_POSTGRESQL_DROP),
}


def contact_week_recount_statements(vendor):
    """Statements that set ContactWeekTally from the contacts as they are."""
    return [
        f"DELETE FROM {WEEK_TALLY}",
        f"""INSERT INTO {WEEK_TALLY} (week_on, cases)
        SELECT week_on, COUNT(*) FROM (
            SELECT DISTINCT {CONTACT}.case_id, {CASE}.started_on,
                {_week(vendor, "contact_on")} AS week_on
            FROM {CONTACT} JOIN {CASE} ON {CASE}.id = {CONTACT}.case_id
            WHERE {CASE}.{IN_PLACEMENT}
        ) AS contacted WHERE started_on < week_on GROUP BY week_on""",
    ]
