import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-for-checks-only-9f8e7d6c",
    "ALLOWED_HOSTS": "sahakum.example.org",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "unused-check.sqlite3"),
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "WAGTAILADMIN_BASE_URL": "https://sahakum.example.org",
    "DEFAULT_FROM_EMAIL": "Sahakum <no-reply@sahakum.example.org>",
}


def _manage(*args, env):
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base["SAHAKUM_ENV_FILE"] = ""  # never this machine's /etc/sahakum/sahakum.env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def _with_settings(code, *, env):
    """Runs `code` in `manage.py shell` with `s` bound to django.conf.settings."""
    return _manage("shell", "-v", "0", "-c", "from django.conf import settings as s; " + code, env=env)


def test_production_check_deploy_is_clean():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "must be set in the environment for production: SECRET_KEY (" in result.stderr


def test_production_names_every_missing_required_variable():
    required = [key for key in PRODUCTION_ENV if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG"}]
    # Empty counts as missing (and hides whatever this shell has set, e.g. DATABASE_URL).
    env = {**PRODUCTION_ENV, **dict.fromkeys(required, "")}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "production: " + ", ".join(required) + " (" in result.stderr


def test_production_sends_security_headers():
    # The same values check --deploy inspects, read from the module itself.
    env = dict(PRODUCTION_ENV)
    result = _with_settings(
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['default-src'])",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:4] == ["31536000", "True", "True", "True"]
    assert "'self'" in result.stdout


def test_s3_media_uses_unsigned_image_urls_and_documents_go_through_wagtail():
    # A signed URL would expire while a cached page still shows it; private documents are
    # streamed by Wagtail's view after its privacy check, never linked to the bucket.
    env = {
        **PRODUCTION_ENV,
        "AWS_STORAGE_BUCKET_NAME": "sahakum-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
    }
    result = _with_settings(
        "o = s.STORAGES['default']['OPTIONS'];"
        "print(s.STORAGES['default']['BACKEND'], o['querystring_auth'], o['endpoint_url'], s.WAGTAILDOCS_SERVE_METHOD)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "False", "https://s3.example.org", "serve_view"]
