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
