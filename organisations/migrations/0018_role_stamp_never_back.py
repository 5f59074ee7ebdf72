"""The guard that keeps ``accounts_user.access_version`` from going back now keeps
``role_stamp`` too (``organisations/access_version.py``). ``install`` makes every trigger
again, so this brings a database made by 0017 up to date. Going back leaves the wider guard in
place: it only ever refuses to lower a counter that nothing lowers on purpose."""

from django.db import migrations


def forwards(apps, schema_editor):
    from organisations.access_version import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0017_access_version_triggers")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
