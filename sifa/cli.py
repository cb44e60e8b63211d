"""The ``sifa`` command: thin wrappers on Django management commands.

    sifa serve            serve the web app (gunicorn) on SIFA_BIND (default 127.0.0.1:8000)
    sifa demo             load demo data (--scale demo|county|city|province --seed N)
    sifa import-regions   load region codes (default: the shipped 浙江省 + 赤峰市 data)
    sifa createadmin      create a 系统管理员 at an org
    sifa token create U   print a new personal access token for user U
    sifa check            system checks (settings, database, keys)
    sifa migrate          apply database migrations
    sifa worker           run background tasks and the periodic-job scheduler (--once: what is due, then exit)
    sifa purge-audit      delete audit rows older than the retention period (≥ 180 days)
    sifa deadline         compute a statutory deadline (--rule AR-11 --start 2025-09-28 [--explain])
    sifa import-scheme    import one version of an assessment scheme (FILE.json|FILE.toml [--org ORG])
    sifa doc-template     build a GB/T 9704 .docx template from its layout spec (build SPEC_OR_CODE OUT.docx)
    sifa import-laws      import Markdown law texts (a directory or files; a changed text becomes a new version)
    sifa verify-draw      re-derive a random draw from its published pools and revealed seed (DRAW_OR_PLAN_NUMBER)
    sifa eval retrieval   retrieval quality (NDCG@10/20/30, P@5, P@10, MAP) of the similar-case ranking
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "serve": ("serve", "启动 Web 服务"),
    "demo": ("demo", "载入演示数据"),
    "import-regions": ("import_regions", "导入行政区划"),
    "createadmin": ("createadmin", "创建系统管理员"),
    "token": ("token", "管理 API 访问令牌（token create USERNAME）"),
    "check": ("sifa_check", "系统检查"),
    "migrate": ("migrate", "数据库迁移"),
    "worker": ("worker", "后台任务进程"),
    "purge-audit": ("purge_audit", "清理过期审计日志"),
    "deadline": ("deadline", "期限计算"),
    "verify": ("verify", "校验存证账本"),
    "import-scheme": ("import_scheme", "导入考核方案（JSON 或 TOML，每次导入一个版本）"),
    "doc-template": ("doc_template", "生成文书模板（doc-template build SPEC_OR_CODE OUT.docx）"),
    "import-laws": ("import_laws", "导入法规文本（Markdown 目录或文件）"),
    "verify-draw": ("verify_draw", "校验随机抽取结果（按公开的名单与种子重新推导）"),
    "eval": ("eval", "评测（eval retrieval：类案检索质量）"),
}


def usage() -> str:
    lines = ["用法：sifa <命令> [参数]", "", "命令："]
    lines += [f"  {name:<16}{label}" for name, (_, label) in COMMANDS.items()]
    lines += ["", "sifa <命令> --help 查看命令参数。"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return
    name = argv[0]
    if name not in COMMANDS:
        print(f"未知命令：{name}\n\n{usage()}", file=sys.stderr)
        sys.exit(2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.project.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sifa", COMMANDS[name][0], *argv[1:]])


if __name__ == "__main__":
    main()
