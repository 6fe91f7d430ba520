"""One env file read by manage.py and gunicorn (cms/envfile.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cms.envfile import load_env_file, parse_env_file

ROOT = Path(__file__).resolve().parents[2]


def test_parses_the_systemd_subset():
    text = """
# comment
DJANGO_SETTINGS_MODULE=cms.settings.production
export LOG_LEVEL=WARNING
DEFAULT_FROM_EMAIL="Sahakum <no-reply@example.org>"
EMPTY=
SINGLE='a b'
"""
    assert parse_env_file(text) == {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "LOG_LEVEL": "WARNING",
        "DEFAULT_FROM_EMAIL": "Sahakum <no-reply@example.org>",
        "EMPTY": "",
        "SINGLE": "a b",
    }


@pytest.mark.parametrize("line", ["just words", "1BAD=x", "BAD-NAME=x"])
def test_a_malformed_line_is_an_error_naming_the_line(line):
    with pytest.raises(ValueError, match="line 2"):
        parse_env_file("OK=1\n" + line)


def test_environment_wins_over_the_file(tmp_path, monkeypatch):
    env_file = tmp_path / "sahakum.env"
    env_file.write_text("SAHAKUM_TEST_A=from-file\nSAHAKUM_TEST_B=from-file\n")
    monkeypatch.setenv("SAHAKUM_TEST_A", "from-env")
    monkeypatch.delenv("SAHAKUM_TEST_B", raising=False)
    assert load_env_file(str(env_file)) == env_file
    assert os.environ["SAHAKUM_TEST_A"] == "from-env"
    assert os.environ["SAHAKUM_TEST_B"] == "from-file"
    monkeypatch.delenv("SAHAKUM_TEST_B")


def test_a_named_file_that_is_missing_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SAHAKUM_ENV_FILE", str(tmp_path / "nope.env"))
    with pytest.raises(FileNotFoundError):
        load_env_file()


def _run(*args, env_file: Path):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["SAHAKUM_ENV_FILE"] = str(env_file)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


PRODUCTION_FILE = """
DJANGO_SETTINGS_MODULE=cms.settings.production
SECRET_KEY=file-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ
ALLOWED_HOSTS=sahakum.example.org
DATABASE_URL=sqlite:///{db}
REDIS_URL=redis://127.0.0.1:6379/15
WAGTAILADMIN_BASE_URL=https://sahakum.example.org
DEFAULT_FROM_EMAIL="Sahakum <no-reply@sahakum.example.org>"
"""


def test_manage_py_runs_production_settings_from_the_file_alone(tmp_path):
    env_file = tmp_path / "sahakum.env"
    env_file.write_text(PRODUCTION_FILE.format(db=tmp_path / "db.sqlite3"))
    result = _run(
        "manage.py",
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.SETTINGS_MODULE, s.DEBUG, s.STORAGES['staticfiles']['BACKEND'],"
        " s.TASKS['default']['BACKEND'], s.WAGTAILADMIN_BASE_URL)",
        env_file=env_file,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "cms.settings.production",
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "django_tasks_db.backend.DatabaseBackend",
        "https://sahakum.example.org",
    ]
    deploy_check = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env_file=env_file)
    assert deploy_check.returncode == 0, deploy_check.stdout + deploy_check.stderr


def test_gunicorns_wsgi_module_reads_the_same_file(tmp_path):
    env_file = tmp_path / "sahakum.env"
    env_file.write_text(PRODUCTION_FILE.format(db=tmp_path / "db.sqlite3"))
    result = _run(
        "-c",
        "import cms.wsgi; from django.conf import settings; print(settings.SETTINGS_MODULE, settings.ALLOWED_HOSTS)",
        env_file=env_file,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["cms.settings.production", "['sahakum.example.org']"]
