"""System check (``sifa check``, and every ``manage.py`` start): the liaison points rule file must be usable."""

from __future__ import annotations

from typing import Any

from django.core import checks

from sifa.modules.liaisons.rules import RulesError, current_rules


def rules_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        current_rules()
    except RulesError as exc:
        return [checks.Error(str(exc), hint="修正该文件，或取消环境变量 SIFA_LIAISON_RULES_FILE 以使用默认规则",
                             id="liaisons.E001")]
    return []
