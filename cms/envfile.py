"""One environment file for every process of a deployment.

manage.py (and so the `db_worker` and every scheduled command) and cms/wsgi.py (gunicorn) call
`load_env_file()` before Django reads its settings, so the commands in docs/deployment.md run
the production settings as written. The file is the one systemd's `EnvironmentFile=` reads:
`KEY=value` lines, `#` comments, optional single or double quotes, an optional `export `.

Which file: `$SAHAKUM_ENV_FILE` if set (set it to an empty string to read none), otherwise
/etc/sahakum/sahakum.env when it exists. Variables already in the environment win, so a
one-off `SOME_VAR=x manage.py …` still overrides the file."""

import os
from pathlib import Path

DEFAULT_ENV_FILE = "/etc/sahakum/sahakum.env"


def parse_env_file(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, separator, value = line.partition("=")
        key = key.strip()
        if not separator or not key.replace("_", "").isalnum() or key[0].isdigit():
            raise ValueError(f"line {number}: expected KEY=value, got {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in {"'", '"'}:
            value = value[1:-1]
        values[key] = value
    return values


def load_env_file(path: str | None = None) -> Path | None:
    """Load the deployment's env file into os.environ (without overriding what is set).
    Returns the file read, or None."""
    if path is None:
        path = os.environ.get("SAHAKUM_ENV_FILE", DEFAULT_ENV_FILE)
    if not path:
        return None
    file = Path(path)
    if not file.is_file():
        if "SAHAKUM_ENV_FILE" in os.environ and os.environ["SAHAKUM_ENV_FILE"]:
            raise FileNotFoundError(f"SAHAKUM_ENV_FILE={path} does not exist")
        return None
    for key, value in parse_env_file(file.read_text(encoding="utf-8")).items():
        os.environ.setdefault(key, value)
    return file
