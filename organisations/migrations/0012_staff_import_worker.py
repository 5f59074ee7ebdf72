"""Each staff import being checked or applied names the task worker doing it, so that if the
worker dies the import can be queued again (``services.staff_imports_take_over``).

Expand only: a new column with a constant default, which PostgreSQL 11 and later adds without
rewriting the table; code from before it never reads it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0011_staff_search_indexes_known_to_django"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffimport",
            name="worker",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
    ]
