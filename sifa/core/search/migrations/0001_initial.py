# Generated for sifa.core.search (BM25 index)

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchKindStats",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=64, unique=True, verbose_name="索引类别")),
                ("n", models.BigIntegerField(default=0, verbose_name="文档数")),
                ("total_length", models.BigIntegerField(default=0, verbose_name="总词数")),
            ],
            options={"verbose_name": "索引统计", "verbose_name_plural": "索引统计"},
        ),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=64, verbose_name="索引类别")),
                ("key", models.CharField(max_length=128, verbose_name="文档键")),
                ("org_path", models.CharField(blank=True, default="", max_length=255, verbose_name="机构路径")),
                ("length", models.IntegerField(default=0, verbose_name="词数")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="索引时间")),
            ],
            options={
                "verbose_name": "检索文档",
                "verbose_name_plural": "检索文档",
                "indexes": [models.Index(fields=["kind", "org_path"], name="search_document_kind_org")],
                "constraints": [models.UniqueConstraint(fields=("kind", "key"), name="search_document_kind_key")],
            },
        ),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=64, verbose_name="索引类别")),
                ("term", models.CharField(max_length=64, verbose_name="词")),
                ("df", models.IntegerField(default=0, verbose_name="文档频率")),
            ],
            options={
                "verbose_name": "检索词",
                "verbose_name_plural": "检索词",
                "constraints": [models.UniqueConstraint(fields=("kind", "term"), name="search_term_kind_term")],
            },
        ),
        migrations.CreateModel(
            name="SearchPosting",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("tf", models.IntegerField(verbose_name="词频")),
                ("dl", models.IntegerField(verbose_name="文档词数")),
                ("impact", models.FloatField(verbose_name="词项得分")),
                ("document", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                               to="search.searchdocument", verbose_name="检索文档")),
                ("term", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                           to="search.searchterm", verbose_name="检索词")),
            ],
            options={
                "verbose_name": "倒排项",
                "verbose_name_plural": "倒排项",
                "indexes": [
                    models.Index(fields=["term", "-impact", "document", "tf", "dl"], name="search_posting_impact"),
                    models.Index(fields=["document", "term", "tf", "dl"], name="search_posting_document"),
                ],
            },
        ),
    ]
