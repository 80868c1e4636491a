"""No two live bookings of a machine may overlap (buffer included), enforced by the database.

PostgreSQL: an exclusion constraint on the time range, with btree_gist for the machine id.
SQLite: triggers that abort an insert or update overlapping a live booking; SQLite runs one
writer at a time (transactions start IMMEDIATE, see settings), so the check and the write
cannot interleave.
"""

from django.db import migrations

LIVE = "('requested', 'confirmed', 'checked_in')"

POSTGRES_UP = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE sharing_booking ADD CONSTRAINT sharing_booking_no_overlap
    EXCLUDE USING gist (machine_id WITH =, tstzrange(start, blocked_until, '[)') WITH &&)
    WHERE (state IN {LIVE});
"""
POSTGRES_DOWN = "ALTER TABLE sharing_booking DROP CONSTRAINT sharing_booking_no_overlap;"

SQLITE_CHECK = f"""
    WHEN NEW.state IN {LIVE} AND EXISTS (
        SELECT 1 FROM sharing_booking b
        WHERE b.machine_id = NEW.machine_id AND b.id IS NOT NEW.id AND b.state IN {LIVE}
          AND b.start < NEW.blocked_until AND NEW.start < b.blocked_until)
    BEGIN SELECT RAISE(ABORT, 'sharing_booking_no_overlap'); END;
"""
SQLITE_UP = [
    f"CREATE TRIGGER sharing_booking_no_overlap_insert BEFORE INSERT ON sharing_booking {SQLITE_CHECK}",
    f"CREATE TRIGGER sharing_booking_no_overlap_update BEFORE UPDATE ON sharing_booking {SQLITE_CHECK}",
]
SQLITE_DOWN = [
    "DROP TRIGGER sharing_booking_no_overlap_insert;",
    "DROP TRIGGER sharing_booking_no_overlap_update;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"no overlap guard written for {vendor}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
