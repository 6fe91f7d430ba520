"""Backup retention (scripts/backup.py): the newest N daily backups plus the first of each of
the last M months; nothing else."""

import datetime
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from backup import PREFIX, STAMP, prune, to_keep  # noqa: E402


def _days(start: datetime.datetime, count: int) -> list[datetime.datetime]:
    return sorted((start + datetime.timedelta(days=offset) for offset in range(count)), reverse=True)


def test_keeps_recent_dailies_and_monthly_firsts():
    stamps = _days(datetime.datetime(2026, 1, 1, 20), 120)  # 1 Jan .. 30 Apr
    keep = to_keep(stamps, daily=7, monthly=3)
    assert set(stamps[:7]) <= keep
    firsts = {datetime.datetime(2026, month, 1, 20) for month in (2, 3, 4)}
    assert firsts <= keep
    assert datetime.datetime(2026, 1, 1, 20) not in keep  # a fourth month ago
    assert len(keep) == 7 + 3


def test_prune_deletes_both_files_of_a_dropped_backup_and_nothing_else(tmp_path):
    stamps = _days(datetime.datetime(2026, 3, 1, 20), 5)
    for stamp in stamps:
        for suffix in (".dump", ".media.tar.gz"):
            (tmp_path / f"{PREFIX}{stamp.strftime(STAMP)}{suffix}").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("keep me")
    removed = prune(tmp_path, daily=2, monthly=1)
    assert len(removed) == 2 * 2  # days 3 and 4 of March; 1 March is the month's first
    left = sorted(path.name for path in tmp_path.iterdir())
    assert "notes.txt" in left
    assert len(left) == 1 + 3 * 2


@pytest.mark.parametrize("daily,monthly", [(0, 0)])
def test_zero_retention_keeps_nothing(daily, monthly):
    assert to_keep(_days(datetime.datetime(2026, 1, 1), 3), daily=daily, monthly=monthly) == set()
