#!/usr/bin/env python3
"""Back up a Sahakum server: the PostgreSQL database (pg_dump custom format) and the media
directory (a .tar.gz), then apply the retention policy. docs/deployment.md, "Backups".

    scripts/backup.py                       # uses /etc/sahakum/sahakum.env (or $SAHAKUM_ENV_FILE)
    BACKUP_DIR=/var/backups/sahakum BACKUP_KEEP_DAILY=14 BACKUP_KEEP_MONTHLY=12 scripts/backup.py

Reads DATABASE_URL and MEDIA_ROOT like the app does. Writes
<BACKUP_DIR>/sahakum-<UTC time>.dump and .media.tar.gz, checks the dump is readable
(`pg_restore --list`), prints what it wrote. Retention: the newest BACKUP_KEEP_DAILY backups,
plus the first backup of each of the last BACKUP_KEEP_MONTHLY months. Copy BACKUP_DIR off the
server (rclone, rsync) — a backup on the same disk is not a backup."""

import datetime
import os
import subprocess  # nosec B404  # runs the PostgreSQL tools with fixed arguments, never a shell
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cms.envfile import load_env_file  # noqa: E402

PREFIX = "sahakum-"
STAMP = "%Y%m%dT%H%M%SZ"


def backup(*, database_url: str, media_root: Path | None, backup_dir: Path, now: datetime.datetime) -> list[Path]:
    backup_dir.mkdir(parents=True, exist_ok=True)
    stem = backup_dir / f"{PREFIX}{now.strftime(STAMP)}"
    dump = stem.with_name(stem.name + ".dump")
    partial = dump.with_name(dump.name + ".partial")
    subprocess.run(  # nosec B603 B607  # fixed argv; pg tools from the server PATH
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", database_url], check=True
    )
    subprocess.run(["pg_restore", "--list", str(partial)], check=True, stdout=subprocess.DEVNULL)  # nosec B603 B607  # fixed argv; pg tools from the server PATH
    partial.rename(dump)
    written = [dump]
    if media_root is not None and media_root.is_dir():
        archive = stem.with_name(stem.name + ".media.tar.gz")
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(media_root, arcname="media")
        partial.rename(archive)
        written.append(archive)
    return written


def stamps(backup_dir: Path) -> list[datetime.datetime]:
    found = set()
    for path in backup_dir.glob(f"{PREFIX}*.dump"):
        try:
            found.add(datetime.datetime.strptime(path.name[len(PREFIX) : -len(".dump")], STAMP))
        except ValueError:
            continue
    return sorted(found, reverse=True)


def to_keep(all_stamps: list[datetime.datetime], *, daily: int, monthly: int) -> set[datetime.datetime]:
    keep = set(all_stamps[:daily])
    firsts: dict[tuple[int, int], datetime.datetime] = {}
    for stamp in all_stamps:  # newest first: the last one seen per month is its first
        firsts[(stamp.year, stamp.month)] = stamp
    for month in sorted(firsts, reverse=True)[:monthly]:
        keep.add(firsts[month])
    return keep


def prune(backup_dir: Path, *, daily: int, monthly: int) -> list[Path]:
    all_stamps = stamps(backup_dir)
    keep = to_keep(all_stamps, daily=daily, monthly=monthly)
    removed = []
    for stamp in all_stamps:
        if stamp in keep:
            continue
        for path in backup_dir.glob(f"{PREFIX}{stamp.strftime(STAMP)}.*"):
            path.unlink()
            removed.append(path)
    return removed


def main() -> int:
    load_env_file()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must be a PostgreSQL URL", file=sys.stderr)
        return 2
    media_root = Path(os.environ.get("MEDIA_ROOT", ROOT / "media"))
    if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        media_root = None  # media live in the bucket: use its versioning / replication
    backup_dir = Path(os.environ.get("BACKUP_DIR", "/var/backups/sahakum"))
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    for path in backup(database_url=database_url, media_root=media_root, backup_dir=backup_dir, now=now):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    daily = int(os.environ.get("BACKUP_KEEP_DAILY", "14"))
    monthly = int(os.environ.get("BACKUP_KEEP_MONTHLY", "12"))
    for path in prune(backup_dir, daily=daily, monthly=monthly):
        print(f"removed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
