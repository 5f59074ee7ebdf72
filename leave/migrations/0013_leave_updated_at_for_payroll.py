"""When each carer's leave request and record of time off for dependants last changed, for HR
and payroll systems that fetch what changed since their last run (docs/api.md).

The column has a database default (the time of the insert), so that the release still
running during the deploy, which knows nothing of it, can go on inserting rows. Rows from
before take the time of this migration, without rewriting the tables: a payroll system's
first fetch, without ``updated_since``, gets them all anyway. Changes made by that older
release during the deploy do not move ``updated_at``: after upgrading, fetch once without
``updated_since`` (docs/api.md). The indexes are built without locking the tables against
writes (docs/deploy.md).
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Now

from shared.schema import AddIndexConcurrently


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
            field=models.DateTimeField(auto_now=True, db_default=Now()),
        ),
        migrations.AddField(
            model_name="dependantstimeoff",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_default=Now()),
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
