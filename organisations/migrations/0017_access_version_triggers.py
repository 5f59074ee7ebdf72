"""Triggers that move ``accounts_user.access_version`` on any change to a person's access:
see ``organisations/access_version.py``, which holds them (on SQLite they are also made
again after every ``migrate``, by ``organisations.apps``)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from organisations.access_version import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    from organisations.access_version import remove

    remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_user_access_version"),
        ("organisations", "0016_invitation_batches"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
