"""Decision due dates at month ends follow the corresponding-date rule.

Requests made on a day the later month lacks (29, 30 or 31 December, two months on) were
given that month's last day less one (27 February). The period runs to the month's last
day (28 February; see ``leave.statutory.period_of_months_last_day``), so those stored dates
move one or more days later. Only dates the old calculation produced are changed; the
rule is written out here so the migration does not change if the code does.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import migrations


def _old_last_day(first_day, months):
    return first_day + relativedelta(months=months) - timedelta(days=1)


def _new_last_day(first_day, months):
    corresponding = first_day + relativedelta(months=months)
    if corresponding.day != first_day.day:
        return corresponding
    return corresponding - timedelta(days=1)


def move_month_end_due_dates(apps, schema_editor):
    request_model = apps.get_model("leave", "FlexibleWorkingRequest")
    for item in request_model.objects.filter(received_on__day__gte=29).only(
        "pk", "received_on", "decision_due"
    ):
        for months in (2, 3):  # the Great Britain rows since 2024, and the older ones
            if _old_last_day(item.received_on, months) == item.decision_due:
                corrected = _new_last_day(item.received_on, months)
                if corrected != item.decision_due:
                    request_model.objects.filter(pk=item.pk).update(decision_due=corrected)
                break


def move_back(apps, schema_editor):
    request_model = apps.get_model("leave", "FlexibleWorkingRequest")
    for item in request_model.objects.filter(received_on__day__gte=29).only(
        "pk", "received_on", "decision_due"
    ):
        for months in (2, 3):
            if _new_last_day(item.received_on, months) == item.decision_due:
                earlier = _old_last_day(item.received_on, months)
                if earlier != item.decision_due:
                    request_model.objects.filter(pk=item.pk).update(decision_due=earlier)
                break


class Migration(migrations.Migration):
    dependencies = [("leave", "0007_deputy_ended_early")]

    operations = [migrations.RunPython(move_month_end_due_dates, move_back)]
