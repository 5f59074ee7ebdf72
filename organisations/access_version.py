"""The database moves a person's ``access_version`` on whenever their access changes.

A person's organisations, roles and partnership leads are read on every signed-in page and
are kept between requests under ``accounts_user.access_version`` (organisations.selectors).
That is only safe if every change moves the version, including the ones no Django signal
sees: the staff import marking leavers with set-based SQL, ``QuerySet.update``/``delete``,
cascades, the admin, a database console. So the database does it, with triggers, in the same
transaction as the change:

- a membership or a partnership lead added, changed or removed: its person (before and after);
- a staff record with an account added, removed, or changed in status, account or
  organisation (someone marked as left loses their power there): its person;
- an organisation changed (its name, short name, partnership, language…): everyone with a
  membership there, as the kept organisation is what their pages read;
- a partnership changed: its leads and the members of its organisations.

Deleting an organisation or a partnership deletes the memberships and leads first (Django
deletes children before parents), which moves the version through their triggers.

The version never goes back: a full ``save()`` of a user object read before a change writes
its old version, which would make the entry kept under it current again, so a guard on
``accounts_user`` keeps the higher value. The same guard keeps ``role_stamp`` (moved when
someone is given a role that needs MFA, accounts.middleware) from going back the same way:
a password change saved from a user read before the grant would otherwise let the session
skip the MFA check it owes the new role. Migration 0018 brought the guard to both.

SQLite rebuilds a table to alter it, and a trigger whose body names a table stops the rebuild
(``no such table`` when the new table is renamed into place); the triggers also compare the
columns a table had when they were made. So on SQLite they are dropped before every
``migrate`` and made again after it (``organisations.apps``), and the migrations leave them
alone there: always current, never in the way. On PostgreSQL they are made by migration 0017,
and made again by any migration that changes them (0018).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

_BUMP = "UPDATE accounts_user SET access_version = access_version + 1 WHERE id"

POSTGRES_TRIGGERS = (
    "access_version_membership",
    "access_version_membership_changed",
    "access_version_partnership_lead",
    "access_version_partnership_lead_changed",
    "access_version_staff_added",
    "access_version_staff_removed",
    "access_version_staff_changed",
    "access_version_organisation",
    "access_version_partnership",
    "access_version_never_back",
)

POSTGRES_INSTALL = """
CREATE OR REPLACE FUNCTION access_version_bump_person() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE accounts_user SET access_version = access_version + 1 WHERE id = NEW.user_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE accounts_user SET access_version = access_version + 1 WHERE id = OLD.user_id;
    ELSE
        UPDATE accounts_user SET access_version = access_version + 1
        WHERE id IN (OLD.user_id, NEW.user_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION access_version_bump_organisation() RETURNS trigger AS $$
BEGIN
    UPDATE accounts_user SET access_version = access_version + 1
    WHERE id IN (SELECT user_id FROM organisations_membership WHERE organisation_id = NEW.id);
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

CREATE OR REPLACE FUNCTION access_version_keep_higher() RETURNS trigger AS $$
BEGIN
    NEW.access_version := GREATEST(NEW.access_version, OLD.access_version);
    NEW.role_stamp := GREATEST(NEW.role_stamp, OLD.role_stamp);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS access_version_membership ON organisations_membership;
CREATE TRIGGER access_version_membership
    AFTER INSERT OR DELETE ON organisations_membership
    FOR EACH ROW EXECUTE FUNCTION access_version_bump_person();

-- A row saved unchanged changes nothing, so it moves nothing (a form sent back unchanged
-- must leave every table as it was).
DROP TRIGGER IF EXISTS access_version_membership_changed ON organisations_membership;
CREATE TRIGGER access_version_membership_changed
    AFTER UPDATE ON organisations_membership
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION access_version_bump_person();

DROP TRIGGER IF EXISTS access_version_partnership_lead ON organisations_partnershiplead;
CREATE TRIGGER access_version_partnership_lead
    AFTER INSERT OR DELETE ON organisations_partnershiplead
    FOR EACH ROW EXECUTE FUNCTION access_version_bump_person();

DROP TRIGGER IF EXISTS access_version_partnership_lead_changed ON organisations_partnershiplead;
CREATE TRIGGER access_version_partnership_lead_changed
    AFTER UPDATE ON organisations_partnershiplead
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION access_version_bump_person();

DROP TRIGGER IF EXISTS access_version_staff_added ON organisations_staffrecord;
CREATE TRIGGER access_version_staff_added
    AFTER INSERT ON organisations_staffrecord
    FOR EACH ROW WHEN (NEW.user_id IS NOT NULL)
    EXECUTE FUNCTION access_version_bump_person();

DROP TRIGGER IF EXISTS access_version_staff_removed ON organisations_staffrecord;
CREATE TRIGGER access_version_staff_removed
    AFTER DELETE ON organisations_staffrecord
    FOR EACH ROW WHEN (OLD.user_id IS NOT NULL)
    EXECUTE FUNCTION access_version_bump_person();

-- Only the columns power depends on, and only for records with an account: an import that
-- rewrites names, units and managers costs nothing here.
DROP TRIGGER IF EXISTS access_version_staff_changed ON organisations_staffrecord;
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

DROP TRIGGER IF EXISTS access_version_organisation ON organisations_organisation;
CREATE TRIGGER access_version_organisation
    AFTER UPDATE ON organisations_organisation
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION access_version_bump_organisation();

DROP TRIGGER IF EXISTS access_version_partnership ON organisations_partnership;
CREATE TRIGGER access_version_partnership
    AFTER UPDATE ON organisations_partnership
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION access_version_bump_partnership();

DROP TRIGGER IF EXISTS access_version_never_back ON accounts_user;
CREATE TRIGGER access_version_never_back
    BEFORE UPDATE ON accounts_user
    FOR EACH ROW WHEN (
        NEW.access_version < OLD.access_version OR NEW.role_stamp < OLD.role_stamp
    )
    EXECUTE FUNCTION access_version_keep_higher();
"""

POSTGRES_REMOVE = "\n".join(
    [
        "DROP TRIGGER IF EXISTS access_version_membership ON organisations_membership;",
        "DROP TRIGGER IF EXISTS access_version_membership_changed ON organisations_membership;",
        "DROP TRIGGER IF EXISTS access_version_partnership_lead ON organisations_partnershiplead;",
        "DROP TRIGGER IF EXISTS access_version_partnership_lead_changed"
        " ON organisations_partnershiplead;",
        "DROP TRIGGER IF EXISTS access_version_staff_added ON organisations_staffrecord;",
        "DROP TRIGGER IF EXISTS access_version_staff_removed ON organisations_staffrecord;",
        "DROP TRIGGER IF EXISTS access_version_staff_changed ON organisations_staffrecord;",
        "DROP TRIGGER IF EXISTS access_version_organisation ON organisations_organisation;",
        "DROP TRIGGER IF EXISTS access_version_partnership ON organisations_partnership;",
        "DROP TRIGGER IF EXISTS access_version_never_back ON accounts_user;",
        "DROP FUNCTION IF EXISTS access_version_bump_person();",
        "DROP FUNCTION IF EXISTS access_version_bump_organisation();",
        "DROP FUNCTION IF EXISTS access_version_bump_partnership();",
        "DROP FUNCTION IF EXISTS access_version_keep_higher();",
    ]
)

#: Fire only when a column's value changed, worked out from the table as it is now.
ANY_COLUMN = "any column"

_STAFF_CHANGED = (
    "(OLD.user_id IS NOT NULL OR NEW.user_id IS NOT NULL) AND ("
    "OLD.status IS NOT NEW.status OR OLD.user_id IS NOT NEW.user_id "
    "OR OLD.organisation_id IS NOT NEW.organisation_id)"
)

# SQLite has no trigger functions: one trigger per table and event, each with its own
# statement. (name, event, table, WHEN or "", statement)
SQLITE_TRIGGERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("membership_added", "INSERT", "organisations_membership", "", f"{_BUMP} = NEW.user_id"),
    ("membership_removed", "DELETE", "organisations_membership", "", f"{_BUMP} = OLD.user_id"),
    (
        "membership_changed",
        "UPDATE",
        "organisations_membership",
        ANY_COLUMN,
        f"{_BUMP} IN (OLD.user_id, NEW.user_id)",
    ),
    ("lead_added", "INSERT", "organisations_partnershiplead", "", f"{_BUMP} = NEW.user_id"),
    ("lead_removed", "DELETE", "organisations_partnershiplead", "", f"{_BUMP} = OLD.user_id"),
    (
        "lead_changed",
        "UPDATE",
        "organisations_partnershiplead",
        ANY_COLUMN,
        f"{_BUMP} IN (OLD.user_id, NEW.user_id)",
    ),
    (
        "staff_added",
        "INSERT",
        "organisations_staffrecord",
        "NEW.user_id IS NOT NULL",
        f"{_BUMP} = NEW.user_id",
    ),
    (
        "staff_removed",
        "DELETE",
        "organisations_staffrecord",
        "OLD.user_id IS NOT NULL",
        f"{_BUMP} = OLD.user_id",
    ),
    (
        "staff_changed",
        "UPDATE",
        "organisations_staffrecord",
        _STAFF_CHANGED,
        f"{_BUMP} IN (OLD.user_id, NEW.user_id)",
    ),
    (
        "organisation_changed",
        "UPDATE",
        "organisations_organisation",
        ANY_COLUMN,
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN"
        " (SELECT user_id FROM organisations_membership WHERE organisation_id = NEW.id)",
    ),
    (
        "partnership_changed",
        "UPDATE",
        "organisations_partnership",
        ANY_COLUMN,
        "UPDATE accounts_user SET access_version = access_version + 1 WHERE id IN"
        " (SELECT user_id FROM organisations_partnershiplead WHERE partnership_id = NEW.id UNION SELECT m.user_id FROM organisations_membership m"
        " JOIN organisations_organisation o ON o.id = m.organisation_id"
        " WHERE o.partnership_id = NEW.id)",
    ),
    # With recursive_triggers off SQLite does not fire a trigger again from its own statement,
    # so each guard puts the higher value back once; each writes only its own column, so
    # neither sets the other off.
    (
        "never_back",
        "UPDATE OF access_version",
        "accounts_user",
        "NEW.access_version < OLD.access_version",
        "UPDATE accounts_user SET access_version = OLD.access_version WHERE id = NEW.id",
    ),
    (
        "role_stamp_never_back",
        "UPDATE OF role_stamp",
        "accounts_user",
        "NEW.role_stamp < OLD.role_stamp",
        "UPDATE accounts_user SET role_stamp = OLD.role_stamp WHERE id = NEW.id",
    ),
)


def trigger_names(vendor: str) -> tuple[str, ...]:
    if vendor == "postgresql":
        return POSTGRES_TRIGGERS
    return tuple(f"access_version_{name}" for name, *_rest in SQLITE_TRIGGERS)


def _columns(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _ready(connection: BaseDatabaseWrapper) -> bool:
    """Whether every table the triggers name is there, with the version column."""
    tables = set(connection.introspection.table_names())
    needed = {
        "accounts_user",
        "organisations_membership",
        "organisations_partnershiplead",
        "organisations_staffrecord",
        "organisations_organisation",
        "organisations_partnership",
    }
    return needed <= tables and "access_version" in _columns(connection, "accounts_user")


def install(connection: BaseDatabaseWrapper) -> None:
    """Make (or make again) every trigger. Safe to run any number of times."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(POSTGRES_INSTALL)
        return
    if connection.vendor != "sqlite" or not _ready(connection):
        return
    remove(connection)
    with connection.cursor() as cursor:
        for name, event, table, when, statement in SQLITE_TRIGGERS:
            if when == ANY_COLUMN:
                when = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _columns(connection, table))
            condition = f" WHEN {when}" if when else ""
            cursor.execute(
                f"CREATE TRIGGER access_version_{name} AFTER {event} ON {table} "
                f"FOR EACH ROW{condition} BEGIN {statement}; END"
            )


def remove(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(POSTGRES_REMOVE)
        return
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in trigger_names("sqlite"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
