"""Indexes for bulk invitations and bounces, built without locking the invitations table."""

from django.db import migrations, models

from shared.schema import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("accounts", "0007_invitation_batch_and_bounce")]

    operations = [
        AddIndexConcurrently(
            model_name="invitation",
            index=models.Index(fields=["organisation", "email"], name="invitation_org_email_idx"),
        ),
        AddIndexConcurrently(
            model_name="invitation",
            index=models.Index(
                condition=~models.Q(message_id=""),
                fields=["message_id"],
                name="invitation_message_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="invitation",
            index=models.Index(
                condition=models.Q(bounced_at__isnull=False),
                fields=["batch"],
                name="invitation_batch_bounced_idx",
            ),
        ),
    ]
