from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动 Web 服务（gunicorn，静态文件由 WhiteNoise 提供）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("SIFA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SIFA_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true",
                            help="不同时启动后台任务进程（默认同时启动 sifa worker，负责期限扫描与预警升级）")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_worker"]:
            # The worker shares the terminal's process group, so Ctrl+C stops it together with the server.
            subprocess.Popen([sys.executable, "-m", "sifa", "worker"])  # noqa: S603
            self.stdout.write("后台任务进程（sifa worker）已启动")
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        self.stdout.write(f"sifa 正在 http://{options['bind']} 提供服务（Ctrl+C 停止）")
        sys.stdout.flush()
        os.execv(gunicorn, [gunicorn, "sifa.project.wsgi:application", "--bind", options["bind"],  # noqa: S606
                            "--workers", str(options["workers"]), "--threads", "4", "--access-logfile", "-"])
