"""Triggers that move ``accounts_user.access_version`` on any change to a person's access:
see ``organisations/access_version.py``, which holds them. PostgreSQL only: on SQLite
``organisations.apps`` makes them after every ``migrate`` instead."""

from django.db import migrations


def forwards(apps, schema_editor):
    # On SQLite organisations.apps makes them after every migrate: made here, they would stop
    # a later migration in the same run from rebuilding a table they name.
    if schema_editor.connection.vendor != "postgresql":
        return
    from organisations.access_version import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from organisations.access_version import remove

    remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_user_access_version"),
        ("organisations", "0016_invitation_batches"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
