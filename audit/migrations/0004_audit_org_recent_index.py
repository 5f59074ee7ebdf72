"""The organisation's audit log reads one index in page order.

The log page filters by organisation and shows the newest first (``-at, -id``). With only
single-column indexes, PostgreSQL either sorted the whole organisation's history (tens of
millions of rows a year nationally) or walked ``at`` across every organisation.
``audit_org_recent_idx`` on ``(organisation_id, -at, -id)`` gives each page straight from
the index. Its leading column serves any lookup by organisation alone, so the plain
``organisation_id`` index goes: one index fewer on a table written on every passport read.

The append-only trigger (0002) is untouched.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_actor_kept_on_account_deletion")]

    operations = [
        # Build the new index before dropping the old one.
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["organisation_id", "-at", "-id"], name="audit_org_recent_idx"
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="organisation_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
    ]
