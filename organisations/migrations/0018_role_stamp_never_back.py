"""The guard that keeps ``accounts_user.access_version`` from going back now keeps
``role_stamp`` too (``organisations/access_version.py``). ``install`` makes every trigger
again, so this brings a PostgreSQL database made by 0017 up to date (SQLite's are made after
every ``migrate`` by ``organisations.apps``). Going back leaves the wider guard in
place: it only ever refuses to lower a counter that nothing lowers on purpose."""

from django.db import migrations


def forwards(apps, schema_editor):
    # On SQLite organisations.apps makes them after every migrate: made here, they would stop
    # a later migration in the same run from rebuilding a table they name.
    if schema_editor.connection.vendor != "postgresql":
        return
    from organisations.access_version import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0017_access_version_triggers")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
