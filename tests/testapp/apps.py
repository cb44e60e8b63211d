"""A test-only module: one case type with a small workflow, to test the core engines as a module would."""

from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"
    verbose_name = "测试模块"

    def ready(self) -> None:
        from sifa.core import registry
        from tests.testapp.workflows import TEST_CASE

        registry.case_types.register(TEST_CASE.code, TEST_CASE)
        from tests.testapp.scoring import SOURCES

        for source in SOURCES:
            registry.score_sources.register(source.key, source)
        registry.document_types.register("test_acceptance_notice", registry.DocumentType(
            code="test_acceptance_notice", label="受理通知书", template="tests.testapp:data/acceptance_notice.docx",
            number_word="司告", case_types=(TEST_CASE.code,), context=lambda case: {"hotline": "12348"}))
        from tests.testapp import documents

        registry.document_types.register("test_org_notice", registry.DocumentType(
            code="test_org_notice", label="工作通知", template="tests.testapp:data/org_notice.docx", number_word="司通",
            subject="org", context=documents.notice_context, params=(("period", "月份（YYYY-MM）"),)))
        registry.document_types.register("test_org_table", registry.DocumentType(
            code="test_org_table", label="测试统计表", template="", number_word="司统", subject="org",
            context=documents.table_context, render=documents.render_table, file_format="xlsx",
            params=(("period", "月份（YYYY-MM）"),)))
