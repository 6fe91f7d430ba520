#!/usr/bin/env python3
"""Restore a backup written by scripts/backup.py. docs/deployment.md, "Restore".

    scripts/restore.py /var/backups/sahakum/sahakum-20261129T200000Z \\
        --database-url postgres://sahakum@127.0.0.1:5432/sahakum_restored --media-root /var/lib/sahakum/media

The database must exist and be empty (`createdb -O sahakum sahakum_restored`); restoring over
a live database is refused. Media are unpacked into --media-root (which must be empty or
absent). Then point DATABASE_URL (and MEDIA_ROOT) at them, run `manage.py migrate` (a no-op
when the code matches) and restart the services."""

import argparse
import subprocess  # nosec B404  # runs the PostgreSQL tools with fixed arguments, never a shell
import sys
import tarfile
from pathlib import Path


def restore(*, stem: Path, database_url: str, media_root: Path | None) -> None:
    dump = stem.with_name(stem.name + ".dump")
    if not dump.is_file():
        raise SystemExit(f"no database dump at {dump}")
    tables = subprocess.run(  # nosec B603 B607  # fixed argv; pg tools from the server PATH
        ["psql", "-Atc", "select count(*) from pg_tables where schemaname = 'public'", database_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if tables != "0":
        raise SystemExit(f"refusing: the target database already has {tables} tables")
    subprocess.run(  # nosec B603 B607  # fixed argv; pg tools from the server PATH
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={database_url}", str(dump)],
        check=True,
    )
    archive = stem.with_name(stem.name + ".media.tar.gz")
    if media_root is not None and archive.is_file():
        if media_root.exists() and any(media_root.iterdir()):
            raise SystemExit(f"refusing: {media_root} is not empty")
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if not (member.isfile() or member.isdir()) or not member.name.startswith("media"):
                    continue
                member.name = member.name[len("media") :].lstrip("/") or "."
                tar.extract(member, media_root, filter="data")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stem", type=Path, help="backup path without .dump / .media.tar.gz")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--media-root", type=Path)
    options = parser.parse_args()
    restore(stem=options.stem, database_url=options.database_url, media_root=options.media_root)
    print(f"restored {options.stem.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
