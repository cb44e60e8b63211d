from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Chinese full-text ranking (BM25 on jieba tokens) shared by modules, and the retrieval evaluation."""

    name = "sifa.core.search"
    label = "search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"
