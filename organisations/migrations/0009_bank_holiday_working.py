"""Whether someone works bank holidays (a rota that includes them), per person and as the
organisation's default, so carer's leave may fall on a bank holiday they would have worked.

Both columns have a database default as well: on PostgreSQL adding them changes only the
catalogue, not the rows, however large the staff table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0008_staff_import_checked_in_background"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="staff_work_bank_holidays",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Tick if most staff work bank holidays as part of their rota. Each staff record can still say otherwise for that person.",
                verbose_name="staff normally work bank holidays",
            ),
        ),
        migrations.AddField(
            model_name="staffrecord",
            name="works_bank_holidays",
            field=models.CharField(
                choices=[
                    ("default", "As the organisation's default"),
                    ("yes", "Yes, bank holidays are working days for them"),
                    ("no", "No, bank holidays are days off"),
                ],
                db_default="default",
                default="default",
                max_length=7,
                verbose_name="works bank holidays",
            ),
        ),
    ]
