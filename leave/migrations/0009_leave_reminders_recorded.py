"""Leave reminders are recorded on the request: the date reminded and the last stage sent.

Requests already waiting are marked as reminded for the stages whose day has passed, as the
daily job before this one sent them on those days, so the first run after the change does
not send them again. A stage whose day is today is left to send. The stages are written out
here so the migration does not change if the code does.
"""

from django.db import migrations, models
from django.db.models import Min
from django.utils import timezone

FLEXIBLE_STAGES = (14, 7, 3, 1)
CARERS_LEAVE_STAGES = (3, 1)


def _passed(stages, days_left):
    behind = [stage for stage in stages if stage > days_left]
    return min(behind, default=None)


def mark_stages_already_sent(apps, schema_editor):
    today = timezone.localdate()
    flexible = apps.get_model("leave", "FlexibleWorkingRequest")
    for item in flexible.objects.filter(status__in=["submitted", "appealed"]).only(
        "pk", "decision_due", "extension_agreed_to"
    ):
        deadline = item.extension_agreed_to or item.decision_due
        stage = _passed(FLEXIBLE_STAGES, (deadline - today).days)
        if stage is not None and deadline >= today:
            flexible.objects.filter(pk=item.pk).update(
                reminder_sent_for=deadline, reminder_stage=stage
            )
    leave = apps.get_model("leave", "CarersLeaveRequest")
    for pk, first_day in (
        leave.objects.filter(status="requested")
        .annotate(first=Min("days__day"))
        .filter(first__gt=today)
        .values_list("pk", "first")
    ):
        stage = _passed(CARERS_LEAVE_STAGES, (first_day - today).days)
        if stage is not None:
            leave.objects.filter(pk=pk).update(reminder_sent_for=first_day, reminder_stage=stage)


class Migration(migrations.Migration):
    dependencies = [("leave", "0008_decision_due_at_month_ends")]

    operations = [
        migrations.AddField(
            model_name="carersleaverequest",
            name="reminder_sent_for",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="carersleaverequest",
            name="reminder_stage",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="flexibleworkingrequest",
            name="reminder_sent_for",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="flexibleworkingrequest",
            name="reminder_stage",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_stages_already_sent, migrations.RunPython.noop),
    ]
