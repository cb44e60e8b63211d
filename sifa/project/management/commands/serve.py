from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动 Web 服务（gunicorn，静态文件由 WhiteNoise 提供）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("SIFA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SIFA_WORKERS", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        self.stdout.write(f"sifa 正在 http://{options['bind']} 提供服务（Ctrl+C 停止）")
        sys.stdout.flush()
        os.execv(gunicorn, [gunicorn, "sifa.project.wsgi:application", "--bind", options["bind"],  # noqa: S606
                            "--workers", str(options["workers"]), "--threads", "4", "--access-logfile", "-"])
