"""Which backups to keep: the newest of each of the last N days and of each of the last M months."""
from services.backup.files import BackupFile


def _newest_per(files: list[BackupFile], key, how_many: int) -> set:
    kept, periods = set(), []
    for backup in files:  # newest first
        period = key(backup)
        if period in periods:
            continue
        if len(periods) == how_many:
            break
        periods.append(period)
        kept.add(backup.path)
    return kept


def to_delete(files: list[BackupFile], keep_daily: int, keep_monthly: int) -> list[BackupFile]:
    """The backups past both allowances; the newest is always kept."""
    files = sorted(files, key=lambda f: f.taken_at, reverse=True)
    kept = _newest_per(files, lambda f: f.taken_at.date(), keep_daily)
    kept |= _newest_per(files, lambda f: (f.taken_at.year, f.taken_at.month), keep_monthly)
    kept |= {files[0].path} if files else set()
    return [f for f in files if f.path not in kept]
