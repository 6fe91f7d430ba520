"""One environment file for every process of a deployment.

manage.py (and so the `db_worker` and every scheduled command) and cms/wsgi.py (gunicorn) call
`load_env_file()` before Django reads its settings, so the commands in docs/deployment.md run
the production settings as written. The file is the one systemd's `EnvironmentFile=` reads:
`KEY=value` lines, `#` comments, optional single or double quotes, an optional `export `.

Which file: `$SAHAKUM_ENV_FILE` if set (set it to an empty string to read none), otherwise
/etc/sahakum/sahakum.env when it exists. Variables already in the environment win, so a
one-off `SOME_VAR=x manage.py …` still overrides the file."""

import io
import os
import re
from pathlib import Path

from dotenv.parser import parse_stream

DEFAULT_ENV_FILE = "/etc/sahakum/sahakum.env"
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_env_file(text: str) -> dict[str, str]:
    """python-dotenv parses (quotes, `export`, comments); a line it cannot read, a name that is
    not a shell variable name, or a name without `=` is an error naming the line, so a typo
    never silently drops a setting."""
    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.key is None and not binding.error:
            continue  # blank line or comment
        if binding.error or binding.value is None or not VARIABLE_NAME.fullmatch(binding.key):
            original = binding.original
            raise ValueError(f"line {original.line}: expected KEY=value, got {original.string.rstrip()!r}")
        values[binding.key] = binding.value
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
