"""sifa settings: one env-driven module. Defaults run the demo on SQLite under ``var/``.

Every environment variable read here is listed in docs/configuration.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dj_database_url

from sifa.project.env import env_bool, env_int, env_list, env_str, file_secret

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SIFA_VAR_DIR", str(BASE_DIR / "var"))).resolve()
NODE_MODULES = Path(env_str("SIFA_NODE_MODULES", str(BASE_DIR / "node_modules")))

DEBUG = env_bool("SIFA_DEBUG", False)
SECRET_KEY = env_str("SIFA_SECRET_KEY", "") or file_secret(VAR_DIR / "keys" / "secret_key", 48)
ALLOWED_HOSTS = env_list("SIFA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SIFA_CSRF_TRUSTED_ORIGINS", [])

# Field encryption key for identity numbers (AES-256-GCM) and the blind-index key derived from it.
SIFA_DATA_KEY = env_str("SIFA_DATA_KEY", "") or file_secret(VAR_DIR / "keys" / "data.key", 32)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "sifa.core.orgs",
    "sifa.core.accounts",
    "sifa.core.audit",
    "sifa.core.ledger",
    "sifa.core.tasks",
    "sifa.core.persons",
    "sifa.core.cases",
    "sifa.core.alerts",
    "sifa.core.deadlines",
    "sifa.core.attachments",
    "sifa.core.documents",
    "sifa.core.casecodes",
    "sifa.core.scoring",
    "sifa.core.search",
    "sifa.core.laws",
    "sifa.core.draws",
    "sifa.core.ui",
    "sifa.core.demo",
    "sifa.modules.judicial_office",
    "sifa.modules.legal_services",
    "sifa.modules.liaisons",
    "sifa.modules.correction",
    "sifa.modules.enforcement",
    "sifa.project",  # last: freezes the registries
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sifa.core.ui.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sifa.core.accounts.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sifa.core.ui.middleware.SifaErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sifa.project.urls"
WSGI_APPLICATION = "sifa.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sifa.core.ui.context.shell",
            ],
        },
    },
]

# Covering indexes (INCLUDE columns) of the rollup tables serve PostgreSQL; SQLite builds them without the
# extra columns, which is all models.W040 says, on every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sifa.sqlite3'}"),
        conn_max_age=env_int("SIFA_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )

# Background tasks: Django's tasks API (the django-tasks backport until Django 6). SIFA_TASKS_BACKEND is
# "database" (default: rows in the database, run by `sifa worker`), "immediate" (run inline, no worker),
# "dummy" (stored in memory, never run) or the dotted path of any backend class. See docs/engines/tasks.md.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
_TASKS_BACKEND = env_str("SIFA_TASKS_BACKEND", "database").strip() or "database"
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_TASKS_BACKEND, _TASKS_BACKEND), "QUEUES": []}}
SIFA_TASKS_MAX_ATTEMPTS = max(1, env_int("SIFA_TASKS_MAX_ATTEMPTS", 3))
SIFA_TASKS_RETRY_BACKOFF_SECONDS = max(0, env_int("SIFA_TASKS_RETRY_BACKOFF_SECONDS", 60))
SIFA_TASKS_RESULT_RETENTION_DAYS = max(1, env_int("SIFA_TASKS_RESULT_RETENTION_DAYS", 30))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "sifa.core.accounts.passwords.SifaPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"

# 等保2.0 三级: lockout and idle timeout.
SIFA_LOCKOUT_THRESHOLD = env_int("SIFA_LOCKOUT_THRESHOLD", 5)
SIFA_LOCKOUT_MINUTES = env_int("SIFA_LOCKOUT_MINUTES", 15)
SIFA_SESSION_IDLE_MINUTES = env_int("SIFA_SESSION_IDLE_MINUTES", 30)
SIFA_AUDIT_RETENTION_DAYS = max(180, env_int("SIFA_AUDIT_RETENTION_DAYS", 180))
# Evidence ledger hash algorithm (sm3 | sha256), fixed by the first append (docs/engines/ledger.md).
SIFA_LEDGER_HASH = env_str("SIFA_LEDGER_HASH", "")
# Audit rows wait this long before they are sealed into the evidence ledger (sifa/core/ledger/auditbatch.py).
SIFA_AUDIT_BATCH_SETTLE_SECONDS = env_int("SIFA_AUDIT_BATCH_SETTLE_SECONDS", 300)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SIFA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SIFA_HSTS_SECONDS", 0)
SECURE_SSL_REDIRECT = env_bool("SIFA_SSL_REDIRECT", False)
SIFA_CSP = env_str(
    "SIFA_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'",
)

# Requests: oversized bodies are refused with 400 before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SIFA_MAX_REQUEST_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = env_str("SIFA_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("SIFA_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/tabler", NODE_MODULES / "@tabler" / "core" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("SIFA_MEDIA_ROOT", str(VAR_DIR / "media")))
# Evidence files (sifa/core/attachments, docs/engines/attachments.md): a folder under MEDIA_ROOT that is
# never served directly (downloads go through a scoped, audited view), or any Django storage backend
# given as JSON in SIFA_EVIDENCE_STORAGE, e.g. django-storages' S3Storage for an S3-compatible store.
_EVIDENCE_STORAGE = env_str("SIFA_EVIDENCE_STORAGE", "").strip()
try:
    _evidence: Any = json.loads(_EVIDENCE_STORAGE) if _EVIDENCE_STORAGE else {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}}
except ValueError as exc:
    raise RuntimeError(f"环境变量 SIFA_EVIDENCE_STORAGE 不是有效的 JSON：{exc}") from exc
if not isinstance(_evidence, dict) or "BACKEND" not in _evidence:
    raise RuntimeError('环境变量 SIFA_EVIDENCE_STORAGE 须为 JSON 对象，含 "BACKEND"（存储后端类路径）与可选的 "OPTIONS"')
STORAGES["evidence"] = _evidence
SIFA_UPLOAD_MAX_BYTES = env_int("SIFA_UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
# Case codes (sifa/core/casecodes): the public address the QR on paper documents points at, and the
# longest an external reviewer's access grant may run.
SIFA_SITE_URL = env_str("SIFA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SIFA_GRANT_MAX_DAYS = max(1, env_int("SIFA_GRANT_MAX_DAYS", 90))
# 数字司法所 work log (sifa/modules/judicial_office, docs/modules/judicial_office.md): working days after a log's day
# during which its author may still edit it; how many recent days each auto-item pull looks at; bulk back-filling
# (more than N past days submitted by one person within M minutes opens an alert for the county bureau).
SIFA_WORKLOG_LOCK_WORKING_DAYS = max(0, env_int("SIFA_WORKLOG_LOCK_WORKING_DAYS", 3))
SIFA_WORKLOG_AUTO_PULL_DAYS = max(1, env_int("SIFA_WORKLOG_AUTO_PULL_DAYS", 14))
SIFA_WORKLOG_BACKFILL_DAYS = max(1, env_int("SIFA_WORKLOG_BACKFILL_DAYS", 5))
SIFA_WORKLOG_BACKFILL_WINDOW_MINUTES = max(1, env_int("SIFA_WORKLOG_BACKFILL_WINDOW_MINUTES", 60))
# 数字司法所 cockpit (sifa/modules/judicial_office/cockpit.py): an office with no submitted work log for this
# many working days is listed on the data-quality panel and gets an alert for its county bureau.
SIFA_WORKLOG_MISSING_DAYS = max(1, env_int("SIFA_WORKLOG_MISSING_DAYS", 3))
# 数字法务地图 (sifa/modules/legal_services, docs/modules/legal_services.md): the Leaflet tile URL template
# (empty = no map, list only), {s} subdomains, a key put into {key}, the attribution, an optional label
# overlay (天地图 注记); the tile hosts are added to img-src on the map pages only. Service tags to choose from.
SIFA_MAP_TILE_URL = env_str("SIFA_MAP_TILE_URL", "")
SIFA_MAP_TILE_LABEL_URL = env_str("SIFA_MAP_TILE_LABEL_URL", "")
SIFA_MAP_TILE_SUBDOMAINS = env_list("SIFA_MAP_TILE_SUBDOMAINS", [])
SIFA_MAP_TILE_KEY = env_str("SIFA_MAP_TILE_KEY", "")
SIFA_MAP_TILE_ATTRIBUTION = env_str("SIFA_MAP_TILE_ATTRIBUTION", "")
SIFA_MAP_SERVICE_TAGS = env_list("SIFA_MAP_SERVICE_TAGS", [
    "法律咨询", "法律援助", "人民调解", "公证服务", "司法鉴定", "律师服务", "法治宣传", "社区矫正", "安置帮教", "行政复议"])
# 法律明白人 yearly points rule (sifa/modules/liaisons, docs/modules/liaisons.md): a JSON file replacing the
# shipped data/assessment.json (empty = the shipped default).
SIFA_LIAISON_RULES_FILE = env_str("SIFA_LIAISON_RULES_FILE", "")
# 社区矫正 (sifa/modules/correction, docs/modules/correction.md): a TOML file overriding keys of the shipped
# data/config.toml ([NV] values; empty = the shipped defaults), and how many weeks ahead the worker keeps
# supervision tasks generated.
SIFA_CORRECTION_CONFIG = env_str("SIFA_CORRECTION_CONFIG", "")
SIFA_CORRECTION_TASK_WEEKS = max(1, env_int("SIFA_CORRECTION_TASK_WEEKS", 4))
# 行政执法 (sifa/modules/enforcement, docs/modules/enforcement.md): a TOML file overriding keys of the shipped
# data/config.toml, and the C-24 switch: the AP-31 payment period does not roll over a holiday.
SIFA_ENFORCEMENT_CONFIG = env_str("SIFA_ENFORCEMENT_CONFIG", "")
SIFA_PENALTY_PAYMENT_NO_ROLLOVER = env_bool("SIFA_PENALTY_PAYMENT_NO_ROLLOVER", False)
# Whether `sifa demo` publishes and performs its 双随机 and 案卷评查 draws (the test settings turn it off).
SIFA_DEMO_DRAWS = env_bool("SIFA_DEMO_DRAWS", True)
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SIFA_LOG_LEVEL", "WARNING")},
}

# Font for chart pictures in generated reports (sifa/core/documents/charts.py); empty = look for a CJK font.
SIFA_CHART_FONT = env_str("SIFA_CHART_FONT", "")
# Org types whose monthly statistics table and analysis report the worker issues (sifa/modules/judicial_office/reports.py).
SIFA_MONTHLY_REPORT_ORG_TYPES = env_str("SIFA_MONTHLY_REPORT_ORG_TYPES", "justice_department,justice_bureau")
