#!/usr/bin/env python3
"""Backup → restore → compare: backs up a seeded database and its media with scripts/backup.py,
restores them into a NEW PostgreSQL database and an empty directory with scripts/restore.py,
and compares row counts (orders, products, members, images, pages, …) and media files.
Exits non-zero on any difference. Results: bench/BACKUP-RESTORE.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sahakum_demo MEDIA_ROOT=/path/to/media \\
        .venv/bin/python bench/backup_restore.py
"""

import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from backup import backup  # noqa: E402
from restore import restore  # noqa: E402

TABLES = {
    "orders": "marketplace_order",
    "order lines": "marketplace_orderline",
    "products": "marketplace_product",
    "members": "networks_member",
    "memberships": "networks_membership",
    "villages": "networks_village",
    "images": "wagtailimages_image",
    "renditions": "wagtailimages_rendition",
    "documents": "wagtaildocs_document",
    "pages": "wagtailcore_page",
    "page revisions": "wagtailcore_revision",
    "users": "accounts_user",
    "task results": "django_tasks_database_dbtaskresult",
}


def counts(database_url: str) -> dict[str, int | None]:
    result = {}
    for label, table in TABLES.items():
        out = subprocess.run(
            ["psql", "-Atc", f"select count(*) from {table}", database_url],  # noqa: S608 (fixed table names)
            capture_output=True,
            text=True,
        )
        result[label] = int(out.stdout.strip()) if out.returncode == 0 else None
    return result


def media_files(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root)): path.stat().st_size for path in root.rglob("*") if path.is_file()}


def main() -> int:
    source = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sahakum_demo")
    media_root = Path(os.environ.get("MEDIA_ROOT", ROOT / "media"))
    parts = urlsplit(source)
    target_name = f"sahakum_restore_check_{int(time.time())}"
    target = urlunsplit(parts._replace(path="/" + target_name))
    admin = urlunsplit(parts._replace(path="/postgres"))
    lines = [f"source {parts.path.lstrip('/')} on {parts.hostname}:{parts.port or 5432}, media {media_root}"]
    with tempfile.TemporaryDirectory(prefix="sahakum-backup-check-") as tmp:
        started = time.perf_counter()
        written = backup(
            database_url=source, media_root=media_root, backup_dir=Path(tmp) / "backups", now=datetime.datetime.now()
        )
        backup_seconds = time.perf_counter() - started
        for path in written:
            lines.append(f"backup  {path.name}  {path.stat().st_size:,} bytes")
        subprocess.run(["psql", "-qc", f'CREATE DATABASE "{target_name}"', admin], check=True)
        restored_media = Path(tmp) / "restored-media"
        try:
            started = time.perf_counter()
            stem = written[0].with_name(written[0].name[: -len(".dump")])
            restore(stem=stem, database_url=target, media_root=restored_media)
            restore_seconds = time.perf_counter() - started
            before, after = counts(source), counts(target)
            source_media, target_media = media_files(media_root), media_files(restored_media)
        finally:
            subprocess.run(["psql", "-qc", f'DROP DATABASE IF EXISTS "{target_name}"', admin], check=True)
    lines.append(f"backup {backup_seconds:.1f} s, restore {restore_seconds:.1f} s (into {target_name}, dropped after)")
    lines.append("")
    lines.append("| what | source | restored |")
    lines.append("| --- | ---: | ---: |")
    differences = 0
    for label in TABLES:
        mark = "" if before[label] == after[label] else "  ← DIFFERENT"
        differences += bool(mark)
        lines.append(f"| {label} | {before[label]} | {after[label]}{mark} |")
    same_media = source_media == target_media
    differences += not same_media
    lines.append(
        f"| media files (name and size) | {len(source_media)} | {len(target_media)}"
        f"{'' if same_media else '  ← DIFFERENT'} |"
    )
    lines.append("")
    lines.append("RESULT: " + ("identical" if not differences else f"{differences} difference(s)"))
    print("\n".join(lines))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
