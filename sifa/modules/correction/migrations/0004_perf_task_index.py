# The cockpit's task figures (part "perf"): a covering index (day range, then path prefix).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("correction", "0003_reports_location_commitment"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="supervisiontask",
            index=models.Index(fields=["due_date", "org_path"], include=("status", "kind", "done_on", "id"),
                               name="corr_task_due_path", opclasses=["date_ops", "varchar_pattern_ops"]),
        ),
    ]
