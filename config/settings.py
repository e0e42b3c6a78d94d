"""Settings for 驿站法援, read from the environment.

With no environment at all this runs the embedded default: SQLite (WAL, IMMEDIATE
transactions), django-q2 on the ORM broker, email to the console, SMS to the outbox
table, files on local disk. Production sets DJANGO_DEBUG=0, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL and usually REDIS_URL; see docs/deployment.md.
"""

import base64
import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def load_env_file() -> Path | None:
    """Read the server's env file into os.environ, so every process on the server, a
    `manage.py` command typed into a fresh shell included, gets the production settings
    without the operator sourcing anything. The file is named by YIZHAN_ENV_FILE (empty:
    none) and defaults to /etc/yizhan.env when that exists. Variables already in the
    environment win: systemd's EnvironmentFile= has read the same file for the services.

    Lines are KEY=VALUE as systemd and `set -a; . file` both read them: # comments, and
    values with spaces or <> in single quotes (docs/deployment.md)."""
    named = os.environ.get("YIZHAN_ENV_FILE")
    if named == "":
        return None
    path = Path(named or DEFAULT_ENV_FILE)
    if named is None and not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        if os.environ.get("DJANGO_DEBUG") is not None:
            return None  # a service whose systemd unit already loaded the file
        raise ImproperlyConfigured(
            f"Cannot read the env file {path} ({exc.strerror}): run the command as root, "
            "or set YIZHAN_ENV_FILE to the right file (docs/deployment.md)."
        ) from None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key.isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: expected KEY=VALUE.")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key, value)
    return path


DEFAULT_ENV_FILE = "/etc/yizhan.env"
ENV_FILE = load_env_file()

DEBUG = env_bool("DJANGO_DEBUG", default=True)


def local_secret_key(path: Path) -> str:
    """A random key made on the first local run and kept in `path` (mode 0600, under the
    git-ignored var/), so no two installations share a key: the worker-status cookie
    and the keyed hashes are signed with it. Created by linking a finished temporary
    file into place, so the web server and the task worker starting together agree."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        temporary.unlink()
    return path.read_text().strip()


def weak_secret_key(key: str) -> bool:
    """Django's own test (security.W009): at least 50 characters, 5 distinct, and not
    the prefix startproject writes."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = local_secret_key(
        Path(env_str("SECRET_KEY_FILE", str(BASE_DIR / "var" / "secret_key")))
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")

if not DEBUG:
    # Production mode refuses to start on defaults that would be unsafe.
    if weak_secret_key(SECRET_KEY):
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off: set SECRET_KEY to a random string of at least 50 characters "
            "with at least 5 different ones, e.g. "
            '`python3 -c "import secrets; print(secrets.token_urlsafe(48))"`.'
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_DEBUG is off: set ALLOWED_HOSTS (comma-separated).")

INSTALLED_APPS = [
    "config.admin.BackOfficeConfig",  # django.contrib.admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_q",
    "phonenumber_field",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "stations",
    "accounts",
    "lawyers",
    "cases",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    # Outside the two refusals below, so that theirs are in the API's error shape too.
    "api.middleware.ApiCallLogMiddleware",
    "config.middleware.LimitRequestSizeMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Read-your-writes with a read replica (config/replica.py); inert without one.
    "config.replica.PrimaryPositionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.language.LanguagePreferenceMiddleware",
    "accounts.middleware.StaffSessionMiddleware",
    "accounts.middleware.DenialLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns axes' lockout flag into the lockout page (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files straight from the app server in production (runserver does it in DEBUG).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "stations.context_processors.site",
            ],
        },
    },
    {
        # The worker's public status pages only (config/jinja2.py says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "worker",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": ["config.jinja2.worker_page"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database -------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
if not DEBUG and DATABASE_URL.startswith("sqlite"):
    # A production command that lost its environment would otherwise migrate a new,
    # empty db.sqlite3 and exit 0 (issue 22): refuse instead.
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is off: set DATABASE_URL to the PostgreSQL database "
        f"(env file: {ENV_FILE or 'none read'}; docs/deployment.md)."
    )
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
    # BEGIN so read-then-write transactions (tasks, case numbers) never deadlock
    # into "database is locked" (measured in STACK.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME") or None}
