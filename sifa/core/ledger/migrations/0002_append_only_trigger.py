"""On PostgreSQL, the database itself rejects UPDATE and DELETE on ledger entries and checkpoints.

Like the audit log's trigger (audit 0002), with no exception at all: evidence is never purged.
The head row (``ledger_ledgerhead``) is updated by every append and is not covered; what it holds
(the size) is recomputed by ``sifa verify --all`` from the entries anyway.
"""

from django.db import migrations

TABLES = ("ledger_ledgerentry", "ledger_ledgercheckpoint")

FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'evidence ledger is append-only (存证账本只能追加): % on % rejected', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(TRIGGER.format(table=table), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", params=None)
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_append_only();", params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
