"""When each carer's leave request and record of time off for dependants last changed, for HR
and payroll systems that fetch what changed since their last run (docs/api.md).

Rows from before this migration take their creation time: nothing newer is known about
them. The indexes are built without locking the tables against writes (docs/deploy.md).
"""

from django.conf import settings
from django.db import migrations, models

from shared.schema import AddIndexConcurrently

_BACKFILL = "UPDATE {table} SET updated_at = created_at"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("leave", "0012_calendar_feed_first_read_of_the_day"),
        ("organisations", "0015_organisation_default_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="carersleaverequest",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddField(
            model_name="dependantstimeoff",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.RunSQL(
            _BACKFILL.format(table="leave_carersleaverequest"), migrations.RunSQL.noop
        ),
        migrations.RunSQL(
            _BACKFILL.format(table="leave_dependantstimeoff"), migrations.RunSQL.noop
        ),
        AddIndexConcurrently(
            model_name="carersleaverequest",
            index=models.Index(
                fields=["organisation", "updated_at", "id"], name="carers_leave_org_updated_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="dependantstimeoff",
            index=models.Index(
                fields=["organisation", "updated_at", "id"], name="dependants_org_updated_idx"
            ),
        ),
    ]
