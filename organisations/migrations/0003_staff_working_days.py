"""Which weekdays each person works. Existing records get Monday to Friday, except those
contracted for more than five days a week, who get no fixed days (irregular) so that
nothing they could book before is refused until HR sets their days."""

from decimal import Decimal

from django.db import migrations, models

import organisations.working_pattern


def irregular_for_over_five_days(apps, schema_editor):
    staff_model = apps.get_model("organisations", "StaffRecord")
    staff_model.objects.filter(days_per_week__gt=Decimal("5")).update(working_days="")


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_staff_import_preview"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffrecord",
            name="working_days",
            field=models.CharField(
                blank=True,
                default="12345",
                max_length=7,
                validators=[organisations.working_pattern.validate_working_days],
                verbose_name="working days",
            ),
        ),
        migrations.RunPython(irregular_for_over_five_days, migrations.RunPython.noop),
    ]
