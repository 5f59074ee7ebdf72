"""Large staff files are checked by a background task, not in the upload request.

Checking 1.5 million rows takes longer than a web request may: such an upload is stored at
once as "checking", and its problems, if any, are kept on the import for its status page.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0007_staff_indexes_led_by_user_and_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffimport",
            name="problems",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="staffimport",
            name="status",
            field=models.CharField(
                choices=[
                    ("checking", "Being checked"),
                    ("previewed", "Checked, waiting for confirmation"),
                    ("queued", "Waiting to be imported"),
                    ("running", "Importing"),
                    ("applied", "Imported"),
                    ("rejected", "Had errors, nothing imported"),
                    ("failed", "Failed, nothing imported"),
                    ("discarded", "Discarded"),
                ],
                default="previewed",
                max_length=10,
            ),
        ),
    ]
