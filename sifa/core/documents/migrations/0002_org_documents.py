"""Documents issued by an org (reports, letters, notices) besides case documents: ``org`` (backfilled from
the case), ``case`` optional, ``period``, and ``docx`` renamed ``file`` (an .xlsx table is a document too)."""

import django.db.models.deletion
from django.db import migrations, models


def backfill_org(apps, schema_editor):  # type: ignore[no-untyped-def]
    GeneratedDocument = apps.get_model("documents", "GeneratedDocument")
    for doc in GeneratedDocument.objects.select_related("case").only("id", "case__org_id").iterator():
        GeneratedDocument.objects.filter(pk=doc.pk).update(org_id=doc.case.org_id)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="generateddocument", name="org",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="documents",
                                    to="orgs.org", verbose_name="制发机构"),
        ),
        migrations.RunPython(backfill_org, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="generateddocument", name="org",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="documents",
                                    to="orgs.org", verbose_name="制发机构"),
        ),
        migrations.AlterField(
            model_name="generateddocument", name="case",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="documents", to="cases.case", verbose_name="案件"),
        ),
        migrations.AddField(
            model_name="generateddocument", name="period",
            field=models.CharField(blank=True, max_length=32, verbose_name="所属期间"),
        ),
        migrations.RenameField(model_name="generateddocument", old_name="docx", new_name="file"),
        migrations.AlterField(
            model_name="generateddocument", name="file",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="attachments.attachment", verbose_name="文书文件（.docx / .xlsx）"),
        ),
        migrations.AddIndex(
            model_name="generateddocument",
            index=models.Index(fields=["org", "doc_type", "period"], name="documents_g_org_id_c8d89e_idx"),
        ),
    ]
