"""Invitations remember their bulk batch, their email's Message-ID and whether it bounced.

Columns only: the indexes come in 0008, built concurrently (docs/deploy.md). ``message_id``
has a database default so that the previous release, still serving during the deploy, can go
on inserting invitations without it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_user_language"),
        ("organisations", "0016_invitation_batches"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="invitations",
                to="organisations.invitationbatch",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="bounced_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="message_id",
            field=models.CharField(blank=True, db_default="", default="", max_length=200),
        ),
    ]
