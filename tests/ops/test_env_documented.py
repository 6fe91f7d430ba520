"""Every environment variable the settings read is in docs/deployment.md's table, the table
lists nothing the code does not read, and its "required" column matches production.py."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = sorted((ROOT / "cms" / "settings").glob("*.py"))
DOC = ROOT / "docs" / "deployment.md"
ENV_HELPERS = {"env_bool", "env_list", "env_int", "getenv"}
# Read by code outside cms/settings: manage.py/wsgi (the env file), the backup script, bootstrap,
# dj-database-url (DATABASE_URL is read here explicitly), boto3 (the AWS credentials).
READ_ELSEWHERE = {
    "SAHAKUM_ENV_FILE",
    "SAHAKUM_ADMIN_PASSWORD",
    "BACKUP_DIR",
    "BACKUP_KEEP_DAILY",
    "BACKUP_KEEP_MONTHLY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
}


def _is_environ(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def variables_read_by_settings() -> set[str]:
    names = set()
    for path in SETTINGS:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            key = None
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if called in ENV_HELPERS or (called in {"get", "pop", "setdefault"} and _is_environ(func.value)):
                    key = node.args[0] if node.args else None
            elif isinstance(node, ast.Subscript) and _is_environ(node.value):
                key = node.slice
            elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
                key = node.left
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
    names.add("DATABASE_URL")  # dj_database_url.config() reads it
    return names


def documented() -> dict[str, str]:
    """{variable: "required" column} from the table under "## Environment variables"."""
    text = DOC.read_text()
    section = text.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or set(cells[0]) <= {"-", " "}:
            continue
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]):
            rows[name] = cells[1].lower()
    return rows


def test_the_parser_finds_what_the_settings_read():
    found = variables_read_by_settings()
    assert {"SECRET_KEY", "REDIS_URL", "DB_CONN_MAX_AGE", "SECURE_HSTS_SECONDS", "DJANGO_DEBUG"} <= found


def test_every_variable_read_is_documented():
    missing = variables_read_by_settings() - set(documented())
    assert not missing, f"add to docs/deployment.md: {sorted(missing)}"


def test_nothing_documented_that_nothing_reads():
    extra = set(documented()) - variables_read_by_settings() - READ_ELSEWHERE - {"DJANGO_SETTINGS_MODULE"}
    assert not extra, f"documented but never read: {sorted(extra)}"


def test_required_column_matches_production():
    source = (ROOT / "cms" / "settings" / "production.py").read_text()
    required = set(ast.literal_eval(re.search(r"REQUIRED_ENV = (\[.*?\])", source, re.S).group(1)))
    marked = {name for name, column in documented().items() if column.startswith("yes")}
    assert marked == required | {"DJANGO_SETTINGS_MODULE"}


def test_readme_points_to_the_table():
    assert "docs/deployment.md#environment-variables" in (ROOT / "README.md").read_text()