elif env_bool("DB_PREPARED_STATEMENTS", default=True):
    # PostgreSQL: bind parameters on the server and let psycopg prepare a query once
    # a connection has run it five times, so hot queries skip planning. Planning was
    # most of the status page's query time (bench/status_page.py measures it).
    # Pays off with persistent connections (DB_CONN_MAX_AGE); set 0 behind a
    # transaction-pooling PgBouncer older than 1.21, which cannot keep them.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

# A PostgreSQL streaming replica for the heavy reads (statistics, exports, reports);
# config/replica.py decides, per read, replica or primary. Empty: the primary only.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": env_int("REPLICA_CONNECT_TIMEOUT", 2),
    }
    # Tests: no database of its own is made on the replica (it could not be written);
    # tests/test_read_replica.py points it at the real replica of the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's validators with Chinese-first messages, plus letters-and-digits (accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.LettersAndDigitsValidator"},
]

# First the login lockout (refuses a locked-out login before the password is checked),
# then the ModelBackend that loads the lawyer profile, nav roles and unread count with the user.
AUTHENTICATION_BACKENDS = ["accounts.lockout.LoginLockoutBackend", "cases.auth.RequestUserBackend"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language a user chose (中文/English in the top bar) outlasts the browser session:
# Django's default cookie ends with it, and the next visit followed Accept-Language.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "CN"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# Static and private files -------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Case files are private: no MEDIA_URL is ever routed; files leave the server only
# through permission-checked, audited views (config/storage.py, the one home). On local
# disk by default; with S3_BUCKET set, in an S3-compatible bucket (Alibaba OSS, Tencent
# COS, MinIO, AWS), which every web and worker node shares: the multi-node layout of
# docs/deployment.md. The bucket stays private (private ACL, no public URL is made).
S3_BUCKET = env_str("S3_BUCKET")


def s3_storage(environ) -> dict:
    """The private store in an S3-compatible bucket, from S3_* variables in `environ`."""
    from botocore.config import Config

    def get(name, default=""):
        return environ.get(name) or default

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": get("S3_BUCKET"),
            "endpoint_url": get("S3_ENDPOINT_URL") or None,
            "access_key": get("S3_ACCESS_KEY_ID") or None,
            "secret_key": get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": get("S3_REGION") or None,
            # An optional folder inside the bucket (several sites sharing one bucket).
            "location": get("S3_PREFIX"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            # Two uploads of the same file get two names, as on local disk.
            "file_overwrite": False,
            "client_config": Config(
                s3={"addressing_style": get("S3_ADDRESSING_STYLE") or None},
                signature_version="s3v4",
                # A store that is down fails the request within seconds, not minutes.
                connect_timeout=int(get("S3_CONNECT_TIMEOUT", "5")),
                read_timeout=int(get("S3_READ_TIMEOUT", "30")),
                retries={"max_attempts": int(get("S3_MAX_ATTEMPTS", "3")), "mode": "standard"},
            ),
        },
    }


if S3_BUCKET:
    PRIVATE_STORAGE = s3_storage(os.environ)
else:
    PRIVATE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private"))},
    }
