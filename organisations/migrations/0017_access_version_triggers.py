"""The database moves a person's ``access_version`` on whenever their access changes.

A person's organisations, roles and partnership leads are read on every signed-in page and
are cached under ``accounts_user.access_version`` (organisations.selectors). That cache is
only safe if every change moves the version, including the ones no Django signal sees: the
staff import marking leavers with set-based SQL, ``QuerySet.update``/``delete``, cascades,
the admin, a database console. So the database does it, in the same transaction as the
change:

- a membership or a partnership lead added, changed or removed: its person (before and after);
- a staff record linked to an account, added, removed, or changed in status, account or
  organisation (someone marked as left loses their power there): its person;
- an organisation changed (its name, short name, partnership, language…): everyone with a
  membership there, as the cached organisation is what their pages read;
- a partnership changed: its leads and the members of its organisations.

Deleting an organisation or a partnership deletes the memberships and leads first (Django
deletes children before parents), which moves the version through their triggers.

On SQLite a later migration that rebuilds one of these tables (SQLite's way of altering
most columns) drops its triggers with the old table. ``test_access_cached`` checks after
all migrations that every trigger named here is in place; such a migration must call
``forwards`` again (it creates only what is missing).
"""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION access_version_bump_person() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE accounts_user SET access_version = access_version + 1 WHERE id = NEW.user_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE accounts_user SET access_version = access_version + 1 WHERE id = OLD.user_id;
    ELSE
        UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN (OLD.user_id, NEW.user_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION access_version_bump_organisation() RETURNS trigger AS $$
BEGIN
    UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN (SELECT user_id FROM organisations_membership WHERE organisation_id = NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION access_version_bump_partnership() RETURNS trigger AS $$
BEGIN
    UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN (
        SELECT user_id FROM organisations_partnershiplead WHERE partnership_id = NEW.id
        UNION
        SELECT m.user_id FROM organisations_membership m
        JOIN organisations_organisation o ON o.id = m.organisation_id
        WHERE o.partnership_id = NEW.id
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER access_version_membership
    AFTER INSERT OR UPDATE OR DELETE ON organisations_membership
    FOR EACH ROW EXECUTE FUNCTION access_version_bump_person();

CREATE TRIGGER access_version_partnership_lead
    AFTER INSERT OR UPDATE OR DELETE ON organisations_partnershiplead
    FOR EACH ROW EXECUTE FUNCTION access_version_bump_person();

CREATE TRIGGER access_version_staff_added
    AFTER INSERT ON organisations_staffrecord
    FOR EACH ROW WHEN (NEW.user_id IS NOT NULL)
    EXECUTE FUNCTION access_version_bump_person();

CREATE TRIGGER access_version_staff_removed
    AFTER DELETE ON organisations_staffrecord
    FOR EACH ROW WHEN (OLD.user_id IS NOT NULL)
    EXECUTE FUNCTION access_version_bump_person();

-- Only the columns power depends on, and only for records with an account: an import that
-- rewrites names, units and managers costs nothing here.
CREATE TRIGGER access_version_staff_changed
    AFTER UPDATE ON organisations_staffrecord
    FOR EACH ROW WHEN (
        (OLD.user_id IS NOT NULL OR NEW.user_id IS NOT NULL)
        AND (
            OLD.status IS DISTINCT FROM NEW.status
            OR OLD.user_id IS DISTINCT FROM NEW.user_id
            OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
        )
    )
    EXECUTE FUNCTION access_version_bump_person();

CREATE TRIGGER access_version_organisation
    AFTER UPDATE ON organisations_organisation
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION access_version_bump_organisation();

CREATE TRIGGER access_version_partnership
    AFTER UPDATE ON organisations_partnership
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION access_version_bump_partnership();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS access_version_membership ON organisations_membership;
DROP TRIGGER IF EXISTS access_version_partnership_lead ON organisations_partnershiplead;
DROP TRIGGER IF EXISTS access_version_staff_added ON organisations_staffrecord;
DROP TRIGGER IF EXISTS access_version_staff_removed ON organisations_staffrecord;
DROP TRIGGER IF EXISTS access_version_staff_changed ON organisations_staffrecord;
DROP TRIGGER IF EXISTS access_version_organisation ON organisations_organisation;
DROP TRIGGER IF EXISTS access_version_partnership ON organisations_partnership;
DROP FUNCTION IF EXISTS access_version_bump_person();
DROP FUNCTION IF EXISTS access_version_bump_organisation();
DROP FUNCTION IF EXISTS access_version_bump_partnership();
"""

_STAFF_CHANGED = (
    "(OLD.user_id IS NOT NULL OR NEW.user_id IS NOT NULL) AND ("
    "OLD.status IS NOT NEW.status OR OLD.user_id IS NOT NEW.user_id "
    "OR OLD.organisation_id IS NOT NEW.organisation_id)"
)

#: Fire only when a column's value changed, worked out from the table as it is.
ANY_COLUMN = "any column"

# SQLite (the first-run default) has no trigger functions: one trigger per table and event,
# each with its own statement. (name, event, table, WHEN or "", statement)
SQLITE = [
    (
        "membership_added",
        "INSERT",
        "organisations_membership",
        "",
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id = NEW.user_id",
    ),
    (
        "membership_removed",
        "DELETE",
        "organisations_membership",
        "",
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id = OLD.user_id",
    ),
    (
        "membership_changed",
        "UPDATE",
        "organisations_membership",
        "",
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN (OLD.user_id, NEW.user_id)",
    ),
    (
        "lead_added",
        "INSERT",
        "organisations_partnershiplead",
        "",
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id = NEW.user_id",
    ),
    (
        "lead_removed",
        "DELETE",
        "organisations_partnershiplead",
        "",
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id = OLD.user_id",
    ),
    (
        "lead_changed",
        "UPDATE",
        "organisations_partnershiplead",
        "",
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN (OLD.user_id, NEW.user_id)",
    ),
    (
        "staff_added",
        "INSERT",
        "organisations_staffrecord",
        "NEW.user_id IS NOT NULL",
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id = NEW.user_id",
    ),
    (
        "staff_removed",
        "DELETE",
        "organisations_staffrecord",
        "OLD.user_id IS NOT NULL",
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id = OLD.user_id",
    ),
    (
        "staff_changed",
        "UPDATE",
        "organisations_staffrecord",
        _STAFF_CHANGED,
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN (OLD.user_id, NEW.user_id)",
    ),
    (
        "organisation_changed",
        "UPDATE",
        "organisations_organisation",
        ANY_COLUMN,
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN (SELECT user_id FROM organisations_membership WHERE organisation_id = NEW.id)",
    ),
    (
        "partnership_changed",
        "UPDATE",
        "organisations_partnership",
        ANY_COLUMN,
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN ("
        "SELECT user_id FROM organisations_partnershiplead WHERE partnership_id = NEW.id "
        "UNION SELECT m.user_id FROM organisations_membership m "
        "JOIN organisations_organisation o ON o.id = m.organisation_id "
        "WHERE o.partnership_id = NEW.id)",
    ),
]


def _any_column_changed(schema_editor, table: str) -> str:
    """SQLite has no ``OLD IS DISTINCT FROM NEW``: compare each column, null-safely."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for name, event, table, when, statement in SQLITE:
            if when == ANY_COLUMN:
                when = _any_column_changed(schema_editor, table)
            condition = f" WHEN {when}" if when else ""
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS access_version_{name} AFTER {event} ON {table} "
                f"FOR EACH ROW{condition} BEGIN {statement}; END",
                params=None,
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for name, *_rest in SQLITE:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS access_version_{name}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_user_access_version"),
        ("organisations", "0016_invitation_batches"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
