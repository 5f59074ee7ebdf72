"""Two fewer indexes on staff records for every import to keep up.

- The one-record-per-user constraint now leads with the user, so it also serves lookups
  by user and the plain ``user_id`` index goes.
- The staff search matches emails on ``lower(work_email)``, which ``staff_email_idx``
  already holds, so ``staff_search_email_idx`` (``upper(work_email)``, PostgreSQL only,
  from 0004) goes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_email_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS staff_search_email_idx")


def restore_email_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS staff_search_email_idx ON organisations_staffrecord "
            "(organisation_id, upper((work_email)::text))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0006_staff_organisation_index_covered_by_others"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="staffrecord",
            name="one_staff_record_per_user_per_org",
        ),
        migrations.AlterField(
            model_name="staffrecord",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="staff_records",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="staffrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)),
                fields=("user", "organisation"),
                name="one_staff_record_per_user_per_org",
            ),
        ),
        migrations.RunPython(drop_email_search_index, restore_email_search_index),
    ]