STORAGES = {
    "private": PRIVATE_STORAGE,
    # Nothing should ask for the default storage; if something does, it gets the
    # private store too, never a public one.
    "default": PRIVATE_STORAGE,
    "staticfiles": {
        # Production: hashed file names (app.3f2a….css), so whitenoise can let browsers
        # and proxies keep them for a year; a new version gets a new name.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
        # Public files, collected by root and served by the service user: not the
        # private modes below, which would apply to them too.
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
# Case files and backups are readable by the service user only (the services also run
# with UMask=0077: deploy/systemd/).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# The largest request body the app reads (all files of one upload, plus the form): a
# few phone photos and a scanned contract fit; ten 10 MB files at once do not, and get
# a page asking to upload them in parts. nginx's client_max_body_size must be at least
# this (docs/deployment.md).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 25 * 1024 * 1024)

# Email and SMS ------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "驿站法援 <noreply@localhost>")

# outbox (stored in a table, nothing sent), console (printed in full: locally the only
# place a status code can be read, since stored copies mask codes), or http (a gateway
# that takes signed POSTs).
SMS_BACKEND = env_str("SMS_BACKEND", "console" if DEBUG else "outbox")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_SECRET = env_str("SMS_GATEWAY_SECRET")
SMS_SIGNATURE = env_str("SMS_SIGNATURE", "【驿站法援】")

SITE_NAME = env_str("SITE_NAME", "驿站法援")
NETWORK_NAME = env_str("NETWORK_NAME", "工会驿站法律援助网络")

# The public address of the site, printed on receipts (e.g. https://legal.example.org).
PUBLIC_URL = env_str("PUBLIC_URL").rstrip("/")

# Worker status page limits. Behind a proxy, name the header that carries the client
# address as Django sees it in request.META (nginx: "HTTP_X_REAL_IP"). When the header
# holds a comma-separated list (X-Forwarded-For), its last value is taken: the one the
# trusted proxy appended; the values before it are whatever the client sent.
STATUS_CLIENT_IP_HEADER = env_str("STATUS_CLIENT_IP_HEADER")
STATUS_IP_LIMIT = env_int("STATUS_IP_LIMIT", 30)
# Webhook deliveries to loopback, private or link-local addresses (api/webhooks.py):
# refused in production, so a client cannot make the server post into its own network.
API_WEBHOOK_ALLOW_PRIVATE = env_bool("API_WEBHOOK_ALLOW_PRIVATE", DEBUG)
STATUS_IP_WINDOW_MINUTES = env_int("STATUS_IP_WINDOW_MINUTES", 60)

# Keyed hashes of phone numbers in logs (status lookups); defaults to SECRET_KEY.
PHONE_HASH_KEY = env_str("PHONE_HASH_KEY", SECRET_KEY)

# Internal service levels, in working days.
SLA_LAWYER_ACCEPT_WORKDAYS = env_int("SLA_LAWYER_ACCEPT_WORKDAYS", 2)
SLA_FIRST_CONTACT_WORKDAYS = env_int("SLA_FIRST_CONTACT_WORKDAYS", 3)
# The occupational-injury pilot (职业伤害保障试点) has no settled statutory
# time limit: the days within which the rider applies for 职业伤害确认 after the
# accident. 30 is this site's default, not a statute (see cases/deadlines/rules.py); set it
# to the local pilot rules.
OCCUPATIONAL_APPLICATION_DAYS = env_int("OCCUPATIONAL_APPLICATION_DAYS", 30)
# Years beyond the chinesecalendar package whose State Council schedule an admin has
# entered in full as holiday overrides (e.g. "2027"); see cases/deadlines/workdays.py.
HOLIDAY_SCHEDULE_COMPLETE_YEARS = [int(y) for y in env_list("HOLIDAY_SCHEDULE_COMPLETE_YEARS")]

# Task queue (django-q2) -------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
Q_CLUSTER = {
    "name": env_str("Q_CLUSTER_NAME", "yizhan"),
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 3,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "label": _("任务队列"),
    "sync": env_bool("Q_SYNC"),
    # Task arguments can carry personal data: by default keep no record of
    # successful tasks; failures stay visible in the admin.
    "save_limit": env_int("Q_SAVE_LIMIT", -1),
}
# A document batch whose task has made no progress this long is queued again (its worker
# node died; the Redis broker does not hand a lost task out twice): cases.tasks.
BATCH_STALL_SECONDS = env_int("BATCH_STALL_SECONDS", 300)
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Statistics pages are kept drawn in the cache until their figures change; a copy younger
# than this many seconds is served even after a change (the page says when it was taken).
# 0: every change shows at once. cases/statistics/freshness.py explains.
STATISTICS_MAX_AGE = env_int("STATISTICS_MAX_AGE", 60)
STATISTICS_CACHE_SECONDS = 24 * 3600

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site
# only, no inline script or style (static/js/app.js holds the pages' behaviour; htmx's
# indicator styles are in app.css), no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
# Load balancers probe /healthz over plain HTTP: answer them, do not redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Staff accounts: login lockout, two-factor sign-in, sessions, security log ----------------
# (accounts/; what each does and why: docs/deployment.md, "员工账户与安全日志")
# Failed logins of one username from one address before that pair is locked, and for how long.
LOGIN_LOCKOUT_FAILURES = env_int("LOGIN_LOCKOUT_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# Failed logins from one address, whatever the usernames, within the window (password spraying).
LOGIN_IP_CEILING = env_int("LOGIN_IP_CEILING", 50)
LOGIN_IP_WINDOW_MINUTES = env_int("LOGIN_IP_WINDOW_MINUTES", 60)
AXES_FAILURE_LIMIT = LOGIN_LOCKOUT_FAILURES
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_RESET_ON_SUCCESS = True
# An attempt while locked does not extend the lock: "try again in 15 minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The security log (accounts.SecurityEvent) records logins; axes keeps only the counts.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Two-factor sign-in: required for coordinators, union admins and Django staff. On by
# default in production; off in the demo (DEBUG) so the demo accounts sign in with a
# password alone. STAFF_2FA_REQUIRED=1 turns it on anywhere.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", env_str("SITE_NAME", "驿站法援"))
OTP_RECOVERY_CODES = 10

# Staff sessions end after this long without a request, and this long after login at most.
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 30)
STAFF_SESSION_MAX_HOURS = env_int("STAFF_SESSION_MAX_HOURS", 12)

# Days the security log is kept; at least 180 (网络安全法 art. 21(3): six months).
SECURITY_LOG_RETENTION_DAYS = env_int("SECURITY_LOG_RETENTION_DAYS", 365)


# Personal information (PIPL) -------------------------------------------------------------
# The worker's ID number is encrypted at rest (cases/encryption.py) with a Fernet key from
# the environment; rotation: the new key here, the old ones in FIELD_ENCRYPTION_OLD_KEYS,
# then `manage.py rotate_field_key`. In development a key is generated on first run into
# var/field_encryption_key (ignored by git); production refuses to start without one.
def _local_key(path: Path) -> str:
    """A random Fernet key kept in an ignored local file, created once (development only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        spare = path.with_name(f".{path.name}.{os.getpid()}")
        spare.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        spare.chmod(0o600)
        try:
            os.link(spare, path)  # atomic: a second process starting at once keeps the first key
        except FileExistsError:
            pass
        finally:
            spare.unlink()
    return path.read_text().strip()


FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off: set FIELD_ENCRYPTION_KEY (a Fernet key; see docs/deployment.md)."
        )
    FIELD_ENCRYPTION_KEY = _local_key(BASE_DIR / "var" / "field_encryption_key")
FIELD_ENCRYPTION_OLD_KEYS = env_list("FIELD_ENCRYPTION_OLD_KEYS")

# Closed and withdrawn cases are anonymised this many days after they were archived
# (cases/privacy/retention.py; README "保存期限" gives the reason for three years). 0: never.
CASE_RETENTION_DAYS = env_int("CASE_RETENTION_DAYS", 3 * 365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint's font-subsetting fallback warning must be seen (STACK.md).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "ERROR"},
        "django.db.backends": {"level": "INFO"},
        # axes logs every login at INFO, with masked names; the security log has them.
        "axes": {"level": "WARNING"},
    },
}
