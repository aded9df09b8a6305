"""`flask --app app backup [--to DIR]` and `restore FILE [--yes]` (CONTRACT.md)."""
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from cli.database import apply_migrations
from models import db, utcnow
from services.backup import restore as restoring
from services.backup.backups import Policy, make_backup
from services.backup.files import BackupFailed
from services.core.storage.database import sqlite_settings
from services.core.storage.schema import known_revisions
from services.routines.scheduler_settings import settings_from


def init_app(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(restore)


def _policy(directory: str | None) -> Policy:
    config = current_app.config
    settings = settings_from(config)
    target = directory or settings.backup_dir or Path(current_app.instance_path) / "backups"
    return Policy(Path(target), settings.tz, settings.backup_keep_daily, settings.backup_keep_monthly,
                  sqlite_settings(config)[0])


@click.command("backup")
@click.option("--to", "directory", type=click.Path(file_okay=False), help="Directory (default BACKUP_DIR).")
@with_appcontext
def backup(directory: str | None):
    """Copy the database while the app runs, verify the copy, keep N daily and M monthly; print its path last."""
    try:
        outcome = make_backup(db.session, _policy(directory), utcnow(), "cli")
    except BackupFailed as err:
        raise click.ClickException(err.message) from None
    click.echo(_("备份已核对：%(tables)s 张表，共 %(rows)s 行", tables=len(outcome.counts),
                 rows=sum(outcome.counts.values())))
    for old in outcome.deleted:
        click.echo(_("已删除过期备份：%(path)s", path=str(old)))
    click.echo(str(outcome.path))


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore(file: str, yes: bool):
    """Restore FILE (made by `backup`) into an empty database, then bring its schema up to date."""
    engine = db.engine
    try:
        ready = restoring.plan(engine, Path(file), known_revisions(current_app.root_path + "/migrations"))
    except BackupFailed as err:
        raise click.ClickException(err.message) from None
    click.echo(_("备份 %(file)s：数据库版本 %(revision)s，%(tables)s 张表，共 %(rows)s 行", file=file,
                 revision=ready.revision, tables=len(ready.counts), rows=sum(ready.counts.values())))
    click.echo(_("恢复到：%(target)s", target=engine.url.render_as_string(hide_password=True)))
    if not yes:
        click.confirm(_("确定恢复吗？"), abort=True)
    try:
        found = restoring.restore(engine, ready)
    except BackupFailed as err:
        raise click.ClickException(err.message) from None
    apply_migrations()  # an older backup is brought up to this version's schema
    click.echo(_("已恢复 %(rows)s 行，数据与备份一致", rows=sum(found.values())))
