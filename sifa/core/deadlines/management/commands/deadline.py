"""``sifa deadline``: print a statutory due date (ISO) on the first line; ``--explain`` adds the steps."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from sifa.core.deadlines import calculator, rules, selectors
from sifa.core.errors import SifaError


class Command(BaseCommand):
    help = ("计算法定期限：sifa deadline --rule AR-11 --start 2025-09-28 [--explain] | "
            "sifa deadline --start 2025-09-28 --period 5工作日 | sifa deadline --list")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rule", default="", help="规则编号（RULES.md），如 AR-11、CC-06、AR-19.reply")
        parser.add_argument("--start", default="", help="起算日 YYYY-MM-DD（以小时计算：YYYY-MM-DDTHH:MM；通知类规则为事件日）")
        parser.add_argument("--period", default="", help="期间：5工作日、15日、3个月、1年、48小时；刑期类规则填写刑期")
        parser.add_argument("--variant", default="", help="规则的配置选项，如 工作日、不顺延、在押")
        parser.add_argument("--statute", default="", help="自定义期间适用的法律，如 行政复议法（GEN-06/07/08 换算）")
        parser.add_argument("--custody-days", default="", help="判决执行前羁押天数（刑期类规则折抵）")
        parser.add_argument("--suspend", default="", metavar="FROM~TO", help="中止：中止开始日~障碍消除日")
        parser.add_argument("--extend", default="", help="延长的期间，如 三十日（须同时给出 --reason 与 --approver）")
        parser.add_argument("--reason", default="", help="延长理由")
        parser.add_argument("--approver", default="", help="延长的批准人")
        parser.add_argument("--explain", action="store_true", help="列出计算步骤与法条依据")
        parser.add_argument("--list", action="store_true", help="列出全部规则")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for rule in rules.rules().values():
                tag = f" [{rule.status}]" if rule.flagged else ""
                self.stdout.write(f"{rule.id}\t{rule.period_label()}\t{rule.title}\t{rule.article}{tag}")
            return
        suspend_from, _, suspend_to = options["suspend"].partition("~")
        data = calculator.CalculatorInput(
            rule=options["rule"], start=options["start"], period=options["period"], variant=options["variant"],
            statute=options["statute"], custody_days=options["custody_days"], extend=options["extend"],
            extend_reason=options["reason"], extend_approver=options["approver"], suspend_from=suspend_from,
            suspend_to=suspend_to)
        try:
            calendar = selectors.working_calendar()
        except DatabaseError as exc:
            raise CommandError(f"无法读取节假日安排（数据库未迁移？请先运行 sifa migrate）：{exc}") from exc
        try:
            outcome = calculator.calculate(data, calendar, explain=True)
        except SifaError as exc:
            field = f"（参数 --{exc.field.replace('_', '-')}）" if exc.field else ""
            raise CommandError(f"{exc.message}{field}") from exc
        deadline = outcome.deadline
        self.stdout.write(deadline.due_iso)
        if not options["explain"]:
            return
        status, flag = outcome.status
        self.stdout.write(f"{deadline.label}：{deadline.due_iso}" +
                          (f"；提醒日 {deadline.alert_on.isoformat()}" if deadline.alert_on else ""))
        if outcome.rule is not None:
            self.stdout.write(f"规则：{outcome.rule.id} {outcome.rule.title}；出处：{outcome.rule.article} [{status}]")
        if flag:
            self.stdout.write(f"注意 [{status}]：{flag}")
        for number, step in enumerate(deadline.steps, start=1):
            tag = f" [{step.tag}]" if step.tag else ""
            basis = f"（依据：{step.basis}）" if step.basis else ""
            self.stdout.write(f"{number}. {step.text}{basis}{tag}")
